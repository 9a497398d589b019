#include "agent/pleg/container_event.h"

#include "agent/runtime/runtime_labels.h"

namespace agent::pleg {
namespace {

using Type = PodLifecycleEvent::Type;

}  // namespace

std::optional<PodLifecycleEvent> event_from_cri(const cri::ContainerEventResponse& event) {
  if (event.container_id().empty()) return std::nullopt;

  std::string uid;
  bool ours = false;
  if (event.has_pod_sandbox_status()) {
    const auto& sb = event.pod_sandbox_status();
    ours = runtime::is_managed(sb.labels());
    uid = runtime::label_value(sb.labels(), runtime::kPodUidLabel);
    if (uid.empty()) uid = sb.metadata().uid();
  }
  for (const auto& c : event.containers_statuses()) {
    if (c.id() != event.container_id()) continue;
    ours = ours || runtime::is_managed(c.labels());
    if (uid.empty()) uid = runtime::label_value(c.labels(), runtime::kPodUidLabel);
  }
  if (!ours || uid.empty()) return std::nullopt;

  PodLifecycleEvent out{uid, Type::ContainerChanged, event.container_id()};
  if (event.has_pod_sandbox_status() && event.pod_sandbox_status().id() == event.container_id()) {
    out.type = Type::SandboxChanged;
    return out;
  }
  switch (event.container_event_type()) {
    case cri::CONTAINER_CREATED_EVENT: out.type = Type::ContainerChanged; break;
    case cri::CONTAINER_STARTED_EVENT: out.type = Type::ContainerStarted; break;
    case cri::CONTAINER_STOPPED_EVENT: out.type = Type::ContainerDied; break;
    case cri::CONTAINER_DELETED_EVENT: out.type = Type::ContainerRemoved; break;
    default: out.type = Type::ContainerChanged; break;
  }
  return out;
}

}  // namespace agent::pleg
