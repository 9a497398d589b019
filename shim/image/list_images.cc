// ListImages: Docker's image list, optionally narrowed by a reference.
#include "shim/image/image_convert.h"
#include "shim/image/image_reference.h"
#include "shim/image/image_service.h"
#include "shim/server/call.h"

namespace shim {

std::vector<cri::Image> ImageService::list(const cri::ImageFilter& filter,
                                           const docker::CallOptions& options) {
  std::vector<cri::Image> images;
  const std::string& wanted = filter.image().image();
  if (wanted.empty()) {
    for (const auto& summary : docker_.list_images({}, false, options))
      to_cri_image(summary, &images.emplace_back());
    return images;
  }
  // An image ID names one image; a reference filters by repository (every
  // tag when none is given), matched by Docker in its short ("familiar") form.
  if (looks_like_image_id(wanted, /*allow_prefix=*/true)) {
    if (auto image = docker_.inspect_image(wanted, options)) to_cri_image(*image, &images.emplace_back());
    return images;
  }
  std::string error;
  auto ref = parse_image_reference(wanted, &error);
  if (!ref) throw invalid_argument("filter.image: " + error);
  for (const auto& summary : docker_.list_images({{"reference", {ref->familiar()}}}, false, options))
    to_cri_image(summary, &images.emplace_back());
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
