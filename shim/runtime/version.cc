// Version: the CRI API version we speak and the Docker engine behind us.
// The engine's version changes only when dockerd restarts, which ends the
// container store's event connection: Docker is asked once per connection
// (kubelet asks Version every few seconds, and Docker's /version runs runc
// and asks containerd for their versions), and every time while the store
// is not live, so that a call to a dockerd that is down fails.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {
namespace {
// The kubelet runtime API version CRI servers report (containerd does too).
constexpr const char* kKubeRuntimeApiVersion = "0.1.0";
}  // namespace

std::string RuntimeService::docker_engine_version(const docker::CallOptions& options) {
  const auto connection = store_.live_connection();
  {
    std::lock_guard lock(facts_mutex_);
    if (connection != 0 && connection == engine_version_connection_) return engine_version_;
  }
  auto version = docker_.version(options).version;
  std::lock_guard lock(facts_mutex_);
  engine_version_ = version;
  engine_version_connection_ = connection;
  return version;
}

grpc::Status RuntimeService::Version(grpc::ServerContext* context, const cri::VersionRequest*,
                                     cri::VersionResponse* response) {
  return run("Version", [&] {
    const auto engine_version = docker_engine_version(call_options(context));
    response->set_version(kKubeRuntimeApiVersion);
    response->set_runtime_name("docker");
    response->set_runtime_version(engine_version);
    response->set_runtime_api_version("v1");
  });
}

}  // namespace shim
