// CRI views of the container store's records (state/container_store.h):
// list entries (cri::PodSandbox, cri::Container) and container statuses,
// each built once per record and kept serialized, reused by every call
// until the record is replaced. A record never changes (a new state is a
// new record), so a view made from it stays right; building one (labels
// split back into CRI labels and annotations, metadata, times, mounts) and
// serializing it cost far more than copying its bytes, and kubelet relists every second and asks the status of each
// container that changed. A view may also depend on a `variant` the record
// does not hold (the image name a container reports, which follows the
// image's tags): a new variant rebuilds it. Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "shim/runtime/prune_schedule.h"
#include "shim/state/container_store.h"

namespace shim {

template <typename View>
class RecordViewCache {
 public:
  struct Built {
    std::string bytes;  // the view, serialized: all a call sends
  };
  // Fills `out` from the record (and the variant) alone; false when it
  // makes no view. What it throws reaches the caller of get(), and nothing
  // is kept.
  using Build = std::function<bool(const docker::ContainerInspect&, const std::string& variant, View* out)>;

  explicit RecordViewCache(Build build) : build_(std::move(build)) {}

  // The view of `record` with `variant`; null when it makes none.
  std::shared_ptr<const Built> get(const ContainerStore::Record& record, const std::string& variant = "") {
    std::lock_guard lock(mutex_);
    if (prune_schedule_.due(by_id_.size())) prune();
    auto& cached = by_id_[record->id];
    if (cached.source.lock() != record || cached.variant != variant) {
      View view;
      cached.built = build_(*record, variant, &view)
                         ? std::make_shared<const Built>(Built{view.SerializeAsString()})
                         : nullptr;
      cached.source = record;
      cached.variant = variant;
    }
    return cached.built;
  }

  // Entries held, for records alive or let go of (tests).
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return by_id_.size();
  }

 private:
  struct Cached {
    std::weak_ptr<const docker::ContainerInspect> source;
    std::string variant;
    std::shared_ptr<const Built> built;
  };

  // Views whose record the store has let go of (replaced or removed).
  void prune() {
    std::erase_if(by_id_, [](const auto& item) { return item.second.source.expired(); });
    prune_schedule_.pruned(by_id_.size());
  }

  const Build build_;
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> by_id_;
  PruneSchedule prune_schedule_{4096, 256};
};

}  // namespace shim
