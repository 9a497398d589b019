#include "agent/runtime/pod_state_reader.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "agent/remote/cri_client.h"
#include "agent/runtime/runtime_labels.h"

namespace agent::runtime {

namespace {

constexpr std::size_t kMaxTerminationMessage = 4096;

ContainerPhase phase_of(cri::ContainerState state) {
  switch (state) {
    case cri::CONTAINER_CREATED: return ContainerPhase::Created;
    case cri::CONTAINER_RUNNING: return ContainerPhase::Running;
    case cri::CONTAINER_EXITED: return ContainerPhase::Exited;
    default: return ContainerPhase::Unknown;
  }
}

uint32_t restart_count_of(const google::protobuf::Map<std::string, std::string>& annotations) {
  try {
    return static_cast<uint32_t>(std::stoul(label_value(annotations, kRestartCountAnnotation)));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

std::string read_termination_message(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string text(kMaxTerminationMessage, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

grpc::Status PodStateReader::read(const std::string& uid, PodRuntimeState& out) {
  out = PodRuntimeState{};
  out.uid = uid;

  cri::PodSandboxFilter sandbox_filter;
  select_managed(sandbox_filter, node_name_, uid);
  cri::ListPodSandboxResponse sandboxes;
  if (auto status = cri_.list_pod_sandbox(sandbox_filter, sandboxes); !status.ok()) return status;
  for (const auto& s : sandboxes.items()) {
    SandboxState state;
    state.id = s.id();
    state.attempt = s.metadata().attempt();
    state.ready = s.state() == cri::SANDBOX_READY;
    state.created_at_ns = s.created_at();
    out.name = s.metadata().name();
    out.namespace_ = s.metadata().namespace_();
    out.sandboxes.push_back(std::move(state));
  }
  std::sort(out.sandboxes.begin(), out.sandboxes.end(),
            [](const SandboxState& a, const SandboxState& b) { return a.created_at_ns > b.created_at_ns; });
  if (!out.sandboxes.empty() && out.sandboxes.front().ready) {
    cri::PodSandboxStatusResponse status;
    auto rpc = cri_.pod_sandbox_status(out.sandboxes.front().id, status);
    if (rpc.ok()) {
      out.sandboxes.front().ip = status.status().network().ip();
      for (const auto& ip : status.status().network().additional_ips())
        out.sandboxes.front().additional_ips.push_back(ip.ip());
      // The sandbox may have stopped between the list and the status.
      out.sandboxes.front().ready = status.status().state() == cri::SANDBOX_READY;
    } else if (rpc.error_code() != grpc::StatusCode::NOT_FOUND) {
      return rpc;
    }
  }

  cri::ContainerFilter container_filter;
  select_managed(container_filter, node_name_, uid);
  cri::ListContainersResponse containers;
  if (auto status = cri_.list_containers(container_filter, containers); !status.ok()) return status;
  std::set<std::string> listed;
  for (const auto& c : containers.containers()) {
    listed.insert(c.id());
    ContainerState state;
    auto rpc = read_container(c.id(), out, state);
    if (rpc.error_code() == grpc::StatusCode::NOT_FOUND) continue;  // removed since the list
    if (!rpc.ok()) return rpc;
    // Only the list says which sandbox a container belongs to.
    state.sandbox_id = c.pod_sandbox_id();
    out.containers.push_back(std::move(state));
  }
  {
    std::lock_guard lock(mutex_);
    if (auto pod = exited_.find(uid); pod != exited_.end()) {
      std::erase_if(pod->second, [&](const auto& entry) { return !listed.count(entry.first); });
      if (pod->second.empty()) exited_.erase(pod);
    }
  }
  std::sort(out.containers.begin(), out.containers.end(),
            [](const ContainerState& a, const ContainerState& b) { return a.created_at_ns > b.created_at_ns; });
  return grpc::Status::OK;
}

grpc::Status PodStateReader::read_container(const std::string& id, const PodRuntimeState& pod, ContainerState& out) {
  {
    std::lock_guard lock(mutex_);
    if (auto cached = exited_.find(pod.uid); cached != exited_.end()) {
      if (auto it = cached->second.find(id); it != cached->second.end()) {
        out = it->second;
        return grpc::Status::OK;
      }
    }
  }
  cri::ContainerStatusResponse response;
  if (auto status = cri_.container_status(id, response); !status.ok()) return status;
  const auto& s = response.status();
  out.id = s.id();
  out.name = s.metadata().name();
  out.attempt = s.metadata().attempt();
  out.restart_count = restart_count_of(s.annotations());
  out.hash = label_value(s.annotations(), kContainerHashAnnotation);
  out.init = label_value(s.annotations(), kContainerTypeAnnotation) == "init";
  try {
    const std::string grace = label_value(s.annotations(), kTerminationGraceAnnotation);
    if (!grace.empty()) out.grace_seconds = std::stoll(grace);
  } catch (const std::exception&) {
  }
  out.phase = phase_of(s.state());
  out.exit_code = s.exit_code();
  out.reason = s.reason();
  out.message = s.message();
  out.created_at_ns = s.created_at();
  out.started_at_ns = s.started_at();
  out.finished_at_ns = s.finished_at();
  out.image = s.image().user_specified_image().empty() ? s.image().image() : s.image().user_specified_image();
  out.image_ref = s.image_ref();
  if (out.phase == ContainerPhase::Exited) {
    if (out.message.empty() && !pod.uid.empty()) {
      pod::Pod key;
      key.metadata.uid = pod.uid;
      out.message = read_termination_message(paths_.termination_message_file(key, out.name, out.restart_count));
    }
    std::lock_guard lock(mutex_);
    exited_[pod.uid][id] = out;
  }
  return grpc::Status::OK;
}

grpc::Status PodStateReader::list_pod_uids(std::vector<std::string>& out) {
  std::set<std::string> uids;
  cri::PodSandboxFilter sandbox_filter;
  select_managed(sandbox_filter, node_name_);
  cri::ListPodSandboxResponse sandboxes;
  if (auto status = cri_.list_pod_sandbox(sandbox_filter, sandboxes); !status.ok()) return status;
  for (const auto& s : sandboxes.items()) uids.insert(s.metadata().uid());
  cri::ContainerFilter container_filter;
  select_managed(container_filter, node_name_);
  cri::ListContainersResponse containers;
  if (auto status = cri_.list_containers(container_filter, containers); !status.ok()) return status;
  for (const auto& c : containers.containers()) uids.insert(label_value(c.labels(), kPodUidLabel));
  uids.erase("");
  out.assign(uids.begin(), uids.end());
  return grpc::Status::OK;
}

void PodStateReader::forget_pod(const std::string& uid) {
  std::lock_guard lock(mutex_);
  exited_.erase(uid);
}

}  // namespace agent::runtime
