// A container's volumeMounts as the CRI mounts its runtime makes (kubelet's
// makeMounts): the volume's host path, or a subPath / subPathExpr under it.
// A subPath is made when missing (a directory, as kubelet makes it, so its
// owner and mode are not the runtime's guess), and must stay inside its
// volume after symlinks are followed: a link that leads out is refused.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "agent/pod/pod_spec.h"
#include "runtime/v1/api.h"

namespace agent::runtime {

// `host_paths`: volume name -> host path (volume::PodVolumes); `env`: the
// container's final environment (make_env), for subPathExpr. Throws
// std::invalid_argument (a volume without a host path, a subPathExpr that
// expands to an absolute or ".." path, a subPath outside its volume).
std::vector<cri::Mount> make_container_mounts(const pod::Container& container,
                                              const std::map<std::string, std::string>& host_paths,
                                              const std::vector<std::pair<std::string, std::string>>& env);

}  // namespace agent::runtime
