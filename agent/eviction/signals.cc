#include "agent/eviction/signals.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "agent/pod/quantity.h"

namespace agent::eviction {

namespace {

int64_t reserved_memory(const std::vector<std::pair<std::string, std::string>>& reserved, const char* flag) {
  int64_t total = 0;
  for (const auto& [resource, text] : reserved) {
    if (resource != "memory") continue;
    try {
      total += pod::Quantity::parse(text).value();
    } catch (const pod::QuantityError& e) {
      throw std::invalid_argument(std::string("--") + flag + ": memory: " + e.what());
    }
  }
  return total;
}

}  // namespace

Observations observe(const NodeReadings& r) {
  Observations out;
  if (r.memory_total && r.root_working_set)
    out[Signal::MemoryAvailable] = {*r.memory_total - *r.root_working_set, *r.memory_total};
  if (r.allocatable_memory && r.pods_working_set)
    // kubelet's capacity here is available + working set: the allocatable.
    out[Signal::AllocatableMemoryAvailable] = {*r.allocatable_memory - *r.pods_working_set, *r.allocatable_memory};
  if (r.nodefs) {
    out[Signal::NodeFsAvailable] = {r.nodefs->available_bytes, r.nodefs->capacity_bytes};
    out[Signal::NodeFsInodesFree] = {r.nodefs->inodes_free, r.nodefs->inodes};
  }
  if (r.imagefs) {
    out[Signal::ImageFsAvailable] = {r.imagefs->available_bytes, r.imagefs->capacity_bytes};
    out[Signal::ImageFsInodesFree] = {r.imagefs->inodes_free, r.imagefs->inodes};
  }
  if (r.pid_max && r.tasks) out[Signal::PidAvailable] = {*r.pid_max - *r.tasks, *r.pid_max};
  return out;
}

int64_t allocatable_memory(int64_t capacity, const std::vector<std::pair<std::string, std::string>>& kube_reserved,
                           const std::vector<std::pair<std::string, std::string>>& system_reserved,
                           const std::vector<Threshold>& thresholds) {
  int64_t out = capacity - reserved_memory(kube_reserved, "kube-reserved") -
                reserved_memory(system_reserved, "system-reserved");
  if (const auto hard = hard_threshold(thresholds, Signal::MemoryAvailable)) out -= resolve(hard->value, capacity);
  return std::max<int64_t>(out, 0);
}

std::vector<Threshold> with_allocatable_thresholds(std::vector<Threshold> thresholds,
                                                   const std::vector<std::string>& enforce_node_allocatable) {
  if (std::find(enforce_node_allocatable.begin(), enforce_node_allocatable.end(), "pods") ==
      enforce_node_allocatable.end())
    return thresholds;
  std::vector<Threshold> added;
  for (const auto& t : thresholds)
    if (t.signal == Signal::MemoryAvailable && t.hard()) {
      Threshold copy = t;
      copy.signal = Signal::AllocatableMemoryAvailable;
      added.push_back(copy);
    }
  thresholds.insert(thresholds.end(), added.begin(), added.end());
  return thresholds;
}

}  // namespace agent::eviction
