// Image GC (kubelet's ImageGCManager): keeps the image filesystem below
// --image-gc-high-threshold by removing unused images, least recently used
// first, down to --image-gc-low-threshold. image_gc_policy.h decides;
// this class gathers the facts through CRI and acts.
//
// Each pass:
// 1. detect: ListImages, and every container the runtime lists (any client,
//    any state: a created container holds its image as much as a running
//    one) plus the runtime's sandbox image (CRI Status verbose info,
//    "sandboxImage", as containerd reports it) give the images in use; the
//    records (first seen, last used) are updated and saved under
//    `records_path` when they changed;
// 2. garbage_collect: usage from CRI ImageFsInfo (the filesystem at its
//    fs_id.mountpoint, read with statfs: the agent runs on the runtime's
//    host); at or above the high threshold, free_space(what brings it to the
//    low threshold). Freeing less than that records a FreeDiskSpaceFailed
//    node event; two failed passes in a row an ImageGCFailed (as kubelet).
//
// Contract (stable: the eviction manager calls ContainerGc::collect, then
// free_space, to reclaim disk before it evicts):
// - Never removes an image in use, a pinned one (CRI Image.pinned), or one
//   first seen less than `min_age_ns` ago. Removes by image ID.
// - Thread-safe; passes and free_space calls are serialised; never throws.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "agent/images/image_gc_policy.h"
#include "agent/images/image_records_file.h"

namespace agent::remote {
class CriClient;
}
namespace common::metrics {
class Registry;
}
namespace agent::events {
class EventRecorder;
}

namespace agent::images {

struct ImageGcConfig {
  int high_threshold_percent = 85;   // --image-gc-high-threshold; 100 disables the periodic pass
  int low_threshold_percent = 80;    // --image-gc-low-threshold
  int64_t min_age_ns = 120'000'000'000;  // --image-minimum-gc-age
  std::string records_path;          // <root-dir>/image-gc-records.json; "" = kept in memory only
  std::string node_name;             // the node events' subject
  std::function<int64_t()> now_ns;   // unset: the wall clock
};

struct ImageGcResult {
  bool ok = false;                 // false: a CRI call or the filesystem read failed, or removals failed
  int usage_percent = -1;          // -1: not read
  int64_t bytes_to_free = 0;       // 0: below the high threshold
  int64_t bytes_freed = 0;
  int images_removed = 0;
  std::string error;               // what went wrong, for the log and the events
};

class ImageGcManager {
 public:
  // `events` (optional) gets the node events; `metrics` (optional) the
  // node_agent_image_gc_* series.
  ImageGcManager(remote::CriClient& cri, ImageGcConfig config, events::EventRecorder* events = nullptr,
                 common::metrics::Registry* metrics = nullptr);

  // Whether the periodic pass runs at all: a high threshold of 100 turns
  // image GC off, as kubelet.
  bool enabled() const { return config_.high_threshold_percent < 100; }

  // One periodic pass: detect, then free what the thresholds ask.
  ImageGcResult garbage_collect();
  // Detects, then removes unused images in eviction order until `bytes`
  // are freed (or nothing more may go); returns the bytes freed (the
  // images' sizes as the runtime reported them). INT64_MAX: every image
  // that may go (kubelet's DeleteUnusedImages).
  int64_t free_space(int64_t bytes);

  // The records as they are now (tests, debugging).
  ImageRecords records() const;

 private:
  // Lists images and what uses them, updates (and saves) the records.
  // False with `error` set when the runtime did not answer.
  bool detect(std::vector<ImageFacts>& images, std::set<std::string>& in_use, std::string& error);
  ImageGcResult free_locked(int64_t bytes);
  std::string sandbox_image_id();
  void save_records();
  void record_event(const std::string& reason, const std::string& message);

  remote::CriClient& cri_;
  ImageGcConfig config_;
  events::EventRecorder* events_;
  common::metrics::Registry* metrics_;
  ImageRecordsFile file_;
  mutable std::mutex mutex_;
  ImageRecords records_;
  bool detected_once_ = false;     // kubelet marks what its first detection finds as seen long ago
  bool previous_pass_failed_ = false;
};

}  // namespace agent::images
