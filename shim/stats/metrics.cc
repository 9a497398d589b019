#include "shim/stats/metrics.h"

#include <optional>
#include <string>

#include "shim/stats/cri_stats.h"

namespace shim::stats {
namespace {

struct Definition {
  const char* name;
  const char* help;
  const char* extra_label;  // nullptr: only id, name, image
};

constexpr Definition kDefinitions[] = {
    {"container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", nullptr},
    {"container_memory_usage_bytes", "Current memory usage in bytes, including all memory regardless of when it was accessed", nullptr},
    {"container_memory_working_set_bytes", "Current working set in bytes.", nullptr},
    {"container_memory_rss", "Size of RSS in bytes.", nullptr},
    {"container_memory_swap", "Container swap usage in bytes.", nullptr},
    {"container_memory_failures_total", "Cumulative count of memory allocation failures.", "failure_type"},
    {"container_spec_memory_limit_bytes", "Memory limit for the container.", nullptr},
    {"container_processes", "Number of processes running inside the container.", nullptr},
    {"container_fs_usage_bytes", "Number of bytes that are consumed by the container on this filesystem.", "device"},
    {"container_network_receive_bytes_total", "Cumulative count of bytes received", "interface"},
    {"container_network_receive_errors_total", "Cumulative count of errors encountered while receiving", "interface"},
    {"container_network_transmit_bytes_total", "Cumulative count of bytes transmitted", "interface"},
    {"container_network_transmit_errors_total", "Cumulative count of errors encountered while transmitting", "interface"},
};

bool is_counter(const std::string& name) {
  return name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
}

class MetricWriter {
 public:
  MetricWriter(std::int64_t timestamp, std::vector<std::string> base_labels,
               google::protobuf::RepeatedPtrField<cri::Metric>* out)
      : timestamp_(timestamp), base_labels_(std::move(base_labels)), out_(out) {}

  void add(const char* name, const std::optional<std::uint64_t>& value,
           const char* extra_value = nullptr) {
    if (!value) return;
    auto* metric = out_->Add();
    metric->set_name(name);
    metric->set_timestamp(timestamp_);
    metric->set_metric_type(is_counter(name) ? cri::COUNTER : cri::GAUGE);
    for (const auto& label : base_labels_) metric->add_label_values(label);
    if (extra_value) metric->add_label_values(extra_value);
    metric->mutable_value()->set_value(*value);
  }

 private:
  std::int64_t timestamp_;
  std::vector<std::string> base_labels_;
  google::protobuf::RepeatedPtrField<cri::Metric>* out_;
};

}  // namespace

std::vector<cri::MetricDescriptor> metric_descriptors() {
  std::vector<cri::MetricDescriptor> out;
  for (const auto& definition : kDefinitions) {
    cri::MetricDescriptor descriptor;
    descriptor.set_name(definition.name);
    descriptor.set_help(definition.help);
    for (const char* key : {"id", "name", "image"}) descriptor.add_label_keys(key);
    if (definition.extra_label) descriptor.add_label_keys(definition.extra_label);
    out.push_back(std::move(descriptor));
  }
  return out;
}

void fill_container_metrics(const ContainerReading& reading, const cri::Container& container,
                            cri::ContainerMetrics* out) {
  out->set_container_id(container.id());
  MetricWriter metrics(reading.timestamp_ns,
                       {container.id(), container.metadata().name(), container.image().image()},
                       out->mutable_metrics());
  const auto& cgroup = reading.cgroup;
  if (reading.running) {
    if (cgroup.cpu_usage_ns)
      metrics.add("container_cpu_usage_seconds_total", *cgroup.cpu_usage_ns / 1'000'000'000);
    metrics.add("container_memory_usage_bytes", cgroup.memory_usage);
    metrics.add("container_memory_working_set_bytes", cgroup.working_set);
    metrics.add("container_memory_rss", cgroup.rss);
    metrics.add("container_memory_swap", cgroup.swap_usage);
    // cAdvisor's failure counter is the page-fault count, by fault type.
    metrics.add("container_memory_failures_total", cgroup.page_faults, "pgfault");
    metrics.add("container_memory_failures_total", cgroup.major_page_faults, "pgmajfault");
    metrics.add("container_spec_memory_limit_bytes", cgroup.memory_limit.value_or(0));
    metrics.add("container_processes", cgroup.pids);
  }
  if (reading.writable_layer) {
    const std::string device = layer_filesystem(reading.writable_layer_dir);
    metrics.add("container_fs_usage_bytes", reading.writable_layer->used_bytes, device.c_str());
  }
}

void fill_pod_metrics(const PodReading& reading, const cri::PodSandbox& sandbox,
                      cri::PodSandboxMetrics* out) {
  out->set_pod_sandbox_id(sandbox.id());
  MetricWriter metrics(reading.timestamp_ns, {sandbox.id(), sandbox.metadata().name(), ""},
                       out->mutable_metrics());
  for (const auto& counters : reading.interfaces) {
    const char* name = counters.name.c_str();
    metrics.add("container_network_receive_bytes_total", counters.rx_bytes, name);
    metrics.add("container_network_receive_errors_total", counters.rx_errors, name);
    metrics.add("container_network_transmit_bytes_total", counters.tx_bytes, name);
    metrics.add("container_network_transmit_errors_total", counters.tx_errors, name);
  }
}

}  // namespace shim::stats
