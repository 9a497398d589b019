// StreamImages: ListImages sent in pages, for nodes with very many images.
#include "shim/image/image_service.h"
#include "shim/server/call.h"
#include "shim/server/paged_writer.h"

namespace shim {

grpc::Status ImageService::StreamImages(grpc::ServerContext* context,
                                        const cri::StreamImagesRequest* request,
                                        grpc::ServerWriter<cri::StreamImagesResponse>* writer) {
  return run("StreamImages", [&] {
    auto images = list(request->filter(), call_options(context));
    write_in_pages(writer, images, [](cri::StreamImagesResponse& page, cri::Image& image) {
      *page.add_images() = std::move(image);
    });
  });
}

}  // namespace shim
