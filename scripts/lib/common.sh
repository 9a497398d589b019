# shellcheck shell=bash
# Shared helpers for scripts/*.sh: logging, root, repository paths, and an
# undo stack that runs on exit.
#
# Source it from a bash script that runs with `set -euo pipefail`:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[[ -n "${_CRI_SHIM_COMMON_SH:-}" ]] && return 0
_CRI_SHIM_COMMON_SH=1

# The repository root: scripts/lib/../..
# shellcheck disable=SC2034 # used by the scripts that source this
CRI_SHIM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Persistent logs of the daemons the scripts start (dockerd); they outlive the
# run so that a failure can still be read afterwards.
CRI_SHIM_LOG_DIR=${CRI_SHIM_LOG_DIR:-/var/log/cri-shim}

log()  { printf '[cri-shim %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
warn() { log "WARNING: $*"; }
die()  { log "ERROR: $*"; exit 1; }

# Prints the last lines of a log file to stderr, indented, if it exists;
# with FROM_BYTE, only of what was written from that offset on.
# Usage: show_log_tail FILE [LINES] [FROM_BYTE]
show_log_tail() {
  local file=$1 lines=${2:-30} from=${3:-0}
  [[ -s "$file" ]] || return 0
  log "last lines of $file:"
  tail -c "+$((from + 1))" "$file" | tail -n "$lines" | sed 's/^/    /' >&2
}

# Re-executes the calling script as root through sudo when it is not root.
# Usage: ensure_root "$0" "$@"
ensure_root() {
  [[ $EUID -eq 0 ]] && return 0
  command -v sudo >/dev/null 2>&1 \
    || die "this script needs root (dockerd, /etc/docker/certs.d, apt) and sudo is not installed"
  log "not root: re-running through sudo"
  exec sudo --preserve-env "$@"
}

# Runs a command as root: directly when root, else through sudo.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $*  (not root, and sudo is not installed)"
  fi
}

# Polls a command until it succeeds or the timeout (seconds) passes.
# Usage: wait_until SECONDS COMMAND...   (returns 1 on timeout)
wait_until() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# Stops a process we started, by its pid: SIGTERM, then SIGKILL after
# GRACE seconds. Quiet when it is already gone.
# Usage: stop_pid PID NAME [GRACE]
stop_pid() {
  local pid=$1 name=$2 grace=${3:-10}
  kill -0 "$pid" 2>/dev/null || return 0
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "$grace" _pid_gone "$pid"; then
    warn "$name (pid $pid) did not stop in ${grace}s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 5 _pid_gone "$pid" || warn "$name (pid $pid) is still there"
  fi
  # Reap it if it is our child, so no zombie is left.
  wait "$pid" 2>/dev/null || true
}
_pid_gone() {
  ! kill -0 "$1" 2>/dev/null && return 0
  # A zombie child of ours counts as gone.
  [[ "$(ps -o stat= -p "$1" 2>/dev/null)" == Z* ]]
}

# --- the undo stack -----------------------------------------------------------
# Each step that creates something (a process, a directory, a file outside the
# temp dir) registers its undo right after it succeeds:
#   on_exit stop_pid "$pid" registry
# On exit, for any reason (success, failure, `set -e`, Ctrl-C, SIGTERM), the
# undos run in reverse order; a failing undo is reported and the rest still run.
# This installs the script's EXIT/INT/TERM/HUP traps: a script using on_exit
# or run_child must not set its own. Do not call on_exit inside $(...): a
# subshell's registrations are lost.
_CRI_SHIM_UNDO=()
_CRI_SHIM_CHILD=

on_exit() {
  _install_traps
  _CRI_SHIM_UNDO+=("$(printf '%q ' "$@")")
}

# Runs a command as a child and waits for it. Unlike a foreground command,
# this lets a SIGTERM to the script act at once: the child gets SIGTERM (and
# up to 60 s to finish) before the undo stack runs. Ctrl-C reaches the child
# as usual. Returns the command's exit code; stdin is /dev/null.
run_child() {
  _install_traps
  (trap - INT QUIT; exec "$@") </dev/null &
  _CRI_SHIM_CHILD=$!
  local rc=0
  wait "$_CRI_SHIM_CHILD" || rc=$?
  _CRI_SHIM_CHILD=
  return "$rc"
}

_install_traps() {
  [[ -n "${_CRI_SHIM_TRAPS:-}" ]] && return 0
  _CRI_SHIM_TRAPS=1
  trap _run_undo_stack EXIT
  trap '_on_signal INT 130' INT
  trap '_on_signal TERM 143' TERM
  trap '_on_signal HUP 129' HUP
}

_on_signal() {
  log "got SIG$1: stopping"
  if [[ -n "$_CRI_SHIM_CHILD" ]]; then
    stop_pid "$_CRI_SHIM_CHILD" "the running command" 60
    _CRI_SHIM_CHILD=
  fi
  exit "$2"
}

_run_undo_stack() {
  local rc=$? i
  # Signals during teardown must not cut it short.
  trap '' INT TERM HUP
  set +e
  for ((i = ${#_CRI_SHIM_UNDO[@]} - 1; i >= 0; i--)); do
    eval "${_CRI_SHIM_UNDO[i]}" || warn "teardown step failed: ${_CRI_SHIM_UNDO[i]}"
  done
  _CRI_SHIM_UNDO=()
  exit "$rc"
}
