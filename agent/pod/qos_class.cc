#include "agent/pod/qos_class.h"

#include <cstdint>

namespace agent::pod {

namespace {

// Sums of the positive values of one resource; `seen` says whether any was.
struct Sum {
  int64_t value = 0;
  bool seen = false;
  void add(const std::optional<int64_t>& v) {
    if (v.value_or(0) <= 0) return;
    value += *v;
    seen = true;
  }
  bool operator==(const Sum&) const = default;
};

}  // namespace

QosClass qos_class(const PodSpec& spec) {
  Sum cpu_requests, memory_requests, cpu_limits, memory_limits;
  bool every_container_limits_both = true;
  for (const auto* list : {&spec.init_containers, &spec.containers}) {
    for (const auto& c : *list) {
      const auto& r = c.resources;
      cpu_requests.add(r.requests.cpu_milli);
      memory_requests.add(r.requests.memory_bytes);
      cpu_limits.add(r.limits.cpu_milli);
      memory_limits.add(r.limits.memory_bytes);
      if (r.limits.cpu_milli.value_or(0) <= 0 || r.limits.memory_bytes.value_or(0) <= 0)
        every_container_limits_both = false;
    }
  }
  const bool any = cpu_requests.seen || memory_requests.seen || cpu_limits.seen || memory_limits.seen;
  if (!any) return QosClass::BestEffort;
  // Requests and limits must name the same resources with the same sums.
  if (every_container_limits_both && cpu_requests == cpu_limits && memory_requests == memory_limits)
    return QosClass::Guaranteed;
  return QosClass::Burstable;
}

const char* to_string(QosClass qos) {
  switch (qos) {
    case QosClass::Guaranteed: return "Guaranteed";
    case QosClass::Burstable: return "Burstable";
    case QosClass::BestEffort: return "BestEffort";
  }
  return "Unknown";
}

}  // namespace agent::pod
