// A container's environment and the $(VAR) expansion of its env values,
// command and args, as kubelet's makeEnvironmentVariables and
// third_party/forked/golang/expansion do it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/pod/pod_spec.h"
#include "agent/runtime/cri_configs.h"

namespace agent::runtime {

// Expands $(NAME) in `input` through `lookup`; a name lookup does not know
// stays as written ("$(NAME)"), "$$" gives "$", a "$" before anything else
// stays, an unclosed "$(" stays.
std::string expand_vars(std::string_view input,
                        const std::function<std::optional<std::string>(const std::string&)>& lookup);

// The value a fieldRef names: metadata.name, metadata.namespace,
// metadata.uid, spec.nodeName, spec.serviceAccountName (""), status.podIP,
// status.podIPs (comma-separated), status.hostIP, status.hostIPs.
// Throws std::invalid_argument for any other path.
std::string field_ref_value(const pod::Pod& pod, const std::string& field_path, const PodEnvContext& env);

// The container's env as kubelet's makeEnvironmentVariables builds it:
// first every key of each envFrom source (with its prefix; a key that is no
// valid variable name is skipped), then env in spec order, each name once
// (the last definition wins, in the first one's place). Literal values are
// expanded against the variables defined before them; fieldRef values and
// ConfigMap/Secret keys are taken as they are.
// A missing non-optional ConfigMap, Secret or key throws
// std::invalid_argument with kubelet's words (CreateContainerConfigError).
std::vector<std::pair<std::string, std::string>> make_env(const pod::Pod& pod, const pod::Container& container,
                                                          const PodEnvContext& env);

// Expands every entry of `list` against the final `env` (command and args).
std::vector<std::string> expand_all(const std::vector<std::string>& list,
                                    const std::vector<std::pair<std::string, std::string>>& env);

}  // namespace agent::runtime
