// Container inspects kept in memory while Docker's container events say
// they are current: ContainerStatus and PodSandboxStatus (kubelet asks for
// them all the time) then cost dockerd nothing, as with containerd's
// container store. The same rules as ImageStore (image/image_store.h):
// - used only while the event watch is connected; otherwise every call
//   goes to Docker;
// - a container event forgets that container's copy; a reconnect forgets
//   everything, and the watch asks for events `since` just before, so
//   nothing is missed;
// - except events that cannot change what a copy says: exec_*, attach,
//   resize and top never; kill, die and stop not when the copy already
//   shows the container stopped (any later run of it begins with a start
//   event, which does forget). So the inspect that StopContainer makes once
//   the container stopped (refill()) survives the die and stop events that
//   dockerd sends after waking it, and the ContainerStatus that follows a
//   stop is answered from memory;
// - a fill during which an event came for that container is not stored,
//   unless every such event was kill/die/stop and the fill shows it stopped;
// - the shim's own changes (start, stop, update, remove) call forget()
//   before answering, so their effect is visible at once, without waiting
//   for the event.
// Only full IDs are cached: prefixes go to Docker, whose resolution rules
// are the final word.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "docker-client/client.h"
#include "shim/events/event_watch.h"

namespace shim {

class ContainerInspectCache {
 public:
  explicit ContainerInspectCache(docker::Client& docker);
  ~ContainerInspectCache();  // stops and joins the watch
  ContainerInspectCache(const ContainerInspectCache&) = delete;
  ContainerInspectCache& operator=(const ContainerInspectCache&) = delete;

  // Docker's inspect of `id`, from memory when current, then without its
  // `raw` JSON (kept small: 100 pods stay within the shim's memory goal).
  // Throws like docker::Client::inspect_container (404 for an unknown one).
  docker::ContainerInspect inspect(const std::string& id, const docker::CallOptions& options);

  void forget(const std::string& id);
  // forget() and inspect again now (the shim's own stop: the next status
  // is asked at once). Errors are ignored: the next inspect() asks Docker.
  void refill(const std::string& id, const docker::CallOptions& options);
  // One event of the watch (public for tests).
  void on_event(const std::string& id, const std::string& action);
  bool live() const { return live_.load(); }

 private:
  void forget_all();
  // Ends a fill begun at `epoch`: stores `result` (null: it failed) unless
  // something happened meanwhile that it may not show.
  void land(const std::string& id, std::uint64_t epoch, const docker::ContainerInspect* result);

  docker::Client& docker_;
  // What happened to a container while inspects of it were in flight.
  struct Fill {
    int in_flight = 0;
    bool spoiled = false;    // an event that may change anything, or forget()
    bool exit_seen = false;  // kill/die/stop: fine if the fill shows it stopped
  };

  std::mutex mutex_;
  std::uint64_t epoch_ = 0;  // bumped when everything is forgotten
  std::unordered_map<std::string, docker::ContainerInspect> inspected_;  // by full ID
  std::unordered_map<std::string, Fill> fills_;  // by full ID, while in flight

  std::atomic<bool> live_{false};
  EventWatch watch_;  // last: its thread uses everything above
};

}  // namespace shim
