# shellcheck shell=bash
# Sanitizer builds for scripts/test.sh --sanitize: each kind has its own build
# directory (the normal build stays as it is), its runtime options, and the
# tests it runs.
#
#   address  build-asan: AddressSanitizer + LeakSanitizer + UndefinedBehaviorSanitizer
#   thread   build-tsan: ThreadSanitizer, only the unit suites that run threads
#
# -Db_lundef=false: a sanitized shared object leaves the sanitizer's symbols to
# the executable's runtime, which -Wl,--no-undefined would refuse.
#
# Every ASan/LSan/TSan report goes to a file under <build dir>/sanitizer-logs/
# (log_path), so that reports of child processes (cri-shim and node-agent under
# the integration tests, whose stderr goes to their own logs) are not lost;
# sanitize_report prints them after the run and fails it when there is any.
# UBSan's reports stay on stderr (gcc 12's libubsan beside libasan ignores
# log_path): a test's own go to its meson log, a child's to that child's log,
# and halt_on_error ends the process, which fails its test.

[[ -n "${_CRI_SHIM_SANITIZE_SH:-}" ]] && return 0
_CRI_SHIM_SANITIZE_SH=1
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The unit suites whose code under test runs threads (streaming sessions, the
# event watch, the log pump, the HTTP test servers, pod workers, the PLEG loop,
# probers, sources, managers): the ones worth ThreadSanitizer's slowness.
# Single-threaded suites (proto, common, agent-pod, agent-pleg's pure parts,
# agent-app's option parsing, ...) have no race to find.
# shellcheck disable=SC2034 # used by scripts/test.sh
CRI_SHIM_TSAN_TESTS=(
  'shim-unit' 'streaming-unit' 'docker-client unit'
  'agent-worker' 'agent-pleg-loop' 'agent-config' 'agent-prober' 'agent-objects'
  'common-unit' 'agent-oom' 'agent-eviction' 'agent-node' 'agent-server'
)

# Sets CRI_SHIM_BUILD_DIR and CRI_SHIM_MESON_ARGS for a sanitizer kind and
# exports the sanitizers' runtime options.
# Usage: sanitize_setup address|thread
# shellcheck disable=SC2034 # CRI_SHIM_MESON_ARGS is read by build.sh
sanitize_setup() {
  local kind=$1 supp=$CRI_SHIM_ROOT/scripts/sanitizers
  case "$kind" in
    address)
      CRI_SHIM_BUILD_DIR=build-asan
      CRI_SHIM_MESON_ARGS="-Db_sanitize=address,undefined -Db_lundef=false"
      ;;
    thread)
      CRI_SHIM_BUILD_DIR=build-tsan
      CRI_SHIM_MESON_ARGS="-Db_sanitize=thread -Db_lundef=false"
      ;;
    *) die "--sanitize wants 'address' or 'thread', not '$kind'" ;;
  esac
  CRI_SHIM_SANITIZER_LOGS=$CRI_SHIM_ROOT/$CRI_SHIM_BUILD_DIR/sanitizer-logs
  # Options given by the caller come last: they win.
  # halt_on_error: the first report fails the test (UBSan would go on otherwise).
  export ASAN_OPTIONS="halt_on_error=1:print_stacktrace=1:detect_leaks=1:log_path=$CRI_SHIM_SANITIZER_LOGS/asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
  # ignore_noninstrumented_modules: Debian's gRPC and abseil are not built
  # with TSan; what their own threads do to each other is invisible to it and
  # would be reported as races inside them (see tsan.supp).
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$supp/tsan.supp:log_path=$CRI_SHIM_SANITIZER_LOGS/tsan${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
}

# Prints the targets (as `meson compile` names them: subdir/name) that the
# named tests, or every test of the given suites, need: each test's executable
# and what it `depends` on (cri-shim and node-agent for the integration
# suites); the build directory must be set up.
# Usage: sanitize_test_targets --suite SUITE... | TEST_NAME...
sanitize_test_targets() {
  local dir=$CRI_SHIM_ROOT/$CRI_SHIM_BUILD_DIR
  python3 -c '
import json, os, sys
root, tests, targets, args = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), sys.argv[4:]
suites = args[1:] if args[:1] == ["--suite"] else []
by_id = {t["id"]: t for t in targets}
def name(path):
    return os.path.relpath(path, root)
for test in tests:
    if any("cri-shim:" + s in test["suite"] for s in suites) or (not suites and test["name"] in args):
        if test["cmd"][0].startswith(root + "/"):
            print(name(test["cmd"][0]))
        for dep in test.get("depends", []):
            target = by_id.get(dep)
            if target and target["type"] == "executable":
                print(name(target["filename"][0]))
' "$dir" <(meson introspect "$dir" --tests) <(meson introspect "$dir" --targets) "$@" | sort -u
}

# Empties the report directory; call before the tests run.
sanitize_clear_reports() {
  rm -rf "$CRI_SHIM_SANITIZER_LOGS"
  mkdir -p "$CRI_SHIM_SANITIZER_LOGS"
}

# Prints every sanitizer report written during the run; returns 1 when there
# is any (a report from a child process may not have failed its test).
sanitize_report() {
  local file found=0
  for file in "$CRI_SHIM_SANITIZER_LOGS"/*; do
    [[ -s "$file" ]] || continue
    found=1
    log "sanitizer report $file:"
    sed 's/^/    /' "$file" >&2
  done
  ((found == 0))
}
