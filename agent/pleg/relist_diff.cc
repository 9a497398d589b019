#include "agent/pleg/relist_diff.h"

#include <optional>

namespace agent::pleg {
namespace {

using Type = PodLifecycleEvent::Type;

// Every ID in either map, each once, in order, with its entity before and after.
template <typename Fn>
void for_each_id(const std::map<std::string, Entity>& before, const std::map<std::string, Entity>& after, Fn&& fn) {
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      fn(b->first, &b->second, nullptr);
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      fn(a->first, nullptr, &a->second);
      ++a;
    } else {
      fn(a->first, &b->second, &a->second);
      ++a;
      ++b;
    }
  }
}

}  // namespace

std::vector<PodLifecycleEvent> relist_diff(const Snapshot& before, const Snapshot& after) {
  std::vector<PodLifecycleEvent> events;
  auto emit = [&](const std::string& uid, Type type, const std::string& id) {
    events.push_back(PodLifecycleEvent{uid, type, id});
  };

  for_each_id(before.sandboxes, after.sandboxes, [&](const std::string& id, const Entity* old, const Entity* now) {
    if (old && now && old->state == now->state) return;
    emit(now ? now->pod_uid : old->pod_uid, Type::SandboxChanged, id);
  });

  for_each_id(before.containers, after.containers, [&](const std::string& id, const Entity* old, const Entity* now) {
    if (now == nullptr) {
      if (old->state != EntityState::Exited) emit(old->pod_uid, Type::ContainerDied, id);
      emit(old->pod_uid, Type::ContainerRemoved, id);
      return;
    }
    if (old && old->state == now->state) return;
    switch (now->state) {
      case EntityState::Running: emit(now->pod_uid, Type::ContainerStarted, id); break;
      case EntityState::Exited: emit(now->pod_uid, Type::ContainerDied, id); break;
      case EntityState::Unknown: emit(now->pod_uid, Type::ContainerChanged, id); break;
    }
  });
  return events;
}

}  // namespace agent::pleg
