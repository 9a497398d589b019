#include "shim/runtime/stats_reads.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "shim/container/container_view.h"
#include "shim/sandbox/sandbox_view.h"
#include "shim/state/labels.h"
#include "shim/state/list_filter.h"
#include "shim/stats/cri_stats.h"
#include "shim/stats/metrics.h"

namespace shim {
namespace {

// The records of `kind` the selector and the ID filter take; only running
// ones unless `all` (an ID filter also finds a stopped one).
std::vector<ContainerStore::Record> select_objects(const StatsSources& sources, DockerObjectKind kind,
                                                   const ProtoStringMap& label_selector, std::string_view id_filter,
                                                   bool all, const docker::CallOptions& options) {
  auto records = select_records(sources.store.all(options), kind, label_selector, id_filter);
  if (!all)
    std::erase_if(records, [](const ContainerStore::Record& record) { return !record->state.running; });
  return records;
}

std::string label_of(const docker::Labels& labels, std::string_view key) {
  const auto it = labels.find(std::string(key));
  return it == labels.end() ? "" : it->second;
}

}  // namespace

stats::ContainerReading read_container(const StatsSources& sources,
                                       const docker::ContainerInspect& inspect,
                                       const docker::CallOptions& options) {
  std::string upper_dir;
  try {
    upper_dir = sources.layers.upper_dir(inspect.id, [&] {
      const auto full = sources.docker.inspect_container(inspect.id, false, options);
      const auto data = full.raw.find("GraphDriver");
      if (data == full.raw.end() || !data->is_object()) return std::string();
      const auto& fields = (*data)["Data"];
      if (!fields.is_object() || !fields.contains("UpperDir") || !fields["UpperDir"].is_string())
        return std::string();
      return fields["UpperDir"].get<std::string>();
    });
  } catch (const docker::DockerError& e) {
    if (!e.not_found()) throw;  // removed meanwhile: no layer to measure
  }
  return sources.collector.read_container(inspect.id, inspect.state.running ? inspect.state.pid : 0,
                                          upper_dir);
}

std::vector<ContainerRead> read_containers(const StatsSources& sources,
                                           const cri::ContainerStatsFilter& filter,
                                           const docker::CallOptions& options) {
  const auto& sandbox_filter = filter.pod_sandbox_id();
  std::vector<ContainerRead> reads;
  for (const auto& record : select_objects(sources, DockerObjectKind::kContainer, filter.label_selector(),
                                           filter.id(), !filter.id().empty(), options)) {
    ContainerRead read;
    if (!fill_container(*record, &read.container)) continue;
    if (!sandbox_filter.empty() &&
        read.container.pod_sandbox_id().compare(0, sandbox_filter.size(), sandbox_filter) != 0)
      continue;
    read.reading = read_container(sources, *record, options);
    reads.push_back(std::move(read));
  }
  return reads;
}

std::vector<PodRead> read_pods(const StatsSources& sources, std::string_view id_filter,
                               const ProtoStringMap& label_selector,
                               const docker::CallOptions& options) {
  const auto sandboxes =
      select_objects(sources, DockerObjectKind::kSandbox, label_selector, id_filter, !id_filter.empty(), options);
  if (sandboxes.empty()) return {};
  const ProtoStringMap no_selector;
  std::multimap<std::string, ContainerStore::Record> by_sandbox;  // running containers by pod
  for (auto& container : select_objects(sources, DockerObjectKind::kContainer, no_selector, "", false, options))
    by_sandbox.emplace(label_of(container->config.labels, label::kSandboxId), std::move(container));

  std::vector<PodRead> pods;
  for (const auto& sandbox : sandboxes) {
    PodRead pod;
    if (!fill_pod_sandbox(*sandbox, &pod.sandbox)) continue;
    const auto sandbox_reading = read_container(sources, *sandbox, options);
    const auto [begin, end] = by_sandbox.equal_range(sandbox->id);
    for (auto it = begin; it != end; ++it) {
      ContainerRead read;
      if (!fill_container(*it->second, &read.container)) continue;
      read.reading = read_container(sources, *it->second, options);
      pod.containers.push_back(std::move(read));
    }
    std::vector<const stats::ContainerReading*> members;
    for (const auto& read : pod.containers) members.push_back(&read.reading);
    pod.reading = sources.collector.read_pod(sandbox->id, sandbox->state.running ? sandbox->state.pid : 0,
                                             sandbox_reading, members);
    pods.push_back(std::move(pod));
  }
  return pods;
}

cri::ContainerStats to_container_stats(const ContainerRead& read) {
  cri::ContainerStats out;
  stats::fill_attributes(read.container, out.mutable_attributes());
  stats::fill_container_stats(read.reading, &out);
  return out;
}

cri::PodSandboxStats to_pod_stats(const PodRead& read) {
  cri::PodSandboxStats out;
  stats::fill_attributes(read.sandbox, out.mutable_attributes());
  stats::fill_pod_stats(read.reading, &out);
  for (const auto& container : read.containers)
    *out.mutable_linux()->add_containers() = to_container_stats(container);
  return out;
}

cri::PodSandboxMetrics to_pod_metrics(const PodRead& read) {
  cri::PodSandboxMetrics out;
  stats::fill_pod_metrics(read.reading, read.sandbox, &out);
  for (const auto& container : read.containers)
    stats::fill_container_metrics(container.reading, container.container,
                                  out.add_container_metrics());
  return out;
}

}  // namespace shim
