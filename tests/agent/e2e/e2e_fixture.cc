#include "tests/agent/e2e/e2e_fixture.h"

#include <doctest/doctest.h>

#include <signal.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/wait_for.h"

namespace e2e {

namespace fs = std::filesystem;

std::string test_image() { return itest::required_env("CRI_SHIM_TEST_IMAGE"); }
std::string test_registry() { return itest::required_env("CRI_SHIM_TEST_REGISTRY"); }

std::vector<std::string> fast_agent_flags() {
  return {"--sync-frequency-ms", "1000",
          "--file-check-frequency-ms", "1000",
          "--url-check-frequency-ms", "1000",
          "--pleg-relist-period-ms", "500",
          "--crash-backoff-initial-ms", "1000",
          "--crash-backoff-max-ms", "4000",
          "--crash-backoff-reset-ms", "60000",
          "--image-backoff-initial-ms", "1000",
          "--image-backoff-max-ms", "4000",
          // dockerd is shared by the whole suite: no test's agent removes
          // its images unless the test asks (gc_test.cc).
          "--image-gc-high-threshold", "100",
          // How full the test machine's disk is is not what the tests are
          // about: without kubelet's nodefs/imagefs thresholds (10 %, 15 %)
          // a nearly full disk cannot put every test's node under
          // DiskPressure (eviction_test.cc sets its own).
          "--eviction-hard", "memory.available<100Mi"};
}

long long mem_total_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  long long kib = 0;
  while (in >> key >> kib)
    if (key == "MemTotal:") return kib * 1024;
  return 0;
}

std::set<std::string> image_ids(itest::ShimProcess& shim) {
  cri::ListImagesRequest request;
  cri::ListImagesResponse response;
  const auto status = shim.images()->ListImages(itest::context(30s).get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), "ListImages: " << status.error_message());
  std::set<std::string> ids;
  for (const auto& image : response.images()) ids.insert(image.id());
  return ids;
}

std::vector<int> other_node_agents(int ours) {
  std::vector<int> pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream comm(entry.path() / "comm");
    std::string command;
    std::getline(comm, command);
    if (command == "node-agent" && std::stoi(name) != ours) pids.push_back(std::stoi(name));
  }
  return pids;
}

Node::Node(std::vector<std::string> extra_agent_args, std::vector<std::string> extra_shim_args) {
  const std::string suffix = itest::unique_suffix();
  ns_ = "e2e-" + suffix;
  node_name_ = "e2e-node-" + suffix;
  const std::string binary = itest::required_env("NODE_AGENT_BINARY");
  shim_ = std::make_unique<itest::ShimProcess>(std::move(extra_shim_args));
  auto args = fast_agent_flags();
  args.insert(args.end(), {"--node-name", node_name_});
  args.insert(args.end(), extra_agent_args.begin(), extra_agent_args.end());
  agent_ = std::make_unique<support::AgentProcess>(binary, shim_->endpoint(), args);
}

Node::~Node() {
  try {
    clean_up();
  } catch (const std::exception& e) {
    MESSAGE("clean-up of namespace " << ns_ << ": " << e.what());
  }
}

// The agent goes first, or it would recreate what is removed here.
void Node::clean_up() {
  if (agent_->running() && agent_->stop(SIGTERM, std::chrono::seconds(15)) == -1) agent_->stop(SIGKILL);
  auto runtime = shim_->runtime();
  cri::ListContainersRequest containers;
  (*containers.mutable_filter()->mutable_label_selector())["io.kubernetes.pod.namespace"] = ns_;
  cri::ListContainersResponse container_list;
  if (runtime->ListContainers(itest::context(30s).get(), containers, &container_list).ok()) {
    for (const auto& c : container_list.containers()) {
      cri::StopContainerRequest stop;
      stop.set_container_id(c.id());
      stop.set_timeout(0);
      cri::StopContainerResponse stopped;
      runtime->StopContainer(itest::context(30s).get(), stop, &stopped);
      cri::RemoveContainerRequest remove;
      remove.set_container_id(c.id());
      cri::RemoveContainerResponse removed;
      runtime->RemoveContainer(itest::context(30s).get(), remove, &removed);
    }
  }
  cri::ListPodSandboxRequest sandboxes;
  (*sandboxes.mutable_filter()->mutable_label_selector())["io.kubernetes.pod.namespace"] = ns_;
  cri::ListPodSandboxResponse sandbox_list;
  if (runtime->ListPodSandbox(itest::context(30s).get(), sandboxes, &sandbox_list).ok()) {
    for (const auto& s : sandbox_list.items()) {
      cri::StopPodSandboxRequest stop;
      stop.set_pod_sandbox_id(s.id());
      cri::StopPodSandboxResponse stopped;
      runtime->StopPodSandbox(itest::context(60s).get(), stop, &stopped);
      cri::RemovePodSandboxRequest remove;
      remove.set_pod_sandbox_id(s.id());
      cri::RemovePodSandboxResponse removed;
      runtime->RemovePodSandbox(itest::context(60s).get(), remove, &removed);
    }
  }
  // The safety net: whatever Docker still holds with this namespace's label.
  docker::ContainerListOptions list;
  list.all = true;
  list.filters["label"] = {"io.kubernetes.pod.namespace=" + ns_};
  for (const auto& c : itest::docker_client().list_containers(list))
    itest::docker_client().remove_container(c.id, true, true);
}

std::string Node::agent_log_tail() const {
  std::string text = agent_->log_tail();
  const auto others = other_node_agents(agent_->pid());
  if (!others.empty()) {
    text += "WARNING: other node-agent processes run on this machine (pids";
    for (int pid : others) text += " " + std::to_string(pid);
    text += "); one with this test's --node-name, or older than the io.node-agent.node label, would remove "
            "this test's pods as orphans\n";
  }
  return text;
}

void Node::write_manifest(const std::string& file, const std::string& text) {
  const std::string staging = agent_->dir() + "/." + file + ".tmp";
  {
    std::ofstream out(staging, std::ios::trunc);
    out << text;
    REQUIRE_MESSAGE(out.good(), "cannot write " << staging);
  }
  fs::rename(staging, agent_->manifest_dir() + "/" + file);
}

void Node::remove_manifest(const std::string& file) { fs::remove(agent_->manifest_dir() + "/" + file); }

json Node::wait_pod(const std::string& name, const std::function<bool(const json&)>& done,
                    const std::string& what, std::chrono::milliseconds timeout) {
  json last;
  std::string last_error;
  const bool ok = support::wait_for(
      [&] {
        if (!agent_->running()) FAIL("node-agent exited; its log:\n" << agent_->log_tail());
        try {
          auto pod = http().pod(ns_, name);
          last = pod ? *pod : json();
          last_error.clear();
        } catch (const std::exception& e) {
          last_error = e.what();
          return false;
        }
        return done(last);
      },
      timeout, 100ms);
  if (!ok)
    FAIL("pod " << ns_ << "/" << name << ": " << what << " did not happen within " << timeout.count()
                << " ms\nlast answer: " << (last_error.empty() ? last.dump(2) : last_error)
                << "\nnode-agent log tail:\n" << agent_log_tail());
  return last;
}

void Node::wait_pod_gone(const std::string& name, std::chrono::milliseconds timeout) {
  wait_pod(name, [](const json& pod) { return pod.is_null(); }, "removal from GET /pods", timeout);
}

std::vector<cri::PodSandbox> Node::sandboxes_of(const std::string& uid) {
  cri::ListPodSandboxRequest request;
  (*request.mutable_filter()->mutable_label_selector())["io.kubernetes.pod.uid"] = uid;
  cri::ListPodSandboxResponse response;
  const auto status = shim_->runtime()->ListPodSandbox(itest::context(30s).get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), "ListPodSandbox: " << status.error_message());
  return {response.items().begin(), response.items().end()};
}

std::vector<cri::Container> Node::containers_of(const std::string& uid) {
  cri::ListContainersRequest request;
  (*request.mutable_filter()->mutable_label_selector())["io.kubernetes.pod.uid"] = uid;
  cri::ListContainersResponse response;
  const auto status = shim_->runtime()->ListContainers(itest::context(30s).get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), "ListContainers: " << status.error_message());
  return {response.containers().begin(), response.containers().end()};
}

std::vector<cri::Container> Node::containers_in_namespace() {
  cri::ListContainersRequest request;
  (*request.mutable_filter()->mutable_label_selector())["io.kubernetes.pod.namespace"] = ns_;
  cri::ListContainersResponse response;
  const auto status = shim_->runtime()->ListContainers(itest::context(30s).get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), "ListContainers: " << status.error_message());
  return {response.containers().begin(), response.containers().end()};
}

std::string Node::log_path(const json& pod, const std::string& container, int restart) const {
  const auto& meta = pod.at("metadata");
  return agent_->root_dir() + "/pods/" + meta.value("namespace", "default") + "_" + meta.value("name", "") + "_" +
         meta.value("uid", "") + "/" + container + "/" + std::to_string(restart) + ".log";
}

std::string Node::wait_log(const json& pod, const std::string& container, const std::string& text, int restart,
                           std::chrono::milliseconds timeout) {
  const std::string path = log_path(pod, container, restart);
  std::string content;
  const bool ok = support::wait_for(
      [&] {
        std::ifstream in(path);
        std::stringstream all;
        all << in.rdbuf();
        content = all.str();
        return content.find(text) != std::string::npos;
      },
      timeout, 100ms);
  if (!ok)
    FAIL("the log " << path << (fs::exists(path) ? "" : " (missing)") << " did not show \"" << text
                    << "\" within " << timeout.count() << " ms; it holds:\n" << content
                    << "\nnode-agent log tail:\n" << agent_log_tail());
  return content;
}

std::size_t docker_containers_of(const std::string& uid) {
  docker::ContainerListOptions list;
  list.all = true;
  list.filters["label"] = {"io.kubernetes.pod.uid=" + uid};
  return itest::docker_client().list_containers(list).size();
}

// --- manifests ---------------------------------------------------------------

json shell_container(const std::string& name, const std::string& shell) {
  return {{"name", name},
          {"image", test_image()},
          {"imagePullPolicy", "Never"},
          {"command", {"sh", "-c", shell}}};
}

json with_resources(json container, const json& resources) {
  container["resources"] = resources;
  return container;
}

json pod_manifest(const std::string& ns, const std::string& name, json containers, const std::string& restart_policy,
                  json init_containers) {
  json spec = {{"restartPolicy", restart_policy},
               {"terminationGracePeriodSeconds", 1},
               {"containers", std::move(containers)}};
  if (!init_containers.empty()) spec["initContainers"] = std::move(init_containers);
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", std::move(spec)}};
}

// --- reading a v1 Pod -----------------------------------------------------------

namespace {
const json& member(const json& object, const char* key) {
  static const json null;
  if (!object.is_object()) return null;
  auto it = object.find(key);
  return it == object.end() ? null : *it;
}
std::string text(const json& value) { return value.is_string() ? value.get<std::string>() : ""; }
}  // namespace

json pick(const json& value, std::initializer_list<const char*> path) {
  const json* at = &value;
  for (const char* key : path) {
    at = &member(*at, key);
    if (at->is_null()) return nullptr;
  }
  return *at;
}

std::string phase(const json& pod) { return text(member(member(pod, "status"), "phase")); }
std::string uid(const json& pod) { return text(member(member(pod, "metadata"), "uid")); }
std::string pod_ip(const json& pod) { return text(member(member(pod, "status"), "podIP")); }

std::string condition(const json& pod, const std::string& type) {
  const json& conditions = member(member(pod, "status"), "conditions");
  if (!conditions.is_array()) return "";
  for (const auto& c : conditions)
    if (text(member(c, "type")) == type) return text(member(c, "status"));
  return "";
}

json container_status(const json& pod, const std::string& name, bool init) {
  const json& statuses = member(member(pod, "status"), init ? "initContainerStatuses" : "containerStatuses");
  if (!statuses.is_array()) return nullptr;
  for (const auto& s : statuses)
    if (text(member(s, "name")) == name) return s;
  return nullptr;
}

std::string state_kind(const json& state) {
  for (const char* kind : {"waiting", "running", "terminated"})
    if (member(state, kind).is_object()) return kind;
  return "";
}

std::string bare_id(const std::string& container_id) {
  const auto sep = container_id.find("://");
  return sep == std::string::npos ? container_id : container_id.substr(sep + 3);
}

std::string current_id(const json& status) { return bare_id(text(member(status, "containerID"))); }

int restart_count(const json& status) {
  const json count = pick(status, {"restartCount"});
  return count.is_number_integer() ? count.get<int>() : -1;
}

long long unix_seconds(const std::string& rfc3339) {
  std::tm tm{};
  const char* end = strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) return -1;
  return static_cast<long long>(timegm(&tm));
}

bool running_and_ready(const json& pod) {
  if (phase(pod) != "Running" || pod_ip(pod).empty()) return false;
  const json& statuses = member(member(pod, "status"), "containerStatuses");
  if (!statuses.is_array() || statuses.empty()) return false;
  for (const auto& s : statuses)
    if (!member(s, "ready").is_boolean() || !s["ready"].get<bool>()) return false;
  return true;
}

}  // namespace e2e
