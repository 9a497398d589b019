// Writes a cgroup's values only when they differ from what was last
// written there: the pod cgroups are ensured on every pod sync and the QoS
// cgroups on every housekeeping sweep, and rewriting unchanged limits each
// time costs a burst of cgroupfs writes (a memory limit write can make the
// kernel reclaim) for nothing.
//
// Each key (a pod UID, a QoS class) remembers the cgroup and the values it
// last wrote. A write happens again when the values or the cgroup's name
// change, when the cgroup no longer exists (removed behind our back: it is
// made again), and after a write that failed (nothing is remembered then).
// Not thread-safe: its owner serialises the calls (ContainerManager's lock).
#pragma once

#include <map>
#include <string>

#include "agent/cm/cgroup_manager.h"

namespace agent::cm {

class CgroupValueWriter {
 public:
  explicit CgroupValueWriter(CgroupManager& cgroups) : cgroups_(cgroups) {}

  // Makes `name` (and its ancestors) with `config` unless `key` last wrote
  // exactly that to it and it still exists. True when it wrote. Throws
  // std::runtime_error as CgroupManager::create does; the key then holds
  // nothing, so the next call writes.
  bool ensure(const std::string& key, const CgroupName& name, const ResourceConfig& config);
  // Forgets what `key` wrote (its cgroup is being removed).
  void forget(const std::string& key) { written_.erase(key); }

 private:
  struct Written {
    CgroupName name;
    ResourceConfig config;
  };
  CgroupManager& cgroups_;
  std::map<std::string, Written> written_;
};

}  // namespace agent::cm
