#include "shim/sandbox/infra_image.h"

#include <algorithm>
#include <cstring>

#include <spdlog/spdlog.h>

#include "shim/registry/image_reference.h"
#include "shim/pause/embedded_pause.h"
#include "shim/pause/pause_image.h"
#include "shim/server/options.h"

namespace shim {

InfraImage::InfraImage(docker::Client& docker, std::string reference)
    : docker_(docker), reference_(std::move(reference)) {}

bool InfraImage::is_builtin() const { return reference_ == kDefaultPauseImage; }

void InfraImage::ensure(const docker::CallOptions& options) {
  if (present_) return;
  if (!docker_.inspect_image(reference_, options)) {
    std::lock_guard lock(fetch_mutex_);
    if (!docker_.inspect_image(reference_, options)) {  // else another call got it meanwhile
      if (is_builtin()) {
        import_builtin(options);
      } else {
        spdlog::info("pulling the infra image {}", reference_);
        docker_.pull_image(reference_, docker::RegistryAuth{}, {}, options);
      }
    }
  }
  present_ = true;
}

void InfraImage::forget() { present_ = false; }

void InfraImage::import_builtin(const docker::CallOptions& options) {
  const std::string tar = make_pause_image_tar(std::string(embedded_pause_binary()));
  std::size_t offset = 0;
  const docker::BodySource body = [&](char* buffer, std::size_t capacity) {
    const std::size_t n = std::min(capacity, tar.size() - offset);
    std::memcpy(buffer, tar.data() + offset, n);
    offset += n;
    return n;
  };
  const auto colon = reference_.rfind(':');
  const std::string repo = reference_.substr(0, colon);
  const std::string tag = reference_.substr(colon + 1);
  const std::string id =
      docker_.import_image(body, repo, tag, {std::string(kPauseImageChange)}, options);
  spdlog::info("imported cri-shim's pause program as {} ({})", reference_, id);
}

}  // namespace shim
