// PodWorkers: per-pod serialisation, coalescing, requeue and removal.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "agent/worker/pod_workers.h"

using namespace std::chrono_literals;
using agent::pod::Pod;

namespace {

Pod make_pod(const std::string& uid) {
  Pod p;
  p.metadata.uid = uid;
  p.metadata.name = uid;
  return p;
}

class RecordingHandler : public agent::worker::PodSyncHandler {
 public:
  std::optional<std::chrono::milliseconds> sync_pod(const Pod& pod) override {
    const int now_in = ++in_flight_[pod.metadata.uid];
    if (now_in > 1) overlapped = true;
    if (gated) {
      std::unique_lock lock(mutex_);
      ++entered;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released; });
    }
    std::this_thread::sleep_for(sync_time);
    --in_flight_[pod.metadata.uid];
    std::lock_guard lock(mutex_);
    ++syncs[pod.metadata.uid];
    cv_.notify_all();
    return requeue;
  }
  bool terminate_pod(const Pod& pod) override {
    std::lock_guard lock(mutex_);
    ++terminations[pod.metadata.uid];
    cv_.notify_all();
    return terminate_ok;
  }
  template <typename Pred>
  bool wait(Pred pred, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, pred);
  }
  void release() {
    std::lock_guard lock(mutex_);
    released = true;
    cv_.notify_all();
  }
  int sync_count(const std::string& uid) {
    std::lock_guard lock(mutex_);
    return syncs[uid];
  }

  std::map<std::string, std::atomic<int>> in_flight_;
  std::atomic<bool> overlapped{false};
  std::chrono::milliseconds sync_time{0};
  std::optional<std::chrono::milliseconds> requeue;
  std::atomic<bool> terminate_ok{true};
  // gated: a sync tells `entered` and waits for release(), so that a test
  // acts while a sync surely runs (not after a fixed sleep, which a loaded
  // machine can outlast or fall short of).
  bool gated = false;
  bool released = false;
  int entered = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, int> syncs, terminations;
};

}  // namespace

TEST_CASE("work for one pod never overlaps and is coalesced while a sync runs") {
  RecordingHandler handler;
  handler.in_flight_["a"] = 0;
  // The wakes come while the first sync surely runs: it is held until they
  // are in (was: a 50 ms sync and a 10 ms sleep, so a late worker thread or
  // a late test thread gave 1 or 3 syncs).
  handler.gated = true;
  agent::worker::PodWorkers workers(handler, 4, 1h);
  workers.update(make_pod("a"));
  REQUIRE(handler.wait([&] { return handler.entered >= 1; }));
  for (int i = 0; i < 20; ++i) workers.wake("a");
  handler.release();
  REQUIRE(handler.wait([&] { return handler.syncs["a"] >= 2; }));
  std::this_thread::sleep_for(150ms);
  CHECK_FALSE(handler.overlapped);
  // The first sync, then one for everything that arrived while it ran.
  CHECK(handler.sync_count("a") == 2);
  workers.stop();
}

TEST_CASE("a requeue runs the pod again after its delay") {
  RecordingHandler handler;
  handler.in_flight_["a"] = 0;
  handler.requeue = 30ms;
  agent::worker::PodWorkers workers(handler, 2, 1h);
  workers.update(make_pod("a"));
  CHECK(handler.wait([&] { return handler.syncs["a"] >= 3; }));
  workers.stop();
}

TEST_CASE("remove terminates the pod and forgets it; wake after that does nothing") {
  RecordingHandler handler;
  handler.in_flight_["a"] = 0;
  agent::worker::PodWorkers workers(handler, 2, 1h);
  workers.update(make_pod("a"));
  REQUIRE(handler.wait([&] { return handler.syncs["a"] >= 1; }));
  workers.remove(make_pod("a"));
  REQUIRE(handler.wait([&] { return handler.terminations["a"] >= 1; }));
  for (int i = 0; i < 500 && workers.known("a"); ++i) std::this_thread::sleep_for(10ms);  // 5 s, was 0.5 s
  CHECK_FALSE(workers.known("a"));
  workers.wake("a");
  std::this_thread::sleep_for(50ms);
  CHECK(handler.sync_count("a") == 1);
  workers.stop();
}

TEST_CASE("a failed termination is retried, and an update during removal runs after it") {
  RecordingHandler handler;
  handler.in_flight_["a"] = 0;
  handler.terminate_ok = false;
  agent::worker::PodWorkers workers(handler, 2, 1h);
  workers.remove(make_pod("a"));
  REQUIRE(handler.wait([&] { return handler.terminations["a"] >= 1; }));
  workers.update(make_pod("a"));
  handler.terminate_ok = true;
  REQUIRE(handler.wait([&] { return handler.terminations["a"] >= 2; }, 10s));
  CHECK(handler.wait([&] { return handler.syncs["a"] >= 1; }));
  workers.stop();
}

TEST_CASE("a pod waits while another UID of its name is being removed, then runs") {
  // An edited manifest: the old UID is removed, the new one (same name) added.
  RecordingHandler handler;
  handler.in_flight_["old"] = 0;
  handler.in_flight_["new"] = 0;
  handler.terminate_ok = false;
  agent::worker::PodWorkers workers(handler, 2, 1h);
  Pod old_pod = make_pod("old"), new_pod = make_pod("new");
  old_pod.metadata.name = new_pod.metadata.name = "web";
  workers.update(old_pod);
  REQUIRE(handler.wait([&] { return handler.syncs["old"] >= 1; }));
  workers.remove(old_pod);
  workers.update(new_pod);
  REQUIRE(handler.wait([&] { return handler.terminations["old"] >= 1; }));
  std::this_thread::sleep_for(100ms);
  CHECK(handler.sync_count("new") == 0);  // the old pod is still being killed
  handler.terminate_ok = true;
  REQUIRE(handler.wait([&] { return handler.syncs["new"] >= 1; }, 10s));
  CHECK(handler.terminations["old"] >= 2);
  workers.stop();
}

TEST_CASE("pods of other names do not wait for a removal") {
  RecordingHandler handler;
  handler.in_flight_["a"] = 0;
  handler.in_flight_["b"] = 0;
  handler.terminate_ok = false;
  agent::worker::PodWorkers workers(handler, 2, 1h);
  workers.remove(make_pod("a"));
  workers.update(make_pod("b"));
  CHECK(handler.wait([&] { return handler.syncs["b"] >= 1; }));
  workers.stop();
}
