// The node's status loop (kubelet's updateRuntimeUp + syncNodeStatus): every
// update period it asks the runtime (CRI Version, Status, ListImages), the
// resources and pressure sources and PLEG, rebuilds the Node
// (node_status.h) and hands it to the listener (the --node-status-url
// reporter). It also answers whether pods may start now (Ready gating).
//
// Contract:
// - start() runs one update before it returns, so the first pod sync
//   already sees the runtime's real state; then updates on its own thread
//   until stop(). update() may also be called directly (tests, a pressure
//   change).
// - Every getter is thread-safe and never calls the runtime.
// - A Status call that fails keeps the last runtime state; after
//   `runtime_down_after` with no answer the runtime counts as down.
// - A ListImages or Version call that fails keeps the last answer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "agent/node/node_conditions.h"
#include "agent/node/node_info.h"
#include "runtime/v1/api.h"

namespace agent::remote {
class CriClient;
}

namespace agent::node {

// Capacity and allocatable (cm/node_allocatable.h's units and names).
struct ResourceMaps {
  std::map<std::string, int64_t> capacity;
  std::map<std::string, int64_t> allocatable;
};

struct NodeStatusConfig {
  std::string node_name;
  std::string hostname;
  std::string host_ip;
  int kubelet_port = 0;
  std::string kubelet_version;  // "v0.1.0"
  std::chrono::milliseconds update_period{10000};
  std::chrono::milliseconds runtime_down_after{30000};
  // PLEG counts as unhealthy for Ready only after this long (kubelet's
  // relist threshold): a slow relist under load must not stop every pod.
  std::chrono::milliseconds pleg_threshold{180000};
};

struct NodeStatusSources {
  std::function<ResourceMaps()> resources;        // unset: empty capacity
  std::function<NodePressure()> pressure;         // unset: no pressure
  std::function<std::string()> pleg_problem;      // "" when PLEG is healthy
};

class NodeStatusManager {
 public:
  NodeStatusManager(remote::CriClient& cri, NodeStatusConfig config, NodeStatusSources sources);
  ~NodeStatusManager();  // stop()

  // Called after every update with the new Node.
  void set_listener(std::function<void(const nlohmann::json&)> listener);
  // Called when pods that were held back may start now.
  void set_on_ready(std::function<void()> on_ready);
  // The eviction manager's pressure (replaces the source given at construction).
  void set_pressure_source(std::function<NodePressure()> pressure);
  // daemonEndpoints.kubeletEndpoint.Port: the agent's API port, known once it listens.
  void set_kubelet_port(int port);

  void start();
  void stop();
  void update();

  nlohmann::json node() const;
  RuntimeState runtime_state() const;
  // node_conditions.h pod_start_blocker on the current state.
  std::optional<std::string> pod_start_blocker(bool host_network) const;

 private:
  void run();
  void check_runtime(int64_t now_ns);

  remote::CriClient& cri_;
  NodeStatusConfig config_;
  NodeSystemInfo system_info_;
  int64_t creation_ns_ = 0;

  mutable std::mutex mutex_;  // guards everything below
  NodeStatusSources sources_;
  std::function<void(const nlohmann::json&)> listener_;
  std::function<void()> on_ready_;
  RuntimeState runtime_;
  std::chrono::steady_clock::time_point last_status_ok_{};
  std::optional<std::chrono::steady_clock::time_point> pleg_unhealthy_since_;
  std::vector<NodeCondition> conditions_;
  cri::ListImagesResponse images_;
  std::string runtime_version_;
  nlohmann::json node_;

  std::mutex loop_mutex_;
  std::condition_variable loop_wake_;
  bool stopping_ = false;
  std::thread thread_;
  std::mutex update_mutex_;  // one update at a time
};

}  // namespace agent::node
