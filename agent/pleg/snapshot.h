// Turns the CRI's ListPodSandbox and ListContainers replies into the PLEG's
// Snapshot (relist_diff.h). Pure, so the ownership rules are unit-tested.
#pragma once

#include "agent/pleg/relist_diff.h"
#include "runtime/v1/api.h"

namespace agent::pleg {

// The filters that ask the runtime for node-agent's own objects only
// (label io.node-agent.managed=true).
cri::PodSandboxFilter managed_sandbox_filter();
cri::ContainerFilter managed_container_filter();

// Only objects labelled io.node-agent.managed=true are kept, whatever the
// runtime did with the filter (a runtime may ignore label selectors). A
// container's pod is its io.kubernetes.pod.uid label, else its sandbox's.
Snapshot make_snapshot(const cri::ListPodSandboxResponse& sandboxes,
                       const cri::ListContainersResponse& containers);

}  // namespace agent::pleg
