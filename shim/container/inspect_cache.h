// Container inspects kept in memory while Docker's container events say
// they are current: ContainerStatus and PodSandboxStatus (kubelet asks for
// them all the time) then cost dockerd nothing, as with containerd's
// container store. The same rules as ImageStore (image/image_store.h):
// - used only while the event watch is connected; otherwise every call
//   goes to Docker;
// - any container event (create, start, die, oom, update, exec_*, destroy,
//   ...) forgets that container's copy; a reconnect forgets everything, and
//   the watch asks for events `since` just before, so nothing is missed;
// - a fill that raced with any event is not stored (generation counter);
// - the shim's own changes (start, stop, update, remove) call forget()
//   before answering, so their effect is visible at once, without waiting
//   for the event.
// Only full IDs are cached: prefixes go to Docker, whose resolution rules
// are the final word.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "docker-client/client.h"

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
  bool live() const { return live_.load(); }

 private:
  void watch();
  void forget_all();

  docker::Client& docker_;
  std::mutex mutex_;
  std::uint64_t generation_ = 0;  // bumped by every forget
  std::unordered_map<std::string, docker::ContainerInspect> inspected_;  // by full ID

  std::atomic<bool> live_{false};
  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  std::thread watcher_;
};

}  // namespace shim
