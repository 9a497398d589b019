// A Docker event subscription that stays up: it (re)connects, hands every
// event to its owner, and after a broken connection (dockerd restarting,
// the socket cut) waits with exponential backoff and connects again, until
// it is destroyed. The loop shape that the inspect cache, the image store
// and the CRI container events share; what each does on (re)connection is
// its own (on_connect).
//
// Contract:
// - on_connect() runs before each connection attempt, on the watch thread;
//   it returns Docker's `since` for that attempt (events from then on are
//   replayed, so nothing between on_connect and the subscription is lost).
//   A docker::DockerError thrown from it counts as a failed attempt.
// - on_event() runs on the watch thread for every event, in Docker's order;
//   returning false ends this connection (on_disconnect, backoff, and
//   on_connect again: how an owner that lost track asks to resynchronise).
// - on_disconnect() runs after every connection that was made (or whose
//   on_connect() ran), before the backoff.
// - ReconnectBackoff: `initial` after the first failure, doubled per failure
//   up to `max` (common/backoff.h); a connection that lasted `healthy` or
//   longer resets it.
// - The destructor (or stop()) ends the current call and joins the thread;
//   Docker calls the handlers make with options() are cancelled by it too.
// - reconnect() ends the current connection (or on_connect's Docker calls)
//   as if it broke, from any thread: on_disconnect, then on_connect again
//   after the initial backoff. How an owner that learnt it may have missed
//   something (a failed read of its own) asks to resynchronise.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "docker-client/client.h"

namespace shim {

struct EventWatchHandlers {
  std::function<std::string()> on_connect;
  std::function<bool(const docker::Event&)> on_event;
  std::function<void()> on_disconnect;  // may be empty
};

// dockerd is local: a refused connection costs nothing, while every second
// without a watch is a second of lists answered by Docker. Hence a short
// ceiling; `healthy` keeps a stream that breaks at once (each connection
// costs its owner a resynchronisation) from turning into a busy loop.
struct ReconnectBackoff {
  std::chrono::milliseconds initial{250};
  std::chrono::milliseconds max{2000};
  std::chrono::milliseconds healthy{1000};
};

class EventWatch {
 public:
  EventWatch(docker::Client& docker, docker::Filters filters, EventWatchHandlers handlers,
             ReconnectBackoff backoff = {});
  ~EventWatch();
  EventWatch(const EventWatch&) = delete;
  EventWatch& operator=(const EventWatch&) = delete;

  // Ends the watch and joins its thread; idempotent. Not from a handler.
  void stop();
  bool stopping() const { return stopping_.load(); }
  // Ends the current connection; the watch connects again (see above).
  void reconnect() { reconnect_requested_ = true; }
  // For Docker calls made by the handlers: cancelled by stop().
  const docker::CallOptions& options() const { return options_; }

 private:
  void run();
  // Sleeps `delay` unless stop() comes first; false when stopping.
  bool pause(std::chrono::nanoseconds delay);

  docker::Client& docker_;
  const docker::Filters filters_;
  const EventWatchHandlers handlers_;
  const ReconnectBackoff backoff_;
  docker::CallOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> reconnect_requested_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  std::thread thread_;
};

}  // namespace shim
