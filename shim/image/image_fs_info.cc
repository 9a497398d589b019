// ImageFsInfo: bytes and inodes used by Docker's image store (the storage
// driver's directory and the image metadata under Docker's root dir).
#include "shim/image/image_service.h"
#include "shim/server/call.h"

namespace shim {

// Docker's root dir and storage driver only change with a daemon restart
// under a new configuration; ask once, not on every call.
std::pair<std::string, std::string> ImageService::storage_location(
    const docker::CallOptions& options) {
  std::lock_guard lock(storage_mutex_);
  if (storage_root_.empty()) {
    const auto info = docker_.info(options);
    if (info.docker_root_dir.empty())
      throw CriError(grpc::StatusCode::INTERNAL, "dockerd did not report its root directory");
    storage_root_ = info.docker_root_dir;
    storage_driver_ = info.driver;
  }
  return {storage_root_, storage_driver_};
}

grpc::Status ImageService::ImageFsInfo(grpc::ServerContext* context,
                                       const cri::ImageFsInfoRequest*,
                                       cri::ImageFsInfoResponse* response) {
  return run("ImageFsInfo", [&] {
    const auto [root, driver] = storage_location(call_options(context));
    const std::string storage = root + "/" + driver;
    const stats::FsUsage usage = fs_usage_.get({storage, root + "/image"});
    auto* fs = response->add_image_filesystems();
    fs->set_timestamp(usage.timestamp_ns);
    fs->mutable_fs_id()->set_mountpoint(storage);
    fs->mutable_used_bytes()->set_value(usage.used_bytes);
    fs->mutable_inodes_used()->set_value(usage.inodes_used);
  });
}

}  // namespace shim
