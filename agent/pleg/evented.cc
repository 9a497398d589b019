#include "agent/pleg/evented.h"

#include <spdlog/spdlog.h>

#include "agent/pleg/container_event.h"
#include "agent/remote/cri_client.h"
#include "common/backoff.h"

namespace agent::pleg {

EventedPleg::EventedPleg(remote::CriClient& cri, EventedOptions options) : cri_(cri), options_(options) {}

EventedPleg::~EventedPleg() { stop(); }

void EventedPleg::start(Emit emit, std::function<void()> on_down) {
  emit_ = std::move(emit);
  on_down_ = std::move(on_down);
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void EventedPleg::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool EventedPleg::up() const {
  std::lock_guard lock(mutex_);
  return open_ && (got_event_ || Clock::now() - opened_at_ >= options_.settle);
}

EventedPleg::Clock::duration EventedPleg::watch_once() {
  grpc::ClientContext context;
  const auto opened = Clock::now();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return {};
    context_ = &context;
    open_ = true;
    got_event_ = false;
    opened_at_ = opened;
  }
  const grpc::Status st = cri_.watch_container_events(context, [this](const cri::ContainerEventResponse& e) {
    {
      std::lock_guard lock(mutex_);
      got_event_ = true;
    }
    if (auto event = event_from_cri(e); event && emit_) emit_(*event);
    return true;
  });
  const bool was_up = up();
  bool stopping = false;
  {
    std::lock_guard lock(mutex_);
    context_ = nullptr;
    open_ = false;
    stopping = stopping_;
  }
  const auto lived = Clock::now() - opened;
  if (stopping) return lived;

  // Only the loss of a working stream is worth a warning; failed retries
  // (an old runtime, one that is down) are already visible as relisting.
  if (st.error_code() == grpc::StatusCode::UNIMPLEMENTED)
    spdlog::debug("pleg: the runtime does not serve GetContainerEvents; relisting");
  else if (!was_up)
    spdlog::debug("pleg: container event stream not available: {} (code {})", st.error_message(),
                  static_cast<int>(st.error_code()));
  else
    spdlog::warn("pleg: container event stream ended after {} ms: {} (code {}); relisting until it is back",
                 std::chrono::duration_cast<std::chrono::milliseconds>(lived).count(), st.error_message(),
                 static_cast<int>(st.error_code()));
  if (was_up && on_down_) on_down_();
  return lived;
}

void EventedPleg::run() {
  common::ExponentialBackoff retry(options_.retry_min, options_.retry_max);
  for (;;) {
    const auto lived = watch_once();
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    if (lived > options_.retry_max) retry.reset();  // it had been healthy
    cv_.wait_for(lock, retry.next(), [this] { return stopping_; });
    if (stopping_) return;
  }
}

}  // namespace agent::pleg
