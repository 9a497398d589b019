#include "agent/eviction/thresholds.h"

#include <array>
#include <cmath>
#include <stdexcept>

#include "agent/pod/quantity.h"
#include "common/flags.h"

namespace agent::eviction {

namespace {

constexpr std::array<std::pair<Signal, std::string_view>, 7> kSignalNames = {{
    {Signal::MemoryAvailable, "memory.available"},
    {Signal::AllocatableMemoryAvailable, "allocatableMemory.available"},
    {Signal::NodeFsAvailable, "nodefs.available"},
    {Signal::NodeFsInodesFree, "nodefs.inodesFree"},
    {Signal::ImageFsAvailable, "imagefs.available"},
    {Signal::ImageFsInodesFree, "imagefs.inodesFree"},
    {Signal::PidAvailable, "pid.available"},
}};

Signal signal_of(const std::string& flag, const std::string& name) {
  const auto signal = parse_signal(name);
  if (!signal)
    throw std::invalid_argument("--" + flag + ": unknown eviction signal \"" + name +
                                "\" (memory.available, nodefs.available, nodefs.inodesFree, imagefs.available, "
                                "imagefs.inodesFree or pid.available)");
  return *signal;
}

ThresholdValue value_of(const std::string& flag, const std::string& signal, const std::string& text) {
  ThresholdValue value;
  if (!text.empty() && text.back() == '%') {
    const std::string number = text.substr(0, text.size() - 1);
    double percent = -1;
    try {
      std::size_t used = 0;
      percent = std::stod(number, &used);
      if (used != number.size()) percent = -1;
    } catch (const std::exception&) {
    }
    if (!(percent >= 0 && percent <= 100) || number.empty())
      throw std::invalid_argument("--" + flag + ": " + signal + ": \"" + text +
                                  "\" must be a percentage from 0% to 100%");
    value.percentage = percent / 100.0;
    return value;
  }
  try {
    const auto quantity = pod::Quantity::parse(text);
    if (quantity.negative()) throw pod::QuantityError("it is negative");
    value.quantity = quantity.value();
  } catch (const pod::QuantityError& e) {
    throw std::invalid_argument("--" + flag + ": " + signal + ": \"" + text +
                                "\" is neither a quantity nor a percentage (" + e.what() + ")");
  }
  return value;
}

}  // namespace

std::string_view to_string(Signal signal) {
  for (const auto& [s, name] : kSignalNames)
    if (s == signal) return name;
  return "unknown";
}

std::optional<Signal> parse_signal(std::string_view text) {
  for (const auto& [s, name] : kSignalNames)
    if (name == text && s != Signal::AllocatableMemoryAvailable) return s;
  return std::nullopt;
}

int64_t resolve(const ThresholdValue& value, int64_t capacity) {
  if (value.quantity) return *value.quantity;
  return static_cast<int64_t>(std::llround(value.percentage * static_cast<double>(capacity)));
}

KeyValues default_eviction_hard() {
  return {{"memory.available", "100Mi"}, {"nodefs.available", "10%"}, {"nodefs.inodesFree", "5%"},
          {"imagefs.available", "15%"}};
}

std::vector<Threshold> parse_thresholds(const KeyValues& hard, const KeyValues& soft, const KeyValues& soft_grace,
                                        const KeyValues& min_reclaim) {
  std::vector<std::pair<Signal, ThresholdValue>> reclaims;
  for (const auto& [name, text] : min_reclaim)
    reclaims.emplace_back(signal_of("eviction-minimum-reclaim", name),
                          value_of("eviction-minimum-reclaim", name, text));
  const auto reclaim_of = [&reclaims](Signal signal) {
    for (const auto& [s, v] : reclaims)
      if (s == signal) return v;
    return ThresholdValue{int64_t{0}, 0};
  };

  std::vector<Threshold> out;
  for (const auto& [name, text] : hard) {
    Threshold t;
    t.signal = signal_of("eviction-hard", name);
    t.value = value_of("eviction-hard", name, text);
    t.min_reclaim = reclaim_of(t.signal);
    out.push_back(t);
  }
  for (const auto& [name, text] : soft) {
    Threshold t;
    t.signal = signal_of("eviction-soft", name);
    t.value = value_of("eviction-soft", name, text);
    t.min_reclaim = reclaim_of(t.signal);
    bool found = false;
    for (const auto& [grace_name, grace_text] : soft_grace) {
      if (grace_name != name) continue;
      try {
        t.grace_period_ms = common::parse_duration_ms(grace_text);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("--eviction-soft-grace-period: " + name + ": " + e.what());
      }
      found = true;
    }
    if (!found || t.grace_period_ms <= 0)
      throw std::invalid_argument("--eviction-soft: " + name + " needs a grace period above 0 in " +
                                  "--eviction-soft-grace-period");
    out.push_back(t);
  }
  for (const auto& [name, text] : soft_grace) {
    signal_of("eviction-soft-grace-period", name);
    bool found = false;
    for (const auto& [soft_name, unused] : soft) found = found || soft_name == name;
    if (!found)
      throw std::invalid_argument("--eviction-soft-grace-period: " + name + " has no --eviction-soft threshold");
  }
  return out;
}

std::optional<Threshold> hard_threshold(const std::vector<Threshold>& thresholds, Signal signal) {
  for (const auto& t : thresholds)
    if (t.signal == signal && t.hard()) return t;
  return std::nullopt;
}

}  // namespace agent::eviction
