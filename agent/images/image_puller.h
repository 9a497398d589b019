// Makes sure a container's image is present before it is created (kubelet's
// images.ImageManager.EnsureImageExists): the pull policy decides whether to
// pull, failures back off per pod and image.
//
// Outcomes, with kubelet's reasons:
// - present (or pulled): the runtime's image reference, used in the
//   container config;
// - Never and missing: ErrImageNeverPull;
// - a pull that fails: ErrImagePull, and the back-off starts;
// - asked again while backing off: ImagePullBackOff, without a pull.
#pragma once

#include <chrono>
#include <string>

#include "agent/pod/pod_spec.h"
#include "agent/runtime/cri_configs.h"
#include "agent/events/event_recorder.h"
#include "agent/flowcontrol/backoff.h"

namespace agent::remote {
class CriClient;
}

namespace agent::images {

struct EnsureResult {
  bool ok = false;
  std::string image_ref;   // when ok
  runtime::ImageUser user; // when ok: the image's user, for runAsNonRoot
  std::string reason;      // when not: ErrImagePull, ImagePullBackOff, ErrImageNeverPull, ErrImageInspect
  std::string message;
  std::chrono::milliseconds retry_after{0};  // when backing off: how long until the next attempt
};

class ImagePuller {
 public:
  ImagePuller(remote::CriClient& cri, std::chrono::milliseconds backoff_initial, std::chrono::milliseconds backoff_max);

  EnsureResult ensure(const pod::Pod& pod, const pod::Container& container);
  // Where Pulling, Pulled, Failed and BackOff events go; unset: nowhere.
  void set_events(events::EventRecorder* events) { events_ = events; }
  void forget_pod(const std::string& uid) { backoff_.forget_prefix(uid + "/"); }

 private:
  // The runtime's reference of `image` when present, "" when absent.
  bool present(const std::string& image, std::string& ref, runtime::ImageUser& user, std::string& error);

  void record(const pod::Pod& pod, const pod::Container& container, events::EventType type, const std::string& reason,
              const std::string& message);

  remote::CriClient& cri_;
  flowcontrol::Backoff backoff_;
  events::EventRecorder* events_ = nullptr;
};

}  // namespace agent::images
