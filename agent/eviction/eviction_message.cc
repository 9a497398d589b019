#include "agent/eviction/eviction_message.h"

#include <array>

namespace agent::eviction {

namespace {

std::string format_quantity(int64_t value, int64_t base, const std::array<const char*, 7>& suffixes) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  uint64_t magnitude = negative ? -static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::size_t exponent = 0;
  while (exponent + 1 < suffixes.size() && magnitude % static_cast<uint64_t>(base) == 0) {
    magnitude /= static_cast<uint64_t>(base);
    ++exponent;
  }
  return (negative ? "-" : "") + std::to_string(magnitude) + suffixes[exponent];
}

}  // namespace

std::string format_decimal_quantity(int64_t value) {
  return format_quantity(value, 1000, {"", "k", "M", "G", "T", "P", "E"});
}

std::string format_binary_quantity(int64_t value) {
  // Kubernetes writes small binary amounts in decimal form ("512", "1k").
  if (value > -1024 && value < 1024) return format_decimal_quantity(value);
  return format_quantity(value, 1024, {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"});
}

std::string resource_of(Signal signal) {
  switch (signal) {
    case Signal::MemoryAvailable:
    case Signal::AllocatableMemoryAvailable: return "memory";
    case Signal::NodeFsAvailable:
    case Signal::ImageFsAvailable: return "ephemeral-storage";
    case Signal::NodeFsInodesFree:
    case Signal::ImageFsInodesFree: return "inodes";
    case Signal::PidAvailable: return "pids";
  }
  return "memory";
}

std::string eviction_message(Signal signal, std::optional<int64_t> threshold_quantity,
                             std::optional<int64_t> available, const pod::Pod& pod, const PodUsage* usage) {
  const std::string resource = resource_of(signal);
  const bool bytes = resource == "memory" || resource == "ephemeral-storage";
  const auto format = [bytes](int64_t v) { return bytes ? format_binary_quantity(v) : format_decimal_quantity(v); };
  std::string message = "The node was low on resource: " + resource + ". ";
  if (threshold_quantity && available)
    message += "Threshold quantity: " + format(*threshold_quantity) + ", available: " + format(*available) + ". ";
  const bool memory = resource == "memory";
  if (!usage || (!memory && resource != "ephemeral-storage")) return message;
  for (const auto& stats : usage->containers) {
    // ephemeral-storage: the writable layer and the logs, only when both are known.
    std::optional<int64_t> used = stats.memory_working_set;
    if (!memory)
      used = stats.rootfs_bytes && stats.logs_bytes ? std::optional<int64_t>(*stats.rootfs_bytes + *stats.logs_bytes)
                                                    : std::nullopt;
    if (!used) continue;
    const pod::Container* spec = nullptr;
    for (const auto* list : {&pod.spec.containers, &pod.spec.init_containers})
      for (const auto& c : *list)
        if (!spec && c.name == stats.name) spec = &c;
    if (!spec) continue;
    const auto& requests = spec->resources.requests;
    const int64_t request = (memory ? requests.memory_bytes : requests.ephemeral_storage_bytes).value_or(0);
    if (*used > request)
      message += "Container " + stats.name + " was using " + format_binary_quantity(*used) + ", request is " +
                 format_binary_quantity(request) + ", has larger consumption of " + resource + ". ";
  }
  return message;
}

std::string node_condition_message(const NodePressure& pressure) {
  std::string list;
  for (const auto& type : condition_types(pressure)) list += (list.empty() ? "" : " ") + type;
  return "The node had condition: [" + list + "]. ";
}

}  // namespace agent::eviction
