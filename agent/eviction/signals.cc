#include "agent/eviction/signals.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>

#include "agent/pod/quantity.h"

namespace agent::eviction {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::optional<int64_t> to_int(std::string_view s) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// Each line of `text` split at the first run of blanks or ':' into key and rest.
template <typename F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    const auto sep = line.find_first_of(" \t:");
    if (sep == std::string_view::npos) continue;
    if (f(line.substr(0, sep), trim(line.substr(sep + 1)))) return;
  }
}

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

int64_t working_set(int64_t usage, int64_t inactive_file) { return usage > inactive_file ? usage - inactive_file : 0; }

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

std::optional<int64_t> parse_meminfo_total(std::string_view meminfo) {
  std::optional<int64_t> out;
  for_each_line(meminfo, [&out](std::string_view key, std::string_view rest) {
    if (key != "MemTotal") return false;
    // "24589904 kB"
    const auto blank = rest.find(' ');
    const auto number = to_int(rest.substr(0, blank));
    if (number) out = *number * (blank != std::string_view::npos && trim(rest.substr(blank)) == "kB" ? 1024 : 1);
    return true;
  });
  return out;
}

std::optional<int64_t> parse_stat_value(std::string_view stat, std::string_view wanted) {
  std::optional<int64_t> out;
  for_each_line(stat, [&](std::string_view key, std::string_view rest) {
    if (key != wanted) return false;
    out = to_int(rest.substr(0, rest.find(' ')));  // "123" or "123 kB"
    return true;
  });
  return out;
}

std::optional<int64_t> parse_loadavg_tasks(std::string_view loadavg) {
  const auto slash = loadavg.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto rest = loadavg.substr(slash + 1);
  return to_int(rest.substr(0, rest.find(' ')));
}

std::optional<int64_t> parse_integer(std::string_view text) { return to_int(trim(text)); }

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
