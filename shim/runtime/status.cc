// Status: RuntimeReady from a live ping of dockerd (never a cached answer),
// NetworkReady for Docker's own bridge networking, or (CNI) whether a valid
// network config is in the conf dir. A dockerd that does not
// answer makes RuntimeReady false; the call itself still succeeds, so that
// kubelet reads the condition rather than an error.
#include <nlohmann/json.hpp>

#include "build_version.h"
#include "common/memory_trim.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {
namespace {

void add_condition(cri::RuntimeStatus* status, const char* type, bool ready,
                   const std::string& reason, const std::string& message) {
  auto* condition = status->add_conditions();
  condition->set_type(type);
  condition->set_status(ready);
  condition->set_reason(reason);
  condition->set_message(message);
}

}  // namespace

grpc::Status RuntimeService::Status(grpc::ServerContext* context,
                                    const cri::StatusRequest* request,
                                    cri::StatusResponse* response) {
  return run("Status", [&] {
    const auto options = call_options(context);
    std::string ping_error;
    try {
      docker_.ping(options);
    } catch (const docker::DockerError& e) {
      using Kind = docker::DockerError::Kind;
      if (e.kind() == Kind::Cancelled || e.kind() == Kind::DeadlineExceeded) throw;
      ping_error = e.message();
    }
    const bool runtime_ready = ping_error.empty();
    auto* status = response->mutable_status();
    add_condition(status, "RuntimeReady", runtime_ready,
                  runtime_ready ? "" : "DockerDaemonNotReachable",
                  runtime_ready ? "" : "dockerd at " + docker_.endpoint().to_string() +
                                           " does not answer: " + ping_error);
    if (uses_cni()) {
      // Looked up afresh on every call, so a config dropped in later makes
      // the network ready without a restart.
      const auto search = cni_->current_config();
      add_condition(status, "NetworkReady", search.config.has_value(),
                    search.config ? "" : "NetworkPluginNotReady",
                    search.config ? "" : "network plugin cni is not ready: " + search.why_none);
    } else {
      // Docker's default bridge gives every sandbox its network; it is ready
      // whenever dockerd is.
      add_condition(status, "NetworkReady", runtime_ready,
                    runtime_ready ? "" : "DockerDaemonNotReachable",
                    runtime_ready ? "" : "Docker's bridge network is managed by dockerd, which does not answer");
    }

    for (const char* name : {"", "docker"}) {
      auto* handler = response->add_runtime_handlers();
      handler->set_name(name);
      handler->mutable_features()->set_recursive_read_only_mounts(false);
      handler->mutable_features()->set_user_namespaces(false);
    }

    if (request->verbose()) {
      nlohmann::json config = {
          {"criShimVersion", CRI_SHIM_VERSION},
          {"dockerEndpoint", docker_.endpoint().to_string()},
          {"networkPlugin", uses_cni() ? "cni" : "docker-bridge"},
          {"streamingServer", streaming_.base_url()},
          // containerd's key: a kubelet-like client's image GC never removes it.
          {"sandboxImage", infra_image_.reference()},
      };
      if (const auto cidr = pod_cidr(); !cidr.empty()) config["podCIDR"] = cidr;
      const auto store = store_.counters();
      config["containerStore"] = {
          {"live", store.live},
          {"objects", store.objects},
          {"resynchronisations", store.resynchronisations},
          {"events", store.events},
          {"eventsSeenAlready", store.events_seen_already},
          {"inspects", store.inspects},
          {"audits", store.audits},
          {"auditCorrections", store.audit_corrections},
          {"answeredFromDocker", store.answered_from_docker},
      };
      // The log copy's load: followers, and the pump's queued tasks, timers
      // (retries, backoffs) and watched streams; flat over time when nothing leaks.
      const auto logs = logs_.load();
      config["logs"] = {
          {"followers", logs.followers},
          {"pumpTasks", logs.pump.tasks},
          {"pumpTimers", logs.pump.timers},
          {"pumpWatchedStreams", logs.pump.watched},
      };
      // malloc's own account, beside the RSS a monitor sees: a leak grows
      // heapInUseBytes, fragmentation only heapKeptFreeBytes.
      const auto heap = common::heap_usage();
      config["process"] = {{"heapInUseBytes", heap.in_use}, {"heapKeptFreeBytes", heap.kept_free}};
      if (uses_cni()) {
        config["cniConfDir"] = cni_->settings().conf_dir;
        config["cniBinDirs"] = cni_->settings().bin_dirs;
        if (const auto search = cni_->current_config(); search.config)
          config["cniConfig"] = search.config->source;
      }
      if (runtime_ready) {
        config["dockerApiVersion"] = docker_.api_version(options);
        (*response->mutable_info())["dockerInfo"] = docker_.info(options).raw.dump();
      }
      (*response->mutable_info())["config"] = config.dump();
    }
  });
}

}  // namespace shim
