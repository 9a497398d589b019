// What the stats and metrics calls share: finding the containers and pods a
// filter names (from the container store, no Docker call), and reading each
// from the kernel (stats/stats_collector.h). The List, Stream and
// single-object calls only convert the reads.
//
// With no ID filter only running containers and ready pods are read (what
// kubelet asks for every 10 s); an ID filter also finds a stopped one, which
// then has timestamps and zero usage. A pod's containers are its running
// ones. Objects removed while being read are left out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "docker-client/client.h"
#include "runtime/v1/api.h"
#include "shim/state/container_store.h"
#include "shim/state/cri_metadata.h"
#include "shim/stats/layer_dirs.h"
#include "shim/stats/stats_collector.h"

namespace shim {

struct StatsSources {
  docker::Client& docker;
  ContainerStore& store;
  stats::StatsCollector& collector;
  stats::LayerDirs& layers;
};

struct ContainerRead {
  cri::Container container;
  stats::ContainerReading reading;
};

struct PodRead {
  cri::PodSandbox sandbox;
  stats::PodReading reading;
  std::vector<ContainerRead> containers;
};

// ListContainerStats' filter: ID (full or unique prefix), sandbox ID (full
// or prefix), label selector.
std::vector<ContainerRead> read_containers(const StatsSources& sources,
                                           const cri::ContainerStatsFilter& filter,
                                           const docker::CallOptions& options);

// ListPodSandboxStats' filter: ID (full or unique prefix), label selector.
std::vector<PodRead> read_pods(const StatsSources& sources, std::string_view id_filter,
                               const ProtoStringMap& label_selector,
                               const docker::CallOptions& options);

// One container's reading from its record (the writable layer's place
// costs one Docker inspect the first time a container is read: records do
// not keep the raw JSON that holds it).
stats::ContainerReading read_container(const StatsSources& sources,
                                       const docker::ContainerInspect& inspect,
                                       const docker::CallOptions& options);

// Conversions to the CRI replies.
cri::ContainerStats to_container_stats(const ContainerRead& read);
cri::PodSandboxStats to_pod_stats(const PodRead& read);
cri::PodSandboxMetrics to_pod_metrics(const PodRead& read);

}  // namespace shim
