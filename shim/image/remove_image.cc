// RemoveImage: removes the image a reference or ID names, with every tag
// and digest that points at it (as containerd does). Removing an image that
// is not there succeeds.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "shim/registry/image_reference.h"
#include "shim/image/image_service.h"
#include "shim/server/call.h"

namespace shim {
namespace {

bool deleted(const std::vector<docker::ImageDeleteItem>& items, const std::string& id) {
  return std::any_of(items.begin(), items.end(),
                     [&](const docker::ImageDeleteItem& item) { return item.deleted == id; });
}

}  // namespace

grpc::Status ImageService::RemoveImage(grpc::ServerContext* context,
                                       const cri::RemoveImageRequest* request,
                                       cri::RemoveImageResponse*) {
  const std::string& wanted = request->image().image();
  return run("RemoveImage " + wanted, [&] {
    const std::string lookup = lookup_key(wanted);
    const auto options = call_options(context);
    auto image = docker_.inspect_image(lookup, options);
    if (!image) return;

    // Untag one reference at a time (no force: an image a container still
    // uses stays, and Docker says so); Docker deletes the image itself when
    // its last reference goes.
    std::vector<std::string> references = image->repo_tags;
    references.insert(references.end(), image->repo_digests.begin(), image->repo_digests.end());
    references.push_back(image->id);
    // Whatever happens below, the image list has changed or may have.
    struct Invalidate {
      ImageStore& store;
      ~Invalidate() { store.invalidate(); }
    } invalidate_on_exit{store_};
    for (const auto& reference : references) {
      try {
        if (deleted(docker_.remove_image(reference, false, false, options), image->id)) break;
      } catch (const docker::DockerError& e) {
        if (!e.not_found()) throw;
      }
    }
    spdlog::info("RemoveImage {}: removed {}", wanted, image->id);
  });
}

}  // namespace shim
