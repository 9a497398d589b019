// The evented PLEG (kubelet's EventedPLEG): a thread that keeps a CRI
// GetContainerEvents stream open and emits its events (container_event.h).
//
// Contract: up() is true while a stream is open and has proven itself (it
// delivered an event, or stayed open for `settle`): a runtime that answers
// UNIMPLEMENTED at once is never up. When an open stream ends, `on_down`
// runs (so the owner relists at once) and the stream is retried with
// back-off from `retry_min` doubling to `retry_max`, reset after a stream
// that lived longer than `retry_max`. stop() cancels the stream and joins.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "agent/pleg/pleg.h"

namespace grpc {
class ClientContext;
}

namespace agent::pleg {

struct EventedOptions {
  std::chrono::milliseconds settle{1000};
  std::chrono::milliseconds retry_min{1000};
  std::chrono::milliseconds retry_max{30000};
};

class EventedPleg {
 public:
  using Clock = std::chrono::steady_clock;
  using Emit = std::function<void(const PodLifecycleEvent&)>;

  EventedPleg(remote::CriClient& cri, EventedOptions options);
  ~EventedPleg();  // stop()

  void start(Emit emit, std::function<void()> on_down);
  void stop();
  bool up() const;

 private:
  void run();
  // One stream, until it ends or is cancelled; returns how long it lived.
  Clock::duration watch_once();

  remote::CriClient& cri_;
  EventedOptions options_;
  Emit emit_;
  std::function<void()> on_down_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  grpc::ClientContext* context_ = nullptr;  // the open stream's, for TryCancel
  bool open_ = false;
  bool got_event_ = false;
  Clock::time_point opened_at_{};
  std::thread thread_;
};

}  // namespace agent::pleg
