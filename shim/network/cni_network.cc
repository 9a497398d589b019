#include "shim/network/cni_network.h"

#include <stdexcept>

#include <spdlog/spdlog.h>

#include "common/string_helpers.h"
#include "shim/network/cni_plugin_exec.h"

namespace shim::network {
namespace {

// kubelet's CNI_ARGS; IgnoreUnknown lets plugins that take none accept them.
std::string cni_args_for(const PodNetworkRequest& request) {
  return "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + request.pod_namespace +
         ";K8S_POD_NAME=" + request.pod_name +
         ";K8S_POD_INFRA_CONTAINER_ID=" + request.sandbox_id + ";K8S_POD_UID=" + request.pod_uid;
}

}  // namespace

std::vector<std::string> split_dir_list(const std::string& list) {
  std::vector<std::string> dirs;
  for (const auto& part : common::split(list, ':'))
    for (auto& dir : common::split(part, ','))  // cri-dockerd's separator
      if (!dir.empty()) dirs.push_back(std::move(dir));
  return dirs;
}

CniNetwork::CniNetwork(CniSettings settings)
    : settings_(std::move(settings)), store_(settings_.state_dir) {}

nlohmann::json CniNetwork::run_plugin(const Attachment& attachment, std::size_t index,
                                      const char* command, const std::string& sandbox_id,
                                      const std::string& netns,
                                      const nlohmann::json& prev_result) const {
  const auto& plugin = attachment.config.plugins.at(index);
  PluginCall call;
  call.command = command;
  call.container_id = sandbox_id;
  call.netns = netns;
  call.ifname = attachment.ifname;
  call.args = attachment.cni_args;
  call.bin_dirs = settings_.bin_dirs;
  call.timeout = settings_.plugin_timeout;
  call.stdin_data = plugin_stdin(attachment.config, index, prev_result, attachment.inputs).dump();
  const auto path = find_plugin(plugin.at("type").get<std::string>(), settings_.bin_dirs);
  spdlog::debug("sandbox {}: CNI {} {} ({})", sandbox_id, command, path, attachment.config.name);
  const std::string out = exec_plugin(path, call);
  if (std::string(command) != "ADD") return nullptr;
  auto result = nlohmann::json::parse(out, nullptr, false);
  if (result.is_discarded() || !result.is_object())
    throw CniPluginError(0, "CNI plugin " + path + " (ADD) printed no JSON result: '" +
                                out.substr(0, 200) + "'");
  return result;
}

PodIps CniNetwork::attach(const PodNetworkRequest& request) {
  auto search = current_config();
  if (!search.config) throw std::runtime_error(search.why_none);
  Attachment attachment;
  attachment.config = std::move(*search.config);
  attachment.inputs.port_mappings = request.port_mappings;
  attachment.inputs.pod_cidr = request.pod_cidr;
  attachment.inputs.dns = request.dns;
  attachment.cni_args = cni_args_for(request);
  store_.save(request.sandbox_id, attachment);  // before ADD: a DEL must be possible

  nlohmann::json result;  // null for the first plugin
  for (std::size_t i = 0; i < attachment.config.plugins.size(); ++i)
    result = run_plugin(attachment, i, "ADD", request.sandbox_id, request.netns, result);
  auto ips = pod_ips_from_result(result, attachment.ifname);
  attachment.result = std::move(result);
  store_.save(request.sandbox_id, attachment);
  spdlog::info("sandbox {}: CNI network {} attached, pod IP {}", request.sandbox_id,
               attachment.config.name, ips.primary);
  return ips;
}

bool CniNetwork::detach(const std::string& sandbox_id, const std::string& netns) {
  const auto attachment = store_.load(sandbox_id);
  if (!attachment) return false;
  // In reverse, each with the final result as libcni passes it (portmap
  // and bridge read their rules and addresses from it); every plugin gets
  // its DEL even when one fails, then the first failure is reported.
  std::optional<CniPluginError> first_failure;
  for (std::size_t i = attachment->config.plugins.size(); i-- > 0;) {
    try {
      run_plugin(*attachment, i, "DEL", sandbox_id, netns, attachment->result);
    } catch (const CniPluginNotFound& e) {
      // Nobody could ever run this DEL: refusing would make the sandbox
      // impossible to stop. What the plugin made (if it ever ran) stays.
      spdlog::error("sandbox {}: {}; its DEL is skipped", sandbox_id, e.what());
    } catch (const CniPluginError& e) {
      spdlog::warn("sandbox {}: {}", sandbox_id, e.what());
      if (!first_failure) first_failure = e;
    }
  }
  if (first_failure) throw *first_failure;
  store_.remove(sandbox_id);
  spdlog::info("sandbox {}: CNI network {} detached", sandbox_id, attachment->config.name);
  return true;
}

std::optional<PodIps> CniNetwork::pod_ips(const std::string& sandbox_id) const {
  const auto attachment = store_.load(sandbox_id);
  if (!attachment || attachment->result.is_null()) return std::nullopt;
  try {
    return pod_ips_from_result(attachment->result, attachment->ifname);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

}  // namespace shim::network
