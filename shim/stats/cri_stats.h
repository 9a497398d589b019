// Readings (stats_collector.h) as CRI stats messages. A figure the kernel
// did not give stays unset; a container that is not running still gets
// timestamps and zero CPU and memory usage (kubelet and critest read the
// timestamps; "no usage" is the truth for a stopped container).
#pragma once

#include <vector>

#include "runtime/v1/api.h"
#include "shim/stats/stats_collector.h"

namespace shim::stats {

// Attributes from what ListContainers / ContainerStatus answer.
void fill_attributes(const cri::Container& container, cri::ContainerAttributes* out);
void fill_attributes(const cri::ContainerStatus& status, cri::ContainerAttributes* out);
void fill_attributes(const cri::PodSandbox& sandbox, cri::PodSandboxAttributes* out);

// cpu, memory, swap and writable_layer of `out` (attributes untouched).
void fill_container_stats(const ContainerReading& reading, cri::ContainerStats* out);

// linux.cpu, memory, network, process of `out`; the caller adds the
// containers and the attributes.
void fill_pod_stats(const PodReading& reading, cri::PodSandboxStats* out);

// The filesystem a writable layer is on, as ImageFsInfo names it: overlay2's
// UpperDir is <root>/overlay2/<layer>/diff, its filesystem <root>/overlay2.
std::string layer_filesystem(const std::string& upper_dir);

}  // namespace shim::stats
