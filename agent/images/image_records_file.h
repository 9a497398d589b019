// Image GC's records (image_gc_policy.h) on disk, so that an image's
// first-seen and last-used times survive an agent restart: without them a
// restarted agent would take every image for never used, and an image used
// a minute before the restart could go before one unused for weeks.
//
// One JSON file, replaced whole and durably (common/durable_file.h):
//   {"kind": "ImageGCRecords", "version": 1,
//    "images": {"<image ID>": {"firstSeen": "<RFC 3339>", "lastUsed": "<RFC 3339>", "sizeBytes": N}}}
// A time of 0 ("long ago" / "never") is left out.
#pragma once

#include <string>

#include "agent/images/image_gc_policy.h"

namespace agent::images {

std::string records_to_json(const ImageRecords& records);
// Throws std::invalid_argument for a text that is not such a file.
ImageRecords records_from_json(const std::string& text);

class ImageRecordsFile {
 public:
  explicit ImageRecordsFile(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  // The records kept; none when the file is missing. A file that cannot be
  // read or parsed is logged and counts as none: the records only order
  // what GC removes, they are never a reason not to start.
  ImageRecords load() const;
  // Throws std::system_error when the file cannot be written.
  void save(const ImageRecords& records) const;

 private:
  std::string path_;
};

}  // namespace agent::images
