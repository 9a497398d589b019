#include "shim/metrics/runtime_sample.h"

namespace shim {
namespace {

double value(std::uint64_t v) { return static_cast<double>(v); }

}  // namespace

void sample_runtime_metrics(common::metrics::Registry& r, const RuntimeService::Load& load) {
  r.describe("cri_shim_container_store_live", "gauge",
             "1 while the in-memory container store follows Docker's events, 0 while calls ask Docker.");
  r.set_gauge("cri_shim_container_store_live", {}, load.store.live ? 1 : 0);
  r.describe("cri_shim_container_store_objects", "gauge", "Sandboxes and containers in the container store.");
  r.set_gauge("cri_shim_container_store_objects", {}, value(load.store.objects));
  r.describe("cri_shim_docker_event_connections_total", "counter",
             "Connections of Docker's event stream, each followed by a full resynchronisation.");
  r.set_counter("cri_shim_docker_event_connections_total", {}, value(load.store.resynchronisations));
  r.describe("cri_shim_docker_event_reconnects_total", "counter",
             "Times the Docker event stream broke and was connected again.");
  r.set_counter("cri_shim_docker_event_reconnects_total", {},
                value(load.store.resynchronisations > 0 ? load.store.resynchronisations - 1 : 0));
  r.describe("cri_shim_docker_events_total", "counter", "Docker container events handled.");
  r.set_counter("cri_shim_docker_events_total", {}, value(load.store.events));

  r.describe("cri_shim_log_followers", "gauge", "Containers whose Docker log is being copied into their CRI log.");
  r.set_gauge("cri_shim_log_followers", {}, value(load.logs.followers));
  r.describe("cri_shim_log_messages_dropped_total", "counter",
             "Docker log messages that could not be copied (no timestamp): lost.");
  r.set_counter("cri_shim_log_messages_dropped_total", {}, value(load.logs.messages_dropped));
  r.describe("cri_shim_log_write_failures_total", "counter",
             "Failed writes to CRI log files (a full disk); each is retried, nothing is lost.");
  r.set_counter("cri_shim_log_write_failures_total", {}, value(load.logs.write_failures));
  r.describe("cri_shim_log_stream_breaks_total", "counter", "Docker log streams that broke and were resumed.");
  r.set_counter("cri_shim_log_stream_breaks_total", {}, value(load.logs.stream_breaks));

  r.describe("cri_shim_streaming_connections", "gauge", "Open connections to the streaming server.");
  r.set_gauge("cri_shim_streaming_connections", {}, value(load.streaming.connections));
  r.describe("cri_shim_streaming_sessions", "gauge", "Exec, attach and port-forward sessions running.");
  r.set_gauge("cri_shim_streaming_sessions", {}, value(load.streaming.sessions));
  r.describe("cri_shim_streaming_sessions_started_total", "counter", "Streaming sessions started, by kind.");
  r.set_counter("cri_shim_streaming_sessions_started_total", {{"kind", "exec"}}, value(load.streaming.exec_started));
  r.set_counter("cri_shim_streaming_sessions_started_total", {{"kind", "attach"}},
                value(load.streaming.attach_started));
  r.set_counter("cri_shim_streaming_sessions_started_total", {{"kind", "portforward"}},
                value(load.streaming.port_forward_started));
}

}  // namespace shim
