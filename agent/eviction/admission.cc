#include "agent/eviction/admission.h"

#include "agent/eviction/eviction_message.h"
#include "agent/eviction/pod_ranking.h"

namespace agent::eviction {

bool is_best_effort(const pod::Pod& pod) {
  for (const auto* list : {&pod.spec.init_containers, &pod.spec.containers})
    for (const auto& c : *list) {
      // kubelet's GetPodQOS counts only values above zero.
      const auto& r = c.resources;
      for (const auto* v : {&r.requests.cpu_milli, &r.requests.memory_bytes, &r.limits.cpu_milli, &r.limits.memory_bytes})
        if (v->value_or(0) > 0) return false;
    }
  return true;
}

std::optional<std::string> admission_refusal(const pod::Pod& pod, const NodePressure& pressure) {
  if (!pressure.any() || is_critical(pod)) return std::nullopt;
  const bool only_memory = pressure.memory && !pressure.disk && !pressure.pid;
  if (only_memory && !is_best_effort(pod)) return std::nullopt;
  return node_condition_message(pressure);
}

}  // namespace agent::eviction
