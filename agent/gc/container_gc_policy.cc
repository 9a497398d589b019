#include "agent/gc/container_gc_policy.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace agent::gc {

namespace {

// Newest first; equal times in ID order, so a plan never depends on the
// order the runtime listed things in.
template <typename T>
bool newer(const T& a, const T& b) {
  if (a.created_at_ns != b.created_at_ns) return a.created_at_ns > b.created_at_ns;
  return a.id < b.id;
}

using UnitKey = std::pair<std::string, std::string>;  // (pod UID, container name)
using Units = std::map<UnitKey, std::vector<ContainerInfo>>;

ContainerRemoval removal_of(const ContainerInfo& c) {
  return ContainerRemoval{c.id, c.state == ContainerRunState::Unknown};
}

// Moves the oldest `count` of `unit` (kept newest first) into `out`.
void take_oldest(std::vector<ContainerInfo>& unit, std::size_t count, std::vector<ContainerRemoval>& out) {
  count = std::min(count, unit.size());
  for (std::size_t i = unit.size() - count; i < unit.size(); ++i) out.push_back(removal_of(unit[i]));
  unit.resize(unit.size() - count);
}

void keep_at_most(Units& units, std::size_t keep, std::vector<ContainerRemoval>& out) {
  for (auto& [key, unit] : units)
    if (unit.size() > keep) take_oldest(unit, unit.size() - keep, out);
}

std::size_t total(const Units& units) {
  std::size_t n = 0;
  for (const auto& [key, unit] : units) n += unit.size();
  return n;
}

// Whether everything of the pod may go: gone (once the sources have all
// spoken), or finished when the caller asks for that too.
bool removable_pod(const std::string& uid, const GcConditions& when, const PresenceOf& presence) {
  const PodPresence p = presence(uid);
  if (p == PodPresence::Gone) return when.all_sources_ready;
  return p == PodPresence::Terminated && when.evict_terminated && when.all_sources_ready;
}

}  // namespace

std::vector<ContainerRemoval> containers_to_remove(const std::vector<ContainerInfo>& containers,
                                                   const ContainerGcPolicy& policy, const GcConditions& when,
                                                   const PresenceOf& presence) {
  Units units;
  const int64_t newest_allowed = when.now_ns - policy.min_age_ns;
  for (const auto& c : containers) {
    if (c.state == ContainerRunState::Running) continue;
    // Too young even for a pod that is gone: it may be being looked at
    // (its logs, its exit) right now.
    if (c.created_at_ns > newest_allowed) continue;
    if (c.state == ContainerRunState::Created && c.created_at_ns > when.now_ns - kCreatedGraceNs) continue;
    units[{c.pod_uid, c.name}].push_back(c);
  }
  for (auto& [key, unit] : units) std::sort(unit.begin(), unit.end(), newer<ContainerInfo>);

  std::vector<ContainerRemoval> out;
  for (auto it = units.begin(); it != units.end();) {
    if (removable_pod(it->first.first, when, presence)) {
      take_oldest(it->second, it->second.size(), out);
      it = units.erase(it);
    } else {
      ++it;
    }
  }

  if (policy.max_per_container >= 0) keep_at_most(units, static_cast<std::size_t>(policy.max_per_container), out);

  if (policy.max_containers >= 0 && total(units) > static_cast<std::size_t>(policy.max_containers)) {
    // A fair share first, so that one crash-looping container cannot push
    // every other container's last state out; as kubelet, the units that
    // the per-container limit emptied still count in the division.
    const std::size_t share = std::max<std::size_t>(1, policy.max_containers / units.size());
    keep_at_most(units, share, out);
    const std::size_t left = total(units);
    if (left > static_cast<std::size_t>(policy.max_containers)) {
      std::vector<ContainerInfo> all;
      for (auto& [key, unit] : units) all.insert(all.end(), unit.begin(), unit.end());
      std::sort(all.begin(), all.end(), newer<ContainerInfo>);
      take_oldest(all, left - policy.max_containers, out);
    }
  }
  return out;
}

std::vector<std::string> sandboxes_to_remove(const std::vector<SandboxInfo>& sandboxes,
                                             const std::vector<ContainerInfo>& containers,
                                             const GcConditions& when, const PresenceOf& presence) {
  std::set<std::string> holding;
  for (const auto& c : containers) holding.insert(c.sandbox_id);
  std::map<std::string, std::vector<SandboxInfo>> by_pod;
  for (const auto& s : sandboxes) by_pod[s.pod_uid].push_back(s);

  std::vector<std::string> out;
  for (auto& [uid, list] : by_pod) {
    std::sort(list.begin(), list.end(), newer<SandboxInfo>);
    // A live pod keeps its newest sandbox: the one its next sync looks at
    // to decide whether a new one is needed (and with which attempt).
    const std::size_t first = removable_pod(uid, when, presence) ? 0 : 1;
    for (std::size_t i = list.size(); i-- > first;) {
      const auto& s = list[i];
      if (!s.ready && !holding.count(s.id)) out.push_back(s.id);
    }
  }
  return out;
}

std::string pod_uid_of_log_dir(const std::string& name) {
  const auto underscore = name.rfind('_');
  return underscore == std::string::npos ? std::string() : name.substr(underscore + 1);
}

std::vector<std::string> log_dirs_to_remove(const std::vector<std::string>& names, const GcConditions& when,
                                            const PresenceOf& presence) {
  std::vector<std::string> out;
  if (!when.all_sources_ready) return out;
  for (const auto& name : names) {
    const std::string uid = pod_uid_of_log_dir(name);
    if (!uid.empty() && presence(uid) == PodPresence::Gone) out.push_back(name);
  }
  return out;
}

}  // namespace agent::gc
