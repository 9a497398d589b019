// The CRI view of a Docker image (cri::Image), as ListImages and
// ImageStatus answer it.
#pragma once

#include "docker-client/types.h"
#include "runtime/v1/api.h"

namespace shim {

// From a list entry: no user information (the list does not carry the
// image config; ImageStatus does).
void to_cri_image(const docker::ImageSummary& image, cri::Image* out);

// From an inspect reply, with uid/username derived from Config.User.
void to_cri_image(const docker::ImageInspect& image, cri::Image* out);

}  // namespace shim
