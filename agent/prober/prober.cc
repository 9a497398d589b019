#include "agent/prober/prober.h"

#include <chrono>

#include "agent/prober/network_probes.h"
#include "agent/remote/cri_client.h"

namespace agent::prober {

const char* to_string(ProbeResult r) {
  switch (r) {
    case ProbeResult::Success: return "success";
    case ProbeResult::Warning: return "warning";
    case ProbeResult::Failure: return "failure";
    case ProbeResult::Unknown: return "unknown";
  }
  return "unknown";
}

namespace {

constexpr std::size_t kMaxOutput = 10 * 1024;

std::string bounded(std::string text) {
  if (text.size() > kMaxOutput) text.resize(kMaxOutput);
  return text;
}

}  // namespace

ProbeOutcome Prober::exec(const pod::ExecAction& action, const std::string& container_id,
                          int timeout_seconds) const {
  cri::ExecSyncResponse response;
  const grpc::Status status = cri_.exec_sync(container_id, action.command, std::chrono::seconds(timeout_seconds), response);
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
    return {ProbeResult::Failure, "command timed out after " + std::to_string(timeout_seconds) + "s"};
  if (!status.ok()) return {ProbeResult::Unknown, status.error_message()};
  std::string output = response.stdout() + response.stderr();
  if (response.exit_code() == 0) return {ProbeResult::Success, bounded(std::move(output))};
  if (output.empty()) output = "command exited with code " + std::to_string(response.exit_code());
  return {ProbeResult::Failure, bounded(std::move(output))};
}

ProbeOutcome Prober::probe(const pod::Probe& probe, const std::string& container_id,
                           const std::string& pod_ip) const {
  const auto timeout = std::chrono::seconds(probe.timeout_seconds);
  if (const auto* a = std::get_if<pod::ExecAction>(&probe.handler))
    return exec(*a, container_id, probe.timeout_seconds);
  if (const auto* a = std::get_if<pod::HttpGetAction>(&probe.handler)) {
    HttpProbeTarget target;
    target.scheme = a->scheme;
    target.host = a->host.empty() ? pod_ip : a->host;
    target.port = a->port.number;
    target.path = a->path;
    target.headers = a->http_headers;
    if (target.host.empty()) return {ProbeResult::Unknown, "the pod has no IP yet"};
    return http_probe(target, timeout);
  }
  if (const auto* a = std::get_if<pod::TcpSocketAction>(&probe.handler)) {
    const std::string host = a->host.empty() ? pod_ip : a->host;
    if (host.empty()) return {ProbeResult::Unknown, "the pod has no IP yet"};
    return tcp_probe(host, a->port.number, timeout);
  }
  const auto& grpc = std::get<pod::GrpcAction>(probe.handler);
  if (pod_ip.empty()) return {ProbeResult::Unknown, "the pod has no IP yet"};
  return grpc_probe(pod_ip, grpc.port, grpc.service, timeout);
}

}  // namespace agent::prober
