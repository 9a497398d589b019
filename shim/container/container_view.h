// A container as CRI reports it, read from its Docker container: the full
// status from an inspect, the list entry from a /containers/json summary.
// Metadata comes from labels (labels.h), so cri-dockerd's containers read
// the same way.
//
// State: Docker "created" -> CREATED; "running", "paused", "restarting" ->
// RUNNING; "exited", "dead" -> EXITED; anything else ("removing") ->
// UNKNOWN; except a "created" container whose start failed
// (start_failure.h), which is EXITED with reason ContainerCannotRun and
// started_at = finished_at = created_at. Reason of another exited container:
// OOMKilled, else Completed for exit code 0, else Error (kubelet's words); the
// message is Docker's error text.
// image_ref and image_id are the image's ID ("sha256:..."): the image the
// container runs, whatever its tags have become since.
#pragma once

#include <string>
#include <vector>

#include "docker-client/types.h"
#include "runtime/v1/api.h"

namespace shim {

namespace cri = ::runtime::v1;

cri::ContainerState container_state(const std::string& docker_state);

// Throws CriError INTERNAL when the container has no recoverable metadata.
void fill_container_status(const docker::ContainerInspect& inspect, cri::ContainerStatus* status);

// The container's CRI mounts as inspect shows them, in the order of the
// config's mounts (HostConfig.Binds): only bind mounts that a Binds entry
// names, never what the shim added itself (HostConfig.Mounts), image
// volumes or tmpfs. Pointers into `inspect`.
std::vector<const docker::MountPoint*> cri_mounts_of(const docker::ContainerInspect& inspect);

// false (and `out` untouched) for containers whose metadata cannot be read.
// A summary does not carry the exit code, so a "created" one is CREATED
// here: the caller that needs the truth inspects it (container_state_of).
bool fill_container(const docker::ContainerSummary& summary, cri::Container* out);

// The CRI state of a full inspect: what fill_container_status reports.
cri::ContainerState container_state_of(const docker::ContainerState& state);

// The user the container's init process runs as, from /proc/<pid>/status
// (`proc_root` for tests); false when the process is gone.
bool read_process_user(int pid, cri::LinuxContainerUser* out, const std::string& proc_root = "/proc");

}  // namespace shim
