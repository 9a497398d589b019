#include "agent/runtime/sandbox_stops.h"

namespace agent::runtime {

std::vector<std::string> sandboxes_to_stop(const PodRuntimeState& state, const std::set<std::string>& stopped) {
  std::vector<std::string> out;
  for (const auto& s : state.sandboxes)
    if (s.ready || !stopped.count(s.id)) out.push_back(s.id);
  return out;
}

}  // namespace agent::runtime
