#!/usr/bin/env bash
# The soak (not in CI): pods created and removed through cri-shim at a steady
# rate for an hour, with exec, log rotation and stats calls mixed in; every
# minute a row of what a leak would grow (RSS, malloc's heap, fds, threads,
# log followers, pump timers, Docker objects, files). Builds build/bench/soak, starts dockerd
# when it is not running, sets up the test environment, tears down after.
#
# Usage: scripts/soak.sh [--agent] [MINUTES]   (default 60)
# --agent: the pods go through node-agent's HTTP API (bench/agent_soak.cc),
# on a cri-shim of its own, instead of straight to cri-shim's CRI socket.
# CRI_SHIM_SOAK_PODS_PER_SECOND (2), CRI_SHIM_SOAK_POD_SECONDS (15) and
# CRI_SHIM_SOAK_SAMPLE_SECONDS (60) override the pace.
# Exit code 0 when every series stayed flat (within 10 % after warm-up; the
# counts that follow the pods, per pod alive) and nothing of the run was left.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/build.sh
. "$CRI_SHIM_ROOT/scripts/lib/build.sh"
# shellcheck source=scripts/lib/docker.sh
. "$CRI_SHIM_ROOT/scripts/lib/docker.sh"
# shellcheck source=scripts/lib/testenv.sh
. "$CRI_SHIM_ROOT/scripts/lib/testenv.sh"

given=("$@")
soak=soak
case "${1:-}" in
  -h|--help) sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 0 ;;
  --agent) soak=agent-soak; shift ;;
esac
export CRI_SHIM_SOAK_MINUTES=${1:-60}

ensure_root "$0" "${given[@]}"
cd "$CRI_SHIM_ROOT"
"$CRI_SHIM_ROOT/scripts/install-deps.sh"
build_project
meson compile -C "$CRI_SHIM_BUILD_DIR" -j "$(nproc)" "$soak"
dockerd_ensure --stop-on-exit
testenv_setup

"$CRI_SHIM_BUILD_DIR/bench/$soak" "$CRI_SHIM_BUILD_DIR/shim/cri-shim"
