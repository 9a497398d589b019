#include "agent/runtime/lifecycle_hooks.h"

#include "agent/prober/network_probes.h"
#include "agent/remote/cri_client.h"
#include "common/string_helpers.h"

namespace agent::runtime {

namespace {

constexpr std::chrono::seconds kHttpHookTimeout{10};

std::string exec_hook(remote::CriClient& cri, const pod::ExecAction& action, const HookTarget& target,
                      std::chrono::seconds timeout) {
  cri::ExecSyncResponse response;
  const auto status = cri.exec_sync(target.container_id, action.command, timeout, response);
  std::string error;
  const std::string output = response.stdout() + response.stderr();
  if (!status.ok())
    error = status.error_message();
  else if (response.exit_code() != 0)
    error = "command '" + common::join(action.command, " ") + "' exited with " + std::to_string(response.exit_code()) +
            ": " + output;
  if (error.empty()) return "";
  return "Exec lifecycle hook ([" + common::join(action.command, " ") + "]) for Container \"" + target.container_name +
         "\" in Pod \"" + target.pod_ref + "\" failed - error: " + error + ", message: \"" + output + "\"";
}

std::string http_hook(const pod::HttpGetAction& action, const HookTarget& target, std::chrono::seconds timeout) {
  prober::HttpProbeTarget get;
  get.scheme = action.scheme;
  get.host = action.host.empty() ? target.pod_ip : action.host;
  get.port = action.port.number;
  get.path = action.path;
  get.headers = action.http_headers;
  std::string error;
  if (get.host.empty()) {
    error = "the pod has no IP";
  } else {
    // kubelet fails an HTTP hook only when there is no answer: any status
    // the handler answers with counts as done.
    error = prober::http_get(get, timeout.count() > 0 ? timeout : kHttpHookTimeout).error;
  }
  if (error.empty()) return "";
  return "HTTP lifecycle hook (" + action.path + ") for Container \"" + target.container_name + "\" in Pod \"" +
         target.pod_ref + "\" failed - error: " + error;
}

}  // namespace

std::string run_lifecycle_hook(remote::CriClient& cri, const pod::LifecycleHandler& handler, const HookTarget& target,
                               std::chrono::seconds timeout) {
  if (const auto* exec = std::get_if<pod::ExecAction>(&handler)) return exec_hook(cri, *exec, target, timeout);
  return http_hook(std::get<pod::HttpGetAction>(handler), target, timeout);
}

}  // namespace agent::runtime
