// AgentPaths (cri_configs.h): kubelet's layout under the agent's root dir.
#include "agent/runtime/cri_configs.h"

#include <filesystem>

namespace agent::runtime {

std::string AgentPaths::pod_log_dir(const pod::Pod& pod) const {
  return root_dir + "/pods/" + pod.metadata.namespace_ + "_" + pod.metadata.name + "_" + pod.metadata.uid;
}

std::string AgentPaths::pod_state_dir(const std::string& uid) const { return root_dir + "/pods/" + uid; }

std::vector<std::string> AgentPaths::pod_state_uids() const {
  std::vector<std::string> uids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root_dir + "/pods", ec)) {
    const std::string name = entry.path().filename().string();
    // <ns>_<name>_<uid> is a log directory; a UID has no '_'.
    if (name.find('_') == std::string::npos && entry.is_directory(ec)) uids.push_back(name);
  }
  return uids;
}

std::string AgentPaths::termination_message_file(const pod::Pod& pod, const std::string& container,
                                                 uint32_t restart_count) const {
  return pod_state_dir(pod.metadata.uid) + "/containers/" + container + "/" + std::to_string(restart_count);
}

}  // namespace agent::runtime
