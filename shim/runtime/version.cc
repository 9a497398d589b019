// Version: the CRI API version we speak and the Docker engine behind us.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {
namespace {
// The kubelet runtime API version CRI servers report (containerd does too).
constexpr const char* kKubeRuntimeApiVersion = "0.1.0";
}  // namespace

grpc::Status RuntimeService::Version(grpc::ServerContext* context, const cri::VersionRequest*,
                                     cri::VersionResponse* response) {
  return run("Version", [&] {
    const auto version = docker_.version(call_options(context));
    response->set_version(kKubeRuntimeApiVersion);
    response->set_runtime_name("docker");
    response->set_runtime_version(version.version);
    response->set_runtime_api_version("v1");
  });
}

}  // namespace shim
