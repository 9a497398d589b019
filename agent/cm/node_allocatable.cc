#include "agent/cm/node_allocatable.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "agent/pod/quantity.h"
#include "agent/stats/fs_usage.h"
#include "agent/stats/node_proc.h"
#include "common/small_file.h"

namespace agent::cm {

namespace {

int64_t get(const ResourceMap& map, const std::string& key) {
  const auto it = map.find(key);
  return it == map.end() ? 0 : it->second;
}

// "hugepages-2048kB" -> "hugepages-2Mi", as Kubernetes names the page size.
std::string hugepage_resource(int64_t kib) {
  if (kib % (1024 * 1024) == 0) return "hugepages-" + std::to_string(kib / (1024 * 1024)) + "Gi";
  if (kib % 1024 == 0) return "hugepages-" + std::to_string(kib / 1024) + "Mi";
  return "hugepages-" + std::to_string(kib) + "Ki";
}

}  // namespace

ResourceMap parse_reserved(const KeyValues& pairs, const std::string& flag) {
  ResourceMap out;
  for (const auto& [name, text] : pairs) {
    if (name != kCpu && name != kMemory && name != kEphemeralStorage && name != kPid)
      throw std::invalid_argument(flag + ": " + name + " cannot be reserved (cpu, memory, ephemeral-storage, pid)");
    try {
      const auto quantity = pod::Quantity::parse(text);
      if (quantity.negative()) throw std::invalid_argument(flag + ": " + name + " must not be negative");
      out[name] = name == kCpu ? quantity.milli() : quantity.value();
    } catch (const pod::QuantityError& e) {
      throw std::invalid_argument(flag + ": " + name + ": " + e.what());
    }
  }
  return out;
}

NodeResources compute_node_resources(const ResourceMap& capacity, const ResourceMap& kube_reserved,
                                     const ResourceMap& system_reserved,
                                     const std::vector<eviction::Threshold>& thresholds) {
  NodeResources node;
  node.capacity = capacity;
  node.capacity.erase(kPid);
  // The hard thresholds hold back what the eviction manager must keep free.
  ResourceMap eviction;
  if (auto t = eviction::hard_threshold(thresholds, eviction::Signal::MemoryAvailable))
    eviction[kMemory] = eviction::resolve(t->value, get(capacity, kMemory));
  if (auto t = eviction::hard_threshold(thresholds, eviction::Signal::NodeFsAvailable))
    eviction[kEphemeralStorage] = eviction::resolve(t->value, get(capacity, kEphemeralStorage));
  int64_t hugepages = 0;
  for (const auto& [name, value] : node.capacity)
    if (name.rfind("hugepages-", 0) == 0) hugepages += value;
  for (const auto& [name, value] : node.capacity) {
    int64_t left = value - get(kube_reserved, name) - get(system_reserved, name) - get(eviction, name);
    if (name == kMemory) left -= hugepages;
    node.allocatable[name] = std::max<int64_t>(left, 0);
  }
  return node;
}

ResourceConfig kubepods_config(const ResourceMap& capacity, const ResourceMap& kube_reserved,
                               const ResourceMap& system_reserved, bool enforce_pods) {
  auto value = [&](const char* name) {
    const int64_t reserved = enforce_pods ? get(kube_reserved, name) + get(system_reserved, name) : 0;
    return std::max<int64_t>(get(capacity, name) - reserved, 0);
  };
  ResourceConfig config;
  if (capacity.count(kCpu)) config.cpu_shares = milli_cpu_to_shares(value(kCpu));
  if (capacity.count(kMemory)) config.memory_limit_bytes = value(kMemory);
  if (capacity.count(kPid)) config.pids_limit = value(kPid);
  return config;
}

ResourceMap read_node_capacity(const std::string& root_dir, int max_pods, int64_t memory_bytes) {
  ResourceMap capacity;
  capacity[kCpu] = 1000LL * std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  capacity[kMemory] = memory_bytes;
  // The root directory may not exist yet (made on first use): stats
  // measures the filesystem it will be on.
  const auto root_fs = stats::stat_filesystem(std::filesystem::absolute(root_dir).string());
  if (!root_fs) throw std::runtime_error("cannot statfs " + root_dir + " (or its nearest existing ancestor): " +
                                         std::strerror(errno));
  capacity[kEphemeralStorage] = static_cast<int64_t>(root_fs->capacity_bytes);
  capacity[kPods] = max_pods;
  capacity["hugepages-2Mi"] = 0;
  capacity["hugepages-1Gi"] = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/sys/kernel/mm/hugepages", ec)) {
    // hugepages-<size>kB/nr_hugepages: the pages reserved now.
    const std::string dir = entry.path().filename().string();
    int64_t kib = 0;
    if (std::sscanf(dir.c_str(), "hugepages-%ldkB", &kib) != 1 || kib <= 0) continue;
    // A size the kernel lists without its count: none reserved.
    if (const auto pages = common::read_single_value((entry.path() / "nr_hugepages").string()))
      capacity[hugepage_resource(kib)] = static_cast<int64_t>(*pages) * kib * 1024;
  }
  // Unknown: no pids.max on kubepods.
  if (const auto max_pid = stats::read_task_counts().max_pid) capacity[kPid] = *max_pid;
  return capacity;
}

}  // namespace agent::cm
