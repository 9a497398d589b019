// Image references as CRI clients send them (PullImage, CreateContainer,
// ImageStatus): parse_image_reference (nullopt with an error message is its
// only failure, never an exception), with_default_tag, looks_like_image_id.
// A reference that parses must parse again from its normalised forms
// (full() and familiar()) to the same reference.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "shim/registry/image_reference.h"

namespace {

bool same(const shim::ImageReference& a, const shim::ImageReference& b) {
  return a.domain == b.domain && a.path == b.path && a.tag == b.tag && a.digest == b.digest;
}

// Docker's familiar form drops "docker.io/", so a Docker Hub path whose
// first component looks like a registry ("docker.io/a.b/c" -> "a.b/c")
// reads back as that registry: Docker's FamiliarName is ambiguous there too.
bool familiar_is_ambiguous(const shim::ImageReference& ref) {
  if (ref.domain != "docker.io") return false;
  const std::string first = ref.path.substr(0, ref.path.find('/'));
  if (ref.path.find('/') == std::string::npos) return false;
  return first == "localhost" || first.find_first_of(".:") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)shim::looks_like_image_id(text);
  (void)shim::looks_like_image_id(text, /*allow_prefix=*/true);
  std::string error;
  const auto ref = shim::parse_image_reference(text, &error);
  if (!ref) {
    if (error.empty()) std::abort();
    return 0;
  }
  for (const std::string& form : {ref->full(), ref->familiar()}) {
    if (form == ref->familiar() && familiar_is_ambiguous(*ref)) continue;
    const auto again = shim::parse_image_reference(form);
    if (!again || !same(*again, *ref)) std::abort();
  }
  const auto tagged = shim::with_default_tag(*ref);
  if (tagged.tag.empty() && tagged.digest.empty()) std::abort();
  const auto again = shim::parse_image_reference(tagged.full());
  if (!again || !same(*again, tagged)) std::abort();
  return 0;
}
