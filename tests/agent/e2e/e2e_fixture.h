// What the node-agent end-to-end tests share: a Node (the real cri-shim and
// the real node-agent, with short timings, on the test's dockerd), Pod
// manifests built as JSON, and readers for the v1 Pod JSON the agent serves.
//
// Every Node puts its pods in a namespace of its own, so that cleaning up
// (agent stopped first, then every sandbox and container of that namespace
// removed through CRI, then through Docker as a safety net) cannot touch
// anything another test or user made, and runs however the test ends.
#pragma once

#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/harness.h"
#include "tests/support/agent_http.h"
#include "tests/support/agent_process.h"

namespace e2e {

using nlohmann::json;
using namespace std::chrono_literals;

// The environment (scripts/test.sh): the test image and registry.
std::string test_image();      // CRI_SHIM_TEST_IMAGE
std::string test_registry();   // CRI_SHIM_TEST_REGISTRY

// The pids of node-agent processes on this machine other than `ours`.
std::vector<int> other_node_agents(int ours);

// The node's MemTotal in bytes (0 when unknown).
long long mem_total_bytes();

// The IDs of every image the runtime holds (CRI ListImages).
std::set<std::string> image_ids(itest::ShimProcess& shim);

// The timings every test agent runs with: resync, rescan and URL poll every
// second, relist every 500 ms, crash backoff 1 s doubling to 4 s, image
// backoff the same; image GC off (dockerd and its images are shared); only
// the memory.available hard eviction threshold (not the disk ones).
std::vector<std::string> fast_agent_flags();

class Node {
 public:
  // Starts cri-shim (with `extra_shim_args`), then node-agent on it with
  // fast_agent_flags() and `extra_agent_args` (later flags win).
  explicit Node(std::vector<std::string> extra_agent_args = {}, std::vector<std::string> extra_shim_args = {});
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  itest::ShimProcess& shim() { return *shim_; }
  support::AgentProcess& agent() { return *agent_; }
  // A client of the agent's API (its port changes when it restarts).
  support::AgentHttp http() const { return support::AgentHttp("127.0.0.1", agent_->port()); }
  // This node's namespace: put every pod in it.
  const std::string& ns() const { return ns_; }
  // The agent's --node-name: unique per Node, like the namespace, so that
  // agents on the same runtime (io.node-agent.node) leave each other alone.
  const std::string& node_name() const { return node_name_; }

  // Writes `text` as manifest-dir/<file>, atomically (written beside, then
  // renamed in), so the agent never reads half a file.
  void write_manifest(const std::string& file, const std::string& text);
  void write_manifest(const std::string& file, const json& pod) { write_manifest(file, pod.dump(2)); }
  void remove_manifest(const std::string& file);

  // What the agent calls a pod whose manifest (file or URL) names it
  // `manifest_name`: "<name>-<node name>", as kubelet names static pods.
  std::string static_name(const std::string& manifest_name) const { return manifest_name + "-" + node_name_; }

  // Polls GET /pods/{ns}/{name} until `done(pod)` holds; returns that pod.
  // Fails the test after `timeout` with `what`, the last answer and the
  // agent's log tail. A pod the agent does not know (404) is passed to
  // `done` as null.
  json wait_pod(const std::string& name, const std::function<bool(const json&)>& done,
                const std::string& what, std::chrono::milliseconds timeout = 60s);
  // Polls until the agent no longer lists the pod.
  void wait_pod_gone(const std::string& name, std::chrono::milliseconds timeout = 60s);

  // What the runtime holds for a pod uid (every state), through CRI.
  std::vector<cri::PodSandbox> sandboxes_of(const std::string& uid);
  std::vector<cri::Container> containers_of(const std::string& uid);
  // ... and for this node's whole namespace.
  std::vector<cri::Container> containers_in_namespace();

  // <root-dir>/pods/<ns>_<name>_<uid>/<container>/<restart>.log for `pod`.
  std::string log_path(const json& pod, const std::string& container, int restart = 0) const;
  // Polls that file until it contains `text`; returns its content. Fails the
  // test (with the file's content) after `timeout`.
  std::string wait_log(const json& pod, const std::string& container, const std::string& text,
                       int restart = 0, std::chrono::milliseconds timeout = 30s);

  // A failure message's tail: the agent's last log lines, and a warning when
  // another node-agent runs on this machine (agents sharing a runtime leave
  // each other's pods alone only when their node names differ).
  std::string agent_log_tail() const;

 private:
  void clean_up();

  std::string ns_, node_name_;
  std::unique_ptr<itest::ShimProcess> shim_;
  std::unique_ptr<support::AgentProcess> agent_;
};

// Docker containers (every state) labelled with pod uid `uid`: what a
// `docker ps -a` would show of the pod.
std::size_t docker_containers_of(const std::string& uid);

// --- manifests ---------------------------------------------------------------

// A container of the test image running `shell` under `sh -c`, pull policy
// Never (the image is local; its tag is "latest", which would default to
// Always).
json shell_container(const std::string& name, const std::string& shell);
// `container` with `resources` ({"requests": ..., "limits": ...}).
json with_resources(json container, const json& resources);
// A v1 Pod in `ns` with `containers`, restartPolicy `restart_policy`, and a
// 1 s termination grace (busybox's sh ignores SIGTERM as PID 1).
json pod_manifest(const std::string& ns, const std::string& name, json containers,
                  const std::string& restart_policy = "Always", json init_containers = json::array());

// --- reading a v1 Pod -----------------------------------------------------------

// The value at `path` (object keys) under `value`, or null where any step
// is missing: reads a status without caring which parts the agent wrote.
json pick(const json& value, std::initializer_list<const char*> path);
std::string phase(const json& pod);
std::string uid(const json& pod);
std::string pod_ip(const json& pod);
// "True", "False", or "" when the condition is absent.
std::string condition(const json& pod, const std::string& type);
// The status of container `name` (an init container's when `init`), or null.
json container_status(const json& pod, const std::string& name, bool init = false);
// "waiting", "running", "terminated", or "" for the state object `state`.
std::string state_kind(const json& state);
// The runtime's ID out of "docker://<id>" (or the text as it is).
std::string bare_id(const std::string& container_id);
// A status's current container ID, bare ("" when it has none).
std::string current_id(const json& status);
// A container status's restartCount, or -1 when it has none.
int restart_count(const json& status);
// RFC 3339 (UTC, "Z" or an offset-free fraction) to Unix seconds; -1 if unreadable.
long long unix_seconds(const std::string& rfc3339);

// Is `pod` (possibly null) running with every container ready and a pod IP?
bool running_and_ready(const json& pod);

}  // namespace e2e
