#!/usr/bin/env bash
# Runs the benchmarks: builds (optimised), starts dockerd when it is not
# running, sets up the test environment (images, local registry), runs every
# benchmark in build/bench/, and tears down what it started.
#
# Usage: scripts/bench.sh [ITERATIONS]   (default 300 per operation)
# lifecycle-bench times ITERATIONS/5 whole pod lifecycles (at least 20);
# CRI_SHIM_BENCH_CYCLES and CRI_SHIM_BENCH_PODS (default 110) override.
# kubelet-load-bench: CRI_SHIM_BENCH_LOAD_SECONDS (60), CRI_SHIM_BENCH_BUSY_SECONDS
# (30), CRI_SHIM_BENCH_LARGE_IMAGE_MB (256). agent-bench:
# CRI_SHIM_BENCH_AGENT_ROUNDS (5), CRI_SHIM_BENCH_AGENT_PODS (30),
# CRI_SHIM_BENCH_IDLE_SECONDS (30).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/build.sh
. "$CRI_SHIM_ROOT/scripts/lib/build.sh"
# shellcheck source=scripts/lib/docker.sh
. "$CRI_SHIM_ROOT/scripts/lib/docker.sh"
# shellcheck source=scripts/lib/testenv.sh
. "$CRI_SHIM_ROOT/scripts/lib/testenv.sh"

case "${1:-}" in
  -h|--help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
esac
export CRI_SHIM_BENCH_ITERATIONS=${1:-300}

ensure_root "$0" "$@"
cd "$CRI_SHIM_ROOT"
"$CRI_SHIM_ROOT/scripts/install-deps.sh"
build_project
# The benchmarks are not built by default (bench/meson.build).
meson compile -C "$CRI_SHIM_BUILD_DIR" -j "$(nproc)" benches
dockerd_ensure --stop-on-exit
testenv_setup

# agent-bench starts node-agent beside its private cri-shim.
export NODE_AGENT_BINARY=$CRI_SHIM_ROOT/$CRI_SHIM_BUILD_DIR/agent/app/node-agent

rc=0
for bench in "$CRI_SHIM_BUILD_DIR"/bench/*-bench; do
  [[ -x "$bench" ]] || continue
  log "running $(basename "$bench")"
  "$bench" "$CRI_SHIM_BUILD_DIR/shim/cri-shim" || rc=$?
done
exit "$rc"
