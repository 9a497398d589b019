// AgentPaths (cri_configs.h): kubelet's layout under the agent's root dir.
#include "agent/runtime/cri_configs.h"

namespace agent::runtime {

std::string AgentPaths::pod_log_dir(const pod::Pod& pod) const {
  return root_dir + "/pods/" + pod.metadata.namespace_ + "_" + pod.metadata.name + "_" + pod.metadata.uid;
}

std::string AgentPaths::termination_message_file(const pod::Pod& pod, const std::string& container,
                                                 uint32_t restart_count) const {
  return root_dir + "/pods/" + pod.metadata.uid + "/containers/" + container + "/" + std::to_string(restart_count);
}

}  // namespace agent::runtime
