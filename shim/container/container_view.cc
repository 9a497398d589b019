#include "shim/container/container_view.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <vector>

#include "common/rfc3339.h"
#include "shim/container/resources.h"
#include "shim/container/start_failure.h"
#include "shim/server/call.h"
#include "common/small_file.h"
#include "shim/state/cri_metadata.h"
#include "shim/state/labels.h"

namespace shim {
namespace {

std::string label_or(const docker::Labels& labels, std::string_view key, const std::string& fallback) {
  const auto it = labels.find(std::string(key));
  return it == labels.end() ? fallback : it->second;
}

cri::MountPropagation propagation_of(const std::string& docker) {
  if (docker == "rslave" || docker == "slave") return cri::PROPAGATION_HOST_TO_CONTAINER;
  if (docker == "rshared" || docker == "shared") return cri::PROPAGATION_BIDIRECTIONAL;
  return cri::PROPAGATION_PRIVATE;
}

bool is_hex(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

// "sha256:<hex>" or a full 64-digit ID: Docker's ways of naming an image by ID.
bool names_image_id(std::string_view image) {
  constexpr std::string_view kDigestPrefix = "sha256:";
  if (image.substr(0, kDigestPrefix.size()) == kDigestPrefix) return is_hex(image.substr(kDigestPrefix.size()));
  return image.size() == 64 && is_hex(image);
}

std::int64_t created_nanos(const docker::ContainerInspect& inspect) {
  return created_at_from(inspect.config.labels, common::try_parse_rfc3339_nanos(inspect.created).value_or(0));
}

std::string reason_for(const docker::ContainerState& state) {
  if (state.oom_killed) return "OOMKilled";
  return state.exit_code == 0 ? "Completed" : "Error";
}

// The container path of a HostConfig.Binds entry "src:dst[:opts]".
std::string bind_destination(const std::string& bind) {
  const auto first = bind.find(':');
  if (first == std::string::npos) return bind;  // "dst" alone: an anonymous volume
  const auto second = bind.find(':', first + 1);
  return bind.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
}

}  // namespace

std::vector<const docker::MountPoint*> cri_mounts_of(const docker::ContainerInspect& inspect) {
  // The CRI mounts are the Binds, in the config's order. Inspect's Mounts
  // come in no fixed order and also hold what the shim adds by itself (the
  // host /sys of a privileged container built from parts, in
  // HostConfig.Mounts), image volumes and tmpfs, none of them CRI mounts.
  std::vector<const docker::MountPoint*> out;
  for (const auto& bind : inspect.host_config.binds) {
    const std::string destination = bind_destination(bind);
    for (const auto& mount : inspect.mounts) {
      if (mount.type == "bind" && mount.destination == destination) {
        out.push_back(&mount);
        break;
      }
    }
  }
  return out;
}

cri::ContainerState container_state(const std::string& docker_state) {
  if (docker_state == "created") return cri::CONTAINER_CREATED;
  if (docker_state == "running" || docker_state == "paused" || docker_state == "restarting")
    return cri::CONTAINER_RUNNING;
  if (docker_state == "exited" || docker_state == "dead") return cri::CONTAINER_EXITED;
  return cri::CONTAINER_UNKNOWN;
}

std::string reported_image(const docker::ContainerInspect& inspect, const RepoTagLookup& first_repo_tag) {
  const std::string user_image = label_or(inspect.config.labels, label::kUserImage, "");
  if (!user_image.empty()) return user_image;
  const std::string asked = label_or(inspect.config.labels, label::kImage, inspect.config.image);
  if (!names_image_id(asked)) return asked;
  if (first_repo_tag) {
    if (auto tag = first_repo_tag(inspect.image)) return std::move(*tag);
  }
  return inspect.image.empty() ? asked : inspect.image;
}

cri::ContainerState container_state_of(const docker::ContainerState& state) {
  return failed_to_start(state) ? cri::CONTAINER_EXITED : container_state(state.status);
}

void fill_container_status(const docker::ContainerInspect& inspect, cri::ContainerStatus* status,
                           const RepoTagLookup& first_repo_tag) {
  fill_container_status_from_inspect(inspect, status, first_repo_tag);
  fill_process_user(inspect, status);
}

void fill_process_user(const docker::ContainerInspect& inspect, cri::ContainerStatus* status) {
  if (inspect.state.running && inspect.state.pid > 0)
    read_process_user(inspect.state.pid, status->mutable_user()->mutable_linux());
}

void fill_container_status_from_inspect(const docker::ContainerInspect& inspect, cri::ContainerStatus* status,
                                        const RepoTagLookup& first_repo_tag) {
  const auto identity = container_metadata(inspect.config.labels, inspect.name);
  if (!identity)
    throw CriError(grpc::StatusCode::INTERNAL,
                   "container " + inspect.id + " carries no CRI metadata in its labels or name");
  status->set_id(inspect.id);
  copy_to_proto(identity->container, status->mutable_metadata());
  const auto state = container_state_of(inspect.state);
  status->set_state(state);
  const std::int64_t created_at = created_nanos(inspect);
  status->set_created_at(created_at);
  status->set_started_at(common::try_parse_rfc3339_nanos(inspect.state.started_at).value_or(0));
  if (failed_to_start(inspect.state)) {
    // It never ran, so it has no times of its own; dockershim's choice,
    // which kubelet expects: the run began and ended when it was created.
    status->set_started_at(created_at);
    status->set_finished_at(created_at);
    status->set_exit_code(inspect.state.exit_code);
    status->set_reason(std::string(kContainerCannotRun));
    status->set_message(inspect.state.error);
  } else if (state == cri::CONTAINER_EXITED) {
    status->set_finished_at(common::try_parse_rfc3339_nanos(inspect.state.finished_at).value_or(0));
    status->set_exit_code(inspect.state.exit_code);
    status->set_reason(reason_for(inspect.state));
    status->set_message(inspect.state.error);
  }
  status->mutable_image()->set_image(reported_image(inspect, first_repo_tag));
  status->mutable_image()->set_user_specified_image(label_or(inspect.config.labels, label::kUserImage, ""));
  status->set_image_ref(inspect.image);
  status->set_image_id(inspect.image);

  const CriLabels cri = split_docker_labels(inspect.config.labels);
  copy_to_proto(cri.labels, status->mutable_labels());
  copy_to_proto(cri.annotations, status->mutable_annotations());

  for (const auto* found : cri_mounts_of(inspect)) {
    const auto& mount = *found;
    auto* out = status->add_mounts();
    out->set_container_path(mount.destination);
    out->set_host_path(mount.source);
    out->set_readonly(!mount.rw);
    out->set_propagation(propagation_of(mount.propagation));
    out->set_selinux_relabel(mount.mode.find('Z') != std::string::npos ||
                             mount.mode.find('z') != std::string::npos);
  }
  status->set_log_path(label_or(inspect.config.labels, label::kLogPath, ""));
  fill_cri_resources(inspect.host_config, status->mutable_resources()->mutable_linux());
  cri::Signal signal = cri::RUNTIME_DEFAULT;
  if (cri::Signal_Parse(inspect.config.stop_signal, &signal)) status->set_stop_signal(signal);
}

bool fill_container(const docker::ContainerInspect& inspect, cri::Container* out,
                    const RepoTagLookup& first_repo_tag) {
  const auto identity = container_metadata(inspect.config.labels, inspect.name);
  if (!identity) return false;
  out->set_id(inspect.id);
  out->set_pod_sandbox_id(label_or(inspect.config.labels, label::kSandboxId, ""));
  copy_to_proto(identity->container, out->mutable_metadata());
  out->mutable_image()->set_image(reported_image(inspect, first_repo_tag));
  out->mutable_image()->set_user_specified_image(label_or(inspect.config.labels, label::kUserImage, ""));
  out->set_image_ref(inspect.image);
  out->set_image_id(inspect.image);
  out->set_state(container_state_of(inspect.state));
  out->set_created_at(created_nanos(inspect));
  const CriLabels cri = split_docker_labels(inspect.config.labels);
  copy_to_proto(cri.labels, out->mutable_labels());
  copy_to_proto(cri.annotations, out->mutable_annotations());
  return true;
}

bool read_process_user(int pid, cri::LinuxContainerUser* out, const std::string& proc_root, std::string* command) {
  // One read, no stream parser: ContainerStatus may read it often.
  const auto content = common::read_small_file(proc_root + "/" + std::to_string(pid) + "/status");
  if (!content) return false;
  const std::string_view text(*content);
  // Where the value on the line that starts with `key` begins; npos if none.
  const auto value_of = [&](std::string_view key) {
    std::size_t line = 0;
    while (text.compare(line, key.size(), key) != 0) {
      line = text.find('\n', line);
      if (line == std::string_view::npos || ++line >= text.size()) return std::string_view::npos;
    }
    return line + key.size();
  };
  // The numbers on the line of `key` ("Uid:\t0\t0\t0\t0").
  const auto numbers_of = [&](std::string_view key) {
    std::vector<std::int64_t> numbers;
    const auto line = value_of(key);
    if (line == std::string_view::npos) return numbers;
    const char* p = text.data() + line;
    const char* const end = text.data() + std::min(text.find('\n', line), text.size());
    while (p < end) {
      while (p < end && (*p == ' ' || *p == '\t')) ++p;
      std::int64_t value = 0;
      const auto [next, error] = std::from_chars(p, end, value);
      if (error != std::errc()) break;
      numbers.push_back(value);
      p = next;
    }
    return numbers;
  };
  const auto uids = numbers_of("Uid:");  // real, effective, saved, fs: the real one
  if (uids.empty()) return false;
  out->set_uid(uids.front());
  if (const auto gids = numbers_of("Gid:"); !gids.empty()) out->set_gid(gids.front());
  for (const auto group : numbers_of("Groups:")) out->add_supplemental_groups(group);
  if (command) {
    command->clear();
    if (auto name = value_of("Name:"); name != std::string_view::npos) {
      name = text.find_first_not_of(" \t", name);
      if (name != std::string_view::npos) *command = text.substr(name, text.find('\n', name) - name);
    }
  }
  return true;
}

}  // namespace shim
