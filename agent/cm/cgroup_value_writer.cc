#include "agent/cm/cgroup_value_writer.h"

namespace agent::cm {

bool CgroupValueWriter::ensure(const std::string& key, const CgroupName& name, const ResourceConfig& config) {
  const auto it = written_.find(key);
  if (it != written_.end() && it->second.name == name && it->second.config == config && cgroups_.exists(name))
    return false;
  // Forgotten first: a write that throws half-way leaves values unknown.
  written_.erase(key);
  cgroups_.create(name, config);
  written_.emplace(key, Written{name, config});
  return true;
}

}  // namespace agent::cm
