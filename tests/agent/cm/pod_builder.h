// Pods for the cm tests: containers with cpu (milli) and memory (bytes)
// requests and limits; -1 leaves a value unset.
#pragma once

#include <string>

#include "agent/pod/pod_spec.h"

namespace agent::cm::testing {

inline pod::Container container(const std::string& name, int64_t cpu_req, int64_t mem_req, int64_t cpu_lim = -1,
                                int64_t mem_lim = -1) {
  pod::Container c;
  c.name = name;
  c.image = "busybox";
  if (cpu_req >= 0) c.resources.requests.cpu_milli = cpu_req;
  if (mem_req >= 0) c.resources.requests.memory_bytes = mem_req;
  if (cpu_lim >= 0) c.resources.limits.cpu_milli = cpu_lim;
  if (mem_lim >= 0) c.resources.limits.memory_bytes = mem_lim;
  return c;
}

inline pod::Pod make_pod(const std::string& uid, std::vector<pod::Container> containers,
                         std::vector<pod::Container> init = {}) {
  pod::Pod p;
  p.metadata.name = "p-" + uid;
  p.metadata.uid = uid;
  p.spec.containers = std::move(containers);
  p.spec.init_containers = std::move(init);
  return p;
}

constexpr int64_t Mi = 1024 * 1024;

}  // namespace agent::cm::testing
