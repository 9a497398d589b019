// make_container_config (cri_configs.h): kubelet's generateContainerConfig
// and generateLinuxContainerConfig.
#include <string>

#include "agent/runtime/cri_configs.h"
#include "agent/runtime/env_vars.h"
#include "agent/runtime/runtime_labels.h"
#include "agent/runtime/security_context.h"

namespace agent::runtime {

cri::ContainerConfig make_container_config(const pod::Pod& pod, const pod::Container& container,
                                           uint32_t restart_count, bool init, const std::string& image_ref,
                                           const AgentPaths& paths, const PodEnvContext& env,
                                           const std::optional<ImageUser>& image_user) {
  cri::ContainerConfig config;
  config.mutable_metadata()->set_name(container.name);
  config.mutable_metadata()->set_attempt(restart_count);
  // The image as the runtime resolved it, and as the user wrote it.
  config.mutable_image()->set_image(image_ref.empty() ? container.image : image_ref);
  config.mutable_image()->set_user_specified_image(container.image);

  // The env first: command and args expand against its final values.
  const auto envs = make_env(pod, container, env);
  for (const auto& [key, value] : envs) {
    cri::KeyValue* kv = config.add_envs();
    kv->set_key(key);
    kv->set_value(value);
  }
  for (const auto& s : expand_all(container.command, envs)) config.add_command(s);
  for (const auto& s : expand_all(container.args, envs)) config.add_args(s);
  config.set_working_dir(container.working_dir);

  for (const auto& [k, v] : container_labels(pod, container)) (*config.mutable_labels())[k] = v;
  for (const auto& [k, v] : container_annotations(pod, container, restart_count, init))
    (*config.mutable_annotations())[k] = v;

  // Relative to the sandbox's log_directory, as kubelet writes it.
  config.set_log_path(container.name + "/" + std::to_string(restart_count) + ".log");

  // The termination message file; the caller creates it before CreateContainer.
  if (!container.termination_message_path.empty()) {
    cri::Mount* mount = config.add_mounts();
    mount->set_container_path(container.termination_message_path);
    mount->set_host_path(paths.termination_message_file(pod, container.name, restart_count));
    mount->set_readonly(false);
  }

  config.set_stdin(false);
  config.set_tty(false);

  cri::LinuxContainerConfig* linux = config.mutable_linux();
  *linux->mutable_resources() = make_linux_resources(container.resources);
  linux->mutable_resources()->set_oom_score_adj(container_oom_score_adj(pod, container, env.node_memory_bytes));
  *linux->mutable_security_context() = make_container_security_context(pod, container, paths, image_user);
  return config;
}

}  // namespace agent::runtime
