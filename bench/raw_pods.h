// The raw Docker API calls that do the job of each lifecycle RPC, for the
// lifecycle benchmark's raw column. The containers are copies of what the
// shim made (HostConfig, labels of the same size, command), taken from the
// inspect of one shim-made sandbox and container, so that Docker does the
// same work for both columns; their label keys carry a "raw." prefix so that
// the shim never sees them as its own.
#pragma once

#include <string>

#include "docker-client/client.h"

namespace bench {

class RawPods {
 public:
  // `sandbox` and `container`: a shim-made sandbox and one of its containers.
  RawPods(docker::Client& docker, std::string run, const docker::ContainerInspect& sandbox,
          const docker::ContainerInspect& container, std::string image);

  // One line per job: what each method below costs in Docker calls.
  static const char* const kRunPodSandbox;
  static const char* const kCreateContainer;
  static const char* const kStartContainer;
  static const char* const kStopContainer;
  static const char* const kContainerStatus;
  static const char* const kRemoveContainer;
  static const char* const kStopPodSandbox;
  static const char* const kRemovePodSandbox;
  static const char* const kList;

  std::string run_pod_sandbox(int n);
  std::string create_container(const std::string& sandbox_id);
  void start_container(const std::string& id);
  void stop_container(const std::string& id);  // CRI timeout 0
  void container_status(const std::string& id);
  void remove_container(const std::string& id);
  void stop_pod_sandbox(const std::string& id);
  void remove_pod_sandbox(const std::string& id);
  // GET /containers/json?all=1 with the shim's filter for `docker_type`
  // ("podsandbox" or "container"); returns the count.
  std::size_t list(const std::string& docker_type);

 private:
  std::vector<std::string> pod_containers(const std::string& sandbox_id, bool all);

  docker::Client& docker_;
  const std::string run_;
  docker::ContainerCreateRequest sandbox_template_, container_template_;
  const std::string pause_image_, image_;
};

}  // namespace bench
