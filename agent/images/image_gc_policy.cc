#include "agent/images/image_gc_policy.h"

#include <algorithm>
#include <tuple>

namespace agent::images {

std::set<std::string> images_in_use(const std::vector<ImageFacts>& images, const std::vector<std::string>& used_refs) {
  const std::set<std::string> refs(used_refs.begin(), used_refs.end());
  std::set<std::string> in_use;
  for (const auto& image : images) {
    bool used = refs.count(image.id) > 0;
    for (const auto& reference : image.references) used = used || refs.count(reference) > 0;
    if (used) in_use.insert(image.id);
  }
  return in_use;
}

bool update_records(ImageRecords& records, const std::vector<ImageFacts>& images, const std::set<std::string>& in_use,
                    int64_t now_ns, int64_t first_seen_ns) {
  ImageRecords next;
  for (const auto& image : images) {
    auto it = records.find(image.id);
    ImageRecord record = it != records.end() ? it->second : ImageRecord{first_seen_ns, 0, 0};
    if (in_use.count(image.id)) record.last_used_ns = now_ns;
    record.size_bytes = image.size_bytes;
    next[image.id] = record;
  }
  const bool changed = next != records;
  records = std::move(next);
  return changed;
}

std::vector<std::string> eviction_order(const ImageRecords& records, const std::vector<ImageFacts>& images,
                                        const std::set<std::string>& in_use, int64_t now_ns, int64_t min_age_ns) {
  std::vector<std::tuple<int64_t, int64_t, std::string>> candidates;  // last used, first seen, ID
  for (const auto& image : images) {
    if (image.pinned || in_use.count(image.id)) continue;
    auto it = records.find(image.id);
    if (it == records.end()) continue;  // not detected yet: too new to judge
    // Just pulled, most likely for a container about to be created.
    if (now_ns - it->second.first_seen_ns < min_age_ns) continue;
    candidates.emplace_back(it->second.last_used_ns, it->second.first_seen_ns, image.id);
  }
  std::sort(candidates.begin(), candidates.end());
  std::vector<std::string> order;
  for (auto& candidate : candidates) order.push_back(std::move(std::get<2>(candidate)));
  return order;
}

FsVerdict judge_usage(int64_t capacity, int64_t available, int high_percent, int low_percent) {
  available = std::clamp<int64_t>(available, 0, capacity);
  FsVerdict verdict;
  verdict.usage_percent = 100 - static_cast<int>(available * 100 / capacity);
  if (verdict.usage_percent >= high_percent)
    verdict.bytes_to_free = capacity * (100 - low_percent) / 100 - available;
  return verdict;
}

}  // namespace agent::images
