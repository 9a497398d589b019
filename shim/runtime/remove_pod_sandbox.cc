// RemovePodSandbox: every container of the pod (running ones too; the
// container store names them), then the infra container; their log
// followers end. An unknown sandbox is success. When the infra container is
// gone already but containers still name it by its full ID, those are
// removed all the same. A CNI attachment that stop did not DEL is DELeted
// first.
#include "shim/runtime/runtime_service.h"
#include "shim/sandbox/pod_containers.h"
#include "shim/server/call.h"

namespace shim {
namespace {
constexpr std::size_t kFullIdLength = 64;

void remove_ignoring_absent(docker::Client& docker, const std::string& id,
                            const docker::CallOptions& options) {
  try {
    docker.remove_container(id, true, true, options);
  } catch (const docker::DockerError& e) {
    if (!e.not_found()) throw;
  }
}
}  // namespace

grpc::Status RuntimeService::RemovePodSandbox(grpc::ServerContext* context,
                                              const cri::RemovePodSandboxRequest* request,
                                              cri::RemovePodSandboxResponse*) {
  return run("RemovePodSandbox " + request->pod_sandbox_id(), [&] {
    if (request->pod_sandbox_id().empty()) throw invalid_argument("pod_sandbox_id is empty");
    const auto options = call_options(context);
    const auto sandbox = store_.find(request->pod_sandbox_id(), DockerObjectKind::kSandbox, options);
    std::string sandbox_id = sandbox ? sandbox->id : "";
    if (!sandbox && request->pod_sandbox_id().size() == kFullIdLength)
      sandbox_id = request->pod_sandbox_id();
    if (sandbox_id.empty()) return;

    std::vector<std::string> containers;
    for (const auto& container : store_.pod_containers(sandbox_id, options)) containers.push_back(container->id);
    for_each_concurrently(containers, [&](const std::string& id) {
      remove_ignoring_absent(docker_, id, options);
      store_.forget(id);
      forget_container_log(id);
    });
    detach_pod_network(sandbox_id, options);  // a no-op when stop did it
    if (sandbox) remove_ignoring_absent(docker_, sandbox_id, options);
    store_.forget(sandbox_id);
  });
}

}  // namespace shim
