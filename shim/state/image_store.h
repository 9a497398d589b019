// An in-memory copy of Docker's image list, and of the image configs asked
// for, kept current by Docker's image events: the role containerd's CRI
// image store plays. ListImages and ImageStatus are called all the time by
// kubelet (every pod start, every GC pass); answering them from memory
// spares dockerd the work and the caller a round trip.
//
// Correctness rules:
// - The copy is used only while the event watch is connected; otherwise
//   every call goes to Docker.
// - Every image event (pull, tag, untag, delete, import, load, prune)
//   empties the copy; the next call refills it from Docker.
// - A fill that raced with an event is not stored (generation counter), so
//   a stale answer can never stick.
// - The watch asks Docker for events `since` the moment before the copy was
//   emptied, so no change between (re)connecting and the first fill is lost.
// - Callers that changed images themselves (PullImage, RemoveImage) call
//   invalidate() before answering, so their own next call sees the change.
// - After each (re)connection and each image event the watch thread lists
//   the images itself, so the names containers report (first_repo_tag)
//   come from memory even while images come and go: a list of containers
//   must not wait for a busy dockerd's image list.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "docker-client/client.h"
#include "shim/events/event_watch.h"

namespace shim {

class ImageStore {
 public:
  explicit ImageStore(docker::Client& docker);
  ~ImageStore();  // stops and joins the watch
  ImageStore(const ImageStore&) = delete;
  ImageStore& operator=(const ImageStore&) = delete;

  // Every image, as Docker lists them (no intermediate layers).
  std::vector<docker::ImageSummary> list(const docker::CallOptions& options);

  // The image a reference, ID or unique ID prefix names; nullopt when there
  // is none. `reference` must already be normalised by the caller (the
  // familiar form with its default tag, or an ID).
  std::optional<docker::ImageInspect> inspect(const std::string& reference,
                                              const docker::CallOptions& options);

  // The first repository tag ("name:tag", in Docker's order) of the image
  // with ID `image_id`; nullopt when it has none or is unknown. Container
  // statuses and lists name their image by it (container/container_view.h).
  // While the watch is connected it answers from the newest list that
  // landed, which trails an image event by the watch's own re-list; Docker
  // is asked only when there is none.
  std::optional<std::string> first_repo_tag(const std::string& image_id, const docker::CallOptions& options);

  // Changes whenever the names first_repo_tag answers from memory may
  // change (a new list landed); 0 when it would ask Docker (not live, or no
  // list yet), so nothing built from its answers may be kept.
  std::uint64_t names_version();

  // Forgets everything (after this process changed Docker's images).
  void invalidate();

  // True while the event watch is connected and the copy may be used.
  bool live() const { return live_.load(); }

 private:
  // Empties the copy (an image event) but keeps the last list for
  // first_repo_tag until the watch has listed again.
  void forget_list();
  // Lists the images on the watch thread, so that first_repo_tag answers
  // from memory; a failure only leaves it asking Docker.
  void list_for_names();
  // The ID of the listed image `reference` names, if the copy knows it.
  std::optional<std::string> resolve(const std::vector<docker::ImageSummary>& images,
                                     const std::string& reference) const;

  docker::Client& docker_;
  std::mutex mutex_;
  std::uint64_t generation_ = 0;  // bumped by every invalidation
  using ImageList = std::shared_ptr<const std::vector<docker::ImageSummary>>;
  ImageList images_;  // the copy; null: ask Docker
  // The newest list that landed (the copy itself while there is one), kept
  // across an image event's forget_list() for first_repo_tag.
  ImageList last_listed_;
  std::uint64_t last_listed_generation_ = 0;
  std::uint64_t names_version_ = 0;  // bumped whenever last_listed_ changes
  std::map<std::string, docker::ImageInspect> inspected_;  // by image ID

  std::atomic<bool> live_{false};
  EventWatch watch_;  // last: its thread uses everything above
};

}  // namespace shim
