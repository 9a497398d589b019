// PodSandboxStatus: the infra container from the container store
// (state/container_store.h), no Docker call; a CNI pod's addresses come from
// its stored CNI result. Verbose adds Docker's own inspect under "info", as
// cri-dockerd and containerd give their runtime's view there.
#include <nlohmann/json.hpp>

#include "shim/network/attachment_store.h"
#include "shim/runtime/runtime_service.h"
#include "shim/sandbox/sandbox_view.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::PodSandboxStatus(grpc::ServerContext* context,
                                              const cri::PodSandboxStatusRequest* request,
                                              cri::PodSandboxStatusResponse* response) {
  return run("PodSandboxStatus " + request->pod_sandbox_id(), [&] {
    const auto options = call_options(context);
    const auto found = require(request->pod_sandbox_id(), DockerObjectKind::kSandbox, "pod_sandbox_id", options);
    const auto& inspect = *found;
    fill_sandbox_status(inspect, response->mutable_status());
    if (inspect.state.running && inspect.host_config.network_mode == "none") {
      // A CNI pod: its addresses are in the stored CNI result.
      if (const auto ips = cni_pod_ips(inspect.id)) {
        auto* network = response->mutable_status()->mutable_network();
        network->set_ip(ips->primary);
        network->clear_additional_ips();
        for (const auto& ip : ips->additional) network->add_additional_ips()->set_ip(ip);
      }
    }
    response->set_timestamp(unix_nanos_now());
    if (request->verbose()) {
      nlohmann::json info = {
          {"pid", inspect.state.pid},
          {"image", inspect.config.image},
          {"runtimeHandler", response->status().runtime_handler()},
          {"dockerInspect", docker_.inspect_container(inspect.id, false, options).raw},
      };
      if (uses_cni()) {
        // What crictl inspectp shows of the CNI attachment, as containerd does.
        if (const auto attachment =
                network::AttachmentStore(cni_->settings().state_dir).load(inspect.id)) {
          info["cniNetwork"] = attachment->config.name;
          info["cniConfig"] = attachment->config.source;
          info["cniResult"] = attachment->result;
        }
      }
      (*response->mutable_info())["info"] = info.dump();
    }
  });
}

}  // namespace shim
