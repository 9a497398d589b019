// cri-shim's Prometheus metrics, served on --metrics-address:
//  - every CRI call: grpc_server_started_total, grpc_server_handled_total
//    (by grpc_code) and grpc_server_handling_seconds, by grpc_service,
//    grpc_method and grpc_type (go-grpc-prometheus' names, as containerd
//    exports them), and cri_shim_grpc_requests_in_flight;
//  - every Docker API call: cri_shim_docker_requests_total (by endpoint and
//    HTTP code, "none" when no reply came) and
//    cri_shim_docker_request_duration_seconds (to the end of the reply, or
//    to its head for a stream);
//  - read at each scrape (a sampler the caller sets): the runtime's counts
//    (event-stream reconnects, log followers and lost or failed log writes,
//    streaming sessions) and the process's (process_resident_memory_bytes,
//    process_open_fds, process_threads, ...).
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include <grpcpp/support/status_code_enum.h>

#include "common/metrics_registry.h"

namespace shim {

class ShimMetrics {
 public:
  ShimMetrics();

  // A CRI call began / ended. `full_method` is gRPC's "/package.Service/Method";
  // `type` "unary" or "server_stream".
  void rpc_started(std::string_view full_method, std::string_view type);
  void rpc_finished(std::string_view full_method, std::string_view type, grpc::StatusCode code,
                    std::chrono::nanoseconds elapsed);

  // A Docker API exchange (docker::CallObserver's arguments).
  void docker_call(std::string_view method, std::string_view target, unsigned status,
                   std::chrono::nanoseconds elapsed);

  // Refreshes what is read rather than counted, before each render. Set once,
  // before serving.
  void set_sampler(std::function<void(common::metrics::Registry&)> sampler) { sampler_ = std::move(sampler); }

  // The text exposition (format 0.0.4).
  std::string render();

 private:
  common::metrics::Registry registry_;
  std::atomic<long> in_flight_{0};
  std::function<void(common::metrics::Registry&)> sampler_;
  std::mutex render_mutex_;  // one sampler run at a time
};

// Adds the process_* metrics of this process to `registry`.
void sample_process_metrics(common::metrics::Registry& registry);

}  // namespace shim
