#!/usr/bin/env bash
# Builds the Debian package cri-shim_<version>_<arch>.deb from the tree:
# both binaries (stripped), the systemd units of packaging/systemd (socket
# activation and Type=notify), the default settings (/etc/cri-shim/cri-shim.yaml,
# /etc/default/node-agent), man pages made from --help (help2man), and the
# maintainer scripts of packaging/debian. Its Depends come from
# dpkg-shlibdeps (the shared libraries the binaries link) plus Docker.
#
# Usage: scripts/package.sh [--out DIR]
#   --out DIR  where the .deb goes (default <build dir>/package)
#   CRI_SHIM_BUILD_DIR  the build to package (default build, relative to the
#                       repository or absolute); only the two binaries are
#                       compiled in it.
# Prints the package's path on stdout. Install it with
#   apt install ./cri-shim_<version>_<arch>.deb
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/build.sh
. "$CRI_SHIM_ROOT/scripts/lib/build.sh"

out=
while (($#)); do
  case "$1" in
    --out) out=${2:?--out wants a directory}; shift 2 ;;
    --out=*) out=${1#--out=}; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
for cmd in dpkg-deb dpkg-shlibdeps help2man strip gzip; do
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found: run scripts/install-deps.sh"
done

CRI_SHIM_BUILD_TARGETS="shim/cri-shim agent/app/node-agent" build_project >&2
build=$CRI_SHIM_BUILD_DIR
[[ "$build" == /* ]] || build=$CRI_SHIM_ROOT/$build
out=${out:-$build/package}
version=$(meson introspect "$build" --projectinfo | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
arch=$(dpkg --print-architecture)
package=cri-shim_${version}_${arch}.deb
packaging=$CRI_SHIM_ROOT/packaging

stage=$(mktemp -d "${TMPDIR:-/tmp}/cri-shim-package.XXXXXX")
on_exit rm -rf "$stage"
root=$stage/root
log "staging cri-shim $version ($arch) in $root"

# The binaries, without their debug information (the build keeps it).
install -d "$root/usr/bin"
for binary in shim/cri-shim agent/app/node-agent; do
  install -m 0755 "$build/$binary" "$root/usr/bin/"
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/${binary##*/}"
done

install -d "$root/lib/systemd/system"
install -m 0644 "$packaging"/systemd/cri-shim.service "$packaging"/systemd/cri-shim.socket \
  "$packaging"/systemd/node-agent.service "$root/lib/systemd/system/"
install -D -m 0644 "$packaging/etc/cri-shim.yaml" "$root/etc/cri-shim/cri-shim.yaml"
install -D -m 0644 "$packaging/etc/node-agent.default" "$root/etc/default/node-agent"
install -d "$root/etc/node-agent/manifests"

# Man pages from --help, so they never disagree with the binaries.
install -d "$root/usr/share/man/man8"
help2man --no-info --section 8 --version-string "$version" --no-discard-stderr \
  --name "Kubernetes CRI v1 runtime service for Docker Engine" "$root/usr/bin/cri-shim" \
  | gzip -9n >"$root/usr/share/man/man8/cri-shim.8.gz"
help2man --no-info --section 8 --version-string "$version" --no-discard-stderr \
  --name "a small kubelet that runs Pod manifests through CRI" "$root/usr/bin/node-agent" \
  | gzip -9n >"$root/usr/share/man/man8/node-agent.8.gz"

install -d "$root/usr/share/doc/cri-shim"
gzip -9n <"$CRI_SHIM_ROOT/README.md" >"$root/usr/share/doc/cri-shim/README.md.gz"
gzip -9n <"$CRI_SHIM_ROOT/agent/README.md" >"$root/usr/share/doc/cri-shim/node-agent.md.gz"

# The shared libraries' packages, as dpkg-shlibdeps finds them (it wants a
# debian/control beside it).
mkdir -p "$stage/src/debian"
printf 'Source: cri-shim\n\nPackage: cri-shim\nArchitecture: any\n' >"$stage/src/debian/control"
(cd "$stage/src" && dpkg-shlibdeps -O -e"$root/usr/bin/cri-shim" -e"$root/usr/bin/node-agent") \
  >"$stage/shlibs" 2>"$stage/shlibs.log" || { show_log_tail "$stage/shlibs.log"; die "dpkg-shlibdeps failed"; }
shlibs=$(sed -n 's/^shlibs:Depends=//p' "$stage/shlibs")
[[ -n "$shlibs" ]] || die "dpkg-shlibdeps found no dependencies"

install -d "$root/DEBIAN"
install -m 0755 "$packaging"/debian/postinst "$packaging"/debian/prerm "$packaging"/debian/postrm "$root/DEBIAN/"
printf '%s\n' /etc/cri-shim/cri-shim.yaml /etc/default/node-agent >"$root/DEBIAN/conffiles"
installed_kib=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_kib/" \
  -e "s/@SHLIBS@/$shlibs/" "$packaging/debian/control.in" >"$root/DEBIAN/control"

mkdir -p "$out"
dpkg-deb --root-owner-group --build "$root" "$out/$package" >&2
log "built $out/$package ($(du -k "$out/$package" | cut -f1) KiB)"
printf '%s\n' "$out/$package"
