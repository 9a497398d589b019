#include "agent/images/image_gc_manager.h"

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "agent/events/event_recorder.h"
#include "common/metrics_registry.h"
#include "agent/remote/cri_client.h"
#include "agent/stats/fs_usage.h"

namespace agent::images {

namespace {

int64_t wall_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The runtime's sandbox image as its verbose Status tells it (containerd's
// and cri-shim's "config" info key); "" when it does not say.
std::string sandbox_image_of(const cri::StatusResponse& status) {
  auto it = status.info().find("config");
  if (it == status.info().end()) return {};
  const auto config = nlohmann::json::parse(it->second, nullptr, false);
  if (!config.is_object()) return {};
  const auto image = config.value("sandboxImage", nlohmann::json());
  return image.is_string() ? image.get<std::string>() : std::string();
}

}  // namespace

ImageGcManager::ImageGcManager(remote::CriClient& cri, ImageGcConfig config, events::EventRecorder* events,
                               common::metrics::Registry* metrics)
    : cri_(cri), config_(std::move(config)), events_(events), metrics_(metrics), file_(config_.records_path) {
  if (!config_.now_ns) config_.now_ns = wall_now_ns;
  if (!config_.records_path.empty()) records_ = file_.load();
  if (metrics_ != nullptr) {
    metrics_->describe("node_agent_image_gc_removed_total", "counter", "Images image GC removed.");
    metrics_->describe("node_agent_image_gc_freed_bytes_total", "counter", "Bytes image GC freed (image sizes).");
    metrics_->describe("node_agent_image_fs_usage_percent", "gauge",
                       "Use of the image filesystem at the last image GC pass.");
  }
}

ImageRecords ImageGcManager::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

std::string ImageGcManager::sandbox_image_id() {
  cri::StatusResponse status;
  if (!cri_.status_verbose(status).ok()) return {};
  const std::string reference = sandbox_image_of(status);
  if (reference.empty()) return {};
  cri::ImageSpec spec;
  spec.set_image(reference);
  cri::ImageStatusResponse image;
  if (cri_.image_status(spec, image).ok() && image.has_image()) return image.image().id();
  return reference;  // not present (yet): matched by reference, if at all
}

bool ImageGcManager::detect(std::vector<ImageFacts>& images, std::set<std::string>& in_use, std::string& error) {
  cri::ListImagesResponse listed;
  if (auto status = cri_.list_images(listed); !status.ok()) {
    error = "listing images: " + status.error_message();
    return false;
  }
  // Every container of the runtime, whoever made it: an image another
  // client's container uses is in use all the same.
  cri::ListContainersResponse containers;
  if (auto status = cri_.list_containers(cri::ContainerFilter(), containers); !status.ok()) {
    error = "listing containers: " + status.error_message();
    return false;
  }
  std::vector<std::string> used;
  for (const auto& c : containers.containers()) {
    if (!c.image_ref().empty()) used.push_back(c.image_ref());
    if (!c.image().image().empty()) used.push_back(c.image().image());
  }
  if (const std::string sandbox = sandbox_image_id(); !sandbox.empty()) used.push_back(sandbox);

  images.clear();
  for (const auto& image : listed.images()) {
    ImageFacts facts{image.id(), static_cast<int64_t>(image.size()), image.pinned(), {}};
    facts.references.assign(image.repo_tags().begin(), image.repo_tags().end());
    facts.references.insert(facts.references.end(), image.repo_digests().begin(), image.repo_digests().end());
    images.push_back(std::move(facts));
  }
  in_use = images_in_use(images, used);
  const int64_t now = config_.now_ns();
  if (update_records(records_, images, in_use, now, detected_once_ ? now : 0)) save_records();
  detected_once_ = true;
  return true;
}

void ImageGcManager::save_records() {
  if (config_.records_path.empty()) return;
  try {
    file_.save(records_);
  } catch (const std::exception& e) {
    // The records in memory still order this run's removals.
    spdlog::warn("image GC: cannot keep the image records in {}: {}", config_.records_path, e.what());
  }
}

ImageGcResult ImageGcManager::free_locked(int64_t bytes) {
  ImageGcResult result;
  std::vector<ImageFacts> images;
  std::set<std::string> in_use;
  if (!detect(images, in_use, result.error)) return result;

  std::map<std::string, int64_t> sizes;
  for (const auto& image : images) sizes[image.id] = image.size_bytes;
  std::string failures;
  for (const auto& id : eviction_order(records_, images, in_use, config_.now_ns(), config_.min_age_ns)) {
    if (result.bytes_freed >= bytes) break;
    auto status = cri_.remove_image(id);
    if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) {
      // Go on with the next: kubelet does, and one image a runtime refuses
      // (a container of another runtime client appeared meanwhile) must not
      // keep the others.
      spdlog::warn("image GC: cannot remove image {}: {}", id, status.error_message());
      failures += (failures.empty() ? "" : "; ") + id + ": " + status.error_message();
      continue;
    }
    spdlog::info("image GC: removed image {} ({} bytes)", id, sizes[id]);
    records_.erase(id);
    result.bytes_freed += sizes[id];
    ++result.images_removed;
  }
  if (result.images_removed > 0) save_records();
  if (metrics_ != nullptr) {
    metrics_->add_counter("node_agent_image_gc_removed_total", {}, result.images_removed);
    metrics_->add_counter("node_agent_image_gc_freed_bytes_total", {}, static_cast<double>(result.bytes_freed));
  }
  result.ok = failures.empty();
  if (!failures.empty())
    result.error = "wanted to free " + std::to_string(bytes) + " bytes, but freed " +
                   std::to_string(result.bytes_freed) + " bytes with errors in image deletion: " + failures;
  return result;
}

int64_t ImageGcManager::free_space(int64_t bytes) {
  std::lock_guard lock(mutex_);
  ImageGcResult result = free_locked(bytes);
  if (!result.error.empty()) spdlog::warn("image GC: {}", result.error);
  return result.bytes_freed;
}

ImageGcResult ImageGcManager::garbage_collect() {
  std::lock_guard lock(mutex_);
  ImageGcResult result;
  const auto finish = [&](ImageGcResult r) {
    if (r.ok) {
      previous_pass_failed_ = false;
      return r;
    }
    spdlog::error("image GC failed: {}", r.error);
    // kubelet tells the node's events only of the second failure in a row:
    // a runtime restarting under one pass is not worth an event.
    if (previous_pass_failed_) record_event("ImageGCFailed", r.error);
    previous_pass_failed_ = true;
    return r;
  };

  cri::ImageFsInfoResponse fs_info;
  if (auto status = cri_.image_fs_info(fs_info); !status.ok()) {
    result.error = "reading the image filesystem's usage: " + status.error_message();
    return finish(result);
  }
  if (fs_info.image_filesystems_size() == 0) {
    result.error = "the runtime reports no image filesystem";
    return finish(result);
  }
  const auto& usage = fs_info.image_filesystems(0);
  const std::string& mountpoint = usage.fs_id().mountpoint();
  const auto fs = mountpoint.empty() ? std::nullopt : stats::stat_filesystem(mountpoint);
  if (!fs) {
    result.error = "reading the filesystem at \"" + mountpoint + "\": " +
                   (mountpoint.empty() ? std::string("the runtime names no mountpoint") : std::strerror(errno));
    return finish(result);
  }
  const auto capacity = static_cast<int64_t>(fs->capacity_bytes);
  const auto available = static_cast<int64_t>(fs->available_bytes);
  if (capacity <= 0) {
    result.error = "invalid capacity " + std::to_string(capacity) + " on the image filesystem at " + mountpoint;
    record_event("InvalidDiskCapacity", result.error);
    return finish(result);
  }

  const FsVerdict verdict =
      judge_usage(capacity, available, config_.high_threshold_percent, config_.low_threshold_percent);
  result.usage_percent = verdict.usage_percent;
  if (metrics_ != nullptr) metrics_->set_gauge("node_agent_image_fs_usage_percent", {}, verdict.usage_percent);
  if (!verdict.bytes_to_free || *verdict.bytes_to_free <= 0) {
    // Below the threshold: only the records are brought up to date.
    std::vector<ImageFacts> images;
    std::set<std::string> in_use;
    result.ok = detect(images, in_use, result.error);
    return finish(result);
  }

  result.bytes_to_free = *verdict.bytes_to_free;
  spdlog::info("image GC: the image filesystem at {} is {}% used (images: {} bytes), at or over the high threshold "
               "({}%); freeing {} bytes",
               mountpoint, verdict.usage_percent, usage.used_bytes().value(), config_.high_threshold_percent,
               result.bytes_to_free);
  ImageGcResult freed = free_locked(result.bytes_to_free);
  freed.usage_percent = result.usage_percent;
  freed.bytes_to_free = result.bytes_to_free;
  if (freed.ok && freed.bytes_freed < freed.bytes_to_free) {
    freed.ok = false;
    freed.error = "failed to garbage collect required amount of images. Wanted to free " +
                  std::to_string(freed.bytes_to_free) + " bytes, but freed " + std::to_string(freed.bytes_freed) +
                  " bytes";
    record_event("FreeDiskSpaceFailed", freed.error);
  }
  return finish(freed);
}

void ImageGcManager::record_event(const std::string& reason, const std::string& message) {
  if (events_ != nullptr)
    events_->record(events::node_ref(config_.node_name), "", events::EventType::Warning, reason, message);
}

}  // namespace agent::images
