#include "shim/runtime/stats_reads.h"

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

constexpr std::size_t kFullIdLength = 64;

// Running objects of `kind` (all of them when `all`), Docker filtering on
// kind, labels and, when given, a full sandbox ID.
std::vector<docker::ContainerSummary> list_objects(const StatsSources& sources, DockerObjectKind kind,
                                                   const ProtoStringMap& label_selector,
                                                   const std::string& sandbox_id, bool all,
                                                   const docker::CallOptions& options) {
  docker::ContainerListOptions list;
  list.all = all;
  list.filters = docker_list_filters(kind, label_selector);
  if (sandbox_id.size() == kFullIdLength)
    list.filters["label"].push_back(std::string(label::kSandboxId) + "=" + sandbox_id);
  return sources.docker.list_containers(list, options);
}

// The inspect, or nullopt when the object went away since the list.
std::optional<docker::ContainerInspect> inspect_if_there(const StatsSources& sources,
                                                         const std::string& id,
                                                         const docker::CallOptions& options) {
  try {
    return sources.inspects.inspect(id, options);
  } catch (const docker::DockerError& e) {
    if (e.not_found()) return std::nullopt;
    throw;
  }
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
  auto summaries = list_objects(sources, DockerObjectKind::kContainer, filter.label_selector(),
                                filter.pod_sandbox_id(), !filter.id().empty(), options);
  keep_id_prefix_matches(summaries, filter.id());
  std::vector<ContainerRead> reads;
  for (const auto& summary : summaries) {
    ContainerRead read;
    if (!fill_container(summary, &read.container)) continue;
    if (!filter.pod_sandbox_id().empty() &&
        read.container.pod_sandbox_id().compare(0, filter.pod_sandbox_id().size(),
                                                filter.pod_sandbox_id()) != 0)
      continue;
    const auto inspect = inspect_if_there(sources, summary.id, options);
    if (!inspect) continue;
    read.reading = read_container(sources, *inspect, options);
    reads.push_back(std::move(read));
  }
  if (filter.id().empty() && filter.pod_sandbox_id().empty() && filter.label_selector().empty()) {
    sources.collector.prune();
    sources.layers.prune();
  }
  return reads;
}

std::vector<PodRead> read_pods(const StatsSources& sources, std::string_view id_filter,
                               const ProtoStringMap& label_selector,
                               const docker::CallOptions& options) {
  auto sandboxes = list_objects(sources, DockerObjectKind::kSandbox, label_selector, "",
                                !id_filter.empty(), options);
  keep_id_prefix_matches(sandboxes, id_filter);
  if (sandboxes.empty()) return {};
  // One list of the running containers for all the pods (Docker filters
  // on the sandbox when there is one pod).
  const ProtoStringMap no_selector;
  const auto containers = list_objects(sources, DockerObjectKind::kContainer, no_selector,
                                       sandboxes.size() == 1 ? sandboxes.front().id : "", false,
                                       options);
  std::multimap<std::string, const docker::ContainerSummary*> by_sandbox;
  for (const auto& container : containers)
    by_sandbox.emplace(label_of(container.labels, label::kSandboxId), &container);

  std::vector<PodRead> pods;
  for (const auto& summary : sandboxes) {
    PodRead pod;
    if (!fill_pod_sandbox(summary, &pod.sandbox)) continue;
    const auto inspect = inspect_if_there(sources, summary.id, options);
    if (!inspect) continue;
    const auto sandbox_reading = read_container(sources, *inspect, options);
    const auto [begin, end] = by_sandbox.equal_range(summary.id);
    for (auto it = begin; it != end; ++it) {
      ContainerRead read;
      if (!fill_container(*it->second, &read.container)) continue;
      const auto container_inspect = inspect_if_there(sources, it->second->id, options);
      if (!container_inspect) continue;
      read.reading = read_container(sources, *container_inspect, options);
      pod.containers.push_back(std::move(read));
    }
    std::vector<const stats::ContainerReading*> members;
    for (const auto& read : pod.containers) members.push_back(&read.reading);
    pod.reading = sources.collector.read_pod(
        summary.id, inspect->state.running ? inspect->state.pid : 0, sandbox_reading, members);
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
