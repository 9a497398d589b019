// RunPodSandbox: the pod's infra container, created and started, attached
// to the CNI network (--network-plugin=cni), with its resolv.conf written.
// A failure at any step removes what was made (a CNI attachment is DELeted),
// so a failed call leaves no half-created pod (cri-dockerd leaves the
// container). The one exception: when that DEL fails too, the stopped
// sandbox and its attachment stay, so that the DEL is retried by the
// StopPodSandbox and RemovePodSandbox kubelet sends for a NOTREADY sandbox
// (a forgotten attachment would leak its IP for good). The running sandbox is read into the container store before
// the call answers, so the client's next list shows it ready.
#include <spdlog/spdlog.h>

#include "shim/runtime/runtime_service.h"
#include "shim/sandbox/resolv_conf.h"
#include "shim/sandbox/sandbox_spec.h"
#include "shim/security/security_options.h"
#include "shim/server/call.h"
#include "shim/server/undo.h"

namespace shim {
namespace {

void check_runtime_handler(const std::string& handler) {
  if (handler.empty() || handler == "docker") return;
  throw invalid_argument("runtime_handler \"" + handler +
                         "\" is not known; cri-shim runs pods with \"\" or \"docker\"");
}

std::string describe(const cri::PodSandboxConfig& config) {
  const auto& m = config.metadata();
  return m.namespace_() + "/" + m.name() + " (uid " + m.uid() + ", attempt " +
         std::to_string(m.attempt()) + ")";
}

}  // namespace

grpc::Status RuntimeService::RunPodSandbox(grpc::ServerContext* context,
                                           const cri::RunPodSandboxRequest* request,
                                           cri::RunPodSandboxResponse* response) {
  return run("RunPodSandbox " + describe(request->config()), [&] {
    const auto options = call_options(context);
    const auto& config = request->config();
    check_runtime_handler(request->runtime_handler());

    SandboxSpecInputs inputs;
    inputs.image = infra_image_.reference();
    inputs.runtime_handler = request->runtime_handler();
    inputs.created_at = unix_nanos_now();
    inputs.cgroup_driver = cgroup_driver(options);  // asked once, then remembered
    inputs.oom_score_adj = security::clamp_oom_score_adj(kSandboxOomScoreAdj, host_);
    inputs.cni_network = uses_cni();
    auto create = sandbox_create_request(config, inputs);
    security::apply_sandbox_security(config.linux().security_context(), host_, create.host_config);
    const auto create_sandbox = [&] {
      try {
        return docker_.create_container(create, options);
      } catch (const docker::DockerError& e) {
        if (e.conflict())
          throw CriError(grpc::StatusCode::ALREADY_EXISTS,
                         "a sandbox with this metadata and attempt exists already (Docker name " +
                             create.name + ")");
        throw;
      }
    };
    infra_image_.ensure(options);  // no Docker call once the image was there
    docker::ContainerCreateResult created;
    try {
      created = create_sandbox();
    } catch (const docker::DockerError& e) {
      if (!e.not_found()) throw;
      // The infra image was removed since: make it present again, once.
      spdlog::info("the infra image {} is gone; making it present again", infra_image_.reference());
      infra_image_.forget();
      infra_image_.ensure(options);
      created = create_sandbox();
    }
    // Set when the rollback's CNI DEL failed (declared before `undo`, whose
    // steps read it as it unwinds). The sandbox then stays, stopped
    // (NOTREADY), with its stored attachment, instead of being removed with
    // the attachment forgotten: what ADD allocated (an IP lease, host-port
    // rules) would leak. kubelet stops and garbage-collects every sandbox
    // that is not ready, and StopPodSandbox and RemovePodSandbox DEL again
    // from the stored attachment. containerd keeps a sandbox whose clean-up
    // failed the same way.
    bool keep_for_network_retry = false;
    Undo undo;
    undo.add("remove sandbox container " + created.id, [&] {
      if (keep_for_network_retry) {
        docker_.stop_container(created.id, 0, cleanup_call_options());
        store_.refresh(created.id);
        return;
      }
      docker_.remove_container(created.id, true, true, cleanup_call_options());
      store_.forget(created.id);
    });

    docker_.start_container(created.id, options);
    if (uses_cni()) {
      // Registered before ADD: a chain that fails half-way is DELeted whole.
      undo.add("detach sandbox " + created.id + " from its CNI network", [&] {
        try {
          detach_pod_network(created.id, cleanup_call_options());
        } catch (const std::exception& e) {
          spdlog::error("sandbox {}: {}; the sandbox stays NOTREADY with its attachment, so that "
                        "StopPodSandbox or RemovePodSandbox runs the DEL again",
                        created.id, e.what());
          keep_for_network_retry = true;
        }
      });
      attach_pod_network(created.id, config, options);
    }
    const auto running = store_.refresh(created.id);
    if (has_dns_settings(config.dns_config())) {
      const std::string resolv_conf =
          running ? running->resolv_conf_path : docker_.inspect_container(created.id, false, options).resolv_conf_path;
      write_resolv_conf(resolv_conf, resolv_conf_text(config.dns_config()));
    }
    undo.commit();
    spdlog::info("sandbox {} of pod {} runs", created.id, describe(config));
    response->set_pod_sandbox_id(created.id);
  });
}

}  // namespace shim
