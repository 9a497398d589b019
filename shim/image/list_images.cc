// ListImages: Docker's image list, optionally narrowed by a reference.
#include <algorithm>

#include "shim/state/image_view.h"
#include "shim/registry/image_reference.h"
#include "shim/image/image_service.h"
#include "shim/server/call.h"

namespace shim {
namespace {

// "repo:tag" -> "repo"; "repo@sha256:..." -> "repo" (a ':' before the last
// '/' belongs to a registry port).
std::string repository_of(const std::string& reference) {
  if (auto at = reference.find('@'); at != std::string::npos) return reference.substr(0, at);
  const auto colon = reference.rfind(':');
  const auto slash = reference.rfind('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
    return reference.substr(0, colon);
  return reference;
}

// Whether a listed image answers a reference filter: the exact tag or
// digest when the reference has one, else any tag of the repository.
bool matches(const docker::ImageSummary& image, const ImageReference& ref) {
  if (!ref.tag.empty() || !ref.digest.empty()) {
    const std::string wanted = ref.familiar();
    return std::find(image.repo_tags.begin(), image.repo_tags.end(), wanted) !=
               image.repo_tags.end() ||
           std::find(image.repo_digests.begin(), image.repo_digests.end(), wanted) !=
               image.repo_digests.end();
  }
  const std::string repository = ref.familiar();
  auto same_repository = [&](const std::string& reference) {
    return repository_of(reference) == repository;
  };
  return std::any_of(image.repo_tags.begin(), image.repo_tags.end(), same_repository) ||
         std::any_of(image.repo_digests.begin(), image.repo_digests.end(), same_repository);
}

}  // namespace

std::vector<cri::Image> ImageService::list(const cri::ImageFilter& filter,
                                           const docker::CallOptions& options) {
  std::vector<cri::Image> images;
  const std::string& wanted = filter.image().image();
  // An image ID names one image; a reference selects by repository (every
  // tag when none is given).
  if (!wanted.empty() && looks_like_image_id(wanted, /*allow_prefix=*/true)) {
    if (auto image = store_.inspect(wanted, options)) to_cri_image(*image, &images.emplace_back());
    return images;
  }
  std::optional<ImageReference> ref;
  if (!wanted.empty()) {
    std::string error;
    ref = parse_image_reference(wanted, &error);
    if (!ref) throw invalid_argument("filter.image: " + error);
  }
  for (const auto& summary : store_.list(options))
    if (!ref || matches(summary, *ref)) to_cri_image(summary, &images.emplace_back());
  return images;
}

grpc::Status ImageService::ListImages(grpc::ServerContext* context,
                                      const cri::ListImagesRequest* request,
                                      cri::ListImagesResponse* response) {
  return run("ListImages", [&] {
    for (auto& image : list(request->filter(), call_options(context)))
      *response->add_images() = std::move(image);
  });
}

}  // namespace shim
