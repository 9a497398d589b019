// A PodManagerListener that records every call, for tests of the pod manager
// and of the sources that feed it. Thread-safe: sources call it from their
// own threads; tests wait on it with a deadline instead of sleeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "agent/pod/pod_manager.h"

namespace agent::testing {

struct RecordedEvent {
  std::string kind;  // "added", "updated", "removed"
  pod::Pod pod;
  std::string name() const { return pod.metadata.namespace_ + "/" + pod.metadata.name; }
};

class RecordingListener : public pod::PodManagerListener {
 public:
  void pod_added(const pod::Pod& p) override { record("added", p); }
  void pod_updated(const pod::Pod& p) override { record("updated", p); }
  void pod_removed(const pod::Pod& p) override { record("removed", p); }
  void rejected_changed(const std::string& key, const std::vector<pod::RejectedManifest>& rejected) override {
    std::lock_guard lock(mutex_);
    rejected_[key] = rejected;
    ++rejected_calls_;
    changed_.notify_all();
  }

  std::vector<RecordedEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  // "added default/web", one string per event, for compact assertions.
  std::vector<std::string> summary() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& e : events_) out.push_back(e.kind + " " + e.name());
    return out;
  }
  std::map<std::string, std::vector<pod::RejectedManifest>> rejected() const {
    std::lock_guard lock(mutex_);
    return rejected_;
  }
  int rejected_calls() const {
    std::lock_guard lock(mutex_);
    return rejected_calls_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    events_.clear();
  }

  // Waits until `done` holds, or the deadline passes; returns whether it
  // held. `done` is re-checked after every call and every 10 ms (it may look
  // at state outside the listener, such as a test server's hit count).
  bool wait_until(const std::function<bool(const RecordingListener&)>& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (done(*this)) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, std::chrono::milliseconds(10));
    }
  }
  // Waits for an event of `kind` for pod `name` ("ns/name") beyond the first `after` events.
  bool wait_for(const std::string& kind, const std::string& name, size_t after = 0,
                std::chrono::milliseconds timeout = std::chrono::seconds(5)) const {
    return wait_until(
        [&](const RecordingListener& l) {
          auto ev = l.events();
          for (size_t i = after; i < ev.size(); ++i)
            if (ev[i].kind == kind && ev[i].name() == name) return true;
          return false;
        },
        timeout);
  }

 private:
  void record(const std::string& kind, const pod::Pod& p) {
    std::lock_guard lock(mutex_);
    events_.push_back({kind, p});
    changed_.notify_all();
  }
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<RecordedEvent> events_;
  std::map<std::string, std::vector<pod::RejectedManifest>> rejected_;
  int rejected_calls_ = 0;
};

}  // namespace agent::testing
