#include "bench/raw_pods.h"

#include <nlohmann/json.hpp>

namespace bench {
namespace {

constexpr const char* kRunLabel = "cri-shim-bench.raw";
constexpr const char* kSandboxLabel = "raw.io.kubernetes.sandbox.id";

std::vector<std::string> strings_at(const nlohmann::json& object, const char* key) {
  std::vector<std::string> out;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return out;
  for (const auto& value : *it) out.push_back(value.get<std::string>());
  return out;
}

template <typename T>
T value_at(const nlohmann::json& object, const char* key, T fallback) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? fallback : it->get<T>();
}

// What Docker was asked to make for `inspect`, as far as it costs Docker
// work: the same namespaces, limits, security options, command and labels.
docker::ContainerCreateRequest mirror(const docker::ContainerInspect& inspect,
                                      const std::string& run) {
  const auto& config = inspect.raw.at("Config");
  const auto& host = inspect.raw.at("HostConfig");
  docker::ContainerCreateRequest request;
  request.image = config.at("Image").get<std::string>();
  request.entrypoint = strings_at(config, "Entrypoint");
  request.cmd = strings_at(config, "Cmd");
  request.user = value_at<std::string>(config, "User", "");
  request.working_dir = value_at<std::string>(config, "WorkingDir", "");
  request.tty = value_at<bool>(config, "Tty", false);
  request.open_stdin = value_at<bool>(config, "OpenStdin", false);
  if (config.contains("StopTimeout") && !config["StopTimeout"].is_null())
    request.stop_timeout = config["StopTimeout"].get<int>();
  for (const auto& [key, value] : inspect.config.labels) request.labels["raw." + key] = value;
  request.labels[kRunLabel] = run;

  auto& h = request.host_config;
  h.network_mode = value_at<std::string>(host, "NetworkMode", "");
  h.ipc_mode = value_at<std::string>(host, "IpcMode", "");
  h.pid_mode = value_at<std::string>(host, "PidMode", "");
  h.uts_mode = value_at<std::string>(host, "UTSMode", "");
  // Docker refuses a hostname beside another container's network namespace.
  if (h.network_mode.rfind("container:", 0) != 0)
    request.hostname = value_at<std::string>(config, "Hostname", "");
  h.privileged = value_at<bool>(host, "Privileged", false);
  h.readonly_rootfs = value_at<bool>(host, "ReadonlyRootfs", false);
  h.cap_add = strings_at(host, "CapAdd");
  h.cap_drop = strings_at(host, "CapDrop");
  h.security_opt = strings_at(host, "SecurityOpt");
  h.group_add = strings_at(host, "GroupAdd");
  h.binds = strings_at(host, "Binds");
  h.masked_paths = strings_at(host, "MaskedPaths");
  h.readonly_paths = strings_at(host, "ReadonlyPaths");
  h.set_masked_paths = host.contains("MaskedPaths") && host["MaskedPaths"].is_array();
  h.set_readonly_paths = host.contains("ReadonlyPaths") && host["ReadonlyPaths"].is_array();
  if (host.contains("OomScoreAdj")) h.oom_score_adj = host["OomScoreAdj"].get<int>();
  h.shm_size = value_at<std::int64_t>(host, "ShmSize", 0);
  h.resources.cpu_shares = value_at<std::int64_t>(host, "CpuShares", 0);
  h.resources.cpu_period = value_at<std::int64_t>(host, "CpuPeriod", 0);
  h.resources.cpu_quota = value_at<std::int64_t>(host, "CpuQuota", 0);
  h.resources.memory = value_at<std::int64_t>(host, "Memory", 0);
  h.resources.cgroup_parent = value_at<std::string>(host, "CgroupParent", "");
  return request;
}

void point_at_sandbox(std::string& mode, const std::string& sandbox_id) {
  if (mode.rfind("container:", 0) == 0) mode = "container:" + sandbox_id;
}

}  // namespace

const char* const RawPods::kRunPodSandbox = "inspect pause image + create + start";
const char* const RawPods::kCreateContainer = "inspect sandbox + inspect image + create";
const char* const RawPods::kStartContainer = "start";
const char* const RawPods::kStopContainer = "kill SIGKILL + wait not-running (CRI timeout 0)";
const char* const RawPods::kContainerStatus = "inspect container";
const char* const RawPods::kRemoveContainer = "remove (force, volumes)";
const char* const RawPods::kStopPodSandbox =
    "list the pod's running containers (label filter) + stop each + stop sandbox";
const char* const RawPods::kRemovePodSandbox =
    "list the pod's containers (label filter) + remove each + remove sandbox";
const char* const RawPods::kList = "one GET /containers/json?all=1 with the same label filter";

RawPods::RawPods(docker::Client& docker, std::string run, const docker::ContainerInspect& sandbox,
                 const docker::ContainerInspect& container, std::string image)
    : docker_(docker),
      run_(std::move(run)),
      sandbox_template_(mirror(sandbox, run_)),
      container_template_(mirror(container, run_)),
      pause_image_(sandbox_template_.image),
      image_(std::move(image)) {
  container_template_.image = image_;
}

std::string RawPods::run_pod_sandbox(int n) {
  if (!docker_.inspect_image(pause_image_)) throw std::runtime_error("pause image is missing");
  auto request = sandbox_template_;
  request.name = "raw_POD_bench-" + std::to_string(n) + "_bench_" + run_ + "-" + std::to_string(n) + "_0";
  const auto created = docker_.create_container(request);
  docker_.start_container(created.id);
  return created.id;
}

std::string RawPods::create_container(const std::string& sandbox_id) {
  const auto sandbox = docker_.inspect_container(sandbox_id);
  if (!docker_.inspect_image(image_)) throw std::runtime_error("image is missing");
  auto request = container_template_;
  request.name = "raw_sleeper_" + sandbox.name;
  request.labels[kSandboxLabel] = sandbox.id;
  point_at_sandbox(request.host_config.network_mode, sandbox.id);
  point_at_sandbox(request.host_config.ipc_mode, sandbox.id);
  point_at_sandbox(request.host_config.pid_mode, sandbox.id);
  return docker_.create_container(request).id;
}

void RawPods::start_container(const std::string& id) { docker_.start_container(id); }

void RawPods::stop_container(const std::string& id) {
  docker_.kill_container(id, "SIGKILL");
  docker_.wait_container(id, "not-running");
}

void RawPods::container_status(const std::string& id) { docker_.inspect_container(id); }

void RawPods::remove_container(const std::string& id) { docker_.remove_container(id, true, true); }

std::vector<std::string> RawPods::pod_containers(const std::string& sandbox_id, bool all) {
  docker::ContainerListOptions list;
  list.all = all;
  list.filters["label"] = {std::string(kSandboxLabel) + "=" + sandbox_id};
  std::vector<std::string> ids;
  for (const auto& summary : docker_.list_containers(list)) ids.push_back(summary.id);
  return ids;
}

void RawPods::stop_pod_sandbox(const std::string& id) {
  for (const auto& container : pod_containers(id, false)) docker_.stop_container(container, -1);
  docker_.stop_container(id, -1);
}

void RawPods::remove_pod_sandbox(const std::string& id) {
  for (const auto& container : pod_containers(id, true)) docker_.remove_container(container, true, true);
  docker_.remove_container(id, true, true);
}

std::size_t RawPods::list(const std::string& docker_type) {
  docker::ContainerListOptions list;
  list.all = true;
  list.filters["label"] = {"io.kubernetes.docker.type=" + docker_type};
  return docker_.list_containers(list).size();
}

}  // namespace bench
