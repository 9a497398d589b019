# shellcheck shell=bash
# The busybox image the tests and the examples run: Debian's static busybox
# as a root filesystem, imported into dockerd with `docker import` (no
# registry, no network). Needs a running dockerd (docker.sh: dockerd_ensure).
#
#   images_busybox_tar DIR TAR      builds the rootfs in DIR and packs it as TAR
#   images_import TAR TAG [USER]    imports TAR as TAG (CMD sh, PATH, USER)
#   images_example_ensure           the example image, $IMAGES_EXAMPLE
#
# Imports are idempotent: an image whose content label matches what would be
# imported is left as it is, so its ID stays the same across runs.

[[ -n "${_CRI_SHIM_IMAGES_SH:-}" ]] && return 0
_CRI_SHIM_IMAGES_SH=1
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=scripts/lib/docker.sh
. "$(dirname "${BASH_SOURCE[0]}")/docker.sh"

# The image examples/manifests/ name (tag "1", not "latest": its default pull
# policy is IfNotPresent, as a local-only image needs).
readonly IMAGES_EXAMPLE=cri-shim.local/busybox:1
# The label that records an image's content (its name predates the examples;
# kept so that images imported before stay up to date).
readonly IMAGES_CONTENT_LABEL=io.cri-shim.test.content
readonly IMAGES_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Builds the rootfs in DIR (created) and packs it, reproducibly, as TAR.
images_busybox_tar() {
  local root=$1 tar=$2
  command -v busybox >/dev/null 2>&1 || die "busybox not found: run scripts/install-deps.sh"
  _images_rootfs "$root"
  tar --sort=name --mtime=@0 --numeric-owner -C "$root" -cf "$tar" .
}

# A minimal root filesystem: Debian's static busybox with every applet as a
# hard link at its usual place, and the users and groups the tests name.
_images_rootfs() {
  local root=$1 busybox applet
  busybox=$(command -v busybox)
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,home/user1002,var/www,proc,sys,dev}
  cp "$busybox" "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  while read -r applet; do
    [[ -z "$applet" || "$applet" == bin/busybox ]] && continue
    mkdir -p "$root/$(dirname "$applet")"
    ln "$root/bin/busybox" "$root/$applet"
  done < <("$root/bin/busybox" --list-full)
  [[ -e "$root/bin/sh" ]] || die "busybox has no sh applet"

  cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/sh
user1002:x:1002:1002:user1002:/home/user1002:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
  cat >"$root/etc/group" <<'GROUP'
root:x:0:
daemon:x:1:
www-data:x:33:
user1002:x:1002:
group1004:x:1004:user1002,www-data
nogroup:x:65534:
GROUP
  chmod 0755 "$root" "$root"/{bin,sbin,usr,usr/bin,usr/sbin,etc,home,var,var/www,proc,sys,dev}
  chmod 0644 "$root/etc/passwd" "$root/etc/group"
  chmod 0700 "$root/root"
  chmod 1777 "$root/tmp"
  chown 1002:1002 "$root/home/user1002"
  chown 33:33 "$root/var/www"
}

# Imports TAR as TAG (with USER when given), unless TAG already holds it.
images_import() {
  local tar=$1 tag=$2 user=${3:-}
  local -a changes=('CMD ["sh"]' "ENV PATH=$IMAGES_PATH")
  [[ -n "$user" ]] && changes+=("USER $user")
  local rootfs_sum content
  rootfs_sum=$(sha256sum "$tar" | cut -d' ' -f1)
  content=$(printf '%s\n' "$rootfs_sum" "${changes[@]}" | sha256sum | cut -d' ' -f1)

  local old_id have
  old_id=$(docker_cli image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  have=$(docker_cli image inspect --format "{{ index .Config.Labels \"$IMAGES_CONTENT_LABEL\" }}" "$tag" 2>/dev/null || true)
  if [[ "$have" == "$content" ]]; then
    log "image $tag is up to date"
    return 0
  fi
  local -a args=()
  local change
  for change in "${changes[@]}" "LABEL $IMAGES_CONTENT_LABEL=$content"; do
    args+=(--change "$change")
  done
  log "importing $tag${user:+ (USER $user)}"
  docker_cli import "${args[@]}" "$tar" "$tag" >/dev/null
  # The image the tag held before is now untagged: remove it unless in use.
  if [[ -n "$old_id" && "$old_id" != "$(docker_cli image inspect --format '{{.Id}}' "$tag")" ]]; then
    docker_cli image rm "$old_id" >/dev/null 2>&1 || true
  fi
}

# Makes sure the example image ($IMAGES_EXAMPLE) is in dockerd; builds it in
# a temporary directory that is gone when this returns. (No argument: the
# examples name that one tag.)
images_example_ensure() {
  local tag=$IMAGES_EXAMPLE tmp rc=0
  docker_ping || die "dockerd does not answer on $CRI_SHIM_DOCKER_ENDPOINT (call dockerd_ensure first)"
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/cri-shim-image.XXXXXX")
  { images_busybox_tar "$tmp/rootfs" "$tmp/rootfs.tar" && images_import "$tmp/rootfs.tar" "$tag" ""; } || rc=$?
  rm -rf "$tmp"
  return "$rc"
}
