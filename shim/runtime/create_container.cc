// CreateContainer: a Docker container in the sandbox's namespaces and its
// cgroup parent, from the whole ContainerConfig (container_spec.h). Nothing
// runs yet; the log file is made by StartContainer. The new container is
// read into the container store before the call answers, so the client's
// next list shows it.
#include <spdlog/spdlog.h>

#include "shim/container/container_spec.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/labels.h"

namespace shim {

grpc::Status RuntimeService::CreateContainer(grpc::ServerContext* context,
                                             const cri::CreateContainerRequest* request,
                                             cri::CreateContainerResponse* response) {
  const auto& config = request->config();
  return run("CreateContainer " + config.metadata().name() + " in sandbox " +
                 request->pod_sandbox_id(),
             [&] {
    const auto options = call_options(context);
    const auto found = require(request->pod_sandbox_id(), DockerObjectKind::kSandbox, "pod_sandbox_id", options);
    const auto& sandbox = *found;
    const auto pod = sandbox_metadata(sandbox.config.labels, sandbox.name);
    if (!pod)
      throw CriError(grpc::StatusCode::FAILED_PRECONDITION,
                     "sandbox " + sandbox.id + " carries no pod metadata");

    ContainerSpecInputs inputs;
    inputs.pod = *pod;
    inputs.sandbox_id = sandbox.id;
    inputs.sandbox_host_network = sandbox.host_config.network_mode == "host";
    inputs.sandbox_host_ipc = sandbox.host_config.ipc_mode == "host";
    inputs.sandbox_cgroup_parent = sandbox.host_config.cgroup_parent;
    inputs.log_directory = request->sandbox_config().log_directory();
    if (inputs.log_directory.empty()) {
      const auto it = sandbox.config.labels.find(std::string(label::kLogDirectory));
      if (it != sandbox.config.labels.end()) inputs.log_directory = it->second;
    }
    inputs.oom_score_adj_floor = oom_score_adj_floor();
    inputs.created_at = unix_nanos_now();
    auto create = container_create_request(config, inputs);
    apply_container_security_options(config.linux().security_context(), create.host_config);

    if (!docker_.inspect_image(config.image().image(), options))
      throw not_found("image \"" + config.image().image() + "\" is not present; pull it first");

    docker::ContainerCreateResult created;
    try {
      created = docker_.create_container(create, options);
    } catch (const docker::DockerError& e) {
      if (e.conflict())
        throw CriError(grpc::StatusCode::ALREADY_EXISTS,
                       "a container with this metadata and attempt exists already in the pod "
                       "(Docker name " + create.name + ")");
      throw;
    }
    store_.refresh(created.id);
    spdlog::info("container {} ({}) created in sandbox {}", created.id, create.name, sandbox.id);
    response->set_container_id(created.id);
  });
}

}  // namespace shim
