// A container as CRI reports it, read from its Docker container's inspect
// (a record of the container store): the full status and the list entry.
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
// image.image: what reported_image() says. image_ref and image_id are the
// image's ID ("sha256:..."): the image the container runs, whatever its tags
// have become since.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "docker-client/types.h"
#include "runtime/v1/api.h"

namespace shim {

cri::ContainerState container_state(const std::string& docker_state);

// The first repository tag ("name:tag") of the image with ID `image_id`, if
// it has one (state/image_store.h answers it from memory).
using RepoTagLookup = std::function<std::optional<std::string>(const std::string& image_id)>;

// The name a container reports as its image (ImageSpec.image), which
// kubelet shows as the pod's container `image`: the user_specified_image
// given at creation when there was one; else the image as the client named
// it, unless that was an image ID ("sha256:<hex>" or 64 hex digits: kubelet
// v1.26 creates containers with the ID it got from PullImage or
// ImageStatus); then the image's first repository tag as it is now (a tag
// added since counts), as dockershim, cri-dockerd and containerd report
// it, or the ID when the image has no tag left. Without a lookup, the ID.
std::string reported_image(const docker::ContainerInspect& inspect, const RepoTagLookup& first_repo_tag);

// The container's status: what the inspect says, and the user its process
// runs as. Throws CriError INTERNAL when the container has no recoverable
// metadata.
void fill_container_status(const docker::ContainerInspect& inspect, cri::ContainerStatus* status,
                           const RepoTagLookup& first_repo_tag = {});
// Its two parts. The first depends on the inspect alone (and the image's
// tags): the same inspect gives the same status. The second (only for a
// running container) reads /proc, so it is read again each time: a process
// that has not yet executed the container's program, or has just died,
// shows another user or none.
void fill_container_status_from_inspect(const docker::ContainerInspect& inspect, cri::ContainerStatus* status,
                                        const RepoTagLookup& first_repo_tag = {});
void fill_process_user(const docker::ContainerInspect& inspect, cri::ContainerStatus* status);

// The container's CRI mounts as inspect shows them, in the order of the
// config's mounts (HostConfig.Binds): only bind mounts that a Binds entry
// names, never what the shim added itself (HostConfig.Mounts), image
// volumes or tmpfs. Pointers into `inspect`.
std::vector<const docker::MountPoint*> cri_mounts_of(const docker::ContainerInspect& inspect);

// The list entry; false (and `out` untouched) for containers whose metadata
// cannot be read. Agrees with fill_container_status field for field.
bool fill_container(const docker::ContainerInspect& inspect, cri::Container* out,
                    const RepoTagLookup& first_repo_tag = {});

// The CRI state of a full inspect: what fill_container_status reports.
cri::ContainerState container_state_of(const docker::ContainerState& state);

// The user the container's init process runs as, from /proc/<pid>/status
// (`proc_root` for tests), and with `command` the process's command name
// (its Name line); false when the process is gone.
bool read_process_user(int pid, cri::LinuxContainerUser* out, const std::string& proc_root = "/proc",
                       std::string* command = nullptr);

}  // namespace shim
