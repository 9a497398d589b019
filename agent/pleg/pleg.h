// The pod lifecycle event generator (kubelet's PLEG): notices every change of
// a sandbox or container in the runtime and tells the pod workers which pod
// to sync.
//
// Two modes, chosen at start and switched at run time:
// - relist (GenericPLEG): ListPodSandbox + ListContainers every
//   `relist_period` (1 s), compared with the last list;
// - evented (EventedPLEG): when the runtime serves GetContainerEvents, its
//   stream drives the events and the relist runs only every
//   `evented_relist_period` (as a safety net). When the stream breaks or is
//   unimplemented, relisting at `relist_period` resumes at once, and the
//   stream is retried with back-off.
//
// Contract: only sandboxes and containers labelled io.node-agent.managed are
// seen. `on_event` runs on the PLEG's thread and must not block. The first
// relist emits nothing (it is the baseline); stop() joins every thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace agent::remote {
class CriClient;
}
namespace common::metrics {
class Registry;
}

namespace agent::pleg {

struct PodLifecycleEvent {
  enum class Type { ContainerStarted, ContainerDied, ContainerRemoved, ContainerChanged, SandboxChanged };
  std::string pod_uid;
  Type type = Type::ContainerChanged;
  std::string id;  // the container's or sandbox's ID
};

struct PlegOptions {
  std::chrono::milliseconds relist_period{1000};
  std::chrono::milliseconds evented_relist_period{30000};
  bool use_events = true;  // try GetContainerEvents
};

class Pleg {
 public:
  Pleg(remote::CriClient& cri, common::metrics::Registry& metrics, PlegOptions options);
  ~Pleg();  // stop()
  void start(std::function<void(const PodLifecycleEvent&)> on_event);
  void stop();
  // False when no relist succeeded within 3 relist periods (for /healthz).
  bool healthy() const;
  bool evented() const;  // the event stream is up now

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent::pleg
