#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz: sets up build-fuzz with clang
# (ASan + UBSan, -Dfuzzing=true) when it is missing, installs clang when it
# is not there, builds the targets asked for and runs each for SECONDS on a
# scratch copy of its committed corpus (new inputs never land in
# tests/fuzz/corpus by themselves: a crash reproducer is added there by hand,
# with its unit test). Prints per target: executions, exec/s, the final
# cov: and ft:, the scratch corpus size, and the crashes (their files are
# kept in build-fuzz/fuzz-runs/<target>/).
#
# Usage: scripts/fuzz.sh [--time SECONDS] [--jobs N] [TARGET...]
#   SECONDS  per target (default 600); TARGET a name of tests/fuzz/meson.build
#            (docker_json, manifest, ...), default all of them, one after the other
#   N        targets run at once (default 1)
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

seconds=600
jobs=1
targets=()
while (($#)); do
  case "$1" in
    -h|--help) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
    --time) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done

cd "$CRI_SHIM_ROOT"
build_dir=build-fuzz
fuzz_src=tests/fuzz

if ! command -v clang++ >/dev/null 2>&1 || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  log "installing clang and its libFuzzer runtime"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang libclang-rt-14-dev
fi

if [[ ! -f $build_dir/build.ninja ]]; then
  CXX=clang++ CC=clang meson setup "$build_dir" -Dfuzzing=true \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi

if ((${#targets[@]} == 0)); then
  # Every key of the fuzz_targets dictionary, in its order.
  mapfile -t targets < <(sed -n "/^fuzz_targets = {/,/^}/s/^ *'\([a-z0-9_]*\)' *:.*/\1/p" "$fuzz_src/meson.build")
fi
ninja_targets=()
for t in "${targets[@]}"; do ninja_targets+=("$fuzz_src/${t}_fuzz"); done
log "building ${#targets[@]} fuzz targets in $build_dir"
nice -n 10 ninja -C "$build_dir" -j "$(($(nproc) < 2 ? 1 : 2))" "${ninja_targets[@]}"

# UBSan findings are crashes too; leaks are (detect_leaks is on with ASan).
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0

run_one() {
  local t=$1 run=$build_dir/fuzz-runs/$1
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/crashes"
  cp "$fuzz_src/corpus/$t/"* "$run/corpus/"
  local dict=()
  [[ -f $fuzz_src/$t.dict ]] && dict=("-dict=$fuzz_src/$t.dict")
  # Inputs far above what a parser reads at once only slow the search.
  local max_len=8192
  [[ $t == docker_log_message ]] && max_len=40000
  nice -n 10 "$build_dir/$fuzz_src/${t}_fuzz" "$run/corpus" "${dict[@]}" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="$run/crashes/" >"$run/log" 2>&1 || true
}

summary() {
  local t=$1 run=$build_dir/fuzz-runs/$1
  local last execs per_s cov ft crashes
  last=$(grep -E '^#[0-9]+' "$run/log" | tail -n 1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log")
  per_s=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/log")
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  crashes=$(find "$run/crashes" -type f | wc -l)
  printf '%-20s %8ss %12s %8s %7s %7s %7s %8s\n' "$t" "$seconds" "${execs:-?}" "${per_s:-?}" \
    "${cov:-?}" "${ft:-?}" "$(find "$run/corpus" -type f | wc -l)" "$crashes"
}

running=0
for t in "${targets[@]}"; do
  log "fuzzing $t for ${seconds}s"
  run_one "$t" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

printf '%-20s %9s %12s %8s %7s %7s %7s %8s\n' target time executions exec/s cov ft corpus crashes
failed=0
for t in "${targets[@]}"; do
  summary "$t"
  [[ -z $(find "$build_dir/fuzz-runs/$t/crashes" -type f) ]] || failed=1
done
((failed == 0)) || log "crashes: see $build_dir/fuzz-runs/<target>/crashes and .../log"
exit "$failed"
