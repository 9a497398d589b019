// A CRI server that does no work: it answers ListPodSandbox, ListContainers
// (unfiltered), ContainerStatus and Version with answers recorded from
// cri-shim, held in memory and sent the way cri-shim sends its own (as
// serialized items, runtime/full_list_cache.h), on a sync gRPC server set up
// as cri-shim's is. lifecycle-bench times cri-shim beside it: what is left
// of a call's time here is what any gRPC server costs on this machine, and
// the difference is cri-shim's own work.
//
//   replay-cri-server --listen unix:///path.sock --replay DIR [ignored flags]
//
// DIR holds list_pod_sandbox.bin, list_containers.bin, container_status.bin
// and version.bin, each a serialized response. The other flags cri-shim
// takes (--docker-endpoint, --log-level) are accepted and ignored, so that
// support::ShimProcess can start it.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "runtime/v1/api.h"
#include "shim/runtime/full_list_cache.h"
#include "shim/server/serialized_items.h"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

template <typename Response>
Response parse(const std::string& path) {
  Response response;
  if (!response.ParseFromString(read_file(path))) throw std::runtime_error("not a response: " + path);
  return response;
}

// The items of a repeated message field, serialized back to back.
template <typename Items>
shim::FullListCache::ItemsPtr serialized(const Items& items) {
  struct Entry {
    std::string bytes;
  };
  std::vector<std::shared_ptr<const Entry>> entries;
  for (const auto& item : items) entries.push_back(std::make_shared<const Entry>(Entry{item.SerializeAsString()}));
  return shim::FullListCache::join(entries);
}

class ReplayService final : public cri::RuntimeService::Service {
 public:
  explicit ReplayService(const std::string& dir)
      : sandboxes_(serialized(parse<cri::ListPodSandboxResponse>(dir + "/list_pod_sandbox.bin").items())),
        containers_(serialized(parse<cri::ListContainersResponse>(dir + "/list_containers.bin").containers())),
        status_(parse<cri::ContainerStatusResponse>(dir + "/container_status.bin").status().SerializeAsString()),
        version_(parse<cri::VersionResponse>(dir + "/version.bin")) {}

  grpc::Status Version(grpc::ServerContext*, const cri::VersionRequest*, cri::VersionResponse* response) override {
    *response = version_;
    return grpc::Status::OK;
  }
  grpc::Status ListPodSandbox(grpc::ServerContext*, const cri::ListPodSandboxRequest*,
                              cri::ListPodSandboxResponse* response) override {
    shim::append_serialized_items(*response, cri::ListPodSandboxResponse::kItemsFieldNumber, *sandboxes_);
    return grpc::Status::OK;
  }
  grpc::Status ListContainers(grpc::ServerContext*, const cri::ListContainersRequest*,
                              cri::ListContainersResponse* response) override {
    shim::append_serialized_items(*response, cri::ListContainersResponse::kContainersFieldNumber, *containers_);
    return grpc::Status::OK;
  }
  grpc::Status ContainerStatus(grpc::ServerContext*, const cri::ContainerStatusRequest*,
                               cri::ContainerStatusResponse* response) override {
    shim::append_serialized(*response, cri::ContainerStatusResponse::kStatusFieldNumber, status_);
    return grpc::Status::OK;
  }

 private:
  const shim::FullListCache::ItemsPtr sandboxes_, containers_;
  const std::string status_;
  const cri::VersionResponse version_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string listen, dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--listen") listen = argv[i + 1];
    else if (flag == "--replay") dir = argv[i + 1];
  }
  if (listen.rfind("unix://", 0) != 0 || dir.empty()) {
    std::cerr << "usage: replay-cri-server --listen unix:///path.sock --replay DIR\n";
    return 2;
  }
  try {
    ReplayService service(dir);
    grpc::ServerBuilder builder;
    // gRPC's "unix:" form; the shim's own listener makes the socket's directory.
    const std::string path = listen.substr(std::string("unix://").size());
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    builder.AddListeningPort("unix:" + path, grpc::InsecureServerCredentials());
    builder.RegisterService(&service);
    // As cri-shim's server (shim/main.cc).
    builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
    builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
    builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 2);
    const auto server = builder.BuildAndStart();
    if (!server) throw std::runtime_error("cannot serve on " + listen);
    server->Wait();
  } catch (const std::exception& e) {
    std::cerr << "replay-cri-server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
