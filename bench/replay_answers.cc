#include "bench/replay_answers.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "bench/cri_call.h"

namespace bench {
namespace {

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary);
  file << bytes;
  if (!file) throw std::runtime_error("cannot write " + path);
}

}  // namespace

std::string replay_server_binary() {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "replay-cri-server").string();
}

void record_replay_answers(cri::RuntimeService::Stub& runtime, const std::string& container, const std::string& dir) {
  std::filesystem::create_directories(dir);
  cri::VersionResponse version;
  check(runtime.Version(context().get(), {}, &version), "Version");
  write_file(dir + "/version.bin", version.SerializeAsString());
  cri::ListPodSandboxResponse sandboxes;
  check(runtime.ListPodSandbox(context().get(), {}, &sandboxes), "ListPodSandbox");
  write_file(dir + "/list_pod_sandbox.bin", sandboxes.SerializeAsString());
  cri::ListContainersResponse containers;
  check(runtime.ListContainers(context().get(), {}, &containers), "ListContainers");
  write_file(dir + "/list_containers.bin", containers.SerializeAsString());
  cri::ContainerStatusRequest request;
  request.set_container_id(container);
  if (container.empty() && containers.containers_size() > 0) request.set_container_id(containers.containers(0).id());
  cri::ContainerStatusResponse status;
  check(runtime.ContainerStatus(context().get(), request, &status), "ContainerStatus");
  write_file(dir + "/container_status.bin", status.SerializeAsString());
}

}  // namespace bench
