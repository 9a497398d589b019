#!/usr/bin/env bash
# The run command: installs the dependencies, builds, starts dockerd when it
# is not running, starts cri-shim on unix:///run/cri-shim/cri-shim.sock, and
# runs node-agent beside it in the foreground with the example manifests
# (examples/manifests: a busybox pod serving a page on 127.0.0.1:8080).
#
# Usage: scripts/run.sh [--no-agent] [CRI_SHIM_ARGS...] [-- NODE_AGENT_ARGS...]
#   Arguments before "--" go to cri-shim (see `build/shim/cri-shim --help`);
#   --listen and --docker-endpoint given here replace the defaults. Arguments
#   after "--" go to node-agent (`build/agent/app/node-agent --help`); a
#   --manifest-dir there replaces the examples.
#   --no-agent   run only cri-shim, in the foreground (for crictl or kubelet)
# Ctrl-C stops node-agent, then cri-shim; the pods keep running in Docker and
# a later run adopts them. A dockerd started here keeps running after (it has
# other clients); its pid and log are printed.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/build.sh
. "$CRI_SHIM_ROOT/scripts/lib/build.sh"
# shellcheck source=scripts/lib/docker.sh
. "$CRI_SHIM_ROOT/scripts/lib/docker.sh"
# shellcheck source=scripts/lib/images.sh
. "$CRI_SHIM_ROOT/scripts/lib/images.sh"

listen=unix:///run/cri-shim/cri-shim.sock
default_listen=1 default_endpoint=1 exec_plain=0 with_agent=1
shim_args=() agent_args=()
seen_separator=0
for arg in "$@"; do
  if ((seen_separator)); then agent_args+=("$arg"); continue; fi
  case "$arg" in
    --) seen_separator=1 ;;
    --no-agent) with_agent=0 ;;
    *) shim_args+=("$arg") ;;
  esac
done
set -- ${shim_args[@]+"${shim_args[@]}"}
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

ensure_root "$0" "$@" ${agent_args[@]+-- "${agent_args[@]}"}
cd "$CRI_SHIM_ROOT"

"$CRI_SHIM_ROOT/scripts/install-deps.sh"
# Only what runs here: a first run on a small machine does not compile the
# test suites (scripts/test.sh builds everything).
CRI_SHIM_BUILD_TARGETS="shim/cri-shim agent/app/node-agent" build_project

shim=$CRI_SHIM_ROOT/$CRI_SHIM_BUILD_DIR/shim/cri-shim
[[ -x "$shim" ]] || die "$shim was not built (see the build's output above)"

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

if ((!with_agent)); then
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
fi

agent=$CRI_SHIM_ROOT/$CRI_SHIM_BUILD_DIR/agent/app/node-agent
[[ -x "$agent" ]] || die "$agent was not built"
# The examples' image, made from Debian's busybox (never pulled).
images_example_ensure

mkdir -p "$CRI_SHIM_LOG_DIR"
shim_log=$CRI_SHIM_LOG_DIR/cri-shim.log
"$shim" "$@" >>"$shim_log" 2>&1 &
shim_pid=$!
on_exit stop_pid "$shim_pid" cri-shim 20
case "$listen" in
  unix://*)
    if ! wait_until 30 test -S "${listen#unix://}"; then
      show_log_tail "$shim_log"
      die "cri-shim did not start (its log: $shim_log)"
    fi ;;
esac
log "cri-shim (pid $shim_pid) serves CRI v1 on $listen; its log: $shim_log"

agent_defaults=(--runtime-endpoint "$listen" --root-dir /var/lib/node-agent)
manifest_dir_given=0
for arg in ${agent_args[@]+"${agent_args[@]}"}; do
  case "$arg" in --manifest-dir|--manifest-dir=*) manifest_dir_given=1 ;; esac
done
((manifest_dir_given)) || agent_defaults+=(--manifest-dir "$CRI_SHIM_ROOT/examples/manifests")

cat >&2 <<EOF

node-agent runs the pods of examples/manifests through cri-shim:

  pods:     curl -s http://127.0.0.1:10255/pods        (a Kubernetes PodList)
  the page: curl http://127.0.0.1:8080/                 (the example web pod)
  metrics:  curl -s http://127.0.0.1:10255/metrics
  crictl:   crictl --runtime-endpoint $listen pods

Stop both with Ctrl-C (SIGINT) or SIGTERM; the pods keep running and a later
run adopts them (remove a manifest to remove its pod).

EOF
run_child "$agent" "${agent_defaults[@]}" ${agent_args[@]+"${agent_args[@]}"}
