// What image GC removes (kubelet's ImageGCManager policy,
// images/image_gc_manager.go), as pure functions: the records of when each
// image was first seen and last used, the order images go in, and how much
// must go. image_gc_manager.h carries the decisions out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace agent::images {

// What the agent remembers of one image (by runtime image ID). Times are
// wall-clock Unix nanoseconds, so they stay meaningful across restarts
// (image_records_file.h keeps them); 0 is "long ago / never".
struct ImageRecord {
  int64_t first_seen_ns = 0;
  int64_t last_used_ns = 0;   // 0: never seen in use
  int64_t size_bytes = 0;
  bool operator==(const ImageRecord&) const = default;
};
using ImageRecords = std::map<std::string, ImageRecord>;

// One image as CRI ListImages reports it.
struct ImageFacts {
  std::string id;
  int64_t size_bytes = 0;
  bool pinned = false;                  // CRI Image.pinned: never removed
  std::vector<std::string> references;  // repo tags and digests
};

// The IDs of `images` in use: named by a container's image reference (its
// image ID, or a tag or digest a runtime may report instead) or by the
// sandbox image reference (kubelet's --pod-infra-container-image, which
// no container lists).
std::set<std::string> images_in_use(const std::vector<ImageFacts>& images, const std::vector<std::string>& used_refs);

// kubelet's detectImages: every image of `images` without a record gets one
// first seen at `first_seen_ns` (now; or 0, "long ago", on the agent's first
// detection, as kubelet marks what it finds at start-up), each image in
// `in_use` is last used `now_ns`, sizes are refreshed, and records of images
// that are gone are dropped. Returns whether `records` changed.
bool update_records(ImageRecords& records, const std::vector<ImageFacts>& images, const std::set<std::string>& in_use,
                    int64_t now_ns, int64_t first_seen_ns);

// The images that may go, in the order they go: unused, not pinned, first
// seen at least `min_age_ns` before `now_ns`; least recently used first,
// then the earliest seen, then by ID (so that equal records have one order).
std::vector<std::string> eviction_order(const ImageRecords& records, const std::vector<ImageFacts>& images,
                                        const std::set<std::string>& in_use, int64_t now_ns, int64_t min_age_ns);

// The image filesystem's use as kubelet's GarbageCollect reads it: the
// percent used (100 - available * 100 / capacity, rounded so that any use
// counts) and, when that reaches `high_percent`, the bytes to free to get
// down to `low_percent`. `available` above `capacity` counts as `capacity`.
// Requires capacity > 0.
struct FsVerdict {
  int usage_percent = 0;
  std::optional<int64_t> bytes_to_free;  // nullopt: below the high threshold
};
FsVerdict judge_usage(int64_t capacity, int64_t available, int high_percent, int low_percent);

}  // namespace agent::images
