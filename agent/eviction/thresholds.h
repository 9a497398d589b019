// Eviction thresholds as kubelet's flags state them (pkg/kubelet/eviction/api):
// a signal, "less than" a quantity or a percentage of the signal's capacity,
// a grace period (0 for a hard threshold) and the minimum to reclaim once it
// is crossed. Parsing only; what crosses them is the eviction manager's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agent::eviction {

enum class Signal {
  MemoryAvailable,             // memory.available
  AllocatableMemoryAvailable,  // allocatableMemory.available (kubelet derives it; not a flag)
  NodeFsAvailable,             // nodefs.available
  NodeFsInodesFree,            // nodefs.inodesFree
  ImageFsAvailable,            // imagefs.available
  ImageFsInodesFree,           // imagefs.inodesFree
  PidAvailable,                // pid.available
};
std::string_view to_string(Signal signal);
// The flag spelling of a signal; nullopt for an unknown one (and for
// allocatableMemory.available, which flags cannot name).
std::optional<Signal> parse_signal(std::string_view text);

// Exactly one of the two is meaningful: a quantity (bytes, inodes or
// pids), or a fraction of the capacity in [0, 1].
struct ThresholdValue {
  std::optional<int64_t> quantity;
  double percentage = 0;  // 0.1 for "10%"
  bool operator==(const ThresholdValue&) const = default;
};
// The value against `capacity`: the quantity, or percentage * capacity.
int64_t resolve(const ThresholdValue& value, int64_t capacity);

struct Threshold {
  Signal signal = Signal::MemoryAvailable;
  ThresholdValue value;            // the signal is crossed when it is below this
  int64_t grace_period_ms = 0;     // 0: hard (act at once)
  ThresholdValue min_reclaim;      // how far below it must end up, beyond the threshold
  bool hard() const { return grace_period_ms == 0; }
  bool operator==(const Threshold&) const = default;
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// kubelet's default --eviction-hard on Linux.
KeyValues default_eviction_hard();

// The thresholds kubelet's four flags give (each as common::parse_key_values
// read it: --eviction-hard and --eviction-soft with '<', the others with
// '='): hard ones first, then soft ones in flag order. A value is a
// quantity ("100Mi", "1000") or a percentage ("10%", 0 to 100). A soft
// threshold needs a grace period above 0 and a grace period needs its soft
// threshold; a minimum reclaim applies to every threshold of its signal.
// Throws std::invalid_argument starting with the flag at fault
// ("--eviction-soft: memory.available has no --eviction-soft-grace-period").
std::vector<Threshold> parse_thresholds(const KeyValues& hard, const KeyValues& soft, const KeyValues& soft_grace,
                                        const KeyValues& min_reclaim);

// The hard threshold of `signal`, if any (node allocatable subtracts the
// memory.available and nodefs.available ones from the capacity).
std::optional<Threshold> hard_threshold(const std::vector<Threshold>& thresholds, Signal signal);

}  // namespace agent::eviction
