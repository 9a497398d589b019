// GetContainerEvents' source: one Docker container-event connection for all
// subscribers, turned into CRI container events (CREATED, STARTED, STOPPED,
// DELETED) for the containers CRI manages (those labelled
// io.kubernetes.docker.type: sandboxes, whose events carry the sandbox ID
// as container_id as containerd's do, and containers).
//
// How events are made (container_lifecycle.h): the source keeps, per
// container, the state it last reported. A Docker event is a hint: the
// container is inspected and the events owed between the reported state and
// Docker's are sent, each with the pod's state read then (pod_state.h).
// After a broken connection (dockerd restarting, a cut socket) the watch
// reconnects with backoff (event_watch.h), lists every CRI container, sends
// what each is owed, and asks Docker to replay events since the last one
// seen; replays change nothing already reported. So every container that
// changed meanwhile gets exactly the events it missed, and none twice.
// A container already removed when its event is handled (the watch runs
// behind Docker) is owed what the event's action says (create, start, die,
// destroy), so a short-lived container still gets its four events. One
// created and removed entirely while disconnected, beyond Docker's replay
// buffer, is never seen, so gets nothing.
//
// The watch starts with the first subscriber (kubelet without evented PLEG
// never subscribes, and costs nothing) and then runs until shutdown; its
// first connection takes the current containers as reported, silently.
//
// Threads: the watch thread alone keeps the reported state and publishes;
// subscribers read their own queues (subscriber_queue.h).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "docker-client/client.h"
#include "shim/events/container_lifecycle.h"
#include "shim/events/event_broadcaster.h"
#include "shim/events/event_watch.h"
#include "shim/events/recent_ids.h"

namespace shim::events {

class ContainerEventSource {
 public:
  explicit ContainerEventSource(docker::Client& docker, std::size_t queue_capacity = 1024,
                                ReconnectBackoff backoff = {});
  ~ContainerEventSource();  // ends every stream, stops and joins the watch
  ContainerEventSource(const ContainerEventSource&) = delete;
  ContainerEventSource& operator=(const ContainerEventSource&) = delete;

  // A new subscriber's queue. Starts the watch if needed and waits up to
  // `wait` for it to be connected, so that what the caller does next is
  // reported (when dockerd is down, it returns after `wait` anyway).
  std::shared_ptr<SubscriberQueue> subscribe(std::chrono::milliseconds wait);
  void unsubscribe(const std::shared_ptr<SubscriberQueue>& queue);

  // Shim shutdown: ends every stream with UNAVAILABLE, refuses new ones.
  void shutdown();

 private:
  struct Reported {
    ContainerPhase phase;
    std::string sandbox_id;  // its own ID for a sandbox
  };

  std::string on_connect();
  bool on_event(const docker::Event& event);
  void on_disconnect();
  // Sends `owed` for container `id` of pod `sandbox_id`.
  void send(const std::string& id, const std::string& sandbox_id,
            const std::vector<cri::ContainerEventType>& owed);
  void set_live(bool live);
  // For the watch thread's Docker calls: a deadline, cancelled at destruction.
  docker::CallOptions docker_options() const;

  docker::Client& docker_;
  const ReconnectBackoff backoff_;
  EventBroadcaster broadcaster_;

  // Watch thread only.
  std::map<std::string, Reported> reported_;
  std::map<std::string, cri::PodSandboxStatus> sandbox_statuses_;  // last sent, per sandbox
  RecentIds deleted_{4096};  // whose DELETED was sent: replays cannot revive them
  bool baseline_taken_ = false;
  std::int64_t last_event_nanos_ = 0;

  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable live_cv_;
  bool live_ = false;
  bool shut_down_ = false;
  std::unique_ptr<EventWatch> watch_;  // from the first subscriber on
};

}  // namespace shim::events
