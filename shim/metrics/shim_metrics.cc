#include "shim/metrics/shim_metrics.h"

#include "common/grpc_code_name.h"
#include "common/memory_trim.h"
#include "common/process_stats.h"
#include "docker-client/endpoint_label.h"

namespace shim {
namespace {

using common::metrics::Labels;

double seconds_of(std::chrono::nanoseconds elapsed) { return std::chrono::duration<double>(elapsed).count(); }

// "/runtime.v1.RuntimeService/RunPodSandbox" -> service and method labels.
Labels method_labels(std::string_view full_method, std::string_view type) {
  if (!full_method.empty() && full_method.front() == '/') full_method.remove_prefix(1);
  const auto slash = full_method.find('/');
  const auto service = slash == std::string_view::npos ? std::string_view() : full_method.substr(0, slash);
  const auto method = slash == std::string_view::npos ? full_method : full_method.substr(slash + 1);
  return {{"grpc_method", std::string(method)},
          {"grpc_service", std::string(service)},
          {"grpc_type", std::string(type)}};
}

}  // namespace

ShimMetrics::ShimMetrics() {
  auto& r = registry_;
  r.describe("grpc_server_started_total", "counter", "CRI calls started.");
  r.describe("grpc_server_handled_total", "counter", "CRI calls completed, by gRPC code.");
  r.describe("grpc_server_handling_seconds", "histogram", "Time from a CRI call's arrival to its status.");
  r.describe("cri_shim_grpc_requests_in_flight", "gauge", "CRI calls being served now.");
  r.describe("cri_shim_docker_requests_total", "counter",
             "Docker Engine API calls, by endpoint and HTTP code (none: no reply came).");
  r.describe("cri_shim_docker_request_duration_seconds", "histogram",
             "Time of a Docker Engine API call, to the end of its reply (to its head for a stream).");
  r.set_gauge("cri_shim_grpc_requests_in_flight", {}, 0);
}

void ShimMetrics::rpc_started(std::string_view full_method, std::string_view type) {
  registry_.add_counter("grpc_server_started_total", method_labels(full_method, type));
  registry_.set_gauge("cri_shim_grpc_requests_in_flight", {}, static_cast<double>(++in_flight_));
}

void ShimMetrics::rpc_finished(std::string_view full_method, std::string_view type, grpc::StatusCode code,
                               std::chrono::nanoseconds elapsed) {
  auto labels = method_labels(full_method, type);
  registry_.observe_seconds("grpc_server_handling_seconds", labels, seconds_of(elapsed));
  labels.emplace_back("grpc_code", common::grpc_code_name(code));
  registry_.add_counter("grpc_server_handled_total", labels);
  registry_.set_gauge("cri_shim_grpc_requests_in_flight", {}, static_cast<double>(--in_flight_));
}

void ShimMetrics::docker_call(std::string_view method, std::string_view target, unsigned status,
                              std::chrono::nanoseconds elapsed) {
  const std::string endpoint = docker::endpoint_label(method, target);
  registry_.observe_seconds("cri_shim_docker_request_duration_seconds", {{"endpoint", endpoint}}, seconds_of(elapsed));
  registry_.add_counter("cri_shim_docker_requests_total",
                        {{"code", status == 0 ? "none" : std::to_string(status)}, {"endpoint", endpoint}});
}

std::string ShimMetrics::render() {
  std::lock_guard lock(render_mutex_);
  if (sampler_) sampler_(registry_);
  return registry_.render();
}

void sample_process_metrics(common::metrics::Registry& r) {
  const auto process = common::read_process_stats();
  r.describe("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  r.set_gauge("process_resident_memory_bytes", {}, static_cast<double>(process.resident_bytes));
  r.describe("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
  r.set_gauge("process_virtual_memory_bytes", {}, static_cast<double>(process.virtual_bytes));
  r.describe("process_open_fds", "gauge", "Open file descriptors.");
  r.set_gauge("process_open_fds", {}, static_cast<double>(process.open_fds));
  r.describe("process_max_fds", "gauge", "The most file descriptors the process may open.");
  r.set_gauge("process_max_fds", {}, static_cast<double>(process.max_fds));
  r.describe("process_threads", "gauge", "Threads of the process.");
  r.set_gauge("process_threads", {}, static_cast<double>(process.threads));
  r.describe("process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.");
  r.set_counter("process_cpu_seconds_total", {}, process.cpu_seconds);
  r.describe("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.");
  r.set_gauge("process_start_time_seconds", {}, process.start_time_seconds);
  const auto heap = common::heap_usage();
  r.describe("cri_shim_heap_in_use_bytes", "gauge", "Bytes malloc has handed out and not had back.");
  r.set_gauge("cri_shim_heap_in_use_bytes", {}, static_cast<double>(heap.in_use));
}

}  // namespace shim
