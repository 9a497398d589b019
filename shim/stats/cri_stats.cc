#include "shim/stats/cri_stats.h"

#include <filesystem>

namespace shim::stats {
namespace {

void set(cri::UInt64Value* out, std::uint64_t value) { out->set_value(value); }

template <typename Message>
void set_if(Message* message, cri::UInt64Value* (Message::*field)(),
            const std::optional<std::uint64_t>& value) {
  if (value) (message->*field)()->set_value(*value);
}

void fill_cpu(std::int64_t timestamp, const CgroupSample& cgroup,
              const std::optional<std::uint64_t>& nano_cores, bool running, cri::CpuUsage* cpu) {
  cpu->set_timestamp(timestamp);
  if (!running) {
    set(cpu->mutable_usage_core_nano_seconds(), 0);
    set(cpu->mutable_usage_nano_cores(), 0);
    return;
  }
  set_if(cpu, &cri::CpuUsage::mutable_usage_core_nano_seconds, cgroup.cpu_usage_ns);
  set_if(cpu, &cri::CpuUsage::mutable_usage_nano_cores, nano_cores);
}

void fill_memory(std::int64_t timestamp, const CgroupSample& cgroup, bool running,
                 cri::MemoryUsage* memory) {
  memory->set_timestamp(timestamp);
  if (!running) {
    set(memory->mutable_working_set_bytes(), 0);
    set(memory->mutable_usage_bytes(), 0);
    return;
  }
  set_if(memory, &cri::MemoryUsage::mutable_working_set_bytes, cgroup.working_set);
  set_if(memory, &cri::MemoryUsage::mutable_usage_bytes, cgroup.memory_usage);
  set_if(memory, &cri::MemoryUsage::mutable_rss_bytes, cgroup.rss);
  set_if(memory, &cri::MemoryUsage::mutable_page_faults, cgroup.page_faults);
  set_if(memory, &cri::MemoryUsage::mutable_major_page_faults, cgroup.major_page_faults);
  // kubelet's definition: what the working set may still grow by.
  if (cgroup.memory_limit && cgroup.working_set)
    set(memory->mutable_available_bytes(),
        *cgroup.memory_limit > *cgroup.working_set ? *cgroup.memory_limit - *cgroup.working_set : 0);
}

void fill_interface(const common::InterfaceCounters& counters, cri::NetworkInterfaceUsage* out) {
  out->set_name(counters.name);
  set(out->mutable_rx_bytes(), counters.rx_bytes);
  set(out->mutable_rx_errors(), counters.rx_errors);
  set(out->mutable_tx_bytes(), counters.tx_bytes);
  set(out->mutable_tx_errors(), counters.tx_errors);
}

template <typename Source>
void copy_container_attributes(const Source& source, cri::ContainerAttributes* out) {
  out->set_id(source.id());
  *out->mutable_metadata() = source.metadata();
  *out->mutable_labels() = source.labels();
  *out->mutable_annotations() = source.annotations();
}

}  // namespace

void fill_attributes(const cri::Container& container, cri::ContainerAttributes* out) {
  copy_container_attributes(container, out);
}

void fill_attributes(const cri::ContainerStatus& status, cri::ContainerAttributes* out) {
  copy_container_attributes(status, out);
}

void fill_attributes(const cri::PodSandbox& sandbox, cri::PodSandboxAttributes* out) {
  out->set_id(sandbox.id());
  *out->mutable_metadata() = sandbox.metadata();
  *out->mutable_labels() = sandbox.labels();
  *out->mutable_annotations() = sandbox.annotations();
}

std::string layer_filesystem(const std::string& upper_dir) {
  return std::filesystem::path(upper_dir).parent_path().parent_path().string();
}

void fill_container_stats(const ContainerReading& reading, cri::ContainerStats* out) {
  const std::int64_t ts = reading.timestamp_ns;
  fill_cpu(ts, reading.cgroup, reading.nano_cores, reading.running, out->mutable_cpu());
  fill_memory(ts, reading.cgroup, reading.running, out->mutable_memory());
  if (reading.running && (reading.cgroup.swap_usage || reading.cgroup.swap_limit)) {
    auto* swap = out->mutable_swap();
    swap->set_timestamp(ts);
    set_if(swap, &cri::SwapUsage::mutable_swap_usage_bytes, reading.cgroup.swap_usage);
    if (reading.cgroup.swap_limit)
      set(swap->mutable_swap_available_bytes(),
          *reading.cgroup.swap_limit > reading.cgroup.swap_usage.value_or(0)
              ? *reading.cgroup.swap_limit - reading.cgroup.swap_usage.value_or(0)
              : 0);
  }
  if (reading.writable_layer) {
    auto* layer = out->mutable_writable_layer();
    layer->set_timestamp(reading.writable_layer->timestamp_ns);
    layer->mutable_fs_id()->set_mountpoint(layer_filesystem(reading.writable_layer_dir));
    set(layer->mutable_used_bytes(), reading.writable_layer->used_bytes);
    set(layer->mutable_inodes_used(), reading.writable_layer->inodes_used);
  }
}

void fill_pod_stats(const PodReading& reading, cri::PodSandboxStats* out) {
  auto* pod_linux = out->mutable_linux();
  const std::int64_t ts = reading.timestamp_ns;
  fill_cpu(ts, reading.cgroup, reading.nano_cores, reading.running, pod_linux->mutable_cpu());
  fill_memory(ts, reading.cgroup, reading.running, pod_linux->mutable_memory());
  auto* network = pod_linux->mutable_network();
  network->set_timestamp(ts);
  if (const auto* main = common::default_interface(reading.interfaces))
    fill_interface(*main, network->mutable_default_interface());
  for (const auto& counters : reading.interfaces) fill_interface(counters, network->add_interfaces());
  auto* process = pod_linux->mutable_process();
  process->set_timestamp(ts);
  set(process->mutable_process_count(), reading.running ? reading.cgroup.pids.value_or(0) : 0);
}

}  // namespace shim::stats
