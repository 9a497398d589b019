// The node conditions the eviction manager reports (kubelet's
// MemoryPressure, DiskPressure and PIDPressure), for GET /node and for
// admission. A condition stays true for --eviction-pressure-transition-period
// after its last threshold was seen crossed, so it does not flap.
#pragma once

#include <string>
#include <vector>

namespace agent::eviction {

struct NodePressure {
  bool memory = false;
  bool disk = false;
  bool pid = false;
  bool any() const { return memory || disk || pid; }
  bool operator==(const NodePressure&) const = default;
};

// The condition types that hold, in kubelet's order ("MemoryPressure",
// "DiskPressure", "PIDPressure").
inline std::vector<std::string> condition_types(const NodePressure& pressure) {
  std::vector<std::string> out;
  if (pressure.memory) out.emplace_back("MemoryPressure");
  if (pressure.disk) out.emplace_back("DiskPressure");
  if (pressure.pid) out.emplace_back("PIDPressure");
  return out;
}

}  // namespace agent::eviction
