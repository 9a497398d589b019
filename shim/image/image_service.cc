#include "shim/image/image_service.h"

#include "shim/registry/image_reference.h"
#include "shim/server/call.h"

namespace shim {

// ImageFsInfo walks Docker's storage; kubelet asks every few seconds, and a
// figure up to 30 s old is as good for image garbage collection.
ImageService::ImageService(docker::Client& docker, ImageStore& images)
    : docker_(docker), store_(images), fs_usage_(std::chrono::seconds(30)) {}

std::string ImageService::lookup_key(const std::string& image) {
  if (image.empty()) throw invalid_argument("image.image is empty");
  if (looks_like_image_id(image, /*allow_prefix=*/true)) return image;
  std::string error;
  auto ref = parse_image_reference(image, &error);
  if (!ref) throw invalid_argument("image.image: " + error);
  return with_default_tag(*ref).familiar();
}

grpc::Status ImageService::run(const std::string& what, const std::function<void()>& body) {
  return run_call(what, docker_.endpoint().to_string(), body);
}

}  // namespace shim
