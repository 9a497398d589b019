#include "agent/images/image_puller.h"

#include <chrono>
#include <cstdio>

#include <spdlog/spdlog.h>

#include "agent/remote/cri_client.h"

namespace agent::images {

ImagePuller::ImagePuller(remote::CriClient& cri, std::chrono::milliseconds backoff_initial,
                         std::chrono::milliseconds backoff_max)
    // Pull back-off never resets by itself: a fixed image makes the next pull succeed.
    : cri_(cri), backoff_(backoff_initial, backoff_max, std::chrono::hours(24 * 365)) {}

bool ImagePuller::present(const std::string& image, std::string& ref, runtime::ImageUser& user, std::string& error) {
  cri::ImageSpec spec;
  spec.set_image(image);
  cri::ImageStatusResponse response;
  auto status = cri_.image_status(spec, response);
  if (!status.ok()) {
    error = "ImageStatus " + image + ": " + status.error_message();
    return false;
  }
  if (response.has_image() && !response.image().id().empty()) {
    ref = response.image().id();
    if (response.image().has_uid()) user.uid = response.image().uid().value();
    user.username = response.image().username();
  }
  return true;
}

EnsureResult ImagePuller::ensure(const pod::Pod& pod, const pod::Container& container) {
  EnsureResult result;
  const std::string& image = container.image;
  std::string ref, error;
  if (!present(image, ref, result.user, error)) {
    result.reason = "ErrImageInspect";
    result.message = error;
    return result;
  }
  const bool pull = container.image_pull_policy == pod::PullPolicy::Always ||
                    (container.image_pull_policy == pod::PullPolicy::IfNotPresent && ref.empty());
  if (!pull) {
    if (ref.empty()) {
      result.reason = "ErrImageNeverPull";
      result.message = "Container image \"" + image + "\" is not present with pull policy of Never";
      record(pod, container, events::EventType::Warning, "ErrImageNeverPull", result.message);
      return result;
    }
    record(pod, container, events::EventType::Normal, "Pulled",
           "Container image \"" + image + "\" already present on machine");
    result.ok = true;
    result.image_ref = ref;
    return result;
  }

  const std::string key = pod.metadata.uid + "/" + image;
  const auto now = flowcontrol::Backoff::now_ns();
  if (auto left = backoff_.remaining_since_update(key, now); left.count() > 0) {
    result.reason = "ImagePullBackOff";
    result.message = "Back-off pulling image \"" + image + "\"";
    record(pod, container, events::EventType::Normal, "BackOff", result.message);
    result.retry_after = left;
    return result;
  }
  cri::PullImageRequest request;
  request.mutable_image()->set_image(image);
  request.mutable_sandbox_config();  // kubelet passes the sandbox config; runtimes accept none
  cri::PullImageResponse response;
  spdlog::info("pod {}/{}: pulling image {} for container {}", pod.metadata.namespace_, pod.metadata.name, image,
               container.name);
  record(pod, container, events::EventType::Normal, "Pulling", "Pulling image \"" + image + "\"");
  const auto began = std::chrono::steady_clock::now();
  auto status = cri_.pull_image(request, response);
  if (!status.ok()) {
    record(pod, container, events::EventType::Warning, "Failed",
           "Failed to pull image \"" + image + "\": " + status.error_message());
    backoff_.next(key, now, now);
    result.reason = "ErrImagePull";
    result.message = status.error_message();
    result.retry_after = backoff_.delay(key);
    spdlog::warn("pod {}/{}: pulling {} failed: {}", pod.metadata.namespace_, pod.metadata.name, image,
                 status.error_message());
    return result;
  }
  backoff_.reset(key);
  char took[32];
  std::snprintf(took, sizeof took, "%.3fs",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
  record(pod, container, events::EventType::Normal, "Pulled",
         "Successfully pulled image \"" + image + "\" in " + took);
  result.ok = true;
  result.image_ref = response.image_ref();
  // The user comes from ImageStatus; PullImage gives only the reference.
  std::string ref_after;
  if (present(image, ref_after, result.user, error) && result.image_ref.empty()) result.image_ref = ref_after;
  if (result.image_ref.empty()) result.image_ref = image;
  return result;
}

void ImagePuller::record(const pod::Pod& pod, const pod::Container& container, events::EventType type,
                         const std::string& reason, const std::string& message) {
  if (events_ != nullptr)
    events_->record({pod.metadata.namespace_, pod.metadata.name, pod.metadata.uid}, container.name, type, reason,
                    message);
}

}  // namespace agent::images
