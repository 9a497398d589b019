// CRI ImageService on Docker: one file per RPC (list_images.cc,
// image_status.cc, pull_image.cc, remove_image.cc, image_fs_info.cc,
// stream_images.cc). Docker's image store is the only source of truth;
// ImageStore keeps an event-driven copy of it for the read-only calls, and
// the disk-usage figure is cached for a few seconds.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "docker-client/client.h"
#include "runtime/v1/api.h"
#include "shim/stats/fs_usage.h"
#include "shim/state/image_store.h"

namespace shim {

class ImageService final : public cri::ImageService::Service {
 public:
  // `images` is shared with the RuntimeService (container statuses name
  // their images by it) and must outlive this service.
  ImageService(docker::Client& docker, ImageStore& images);

  grpc::Status ListImages(grpc::ServerContext* context, const cri::ListImagesRequest* request,
                          cri::ListImagesResponse* response) override;
  grpc::Status StreamImages(grpc::ServerContext* context, const cri::StreamImagesRequest* request,
                            grpc::ServerWriter<cri::StreamImagesResponse>* writer) override;
  grpc::Status ImageStatus(grpc::ServerContext* context, const cri::ImageStatusRequest* request,
                           cri::ImageStatusResponse* response) override;
  grpc::Status PullImage(grpc::ServerContext* context, const cri::PullImageRequest* request,
                         cri::PullImageResponse* response) override;
  grpc::Status RemoveImage(grpc::ServerContext* context, const cri::RemoveImageRequest* request,
                           cri::RemoveImageResponse* response) override;
  grpc::Status ImageFsInfo(grpc::ServerContext* context, const cri::ImageFsInfoRequest* request,
                           cri::ImageFsInfoResponse* response) override;

 private:
  // The images a ListImages/StreamImages filter selects (all when empty).
  std::vector<cri::Image> list(const cri::ImageFilter& filter, const docker::CallOptions& options);
  grpc::Status run(const std::string& what, const std::function<void()>& body);
  // What Docker resolves `image` (an ImageSpec.image) by: an image ID as it
  // is, a reference in Docker's short form with its default tag. Throws
  // INVALID_ARGUMENT for an empty or malformed one.
  static std::string lookup_key(const std::string& image);
  // Docker's root directory and storage driver name, asked once.
  std::pair<std::string, std::string> storage_location(const docker::CallOptions& options);

  docker::Client& docker_;
  ImageStore& store_;
  stats::FsUsageCache fs_usage_;
  std::mutex storage_mutex_;
  std::string storage_root_, storage_driver_;
};

}  // namespace shim
