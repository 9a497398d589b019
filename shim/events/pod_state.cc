#include "shim/events/pod_state.h"

#include <spdlog/spdlog.h>

#include "shim/container/container_view.h"
#include "shim/sandbox/sandbox_view.h"
#include "shim/server/call.h"
#include "shim/state/labels.h"

namespace shim::events {
namespace {

bool is_not_found(const docker::DockerError& e) { return e.not_found(); }

}  // namespace

PodState read_pod_state(docker::Client& docker, const std::string& sandbox_id,
                        const docker::CallOptions& options) {
  PodState state;
  try {
    const auto inspect = docker.inspect_container(sandbox_id, false, options);
    cri::PodSandboxStatus status;
    fill_sandbox_status(inspect, &status);
    state.sandbox = std::move(status);
  } catch (const docker::DockerError& e) {
    if (!is_not_found(e)) throw;
  } catch (const CriError& e) {
    spdlog::debug("sandbox {}: no CRI status for its event: {}", sandbox_id, e.what());
  }
  docker::ContainerListOptions list;
  list.all = true;
  list.filters["label"] = {std::string(label::kDockerType) + "=" + std::string(label::kDockerTypeContainer),
                           std::string(label::kSandboxId) + "=" + sandbox_id};
  for (const auto& summary : docker.list_containers(list, options)) {
    try {
      const auto inspect = docker.inspect_container(summary.id, false, options);
      cri::ContainerStatus status;
      fill_container_status(inspect, &status);
      state.containers.push_back(std::move(status));
    } catch (const docker::DockerError& e) {
      if (!is_not_found(e)) throw;
    } catch (const CriError& e) {
      spdlog::debug("container {}: no CRI status for its pod's event: {}", summary.id, e.what());
    }
  }
  return state;
}

}  // namespace shim::events
