// RuntimeService methods whose capability is not built yet. Each answers
// UNIMPLEMENTED with the capability's name, so a client sees what is missing
// rather than an anonymous "unknown method".
#include "shim/runtime/runtime_service.h"

namespace shim {
namespace {

constexpr const char* kRest = "stats, container events, CNI networking and the rest of CRI v1";

grpc::Status not_yet(const char* method, const char* capability) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                      std::string(method) + " is not implemented yet in cri-shim: it belongs to " +
                          "the " + capability + " capability, which is still being built");
}

}  // namespace

grpc::Status RuntimeService::UpdateRuntimeConfig(grpc::ServerContext*, const cri::UpdateRuntimeConfigRequest*,
    cri::UpdateRuntimeConfigResponse*) {
  return not_yet("UpdateRuntimeConfig", kRest);
}

}  // namespace shim
