// Ties the relisting and the evented PLEG together (the fallback rules are
// in pleg.h): the stream drives events while it is up and the relist slows
// to a safety net; the moment the stream breaks, the relist is woken and
// goes back to its normal period.
#include "agent/pleg/pleg.h"

#include <atomic>
#include <mutex>

#include <spdlog/spdlog.h>

#include "common/metrics_registry.h"
#include "agent/pleg/evented.h"
#include "agent/pleg/generic_pleg.h"

namespace agent::pleg {

namespace {
constexpr const char* kEventedGauge = "node_agent_pleg_evented";
}

struct Pleg::Impl {
  Impl(remote::CriClient& cri, common::metrics::Registry& metrics_, PlegOptions options_)
      : metrics(metrics_),
        options(options_),
        generic(cri, metrics_),
        evented(cri, EventedOptions{std::min(options_.relist_period, std::chrono::milliseconds(1000)),
                                    options_.relist_period, options_.evented_relist_period}) {}

  common::metrics::Registry& metrics;
  PlegOptions options;
  GenericPleg generic;
  EventedPleg evented;
  std::atomic<bool> evented_started{false};

  std::mutex emit_mutex;  // the two threads take turns calling on_event
  std::function<void(const PodLifecycleEvent&)> on_event;
  // When start() ran, the grace before the first relist; atomic because
  // healthy() is asked from the HTTP API's threads.
  std::atomic<std::chrono::steady_clock::rep> started_at{std::chrono::steady_clock::now().time_since_epoch().count()};

  std::mutex gauge_mutex;
  int gauge = -1;

  bool is_evented() const { return evented_started && evented.up(); }

  void update_gauge() {
    const int now = is_evented() ? 1 : 0;
    std::lock_guard lock(gauge_mutex);
    if (now == gauge) return;
    if (gauge != -1) spdlog::info("pleg: {}", now ? "evented (relisting as a safety net)" : "relisting");
    gauge = now;
    metrics.set_gauge(kEventedGauge, {}, now);
  }

  std::chrono::milliseconds current_period() {
    update_gauge();
    return is_evented() ? options.evented_relist_period : options.relist_period;
  }
};

Pleg::Pleg(remote::CriClient& cri, common::metrics::Registry& metrics, PlegOptions options)
    : impl_(std::make_unique<Impl>(cri, metrics, options)) {
  metrics.describe("node_agent_pleg_relist_duration_seconds", "histogram",
                   "Duration of one PLEG relist (ListPodSandbox + ListContainers).");
  metrics.describe(kEventedGauge, "gauge", "1 while the PLEG is driven by the CRI container event stream.");
}

Pleg::~Pleg() { stop(); }

void Pleg::start(std::function<void(const PodLifecycleEvent&)> on_event) {
  Impl* impl = impl_.get();
  impl->on_event = std::move(on_event);
  impl->started_at = std::chrono::steady_clock::now().time_since_epoch().count();
  auto emit = [impl](const PodLifecycleEvent& event) {
    std::lock_guard lock(impl->emit_mutex);
    if (impl->on_event) impl->on_event(event);
  };
  impl->update_gauge();
  if (impl->options.use_events) {
    impl->evented_started = true;
    impl->evented.start(emit, [impl] {
      impl->update_gauge();
      impl->generic.wake();
    });
  }
  impl->generic.start(emit, [impl] { return impl->current_period(); });
}

void Pleg::stop() {
  impl_->evented.stop();
  impl_->generic.stop();
}

bool Pleg::healthy() const {
  const auto now = std::chrono::steady_clock::now();
  const std::chrono::steady_clock::time_point started{std::chrono::steady_clock::duration(impl_->started_at.load())};
  const auto last = impl_->generic.last_success().value_or(started);
  const auto period = impl_->is_evented() ? impl_->options.evented_relist_period : impl_->options.relist_period;
  return now - last <= 3 * period;
}

bool Pleg::evented() const { return impl_->is_evented(); }

}  // namespace agent::pleg
