#include "shim/state/image_view.h"

#include "shim/state/image_user.h"

namespace shim {
namespace {

template <typename Image>
void copy_common(const Image& image, cri::Image* out) {
  out->set_id(image.id);
  for (const auto& tag : image.repo_tags) out->add_repo_tags(tag);
  for (const auto& digest : image.repo_digests) out->add_repo_digests(digest);
  out->set_size(image.size > 0 ? static_cast<std::uint64_t>(image.size) : 0);
}

}  // namespace

void to_cri_image(const docker::ImageSummary& image, cri::Image* out) {
  copy_common(image, out);
}

void to_cri_image(const docker::ImageInspect& image, cri::Image* out) {
  copy_common(image, out);
  const ImageUser user = parse_image_user(image.config.user);
  if (user.uid) out->mutable_uid()->set_value(*user.uid);
  out->set_username(user.username);
}

}  // namespace shim
