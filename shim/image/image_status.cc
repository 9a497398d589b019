// ImageStatus: one image by reference or ID; an unknown image is an empty
// reply, not an error, as CRI specifies.
#include "shim/state/image_view.h"
#include "shim/registry/image_reference.h"
#include "shim/image/image_service.h"
#include "shim/server/call.h"

namespace shim {

grpc::Status ImageService::ImageStatus(grpc::ServerContext* context,
                                       const cri::ImageStatusRequest* request,
                                       cri::ImageStatusResponse* response) {
  const std::string& wanted = request->image().image();
  return run("ImageStatus " + wanted, [&] {
    const std::string lookup = lookup_key(wanted);
    auto image = store_.inspect(lookup, call_options(context));
    if (!image) return;
    to_cri_image(*image, response->mutable_image());
    if (request->verbose()) (*response->mutable_info())["info"] = image->raw.dump();
  });
}

}  // namespace shim
