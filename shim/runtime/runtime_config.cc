// RuntimeConfig: the cgroup driver kubelet must use, which is Docker's own
// (from its info, asked once). Kubelet compares it with its own setting at
// start-up and refuses to run pods when the two differ.
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status RuntimeService::RuntimeConfig(grpc::ServerContext* context, const cri::RuntimeConfigRequest*,
                                           cri::RuntimeConfigResponse* response) {
  return run("RuntimeConfig", [&] {
    const std::string driver = cgroup_driver(call_options(context));
    response->mutable_linux()->set_cgroup_driver(driver == "systemd" ? cri::SYSTEMD : cri::CGROUPFS);
  });
}

}  // namespace shim
