// Pod networking by CNI (--network-plugin=cni): attaching a sandbox's
// network namespace through the configured plugin chain, and detaching it.
//
//  - The configuration is looked up in the conf dir on every ADD and every
//    readiness check (cni_config.h), so a config dropped in later counts.
//  - ADD runs the chain in order, each plugin getting the previous result;
//    the attachment is stored before and after (attachment_store.h).
//  - DEL runs the stored chain in reverse with the stored inputs and result,
//    and is idempotent: nothing stored means nothing to do; an empty netns
//    (the pause process is gone) is passed as "", which the plugins accept
//    for DEL. The stored file goes only when every plugin's DEL succeeded
//    (a plugin binary that is gone meanwhile is skipped, logged).
// Thread-safe: calls for different sandboxes run concurrently (the plugins
// lock what they share, as host-local does its leases).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "shim/network/attachment_store.h"
#include "shim/network/cni_config.h"
#include "shim/network/cni_result.h"
#include "shim/network/plugin_config.h"

namespace shim::network {

struct CniSettings {
  std::vector<std::string> bin_dirs;  // searched in order
  std::string conf_dir;
  std::string state_dir;              // the attachments
  std::chrono::milliseconds plugin_timeout{std::chrono::seconds(60)};
};

// Splits a dir list separated by colons (kubelet's) or commas (cri-dockerd's),
// dropping empty parts.
std::vector<std::string> split_dir_list(const std::string& list);

struct PodNetworkRequest {
  std::string sandbox_id;
  std::string netns;  // /proc/<pid>/ns/net of the pause process
  std::string pod_namespace, pod_name, pod_uid;
  std::vector<PortMapping> port_mappings;
  DnsSettings dns;
  std::string pod_cidr;  // from UpdateRuntimeConfig; "" = the config's own ranges
};

class CniNetwork {
 public:
  explicit CniNetwork(CniSettings settings);

  const CniSettings& settings() const { return settings_; }
  // The config ADD would use now, or why there is none.
  ConfigSearch current_config() const { return load_network_config(settings_.conf_dir); }

  // Attaches the sandbox; returns its addresses. Throws std::runtime_error
  // (no config) or CniPluginError (a plugin failed). On failure the caller
  // runs detach(), as for any attachment (the store knows the chain).
  PodIps attach(const PodNetworkRequest& request);
  // DEL through the stored chain; true when something was detached. Throws
  // CniPluginError when a plugin's DEL fails (the attachment stays stored,
  // so that a later stop or remove tries again).
  bool detach(const std::string& sandbox_id, const std::string& netns);
  // The stored addresses of an attached sandbox.
  std::optional<PodIps> pod_ips(const std::string& sandbox_id) const;
  bool attached(const std::string& sandbox_id) const { return store_.load(sandbox_id).has_value(); }

 private:
  nlohmann::json run_plugin(const Attachment& attachment, std::size_t index, const char* command,
                            const std::string& sandbox_id, const std::string& netns,
                            const nlohmann::json& prev_result) const;

  const CniSettings settings_;
  AttachmentStore store_;
};

}  // namespace shim::network
