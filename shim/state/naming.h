// Docker container names of pods and containers, in the form kubelet's
// dockershim introduced and cri-dockerd kept, so `docker ps` reads naturally:
//
//   sandbox:    k8s_POD_<pod name>_<namespace>_<pod uid>_<sandbox attempt>
//   container:  k8s_<container name>_<pod name>_<namespace>_<pod uid>_<container attempt>
//
// A name only serves readability and uniqueness (Docker refuses a second
// container of the same name, which makes a repeated create fail instead of
// making a second pod). cri-shim reads metadata back from labels (labels.h);
// it parses names only for containers that cri-dockerd or dockershim made.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shim {

// CRI PodSandboxMetadata, free of the proto types.
struct PodMetadata {
  std::string name;
  std::string uid;
  std::string ns;  // the pod's namespace ("namespace" is a C++ keyword)
  std::uint32_t attempt = 0;

  bool operator==(const PodMetadata&) const = default;
};

// CRI ContainerMetadata, free of the proto types.
struct ContainerMetadata {
  std::string name;
  std::uint32_t attempt = 0;

  bool operator==(const ContainerMetadata&) const = default;
};

// The container-name part of every sandbox's Docker name.
inline constexpr std::string_view kSandboxContainerName = "POD";

// The names above. Docker allows only [a-zA-Z0-9_.-] after the first
// character; any other byte of the metadata becomes '-' (metadata is kept
// exactly in labels). Names of different pods cannot collide that way, as
// they differ in their uid.
std::string sandbox_docker_name(const PodMetadata& pod);
std::string container_docker_name(const ContainerMetadata& container, const PodMetadata& pod);

// What cri-dockerd reads out of a name: split on '_' into 6 parts, or 7 when
// a random suffix was added; the first must be "k8s", the sixth the attempt.
// A leading '/' (as Docker lists names) is ignored. nullopt otherwise, e.g.
// for any name whose metadata contains '_' (see labels.h for the recovery
// that handles those).
struct DockerNameParts {
  std::string container_name;  // kSandboxContainerName for a sandbox
  std::string pod_name;
  std::string pod_namespace;
  std::string pod_uid;
  std::uint32_t attempt = 0;  // the sandbox's or the container's own attempt

  bool operator==(const DockerNameParts&) const = default;
};
std::optional<DockerNameParts> parse_docker_name(std::string_view name);

// Reads an attempt the way cri-dockerd does (Go's ParseUint(s, 10, 32)).
std::optional<std::uint32_t> parse_attempt(std::string_view text);

}  // namespace shim
