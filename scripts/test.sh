#!/usr/bin/env bash
# The test command: installs the dependencies, builds, starts dockerd when it
# is not running, sets up the test environment (images, registries), runs
# every meson test suite, and tears down all it started, however it ends.
#
# Usage: scripts/test.sh [--unit-only] [--sanitize address|thread] [MESON_TEST_ARGS...]
#   --unit-only   only the 'unit' suite: no dockerd, no registries
#   --sanitize address  build in build-asan with AddressSanitizer, LeakSanitizer
#                 and UBSan, run there (--unit-only, or --suite S: only the
#                 targets of those tests are built)
#   --sanitize thread   build in build-tsan with ThreadSanitizer and run only the
#                 unit suites that run threads (listed in scripts/lib/sanitize.sh)
#                 Any sanitizer report fails the run; reports are printed last.
#   anything else goes to `meson test` (e.g. --suite integration, a test name,
#   --num-processes 1, --repeat 3)
# Exit code: the tests' (non-zero when any test failed or the set-up failed).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/build.sh
. "$CRI_SHIM_ROOT/scripts/lib/build.sh"
# shellcheck source=scripts/lib/docker.sh
. "$CRI_SHIM_ROOT/scripts/lib/docker.sh"
# shellcheck source=scripts/lib/testenv.sh
. "$CRI_SHIM_ROOT/scripts/lib/testenv.sh"
# shellcheck source=scripts/lib/sanitize.sh
. "$CRI_SHIM_ROOT/scripts/lib/sanitize.sh"

usage() { sed -n '2,16s/^# \{0,1\}//p' "$0"; }

unit_only=0
sanitize=
meson_args=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --unit-only) unit_only=1 ;;
    --sanitize) i=$((i + 1)); sanitize=${args[i]:-}; [[ -n "$sanitize" ]] || die "--sanitize wants address or thread" ;;
    --sanitize=*) sanitize=${args[i]#--sanitize=} ;;
    -h|--help) usage; exit 0 ;;
    *) meson_args+=("${args[i]}") ;;
  esac
done
# The suites named to meson test (--suite S): a sanitized build compiles only
# their targets.
suites=()
for ((i = 0; i < ${#meson_args[@]}; i++)); do
  case "${meson_args[i]}" in
    --suite) suites+=("${meson_args[i + 1]:-}") ;;
    --suite=*) suites+=("${meson_args[i]#--suite=}") ;;
  esac
done

ensure_root "$0" "$@"
cd "$CRI_SHIM_ROOT"

"$CRI_SHIM_ROOT/scripts/install-deps.sh"
if [[ -n "$sanitize" ]]; then
  sanitize_setup "$sanitize"
  # Sanitized code runs 2-15 times slower: the same tests get more time.
  meson_args=(--timeout-multiplier 3 "${meson_args[@]}")
  # Only the tests that run are built: a sanitized build of everything is slow.
  if [[ "$sanitize" == thread ]]; then
    unit_only=1
    meson_args=("${CRI_SHIM_TSAN_TESTS[@]}" "${meson_args[@]}")
    configure_project
    CRI_SHIM_BUILD_TARGETS=$(sanitize_test_targets "${CRI_SHIM_TSAN_TESTS[@]}")
  elif ((unit_only)); then
    configure_project
    CRI_SHIM_BUILD_TARGETS=$(sanitize_test_targets --suite unit)
  elif ((${#suites[@]})); then
    configure_project
    CRI_SHIM_BUILD_TARGETS=$(sanitize_test_targets --suite "${suites[@]}")
  fi
fi
build_project

if ((unit_only)); then
  meson_args=(--suite unit "${meson_args[@]}")
else
  dockerd_ensure --stop-on-exit
  testenv_setup
fi

# Prints the closing line counted from meson's log of this run:
# "tests: N passed, N failed, N skipped".
summarize() {
  local json=$CRI_SHIM_BUILD_DIR/meson-logs/testlog.json
  local passed=0 failed=0 skipped=0 result
  if [[ -f "$json" ]]; then
    while read -r result; do
      case "$result" in
        OK|EXPECTEDFAIL) passed=$((passed + 1)) ;;
        SKIP) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1)) ;;
      esac
    done < <(grep -o '"result": "[A-Z]*"' "$json" | cut -d'"' -f4)
  fi
  printf 'tests: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
}

log "running: meson test -C $CRI_SHIM_BUILD_DIR --print-errorlogs ${meson_args[*]}"
rm -f "$CRI_SHIM_BUILD_DIR/meson-logs/testlog.json"
rc=0
[[ -n "$sanitize" ]] && sanitize_clear_reports
run_child meson test -C "$CRI_SHIM_BUILD_DIR" --print-errorlogs "${meson_args[@]}" || rc=$?
echo
if [[ -n "$sanitize" ]] && ! sanitize_report && ((rc == 0)); then
  log "sanitizer reports above (in $CRI_SHIM_SANITIZER_LOGS)"
  rc=1
fi
summarize
if ((rc == 0)); then
  log "tests passed"
else
  log "tests FAILED (meson test exit code $rc; full log: $CRI_SHIM_BUILD_DIR/meson-logs/testlog.txt)"
fi
# The exit trap tears the environment down and keeps this exit code.
exit "$rc"
