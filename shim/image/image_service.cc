#include "shim/image/image_service.h"

#include "shim/server/call.h"

namespace shim {

// ImageFsInfo walks Docker's storage; kubelet asks every few seconds, and a
// figure up to 30 s old is as good for image garbage collection.
ImageService::ImageService(docker::Client& docker)
    : docker_(docker), store_(docker), fs_usage_(std::chrono::seconds(30)) {}

grpc::Status ImageService::run(const std::string& what, const std::function<void()>& body) {
  return run_call(what, docker_.endpoint().to_string(), body);
}

}  // namespace shim
