#!/usr/bin/env bash
# Runs one command inside the integration-test environment (dockerd, test
# images, registries, the CRI_SHIM_TEST_* variables), then tears it down.
# For running or debugging a single test by hand; scripts/test.sh is the
# full run. Neither installs nor builds anything.
#
# Usage: scripts/with-test-env.sh [COMMAND [ARGS...]]
#   e.g. scripts/with-test-env.sh meson test -C build --suite integration -v
#        scripts/with-test-env.sh          (an interactive shell; exit to tear down)
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/docker.sh
. "$CRI_SHIM_ROOT/scripts/lib/docker.sh"
# shellcheck source=scripts/lib/testenv.sh
. "$CRI_SHIM_ROOT/scripts/lib/testenv.sh"

case "${1:-}" in
  -h|--help) sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
esac

ensure_root "$0" "$@"
dockerd_ensure --stop-on-exit
testenv_setup

(($# > 0)) || set -- "${SHELL:-/bin/bash}"
rc=0
"$@" || rc=$?
exit "$rc"
