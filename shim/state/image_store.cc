#include "shim/state/image_store.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "shim/server/call.h"

#include "shim/registry/image_reference.h"

namespace shim {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::optional<std::string> first_tag_of(const std::vector<docker::ImageSummary>& images, const std::string& id) {
  for (const auto& image : images) {
    if (image.id != id) continue;
    for (const auto& tag : image.repo_tags)
      if (tag != "<none>:<none>") return tag;  // how older APIs list an untagged image
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

ImageStore::ImageStore(docker::Client& docker)
    : docker_(docker),
      watch_(docker, {{"type", {"image"}}},
             {.on_connect =
                  [this] {
                    // Empty the copy, then subscribe to what happened since just before.
                    const std::string since = docker_since_now();
                    invalidate();
                    live_ = true;
                    // The names containers report come from memory from now on.
                    list_for_names();
                    return since;
                  },
              .on_event =
                  [this](const docker::Event& event) {
                    spdlog::debug("image event {} {}: listing the images again", event.action, event.id);
                    forget_list();
                    list_for_names();
                    return true;
                  },
              .on_disconnect =
                  [this] {
                    live_ = false;
                    invalidate();
                  }}) {}

ImageStore::~ImageStore() { watch_.stop(); }

void ImageStore::list_for_names() {
  try {
    list(watch_.options());
  } catch (const docker::DockerError& e) {
    spdlog::debug("image list for container image names: {}", e.message());
  }
}

void ImageStore::forget_list() {
  std::lock_guard lock(mutex_);
  ++generation_;
  images_.reset();
  inspected_.clear();
}

void ImageStore::invalidate() {
  forget_list();
  // The caller changed images itself and must read its own change.
  std::lock_guard lock(mutex_);
  last_listed_.reset();
  last_listed_generation_ = generation_;
  ++names_version_;
}

std::vector<docker::ImageSummary> ImageStore::list(const docker::CallOptions& options) {
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    if (live_ && images_) return *images_;
    generation = generation_;
  }
  auto images = std::make_shared<const std::vector<docker::ImageSummary>>(docker_.list_images({}, false, options));
  std::lock_guard lock(mutex_);
  if (live_ && generation == generation_) images_ = images;
  if (generation >= last_listed_generation_) {
    last_listed_ = images;
    last_listed_generation_ = generation;
    ++names_version_;
  }
  return *images;
}

std::uint64_t ImageStore::names_version() {
  std::lock_guard lock(mutex_);
  return live_ && last_listed_ ? names_version_ : 0;
}

std::optional<std::string> ImageStore::first_repo_tag(const std::string& image_id,
                                                      const docker::CallOptions& options) {
  {
    std::lock_guard lock(mutex_);
    // The copy, when there is one, is the last list too.
    if (live_ && last_listed_) return first_tag_of(*last_listed_, image_id);
  }
  return first_tag_of(list(options), image_id);
}

std::optional<std::string> ImageStore::resolve(const std::vector<docker::ImageSummary>& images,
                                               const std::string& reference) const {
  const bool by_id = looks_like_image_id(reference, /*allow_prefix=*/true);
  const std::string id_prefix =
      reference.rfind("sha256:", 0) == 0 ? reference : "sha256:" + reference;
  std::optional<std::string> found;
  for (const auto& image : images) {
    const bool match = by_id ? image.id.rfind(id_prefix, 0) == 0
                             : contains(image.repo_tags, reference) ||
                                   contains(image.repo_digests, reference);
    if (!match) continue;
    if (found) return std::nullopt;  // an ambiguous ID prefix: let Docker say so
    found = image.id;
  }
  return found;
}

std::optional<docker::ImageInspect> ImageStore::inspect(const std::string& reference,
                                                        const docker::CallOptions& options) {
  // Without a live copy, one Docker call answers it.
  if (!live_) return docker_.inspect_image(reference, options);
  // Resolve through the list copy; a reference it does not know goes to
  // Docker, whose resolution rules are the final word.
  const auto images = list(options);
  const auto id = resolve(images, reference);
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    if (id && live_) {
      if (auto cached = inspected_.find(*id); cached != inspected_.end()) return cached->second;
    }
    generation = generation_;
  }
  auto image = docker_.inspect_image(id ? *id : reference, options);
  if (image) {
    std::lock_guard lock(mutex_);
    if (live_ && generation == generation_) inspected_[image->id] = *image;
  }
  return image;
}

}  // namespace shim
