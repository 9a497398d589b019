// StreamImages: ListImages sent in pages, for nodes with very many images.
#include "shim/image/image_service.h"
#include "shim/server/call.h"

namespace shim {
namespace {
constexpr std::size_t kImagesPerPage = 100;
}

grpc::Status ImageService::StreamImages(grpc::ServerContext* context,
                                        const cri::StreamImagesRequest* request,
                                        grpc::ServerWriter<cri::StreamImagesResponse>* writer) {
  return run("StreamImages", [&] {
    auto images = list(request->filter(), call_options(context));
    for (std::size_t start = 0; start < images.size(); start += kImagesPerPage) {
      cri::StreamImagesResponse page;
      const std::size_t end = std::min(images.size(), start + kImagesPerPage);
      for (std::size_t i = start; i < end; ++i) *page.add_images() = std::move(images[i]);
      if (!writer->Write(page)) throw CriError(grpc::StatusCode::CANCELLED, "client went away");
    }
  });
}

}  // namespace shim
