# shellcheck shell=bash
# dockerd: find it or start it, and the docker CLI the scripts use.
#
# Inputs (environment, all optional):
#   CRI_SHIM_DOCKER_ENDPOINT  dockerd's API socket (default unix:///var/run/docker.sock)
#   CRI_SHIM_DOCKERD_ARGS     extra arguments for a dockerd these scripts start
#                             (word-split; e.g. "--data-root /srv/docker")
#   CRI_SHIM_DOCKERD_TIMEOUT  seconds to wait for a starting dockerd (default 60)
#
# Host notes: there may be no systemd; then dockerd is started directly, in its
# own session (setsid) so that Ctrl-C on the script does not reach it, with its
# log appended to $CRI_SHIM_LOG_DIR/dockerd.log. Root may lack CAP_SYS_RESOURCE
# (dockerd then only warns that it cannot set its oom_score_adj); plain
# containers run fine.

[[ -n "${_CRI_SHIM_DOCKER_SH:-}" ]] && return 0
_CRI_SHIM_DOCKER_SH=1
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CRI_SHIM_DOCKER_ENDPOINT=${CRI_SHIM_DOCKER_ENDPOINT:-unix:///var/run/docker.sock}
CRI_SHIM_DOCKERD_TIMEOUT=${CRI_SHIM_DOCKERD_TIMEOUT:-60}
readonly CRI_SHIM_DEFAULT_DOCKER_SOCK=/var/run/docker.sock

# The docker CLI: Debian's (docker.io, same version as the daemon) when present;
# any other one on PATH also works, it negotiates the API version down.
if [[ -x /usr/bin/docker ]]; then
  CRI_SHIM_DOCKER_CLI=${CRI_SHIM_DOCKER_CLI:-/usr/bin/docker}
else
  CRI_SHIM_DOCKER_CLI=${CRI_SHIM_DOCKER_CLI:-$(command -v docker || echo docker)}
fi

# The socket path of CRI_SHIM_DOCKER_ENDPOINT (only unix:// endpoints).
docker_sock() {
  case "$CRI_SHIM_DOCKER_ENDPOINT" in
    unix://*) printf '%s\n' "${CRI_SHIM_DOCKER_ENDPOINT#unix://}" ;;
    *) die "CRI_SHIM_DOCKER_ENDPOINT must be unix:///path, got '$CRI_SHIM_DOCKER_ENDPOINT'" ;;
  esac
}

# True when dockerd answers /_ping on its socket.
docker_ping() {
  local sock
  sock=$(docker_sock)
  [[ -S "$sock" ]] || return 1
  [[ "$(curl -sf --max-time 3 --unix-socket "$sock" http://d/_ping 2>/dev/null)" == OK ]]
}

# The docker CLI against CRI_SHIM_DOCKER_ENDPOINT.
docker_cli() {
  "$CRI_SHIM_DOCKER_CLI" --host "$CRI_SHIM_DOCKER_ENDPOINT" "$@"
}

# Makes sure dockerd answers on CRI_SHIM_DOCKER_ENDPOINT, starting it when it
# does not. Sets DOCKERD_STARTED_BY_US (0/1) and DOCKERD_PID (when started
# directly). A dockerd that was already running is never touched.
# Usage: dockerd_ensure --stop-on-exit | --keep
#   --stop-on-exit  a dockerd started here is stopped when the script exits
#                   (registered on the undo stack; test.sh)
#   --keep          a dockerd started here keeps running (run.sh)
dockerd_ensure() {
  local keep
  case "${1:-}" in
    --stop-on-exit) keep=0 ;;
    --keep) keep=1 ;;
    *) die "dockerd_ensure: want --stop-on-exit or --keep, got '${1:-}'" ;;
  esac
  # shellcheck disable=SC2034 # read by the calling scripts
  DOCKERD_STARTED_BY_US=0
  DOCKERD_PID=

  if docker_ping; then
    log "dockerd is already running on $CRI_SHIM_DOCKER_ENDPOINT: using it, leaving it alone"
    return 0
  fi

  local sock
  sock=$(docker_sock)

  # A dockerd that is still starting (someone else's): wait for it, never start a second.
  if [[ "$sock" == "$CRI_SHIM_DEFAULT_DOCKER_SOCK" && -r /var/run/docker.pid ]]; then
    local other
    other=$(cat /var/run/docker.pid 2>/dev/null || true)
    if [[ "$other" =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$other/comm" 2>/dev/null)" == dockerd ]]; then
      log "dockerd (pid $other, not ours) is running but not answering yet: waiting for it"
      wait_until "$CRI_SHIM_DOCKERD_TIMEOUT" docker_ping \
        || die "dockerd (pid $other) did not answer on $sock within ${CRI_SHIM_DOCKERD_TIMEOUT}s"
      return 0
    fi
    # Left by a dockerd that was killed; its pid may now be another process's,
    # and dockerd would refuse to start over it.
    log "removing the stale /var/run/docker.pid (pid ${other:-none} is no dockerd)"
    rm -f /var/run/docker.pid
  fi

  command -v dockerd >/dev/null 2>&1 || die "dockerd not found: run scripts/install-deps.sh"

  # With systemd, the docker unit is the one way to run it.
  if [[ -d /run/systemd/system && "$sock" == "$CRI_SHIM_DEFAULT_DOCKER_SOCK" && -z "${CRI_SHIM_DOCKERD_ARGS:-}" ]] \
      && systemctl cat docker.service >/dev/null 2>&1; then
    log "starting dockerd: systemctl start docker"
    systemctl start docker.service || die "systemctl start docker failed (see: journalctl -u docker)"
    DOCKERD_STARTED_BY_US=1
    ((keep)) || on_exit systemctl stop docker.service docker.socket
    wait_until "$CRI_SHIM_DOCKERD_TIMEOUT" docker_ping \
      || die "dockerd did not answer on $sock within ${CRI_SHIM_DOCKERD_TIMEOUT}s (see: journalctl -u docker)"
    log "dockerd is up (systemd unit docker.service)"
    return 0
  fi

  mkdir -p "$CRI_SHIM_LOG_DIR"
  local logfile=$CRI_SHIM_LOG_DIR/dockerd.log
  local -a args=()
  [[ "$sock" != "$CRI_SHIM_DEFAULT_DOCKER_SOCK" ]] && args+=(--host "unix://$sock")
  # shellcheck disable=SC2206 # word splitting of the extra arguments is wanted
  args+=(${CRI_SHIM_DOCKERD_ARGS:-})
  log "starting dockerd ${args[*]} (log: $logfile)"
  local log_start
  log_start=$(stat -c %s "$logfile" 2>/dev/null || echo 0)
  printf '\n===== %s: dockerd %s (started by %s)\n' "$(date -Is)" "${args[*]}" "$0" >>"$logfile"
  # setsid does not fork here (a background job is no process-group leader),
  # so $! is dockerd's own pid.
  setsid dockerd "${args[@]}" >>"$logfile" 2>&1 </dev/null &
  DOCKERD_PID=$!
  # shellcheck disable=SC2034 # read by the calling scripts
  DOCKERD_STARTED_BY_US=1
  ((keep)) || on_exit dockerd_stop "$DOCKERD_PID"

  if ! wait_until "$CRI_SHIM_DOCKERD_TIMEOUT" _dockerd_up_or_dead "$DOCKERD_PID"; then
    show_log_tail "$logfile" 30 "$log_start"
    die "dockerd (pid $DOCKERD_PID) did not answer on $sock within ${CRI_SHIM_DOCKERD_TIMEOUT}s; log: $logfile"
  fi
  if ! docker_ping; then
    show_log_tail "$logfile" 30 "$log_start"
    die "dockerd exited during start-up; log: $logfile"
  fi
  log "dockerd is up (pid $DOCKERD_PID)"
}

_dockerd_up_or_dead() {
  docker_ping || ! kill -0 "$1" 2>/dev/null
}

# Stops a dockerd we started, and whatever children it leaves (its managed
# containerd), by pid.
dockerd_stop() {
  local pid=$1 child comm
  local -a children=()
  kill -0 "$pid" 2>/dev/null || return 0
  mapfile -t children < <(pgrep -P "$pid" || true)
  for ((child = 0; child < ${#children[@]}; child++)); do
    children[child]+=":$(cat "/proc/${children[child]}/comm" 2>/dev/null || true)"
  done
  # dockerd stops its containers (10 s each at most) and containerd itself.
  stop_pid "$pid" dockerd 40
  # Whatever child is left (same pid, same name: not a reused pid).
  for child in "${children[@]}"; do
    comm=$(cat "/proc/${child%%:*}/comm" 2>/dev/null || true)
    [[ -n "$comm" && "$comm" == "${child#*:}" ]] || continue
    stop_pid "${child%%:*}" "dockerd's child $comm" 10
  done
}
