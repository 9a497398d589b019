#!/usr/bin/env bash
# The Debian package, built from this tree by scripts/package.sh and installed
# on this machine: its metadata and files, its units (checked by
# systemd-analyze when it is here), both binaries run from the package, a
# pod run through them, then a purge that leaves nothing the package put
# there. Under a running systemd the units serve; without one (a container,
# CI) the binaries are run by hand with the packaged settings.
#
# Needs root and the test environment (scripts/test.sh: dockerd, the test
# image). Skipped (77) when a cri-shim package is already installed here: the
# test never replaces one.
set -euo pipefail

skip() { echo "SKIP: $*"; exit 77; }
fail() {
  echo "FAIL: $*" >&2
  local log
  for log in "${work:-/nonexistent}"/*.log; do
    [[ -f "$log" ]] && { echo "--- last lines of $log:" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}
step() { echo "--- $*"; }

[[ $EUID -eq 0 ]] || skip "dpkg -i needs root"
for cmd in dpkg-deb curl; do command -v "$cmd" >/dev/null || skip "$cmd is not installed"; done
status=$(dpkg-query -W -f='${db:Status-Abbrev}' cri-shim 2>/dev/null || true)
if [[ -n "$status" && "$status" != "un "* && "$status" != "pn "* ]]; then
  skip "a cri-shim package is installed here; this test does not replace it"
fi
: "${CRI_SHIM_TEST_DOCKER_ENDPOINT:?run through scripts/test.sh (the test environment)}"
: "${CRI_SHIM_TEST_IMAGE:?run through scripts/test.sh (the test environment)}"
curl -V | grep -q HTTP2 || skip "this curl has no HTTP/2 (needed to call gRPC)"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d /tmp/cri-shim-package-test.XXXXXX)
namespace=package-test-$$
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || continue
    wait "$pid" 2>/dev/null || true
  done
  docker -H "$CRI_SHIM_TEST_DOCKER_ENDPOINT" ps -aq --filter "label=io.kubernetes.pod.namespace=$namespace" \
    | xargs -r docker -H "$CRI_SHIM_TEST_DOCKER_ENDPOINT" rm -f >/dev/null 2>&1 || true
  # A failing test leaves no package behind either.
  if dpkg-query -W -f='${db:Status-Abbrev}' cri-shim 2>/dev/null | grep -q '^[a-z]i'; then
    dpkg --purge cri-shim >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step "build the package"
deb=$(CRI_SHIM_BUILD_DIR=${CRI_SHIM_BUILD_DIR:-build} "$repo/scripts/package.sh" --out "$work")
[[ -f "$deb" ]] || fail "scripts/package.sh printed no package"
[[ "$(basename "$deb")" =~ ^cri-shim_[0-9][^_]*_[a-z0-9]+\.deb$ ]] || fail "unexpected file name $deb"
fields=$(dpkg-deb --field "$deb" Package Version Architecture Depends)
echo "$fields"
grep -q '^Depends: .*libgrpc++' <<<"$fields" || fail "Depends lacks the gRPC library"
grep -q '^Depends: .*docker.io' <<<"$fields" || fail "Depends lacks Docker"

step "install it"
dpkg -i "$deb" || fail "dpkg -i failed"
expected=(/usr/bin/cri-shim /usr/bin/node-agent
  /lib/systemd/system/cri-shim.service /lib/systemd/system/cri-shim.socket /lib/systemd/system/node-agent.service
  /etc/cri-shim/cri-shim.yaml /etc/default/node-agent /etc/node-agent/manifests
  /usr/share/man/man8/cri-shim.8.gz /usr/share/man/man8/node-agent.8.gz)
for path in "${expected[@]}"; do [[ -e "$path" ]] || fail "$path is not installed"; done
dpkg -L cri-shim >"$work/files"
[[ "$(dpkg-query -W -f='${Conffiles}' cri-shim)" == *"/etc/cri-shim/cri-shim.yaml"* ]] \
  || fail "/etc/cri-shim/cri-shim.yaml is not a conffile"
/usr/bin/cri-shim --version | grep -q '^cri-shim ' || fail "cri-shim --version"
/usr/bin/node-agent --version | grep -q '^node-agent ' || fail "node-agent --version"
zcat /usr/share/man/man8/cri-shim.8.gz | grep -q -- 'container\\-runtime\\-endpoint' \
  || fail "the man page lacks the flags"
zcat /usr/share/man/man8/node-agent.8.gz | grep -q -- 'manifest\\-dir' || fail "node-agent's man page lacks its flags"

if command -v deb-systemd-helper >/dev/null; then
  [[ -L /etc/systemd/system/sockets.target.wants/cri-shim.socket ]] || fail "cri-shim.socket is not enabled"
  [[ -L /etc/systemd/system/multi-user.target.wants/cri-shim.service ]] || fail "cri-shim.service is not enabled"
  [[ ! -e /etc/systemd/system/multi-user.target.wants/node-agent.service ]] || fail "node-agent.service is enabled"
fi
if command -v systemd-analyze >/dev/null; then
  step "systemd-analyze verify"
  # Only the units' own errors count: docker.service may not exist here.
  systemd-analyze verify --man=no /lib/systemd/system/cri-shim.socket /lib/systemd/system/cri-shim.service \
    /lib/systemd/system/node-agent.service >"$work/verify.log" 2>&1 || true
  cat "$work/verify.log"
  if grep -v -e 'docker.service' -e 'network-online.target' "$work/verify.log" | grep -qi -e 'cri-shim\.' -e 'node-agent\.'; then
    fail "systemd-analyze verify found problems in the units"
  fi
fi

# A gRPC call with curl: Version, an empty message in gRPC's framing.
cri_version() {
  printf '\0\0\0\0\0' >"$work/empty"
  curl -s --max-time 10 --http2-prior-knowledge --unix-socket "$1" -H 'content-type: application/grpc' \
    -H 'te: trailers' --data-binary @"$work/empty" -o "$work/version.out" \
    http://localhost/runtime.v1.RuntimeService/Version && grep -aq docker "$work/version.out"
}
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2 i
  shift 2
  for ((i = 0; i < seconds * 5; i++)); do "$@" && return 0; sleep 0.2; done
  fail "$what: not within $seconds s"
}

if [[ -d /run/systemd/system ]]; then
  step "under systemd: the socket and the service"
  systemctl is-active --quiet cri-shim.socket || fail "cri-shim.socket is not active"
  wait_for 30 "CRI Version on /run/cri-shim/cri-shim.sock" cri_version /run/cri-shim/cri-shim.sock
  systemctl is-active --quiet cri-shim.service || fail "cri-shim.service is not active"
  shim_socket=/run/cri-shim/cri-shim.sock
else
  step "no systemd here: the packaged binaries by hand, with the packaged settings"
  shim_socket=$work/cri-shim.sock
  /usr/bin/cri-shim --config /etc/cri-shim/cri-shim.yaml --listen "unix://$shim_socket" \
    --docker-endpoint "$CRI_SHIM_TEST_DOCKER_ENDPOINT" --root-dir "$work/shim-root" >"$work/cri-shim.log" 2>&1 &
  pids+=($!)
  wait_for 30 "CRI Version on $shim_socket" cri_version "$shim_socket"
fi

step "a pod through the packaged node-agent"
mkdir -p "$work/manifests"
cat >"$work/manifests/pod.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: packaged, namespace: $namespace}
spec:
  containers:
  - {name: main, image: $CRI_SHIM_TEST_IMAGE, imagePullPolicy: Never, command: [sleep, "3600"]}
YAML
/usr/bin/node-agent --runtime-endpoint "unix://$shim_socket" --root-dir "$work/agent-root" \
  --manifest-dir "$work/manifests" --file-check-frequency-ms 500 --listen 127.0.0.1:0 \
  --cgroups-per-qos=false --enforce-node-allocatable=none >"$work/node-agent.log" 2>&1 &
pids+=($!)
agent_port() { sed -n 's/.*serving its API on port \([0-9]*\).*/\1/p' "$work/node-agent.log" | head -1; }
agent_api_up() { [[ -n "$(agent_port)" ]]; }
wait_for 30 "node-agent's API" agent_api_up
# A pod from a file is a static pod: its name gets the node's ("packaged-<node>").
pod_running() { curl -s "http://127.0.0.1:$(agent_port)/pods" | grep -q '"phase":"Running"'; }
wait_for 60 "the pod running" pod_running
rm "$work/manifests/pod.yaml"
pod_gone() { ! curl -s "http://127.0.0.1:$(agent_port)/pods" | grep -q '"name":"packaged-'; }
wait_for 60 "the pod deleted" pod_gone
for pid in "${pids[@]}"; do kill -TERM "$pid"; wait "$pid" || fail "a packaged binary exited non-zero on SIGTERM"; done
pids=()

step "purge it"
dpkg --purge cri-shim || fail "dpkg --purge failed"
while read -r path; do
  [[ "$path" == /. ]] && continue
  # Directories that other packages share (/usr/bin, /etc/default) stay.
  if [[ -e "$path" && ! -d "$path" ]]; then fail "$path is still there after the purge"; fi
done <"$work/files"
for path in /etc/cri-shim /etc/node-agent /etc/systemd/system/sockets.target.wants/cri-shim.socket \
            /etc/systemd/system/multi-user.target.wants/cri-shim.service /etc/systemd/system/cri-shim.service; do
  [[ ! -e "$path" && ! -L "$path" ]] || fail "$path is still there after the purge"
done
echo "PASS"
