#include "shim/events/event_watch.h"

#include <spdlog/spdlog.h>

#include "common/backoff.h"

namespace shim {

EventWatch::EventWatch(docker::Client& docker, docker::Filters filters,
                       EventWatchHandlers handlers, ReconnectBackoff backoff)
    : docker_(docker),
      filters_(std::move(filters)),
      handlers_(std::move(handlers)),
      backoff_(backoff) {
  options_.cancelled = [this] { return stopping_.load() || reconnect_requested_.load(); };
  thread_ = std::thread([this] { run(); });
}

EventWatch::~EventWatch() { stop(); }

void EventWatch::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool EventWatch::pause(std::chrono::nanoseconds delay) {
  std::unique_lock lock(stop_mutex_);
  return !stop_cv_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

void EventWatch::run() {
  common::ExponentialBackoff retry(backoff_.initial, backoff_.max);
  while (!stopping_) {
    const auto began = std::chrono::steady_clock::now();
    try {
      reconnect_requested_ = false;
      const std::string since = handlers_.on_connect();
      docker_.events({filters_, since, ""},
                     [this](const docker::Event& event) {
                       if (stopping_ || reconnect_requested_) return false;
                       return handlers_.on_event(event) && !stopping_.load();
                     },
                     options_);
    } catch (const docker::DockerError& e) {
      if (!stopping_) spdlog::debug("docker event watch: {}", e.message());
    } catch (const std::exception& e) {
      spdlog::warn("docker event watch: {}", e.what());
    }
    const bool asked_to_reconnect = reconnect_requested_.load();
    if (handlers_.on_disconnect) handlers_.on_disconnect();
    if (asked_to_reconnect || std::chrono::steady_clock::now() - began >= backoff_.healthy) retry.reset();
    if (!pause(retry.next())) break;
  }
}

}  // namespace shim
