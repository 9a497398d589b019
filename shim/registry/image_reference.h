// Docker image references, parsed and normalised the way Docker's own
// reference library does it ("busybox" -> "docker.io/library/busybox:latest").
//
// CRI clients send names in any of their forms; Docker's API takes most of
// them itself, but a pull needs an explicit tag (otherwise Docker pulls every
// tag of the repository), and malformed input must be refused by us with
// INVALID_ARGUMENT before Docker turns it into an opaque error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shim {

struct ImageReference {
  std::string domain;  // "docker.io", "127.0.0.1:5000", "localhost"
  std::string path;    // "library/busybox", "cri-shim-test/busybox"
  std::string tag;     // "" when absent
  std::string digest;  // "sha256:<64 hex>", "" when absent

  // "docker.io/library/busybox"
  std::string name() const { return domain + "/" + path; }
  // The fully qualified form: name[:tag][@digest].
  std::string full() const;
  // Docker's short form: "busybox:latest", "127.0.0.1:5000/x/y:1".
  std::string familiar() const;
};

// Parses and normalises a reference; nullopt (with `error` set) when it is
// malformed. A missing tag stays missing; see with_default_tag().
std::optional<ImageReference> parse_image_reference(std::string_view text,
                                                    std::string* error = nullptr);

// Adds ":latest" when the reference has neither tag nor digest.
ImageReference with_default_tag(ImageReference ref);

// True for "sha256:<64 hex>" and for a bare 64-hex image ID; also for a
// unique-prefix short ID when `allow_prefix` (12+ hex digits, as `docker
// images` prints them). Such strings name an image, not a repository.
bool looks_like_image_id(std::string_view text, bool allow_prefix = false);

}  // namespace shim
