#include "agent/runtime/pod_syncer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <map>
#include <stdexcept>
#include <vector>

#include <spdlog/spdlog.h>

#include "agent/remote/cri_client.h"
#include "agent/flowcontrol/backoff.h"
#include "agent/images/image_puller.h"
#include "agent/runtime/container_mounts.h"
#include "agent/runtime/env_vars.h"
#include "agent/runtime/host_facts.h"
#include "agent/runtime/pod_actions.h"
#include "agent/runtime/lifecycle_hooks.h"
#include "agent/runtime/pod_state_reader.h"
#include "agent/runtime/runtime_labels.h"
#include "agent/runtime/sandbox_stops.h"
#include "agent/stats/node_memory.h"

namespace agent::runtime {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kDefaultGraceSeconds = 30;
// kubelet leaves the stop signal at least this long after a preStop hook.
constexpr int64_t kMinimumGraceAfterHook = 2;
// How soon a pod whose sandbox or a CRI call failed is looked at again.
constexpr std::chrono::milliseconds kRetryAfterFailure{2000};

std::string pod_ref(const pod::Pod& pod) { return pod.metadata.namespace_ + "/" + pod.metadata.name; }

// Makes `path` an empty file (with its directories) that a container of any
// user may write: kubelet's termination-log file.
bool make_termination_file(const std::string& path, std::string& error) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) {
    error = "cannot create " + fs::path(path).parent_path().string() + ": " + ec.message();
    return false;
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    error = "cannot create " + path + ": " + std::strerror(errno);
    return false;
  }
  ::fchmod(fd, 0666);  // the umask must not keep a non-root container from writing it
  ::close(fd);
  return true;
}

bool has_live_containers(const PodRuntimeState& state) {
  for (const auto& c : state.containers)
    if (c.phase == ContainerPhase::Running || c.phase == ContainerPhase::Unknown) return true;
  return false;
}

// The back-off of a container whose start failed on a runtime that left it
// CREATED (start_failed): with no exited container, nothing else holds one.
std::string start_backoff_key(const pod::Pod& pod, const std::string& container_name) {
  return pod.metadata.uid + "/" + container_name + "/start";
}

void keep_soonest(SyncOutcome& outcome, std::chrono::milliseconds wait) {
  if (!outcome.requeue_after || wait < *outcome.requeue_after) outcome.requeue_after = wait;
}

}  // namespace

PodSyncer::PodSyncer(remote::CriClient& cri, PodStateReader& reader, images::ImagePuller& images,
                     flowcontrol::Backoff& crash_backoff, AgentPaths paths, NodeContext node)
    : cri_(cri), reader_(reader), images_(images), crash_backoff_(crash_backoff), paths_(std::move(paths)),
      node_(std::move(node)) {
  node_memory_bytes_ = stats::read_memory_capacity();
  if (node_memory_bytes_ == 0)
    spdlog::warn("cannot read the node's memory capacity from /proc/meminfo; Burstable containers get the highest OOM score");
}

std::chrono::milliseconds PodSyncer::crash_backoff_wait(const pod::Pod& pod, const ContainerState& exited) {
  const std::string key = pod.metadata.uid + "/" + exited.name + "/" + exited.hash;
  const auto now = flowcontrol::Backoff::now_ns();
  const auto finished = exited.finished_at_ns > 0 ? exited.finished_at_ns : now;
  // After an agent restart the back-off is gone from memory; the restart
  // count tells how far it had grown (the first crash restarts at once).
  if (exited.restart_count > 0) crash_backoff_.seed(key, exited.restart_count - 1, exited.started_at_ns);
  if (crash_backoff_.in_backoff_since(key, finished, now)) {
    const auto delay_ns = std::chrono::nanoseconds(crash_backoff_.delay(key));
    const auto left = std::chrono::nanoseconds(finished - now) + delay_ns;
    return std::max(std::chrono::ceil<std::chrono::milliseconds>(left), std::chrono::milliseconds(1));
  }
  crash_backoff_.next(key, finished, now);
  return std::chrono::milliseconds(0);
}

SyncOutcome PodSyncer::sync(const pod::Pod& pod) {
  SyncOutcome outcome;
  PodRuntimeState state;
  if (auto status = reader_.read(pod.metadata.uid, state); !status.ok()) {
    outcome.result.pod_error = "reading the pod from the runtime: " + status.error_message();
    outcome.requeue_after = kRetryAfterFailure;
    return outcome;
  }

  const PodActions actions = compute_pod_actions(
      pod, state, [](const pod::Container& c) { return container_hash(c); },
      [&](const ContainerState& exited) { return crash_backoff_wait(pod, exited); }, probe_failure_);
  outcome.result.terminated = actions.finished;
  for (const auto& [name, message] : actions.backing_off) {
    outcome.result.waiting[name] = WaitingReason{"CrashLoopBackOff", message};
    record(pod, name, events::EventType::Warning, "BackOff", "Back-off restarting failed container " + name +
                                                               " in pod " + pod.metadata.name + "_" +
                                                               pod.metadata.namespace_ + "(" + pod.metadata.uid + ")");
  }
  if (actions.requeue_after) keep_soonest(outcome, *actions.requeue_after);

  bool acted = false;
  if (actions.kill_pod) {
    const std::vector<std::string> sandboxes = sandboxes_to_stop(state, stopped_sandboxes());
    // A finished pod is killed once; its later syncs find nothing left to stop.
    if (!sandboxes.empty() || has_live_containers(state)) {
      acted = true;
      spdlog::info("pod {}: {}", pod_ref(pod),
                   actions.finished ? "finished; stopping its sandbox" : "sandbox is gone or changed; killing the pod");
      stop_containers(state, pod.spec.termination_grace_period_seconds, "", &pod);
      for (const auto& id : sandboxes) stop_sandbox(id);
    }
  }
  for (const auto& kill : actions.containers_to_kill) {
    acted = true;
    spdlog::info("pod {}: killing container {} ({}): {}", pod_ref(pod), kill.name, kill.id.substr(0, 12), kill.reason);
    record(pod, kill.name, events::EventType::Normal, "Killing",
           kill.reason.rfind("Container ", 0) == 0 ? kill.reason : "Stopping container " + kill.name);
    const SandboxState* current = state.latest_sandbox();
    kill_container(&pod, kill.id, kill.name, kill.grace_seconds.value_or(pod.spec.termination_grace_period_seconds),
                   current != nullptr ? current->ip : "");
  }

  std::string sandbox_id = actions.sandbox_id;
  SandboxState sandbox;
  if (const SandboxState* latest = state.latest_sandbox(); latest && !actions.create_sandbox) sandbox = *latest;
  cri::PodSandboxConfig sandbox_config;
  if (!actions.finished || actions.create_sandbox) {
    try {
      sandbox_config = make_sandbox_config(pod, actions.create_sandbox ? actions.sandbox_attempt : sandbox.attempt,
                                           paths_, node_);
    } catch (const std::exception& e) {
      outcome.result.pod_error = std::string("the pod cannot be expressed in CRI: ") + e.what();
      spdlog::error("pod {}: {}", pod_ref(pod), outcome.result.pod_error);
      outcome.requeue_after.reset();
      return outcome;
    }
  }
  volume::PodVolumes volumes;
  if (!actions.finished && !set_up_volumes(pod, volumes, outcome)) {
    outcome.state_read = true;
    outcome.state = std::move(state);
    return outcome;
  }
  const std::string sandbox_key = pod.metadata.uid + "/sandbox";
  if (actions.create_sandbox) {
    if (auto left = crash_backoff_.remaining_since_update(sandbox_key, flowcontrol::Backoff::now_ns());
        left.count() > 0) {
      // The last attempt failed: wait out its back-off (a failing
      // RunPodSandbox must not spin on its own rollback's events).
      outcome.result.pod_error = "back-off " + std::to_string((left.count() + 999) / 1000) +
                                 "s before creating the pod sandbox again";
      keep_soonest(outcome, left);
      outcome.state_read = true;
      outcome.state = std::move(state);
      return outcome;
    }
  }
  if (actions.create_sandbox) {
    acted = true;
    std::error_code ec;
    fs::create_directories(sandbox_config.log_directory(), ec);
    cri::RunPodSandboxRequest request;
    *request.mutable_config() = sandbox_config;
    cri::RunPodSandboxResponse response;
    spdlog::info("pod {}: creating sandbox (attempt {})", pod_ref(pod), actions.sandbox_attempt);
    auto status = cri_.run_pod_sandbox(request, response);
    if (!status.ok()) {
      outcome.result.pod_error = "creating the pod sandbox: " + status.error_message();
      spdlog::error("pod {}: {}", pod_ref(pod), outcome.result.pod_error);
      const auto now = flowcontrol::Backoff::now_ns();
      crash_backoff_.next(sandbox_key, now, now);
      keep_soonest(outcome, crash_backoff_.delay(sandbox_key));
    } else {
      crash_backoff_.reset(sandbox_key);
      sandbox_id = response.pod_sandbox_id();
      sandbox.id = sandbox_id;
      sandbox.attempt = actions.sandbox_attempt;
      sandbox.ready = true;
      cri::PodSandboxStatusResponse sandbox_status;
      if (cri_.pod_sandbox_status(sandbox_id, sandbox_status).ok()) {
        sandbox.ip = sandbox_status.status().network().ip();
        for (const auto& ip : sandbox_status.status().network().additional_ips())
          sandbox.additional_ips.push_back(ip.ip());
      }
    }
  }

  if (!sandbox_id.empty()) {
    for (const auto& start : actions.containers_to_start) {
      acted = true;
      const auto& container = start.init ? pod.spec.init_containers[start.index] : pod.spec.containers[start.index];
      start_container(pod, container, start, sandbox_id, sandbox_config, sandbox, volumes, outcome);
    }
  }

  if (acted) {
    PodRuntimeState after;
    if (reader_.read(pod.metadata.uid, after).ok()) state = std::move(after);
  }
  outcome.acted = acted;
  outcome.state = std::move(state);
  outcome.state_read = true;
  outcome.state.name = pod.metadata.name;
  outcome.state.namespace_ = pod.metadata.namespace_;
  return outcome;
}

bool PodSyncer::set_up_volumes(const pod::Pod& pod, volume::PodVolumes& volumes, SyncOutcome& outcome) {
  if (pod.spec.volumes.empty()) return true;
  if (volumes_ == nullptr) {
    outcome.result.pod_error = "unable to mount volumes: this agent makes no volumes";
    return false;
  }
  volumes = volumes_->set_up(pod);
  for (const auto& [name, message] : volumes.errors) {
    spdlog::warn("pod {}: FailedMount: {}", pod_ref(pod), message);
    record(pod, "", events::EventType::Warning, "FailedMount", message);
  }
  if (volumes.ready(pod)) return true;
  // As kubelet's WaitForAttachAndMount: nothing of the pod is made until
  // every volume is; the pod says why, and is looked at again.
  std::string unmounted;
  for (const auto& v : pod.spec.volumes)
    if (!volumes.host_paths.count(v.name)) unmounted += (unmounted.empty() ? "" : " ") + v.name;
  outcome.result.pod_error = "unable to mount volumes: unmounted volumes=[" + unmounted + "]" +
                             (volumes.errors.empty() ? "" : ": " + volumes.errors.front().second);
  keep_soonest(outcome, kRetryAfterFailure);
  return false;
}

void PodSyncer::start_container(const pod::Pod& pod, const pod::Container& container, const ContainerToStart& what,
                                const std::string& sandbox_id, const cri::PodSandboxConfig& sandbox_config,
                                const SandboxState& sandbox, const volume::PodVolumes& volumes,
                                SyncOutcome& outcome) {
  auto fail = [&](const std::string& reason, const std::string& message) {
    outcome.result.waiting[container.name] = WaitingReason{reason, message};
    // kubelet's words: an image failure by its reason (the puller has
    // recorded the details), any other by its message.
    const bool image = reason.rfind("ErrImage", 0) == 0 || reason == "ImagePullBackOff";
    record(pod, container.name, events::EventType::Warning, "Failed", "Error: " + (image ? reason : message));
    spdlog::warn("pod {}: container {}: {}: {}", pod_ref(pod), container.name, reason, message);
  };
  const std::string start_key = start_backoff_key(pod, container.name);
  if (auto left = crash_backoff_.remaining_since_update(start_key, flowcontrol::Backoff::now_ns());
      left.count() > 0) {
    // Its last start failed on a runtime that left it CREATED, so it was
    // removed (start_failed): no exited container holds the crash back-off,
    // so this key does.
    fail("RunContainerError", "back-off " + std::to_string((left.count() + 999) / 1000) +
                                  "s restarting the container after its start failed");
    keep_soonest(outcome, left);
    return;
  }
  if (!what.created_id.empty()) {
    spdlog::info("pod {}: starting container {} created before ({})", pod_ref(pod), container.name,
                 what.created_id.substr(0, 12));
    if (auto status = cri_.start_container(what.created_id); !status.ok()) {
      fail("RunContainerError", status.error_message());
      start_failed(pod, container.name, what.created_id, outcome);
    } else {
      record(pod, container.name, events::EventType::Normal, "Started", "Started container " + container.name);
      crash_backoff_.reset(start_key);
      run_post_start(pod, container, what.created_id, sandbox, outcome);
    }
    return;
  }

  const images::EnsureResult image = images_.ensure(pod, container);
  if (!image.ok) {
    fail(image.reason, image.message);
    keep_soonest(outcome, image.retry_after.count() > 0 ? image.retry_after : kRetryAfterFailure);
    return;
  }

  const std::string log_dir = sandbox_config.log_directory() + "/" + container.name;
  std::error_code ec;
  fs::create_directories(log_dir, ec);
  std::string error;
  if (!make_termination_file(paths_.termination_message_file(pod, container.name, what.restart_count), error)) {
    fail("CreateContainerConfigError", error);
    return;
  }

  PodEnvContext env;
  env.pod_ip = sandbox.ip;
  if (!sandbox.ip.empty()) env.pod_ips.push_back(sandbox.ip);
  for (const auto& ip : sandbox.additional_ips) env.pod_ips.push_back(ip);
  env.host_ip = node_.host_ip;
  env.node_name = node_.node_name;
  env.node_memory_bytes = node_memory_bytes_;
  env.objects = objects_;
  cri::CreateContainerRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  *request.mutable_sandbox_config() = sandbox_config;
  try {
    *request.mutable_config() =
        make_container_config(pod, container, what.restart_count, what.init, image.image_ref, paths_, env,
                              image.user);
    for (auto& mount : make_container_mounts(container, volumes.host_paths, make_env(pod, container, env)))
      *request.mutable_config()->add_mounts() = std::move(mount);
  } catch (const std::exception& e) {
    fail("CreateContainerConfigError", e.what());
    return;
  }
  cri::CreateContainerResponse created;
  if (auto status = cri_.create_container(request, created); !status.ok()) {
    fail("CreateContainerError", status.error_message());
    keep_soonest(outcome, kRetryAfterFailure);
    return;
  }
  spdlog::info("pod {}: starting {}container {} ({}, restart {})", pod_ref(pod), what.init ? "init " : "",
               container.name, created.container_id().substr(0, 12), what.restart_count);
  record(pod, container.name, events::EventType::Normal, "Created", "Created container " + container.name);
  if (auto status = cri_.start_container(created.container_id()); !status.ok()) {
    fail("RunContainerError", status.error_message());
    start_failed(pod, container.name, created.container_id(), outcome);
  } else {
    record(pod, container.name, events::EventType::Normal, "Started", "Started container " + container.name);
    crash_backoff_.reset(start_key);
    run_post_start(pod, container, created.container_id(), sandbox, outcome);
  }
}

void PodSyncer::run_post_start(const pod::Pod& pod, const pod::Container& container, const std::string& id,
                               const SandboxState& sandbox, SyncOutcome& outcome) {
  if (!container.post_start) return;
  const std::string error =
      run_lifecycle_hook(cri_, *container.post_start, {id, container.name, pod_ref(pod), sandbox.ip},
                         std::chrono::seconds(0));
  if (error.empty()) return;
  spdlog::warn("pod {}: container {}: FailedPostStartHook: {}", pod_ref(pod), container.name, error);
  record(pod, container.name, events::EventType::Warning, "FailedPostStartHook", error);
  outcome.result.waiting[container.name] = WaitingReason{"PostStartHookError", error};
  kill_container(&pod, id, container.name, pod.spec.termination_grace_period_seconds, sandbox.ip);
  // Exited now: the restart policy and back-off decide at the next look.
  keep_soonest(outcome, std::chrono::milliseconds(0));
}

bool PodSyncer::kill_container(const pod::Pod* pod, const std::string& id, const std::string& name,
                               int64_t grace_seconds, const std::string& pod_ip) {
  const pod::Container* spec = nullptr;
  if (pod != nullptr)
    for (const auto& c : pod->spec.containers)
      if (c.name == name) spec = &c;
  // kubelet runs preStop only when the grace period leaves time for it.
  if (spec != nullptr && spec->pre_stop && grace_seconds > 0) {
    const auto began = std::chrono::steady_clock::now();
    const std::string error = run_lifecycle_hook(cri_, *spec->pre_stop, {id, name, pod_ref(*pod), pod_ip},
                                                 std::chrono::seconds(grace_seconds));
    if (!error.empty()) {
      spdlog::warn("pod {}: container {}: FailedPreStopHook: {}", pod_ref(*pod), name, error);
      record(*pod, name, events::EventType::Warning, "FailedPreStopHook", error);
    }
    const auto spent = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - began);
    // The hook's time counts against the grace period; kubelet leaves at
    // least 2 s for the stop signal after it.
    grace_seconds = std::max<int64_t>(grace_seconds - spent.count(), kMinimumGraceAfterHook);
  }
  const auto status = cri_.stop_container(id, grace_seconds);
  return status.ok() || status.error_code() == grpc::StatusCode::NOT_FOUND;
}

void PodSyncer::start_failed(const pod::Pod& pod, const std::string& name, const std::string& id,
                             SyncOutcome& outcome) {
  const std::string start_key = start_backoff_key(pod, name);
  cri::ContainerStatusResponse status;
  if (cri_.container_status(id, status).ok() && status.status().state() == cri::CONTAINER_EXITED) {
    // As kubelet: the container stays. The runtime reports it EXITED
    // (ContainerCannotRun, as dockershim and cri-shim do), so the next sync
    // counts it as a run that ended (restartCount + 1, lastState) and
    // restarts it under the crash-loop back-off (compute_pod_actions). No
    // runtime event says it ended (Docker sends none for a failed start),
    // so that sync is asked for here.
    crash_backoff_.reset(start_key);
    keep_soonest(outcome, kRetryAfterFailure);
    return;
  }
  // A runtime that leaves it CREATED (older ones) would have the same
  // container started again on every sync, with no restart counted and no
  // crash-loop back-off: remove it, and let the start key hold a back-off
  // before the next one is made.
  cri_.remove_container(id);
  const auto now = flowcontrol::Backoff::now_ns();
  crash_backoff_.next(start_key, now, now);
  keep_soonest(outcome, crash_backoff_.delay(start_key));
}

bool PodSyncer::stop_containers(const PodRuntimeState& state, int64_t grace_seconds,
                                const std::string& except_sandbox, const pod::Pod* pod) {
  const SandboxState* sandbox = state.latest_sandbox();
  const std::string pod_ip = sandbox != nullptr ? sandbox->ip : "";
  std::vector<std::future<bool>> stops;
  for (const auto& c : state.containers) {
    if (c.phase != ContainerPhase::Running && c.phase != ContainerPhase::Unknown) continue;
    if (!except_sandbox.empty() && c.sandbox_id == except_sandbox) continue;
    const int64_t grace = grace_seconds >= 0 ? grace_seconds : (c.grace_seconds >= 0 ? c.grace_seconds : kDefaultGraceSeconds);
    // Each container gets its whole grace at once, as kubelet kills them in parallel.
    if (pod != nullptr) record(*pod, c.name, events::EventType::Normal, "Killing", "Stopping container " + c.name);
    stops.push_back(std::async(std::launch::async, [this, pod, &pod_ip, id = c.id, name = c.name, grace] {
      return kill_container(pod, id, name, grace, pod_ip);
    }));
  }
  bool ok = true;
  for (auto& stop : stops) ok = stop.get() && ok;
  return ok;
}

bool PodSyncer::kill_pod(const std::string& uid, int64_t grace_seconds, bool remove, const pod::Pod* pod) {
  PodRuntimeState state;
  if (auto status = reader_.read(uid, state); !status.ok()) {
    spdlog::warn("pod {}: cannot read it from the runtime to kill it: {}", uid, status.error_message());
    return false;
  }
  bool ok = stop_containers(state, grace_seconds, "", pod);
  for (const auto& s : state.sandboxes) ok = stop_sandbox(s.id) && ok;
  if (!remove) return ok;
  for (const auto& c : state.containers) {
    auto status = cri_.remove_container(c.id);
    ok = ok && (status.ok() || status.error_code() == grpc::StatusCode::NOT_FOUND);
  }
  for (const auto& s : state.sandboxes) ok = remove_sandbox(s.id) && ok;
  reader_.forget_pod(uid);
  if (ok && volumes_ != nullptr) {
    // Volumes go before the pod's directory, which holds them: a tmpfs
    // still mounted there must not be emptied by remove_all.
    std::string error;
    if (!volumes_->tear_down(uid, error)) {
      spdlog::warn("pod {}: cannot remove its volumes (tried again later): {}", uid, error);
      ok = false;
    }
  }
  if (ok) {
    pod::Pod key;
    key.metadata.uid = uid;
    key.metadata.name = state.name;
    key.metadata.namespace_ = state.namespace_;
    std::error_code ec;
    if (!state.name.empty()) fs::remove_all(paths_.pod_log_dir(key), ec);
    fs::remove_all(paths_.pod_state_dir(uid), ec);
    crash_backoff_.forget_prefix(uid + "/");
    images_.forget_pod(uid);
  }
  return ok;
}

bool PodSyncer::stop_sandbox(const std::string& id) {
  auto status = cri_.stop_pod_sandbox(id);
  if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) return false;
  std::lock_guard lock(stopped_mutex_);
  stopped_sandboxes_.insert(id);
  return true;
}

bool PodSyncer::remove_sandbox(const std::string& id) {
  auto status = cri_.remove_pod_sandbox(id);
  if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) return false;
  std::lock_guard lock(stopped_mutex_);
  stopped_sandboxes_.erase(id);
  return true;
}

std::set<std::string> PodSyncer::stopped_sandboxes() const {
  std::lock_guard lock(stopped_mutex_);
  return stopped_sandboxes_;
}

void PodSyncer::record(const pod::Pod& pod, const std::string& container, events::EventType type,
                       const std::string& reason, const std::string& message) {
  if (events_ != nullptr)
    events_->record({pod.metadata.namespace_, pod.metadata.name, pod.metadata.uid}, container, type, reason, message);
}

}  // namespace agent::runtime
