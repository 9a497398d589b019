// RemovePodSandbox: every container of the pod (running ones too), then the
// infra container; their log followers end. An unknown sandbox is success.
// When the infra container is gone already but containers still name it by
// its full ID, those are removed all the same. A CNI attachment that stop
// did not DEL is DELeted first.
#include "shim/runtime/runtime_service.h"
#include "shim/sandbox/pod_containers.h"
#include "shim/server/call.h"
#include "shim/state/object_lookup.h"

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
    const auto sandbox = resolve_object_id(docker_, known_, request->pod_sandbox_id(),
                                           DockerObjectKind::kSandbox, options);
    std::string sandbox_id = sandbox ? *sandbox : "";
    if (!sandbox && request->pod_sandbox_id().size() == kFullIdLength)
      sandbox_id = request->pod_sandbox_id();
    if (sandbox_id.empty()) return;

    for_each_concurrently(pod_container_ids(docker_, sandbox_id, true, options),
                          [&](const std::string& id) {
                            remove_ignoring_absent(docker_, id, options);
                            changed(id);
                            forget_container_log(id);
                            known_.forget(id);
                            creation_times_.forget(id);
                          });
    detach_pod_network(sandbox_id, options);  // a no-op when stop did it
    if (sandbox) remove_ignoring_absent(docker_, *sandbox, options);
    changed(sandbox_id);
    known_.forget(sandbox_id);
    creation_times_.forget(sandbox_id);
  });
}

}  // namespace shim
