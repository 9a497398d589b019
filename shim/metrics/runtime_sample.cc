#include "shim/metrics/runtime_sample.h"

namespace shim {
namespace {

using common::metrics::Labels;
using common::metrics::Registry;

// One sample of a family, with its help (describe() is idempotent).
void gauge(Registry& r, const char* name, const char* help, double value, const Labels& labels = {}) {
  r.describe(name, "gauge", help);
  r.set_gauge(name, labels, value);
}
void counter(Registry& r, const char* name, const char* help, std::uint64_t value, const Labels& labels = {}) {
  r.describe(name, "counter", help);
  r.set_counter(name, labels, static_cast<double>(value));
}

}  // namespace

void sample_runtime_metrics(Registry& r, const RuntimeService::Load& load) {
  const auto& store = load.store;
  gauge(r, "cri_shim_container_store_live",
        "1 while the in-memory container store follows Docker's events, 0 while calls ask Docker.", store.live ? 1 : 0);
  gauge(r, "cri_shim_container_store_objects", "Sandboxes and containers in the container store.",
        static_cast<double>(store.objects));
  counter(r, "cri_shim_docker_event_connections_total",
          "Connections of Docker's event stream, each followed by a full resynchronisation.",
          store.resynchronisations);
  counter(r, "cri_shim_docker_event_reconnects_total", "Times the Docker event stream broke and was connected again.",
          store.resynchronisations > 0 ? store.resynchronisations - 1 : 0);
  counter(r, "cri_shim_docker_events_total", "Docker container events handled.", store.events);

  const auto& logs = load.logs;
  gauge(r, "cri_shim_log_followers", "Containers whose Docker log is being copied into their CRI log.",
        static_cast<double>(logs.followers));
  counter(r, "cri_shim_log_messages_dropped_total", "Docker log messages that could not be copied (no timestamp): lost.",
          logs.messages_dropped);
  counter(r, "cri_shim_log_write_failures_total",
          "Failed writes to CRI log files (a full disk); each is retried, nothing is lost.", logs.write_failures);
  counter(r, "cri_shim_log_stream_breaks_total", "Docker log streams that broke and were resumed.", logs.stream_breaks);

  const auto& streaming = load.streaming;
  gauge(r, "cri_shim_streaming_connections", "Open connections to the streaming server.",
        static_cast<double>(streaming.connections));
  gauge(r, "cri_shim_streaming_sessions", "Exec, attach and port-forward sessions running.",
        static_cast<double>(streaming.sessions));
  const char* started = "cri_shim_streaming_sessions_started_total";
  const char* started_help = "Streaming sessions started, by kind.";
  counter(r, started, started_help, streaming.exec_started, {{"kind", "exec"}});
  counter(r, started, started_help, streaming.attach_started, {{"kind", "attach"}});
  counter(r, started, started_help, streaming.port_forward_started, {{"kind", "portforward"}});
}

}  // namespace shim
