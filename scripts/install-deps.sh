#!/usr/bin/env bash
# Installs, from Debian 12's own repositories, everything needed to build,
# run and test cri-shim. Idempotent: when every package is already installed
# it returns at once, without apt-get update.
#
# Usage: scripts/install-deps.sh        (root, or a user with sudo)
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

packages=(
  # build
  build-essential pkg-config meson ninja-build ccache git
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev
  nlohmann-json3-dev libspdlog-dev libboost-dev zlib1g-dev libyaml-cpp-dev
  libcpp-httplib-dev doctest-dev python3
  libssl-dev  # libcrypto: MD5 of static pod UIDs (agent/pod/static_uid.cc)
  # the Debian package (scripts/package.sh; dpkg-dev comes with build-essential)
  help2man
  # run: the Docker Engine. --no-install-recommends below, so its useful
  # recommends are named: apparmor (dockerd needs apparmor_parser on a
  # kernel with AppArmor on), xz-utils (compressed image archives).
  docker.io iptables apparmor xz-utils ca-certificates
  # CNI mode (--network-plugin=cni): bridge, host-local, loopback, portmap
  # land in /usr/lib/cni; portmap needs iptables (above)
  containernetworking-plugins
  # test environment (scripts/lib/testenv.sh)
  docker-registry busybox-static apache2-utils openssl curl
  iproute2 procps util-linux tar coreutils
)

# Prints the packages that are not fully installed.
missing_packages() {
  local pkg status
  for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "ii "* ]] || printf '%s\n' "$pkg"
  done
}

# The streaming tests' interop clients (Node's spdy-transport and ws, pinned
# by tests/shim/streaming/interop/package-lock.json) come from the npm registry.
# Node itself comes from Debian unless a Node.js with npm is already there
# (e.g. NodeSource's, which conflicts with Debian's npm package).
interop_dir=$CRI_SHIM_ROOT/tests/shim/streaming/interop
install_interop_clients() {
  local stamp=$interop_dir/node_modules/.installed-from-lock
  cmp -s "$interop_dir/package-lock.json" "$stamp" 2>/dev/null && return 0
  log "installing the streaming interop clients (npm ci)"
  (cd "$interop_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$interop_dir/package-lock.json" "$stamp"
}
command -v npm >/dev/null || packages+=(nodejs npm)

mapfile -t missing < <(missing_packages)
if ((${#missing[@]} == 0)); then
  log "all ${#packages[@]} packages are installed"
  install_interop_clients
  exit 0
fi

log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"

mapfile -t missing < <(missing_packages)
((${#missing[@]} == 0)) || die "still not installed: ${missing[*]}"
log "all ${#packages[@]} packages are installed"
install_interop_clients
