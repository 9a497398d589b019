// PullImage: Docker pull with the request's credentials; the reply is the
// pulled image's ID. A pull that keeps making progress is never cut short
// here; only the client's own deadline or cancellation stops it (and then
// Docker stops pulling, because the request goes away).
#include <chrono>

#include <spdlog/spdlog.h>

#include "shim/registry/image_reference.h"
#include "shim/image/image_service.h"
#include "shim/registry/pull_error.h"
#include "shim/registry/registry_auth.h"
#include "shim/server/call.h"

namespace shim {
namespace {

// Logs pull progress at debug level, at most once a second per pull.
class ProgressLog {
 public:
  explicit ProgressLog(std::string image) : image_(std::move(image)) {}
  void operator()(const docker::ProgressEvent& event) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    spdlog::debug("PullImage {}: {} {} {}", image_, event.id, event.status, event.progress);
  }

 private:
  std::string image_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

grpc::Status ImageService::PullImage(grpc::ServerContext* context,
                                     const cri::PullImageRequest* request,
                                     cri::PullImageResponse* response) {
  const std::string& wanted = request->image().image();
  return run("PullImage " + wanted, [&] {
    if (wanted.empty()) throw invalid_argument("image.image is empty");
    if (looks_like_image_id(wanted))
      throw invalid_argument("image.image '" + wanted +
                             "' is an image ID; a pull needs a repository reference");
    std::string error;
    auto parsed = parse_image_reference(wanted, &error);
    if (!parsed) throw invalid_argument("image.image: " + error);
    const ImageReference ref = with_default_tag(*parsed);
    const docker::RegistryAuth auth = to_registry_auth(request->auth(), ref.domain);
    const auto options = call_options(context);

    spdlog::info("PullImage {}: pulling", ref.full());
    try {
      docker_.pull_image(ref.familiar(), auth, ProgressLog(ref.full()), options);
    } catch (const docker::DockerError& e) {
      using Kind = docker::DockerError::Kind;
      if (e.kind() != Kind::Http && e.kind() != Kind::Stream) throw;
      throw CriError(classify_pull_error(e.message(), e.http_status(), !auth.empty()),
                     "pulling " + ref.full() + ": " + e.message());
    }
    store_.invalidate();
    auto image = docker_.inspect_image(ref.familiar(), options);
    if (!image)
      throw CriError(grpc::StatusCode::INTERNAL,
                     "Docker reported the pull of " + ref.full() + " done, but has no such image");
    spdlog::info("PullImage {}: done, image {}", ref.full(), image->id);
    response->set_image_ref(image->id);
  });
}

}  // namespace shim
