#include "agent/pleg/generic_pleg.h"

#include <spdlog/spdlog.h>

#include "agent/remote/cri_client.h"
#include "common/metrics_registry.h"
#include "agent/pleg/snapshot.h"

namespace agent::pleg {

GenericPleg::GenericPleg(remote::CriClient& cri, common::metrics::Registry& metrics) : cri_(cri), metrics_(metrics) {}

GenericPleg::~GenericPleg() { stop(); }

void GenericPleg::start(Emit emit, std::function<std::chrono::milliseconds()> period) {
  emit_ = std::move(emit);
  period_ = std::move(period);
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void GenericPleg::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GenericPleg::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

std::optional<GenericPleg::Clock::time_point> GenericPleg::last_success() const {
  std::lock_guard lock(mutex_);
  return last_success_;
}

bool GenericPleg::relist_once() {
  const auto started = Clock::now();
  cri::ListPodSandboxResponse sandboxes;
  cri::ListContainersResponse containers;
  grpc::Status st = cri_.list_pod_sandbox(managed_sandbox_filter(), sandboxes);
  if (st.ok()) st = cri_.list_containers(managed_container_filter(), containers);
  metrics_.observe_seconds("node_agent_pleg_relist_duration_seconds", {},
                           std::chrono::duration<double>(Clock::now() - started).count());
  if (!st.ok()) {
    // Once per outage at warning level: a runtime that is down for a minute
    // would otherwise fill the log with one line per period.
    if (failures_++ == 0)
      spdlog::warn("pleg: relist failed: {} (code {}); retrying every period", st.error_message(),
                   static_cast<int>(st.error_code()));
    else
      spdlog::debug("pleg: relist failed again ({} in a row): {}", failures_, st.error_message());
    return false;
  }
  if (failures_ > 0) spdlog::info("pleg: relist works again after {} failures", failures_);
  failures_ = 0;

  Snapshot now = make_snapshot(sandboxes, containers);
  if (last_ && emit_) {
    for (const auto& event : relist_diff(*last_, now)) emit_(event);
  }
  last_ = std::move(now);
  std::lock_guard lock(mutex_);
  last_success_ = Clock::now();
  return true;
}

void GenericPleg::run() {
  for (;;) {
    const auto attempted = Clock::now();
    relist_once();

    std::unique_lock lock(mutex_);
    for (;;) {
      if (stopping_) return;
      if (woken_) {
        woken_ = false;
        break;
      }
      // The period is asked again at every wake-up, so a stream that comes
      // up slows the loop and one that breaks speeds it up.
      const auto period = period_ ? period_() : std::chrono::milliseconds(1000);
      const auto deadline = attempted + period;
      const auto now = Clock::now();
      if (now >= deadline) break;
      cv_.wait_until(lock, std::min(deadline, now + std::chrono::seconds(1)));
    }
  }
}

}  // namespace agent::pleg
