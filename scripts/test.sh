#!/usr/bin/env bash
# The test command: installs the dependencies, builds, starts dockerd when it
# is not running, sets up the test environment (images, registries), runs
# every meson test suite, and tears down all it started, however it ends.
#
# Usage: scripts/test.sh [--unit-only] [MESON_TEST_ARGS...]
#   --unit-only   only the 'unit' suite: no dockerd, no registries
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

usage() { sed -n '2,10s/^# \{0,1\}//p' "$0"; }

unit_only=0
meson_args=()
for arg in "$@"; do
  case "$arg" in
    --unit-only) unit_only=1 ;;
    -h|--help) usage; exit 0 ;;
    *) meson_args+=("$arg") ;;
  esac
done

ensure_root "$0" "$@"
cd "$CRI_SHIM_ROOT"

"$CRI_SHIM_ROOT/scripts/install-deps.sh"
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
run_child meson test -C "$CRI_SHIM_BUILD_DIR" --print-errorlogs "${meson_args[@]}" || rc=$?
echo
summarize
if ((rc == 0)); then
  log "tests passed"
else
  log "tests FAILED (meson test exit code $rc; full log: $CRI_SHIM_BUILD_DIR/meson-logs/testlog.txt)"
fi
# The exit trap tears the environment down and keeps this exit code.
exit "$rc"
