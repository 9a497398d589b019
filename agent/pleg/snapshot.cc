#include "agent/pleg/snapshot.h"

#include "agent/runtime/runtime_labels.h"

namespace agent::pleg {
namespace {

EntityState container_state(cri::ContainerState s) {
  switch (s) {
    case cri::CONTAINER_RUNNING: return EntityState::Running;
    case cri::CONTAINER_EXITED: return EntityState::Exited;
    default: return EntityState::Unknown;  // Created counts as Unknown, as in kubelet
  }
}

}  // namespace

cri::PodSandboxFilter managed_sandbox_filter() {
  cri::PodSandboxFilter f;
  runtime::select_managed(f);
  return f;
}

cri::ContainerFilter managed_container_filter() {
  cri::ContainerFilter f;
  runtime::select_managed(f);
  return f;
}

Snapshot make_snapshot(const cri::ListPodSandboxResponse& sandboxes, const cri::ListContainersResponse& containers) {
  Snapshot snap;
  for (const auto& sb : sandboxes.items()) {
    if (!runtime::is_managed(sb.labels())) continue;
    std::string uid = runtime::label_value(sb.labels(), runtime::kPodUidLabel);
    if (uid.empty()) uid = sb.metadata().uid();
    snap.sandboxes[sb.id()] =
        Entity{uid, sb.state() == cri::SANDBOX_READY ? EntityState::Running : EntityState::Exited};
  }
  for (const auto& c : containers.containers()) {
    if (!runtime::is_managed(c.labels())) continue;
    std::string uid = runtime::label_value(c.labels(), runtime::kPodUidLabel);
    if (uid.empty()) {
      auto sb = snap.sandboxes.find(c.pod_sandbox_id());
      if (sb != snap.sandboxes.end()) uid = sb->second.pod_uid;
    }
    snap.containers[c.id()] = Entity{uid, container_state(c.state())};
  }
  return snap;
}

}  // namespace agent::pleg
