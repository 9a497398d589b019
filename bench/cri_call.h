// The benchmarks' side of a CRI call: a client context with a generous
// deadline, and a check that turns a failed status into an exception (a
// benchmark that times failures would measure nothing).
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include "runtime/v1/api.h"

namespace bench {

inline void check(const grpc::Status& status, const std::string& what) {
  if (!status.ok()) throw std::runtime_error(what + ": " + status.error_message());
}

inline std::unique_ptr<grpc::ClientContext> context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  return ctx;
}

// A Version call: the cost of a CRI round trip itself, the floor under
// every call's figure (cri-shim answers it from memory while its event
// connection to dockerd lasts).
inline void round_trip_without_work(cri::RuntimeService::Stub& runtime) {
  cri::VersionRequest request;
  cri::VersionResponse response;
  check(runtime.Version(context().get(), request, &response), "Version");
}

// Status verbose's `config` (cri-shim's counters: container store, log
// copy, malloc's heap); an empty object when the call or the parse fails.
inline nlohmann::json status_config(cri::RuntimeService::Stub& runtime) {
  cri::StatusRequest request;
  request.set_verbose(true);
  cri::StatusResponse response;
  if (!runtime.Status(context().get(), request, &response).ok() || !response.info().count("config"))
    return nlohmann::json::object();
  auto config = nlohmann::json::parse(response.info().at("config"), nullptr, false);
  return config.is_object() ? config : nlohmann::json::object();
}

// Stops and removes, best effort, every sandbox of pod namespace `ns` (a
// bench's own namespace, after its agent has stopped): nothing a run made
// outlives it, however it ended.
inline void remove_namespace_sandboxes(cri::RuntimeService::Stub& runtime, const std::string& ns) {
  cri::ListPodSandboxRequest request;
  (*request.mutable_filter()->mutable_label_selector())["io.kubernetes.pod.namespace"] = ns;
  cri::ListPodSandboxResponse response;
  if (!runtime.ListPodSandbox(context().get(), request, &response).ok()) return;
  for (const auto& s : response.items()) {
    cri::StopPodSandboxRequest stop;
    stop.set_pod_sandbox_id(s.id());
    cri::StopPodSandboxResponse stopped;
    runtime.StopPodSandbox(context().get(), stop, &stopped);
    cri::RemovePodSandboxRequest remove;
    remove.set_pod_sandbox_id(s.id());
    cri::RemovePodSandboxResponse removed;
    runtime.RemovePodSandbox(context().get(), remove, &removed);
  }
}

}  // namespace bench
