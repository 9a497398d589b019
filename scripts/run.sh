#!/usr/bin/env bash
# The run command: installs the dependencies, builds, starts dockerd when it
# is not running, then runs cri-shim in the foreground on
# unix:///run/cri-shim/cri-shim.sock.
#
# Usage: scripts/run.sh [CRI_SHIM_ARGS...]
#   Arguments go to cri-shim as they are (see `build/shim/cri-shim --help`);
#   --listen and --docker-endpoint given here replace the defaults.
# A dockerd started here keeps running after cri-shim exits (cri-shim is only
# one of its clients); its pid and log are printed.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/build.sh
. "$CRI_SHIM_ROOT/scripts/lib/build.sh"
# shellcheck source=scripts/lib/docker.sh
. "$CRI_SHIM_ROOT/scripts/lib/docker.sh"

listen=unix:///run/cri-shim/cri-shim.sock
default_listen=1 default_endpoint=1 exec_plain=0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    -h|--help|--version) exec_plain=1 ;;
    --listen) default_listen=0; listen=${args[i + 1]:-} ;;
    --listen=*) default_listen=0; listen=${args[i]#--listen=} ;;
    --docker-endpoint) default_endpoint=0; CRI_SHIM_DOCKER_ENDPOINT=${args[i + 1]:-} ;;
    --docker-endpoint=*) default_endpoint=0; CRI_SHIM_DOCKER_ENDPOINT=${args[i]#--docker-endpoint=} ;;
  esac
done

ensure_root "$0" "$@"
cd "$CRI_SHIM_ROOT"

"$CRI_SHIM_ROOT/scripts/install-deps.sh"
build_project

shim=$CRI_SHIM_ROOT/$CRI_SHIM_BUILD_DIR/shim/cri-shim
[[ -x "$shim" ]] || die "$shim was not built (is shim/meson.build still a placeholder?)"

# --help / --version need no daemon.
if ((exec_plain)); then
  exec "$shim" "$@"
fi

dockerd_ensure --keep
if ((DOCKERD_STARTED_BY_US)) && [[ -n "$DOCKERD_PID" ]]; then
  log "dockerd (pid $DOCKERD_PID, log $CRI_SHIM_LOG_DIR/dockerd.log) stays running after cri-shim exits; stop it with: kill $DOCKERD_PID"
fi

# The dockerd checked above is the one cri-shim must use.
if ((default_endpoint)) && [[ "$CRI_SHIM_DOCKER_ENDPOINT" != "unix://$CRI_SHIM_DEFAULT_DOCKER_SOCK" ]]; then
  set -- --docker-endpoint "$CRI_SHIM_DOCKER_ENDPOINT" "$@"
fi
if ((default_listen)); then
  set -- --listen "$listen" "$@"
fi
case "$listen" in
  unix://*) mkdir -p "$(dirname "${listen#unix://}")" ;;
esac

cat >&2 <<EOF

cri-shim serves CRI v1 on $listen (dockerd: $CRI_SHIM_DOCKER_ENDPOINT)

  crictl:   crictl --runtime-endpoint $listen version
            or, in /etc/crictl.yaml:
              runtime-endpoint: $listen
              image-endpoint: $listen
  kubelet:  --container-runtime-endpoint=$listen

Stop it with Ctrl-C (SIGINT) or SIGTERM.

EOF
exec "$shim" "$@"
