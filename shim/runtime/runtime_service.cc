#include "shim/runtime/runtime_service.h"

#include "shim/server/call.h"

namespace shim {

RuntimeService::RuntimeService(docker::Client& docker) : docker_(docker) {}

grpc::Status RuntimeService::run(const std::string& what, const std::function<void()>& body) {
  return run_call(what, docker_.endpoint().to_string(), body);
}

}  // namespace shim
