// The answer to an unfiltered ListPodSandbox or ListContainers, kept whole.
// kubelet's PLEG relists every second with no filter, and between two
// changes of the container store (and, for containers, of the image names
// they report) that answer is the same bytes. It is kept as one run of the
// serialized entries: sending it is one pass over contiguous memory, where
// gathering it walks every record, its labels and its cached entry, each a
// heap block of its own. On a node that is busy or virtualised, memory the
// CPU has not touched since the last relist is what such a walk costs (the
// README's benchmark section has the figures). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <google/protobuf/unknown_field_set.h>

namespace shim {

class FullListCache {
 public:
  // What the answer was built from: ContainerStore::version() and, for
  // containers, ImageStore::names_version(). A zero means "not from
  // memory": such an answer is never kept.
  struct Key {
    std::uint64_t store_version = 0;
    std::uint64_t names_version = 0;
    bool operator==(const Key&) const = default;
  };
  // Serialized entries, back to back; entry i ends at ends[i].
  struct Items {
    std::string bytes;
    std::vector<std::size_t> ends;
  };
  using ItemsPtr = std::shared_ptr<const Items>;

  // The items kept for `key`; null when the key differs from the one kept.
  ItemsPtr find(const Key& key) const {
    std::lock_guard lock(mutex_);
    return items_ && key == key_ ? items_ : nullptr;
  }
  // Keeps `items` for `key`, unless the key holds a zero. `key` must have
  // been read before the records the items were built from: the store only
  // moves forward, so a later state never matches an earlier key.
  void keep(const Key& key, ItemsPtr items) {
    if (key.store_version == 0 || key.names_version == 0) return;
    std::lock_guard lock(mutex_);
    key_ = key;
    items_ = std::move(items);
  }

  // Joins entries (pointers to anything with a `bytes` string) into items.
  template <typename EntryPtr>
  static ItemsPtr join(const std::vector<EntryPtr>& entries) {
    auto items = std::make_shared<Items>();
    std::size_t size = 0;
    for (const auto& entry : entries) size += entry->bytes.size();
    items->bytes.reserve(size);
    items->ends.reserve(entries.size());
    for (const auto& entry : entries) {
      items->bytes += entry->bytes;
      items->ends.push_back(items->bytes.size());
    }
    return items;
  }

 private:
  mutable std::mutex mutex_;
  Key key_;
  ItemsPtr items_;
};

// Appends each of `items` to the repeated message field `field_number` of
// `message`, as server/serialized_items.h's append_serialized does for one.
inline void append_serialized_items(google::protobuf::Message& message, int field_number,
                                    const FullListCache::Items& items) {
  auto* fields = message.GetReflection()->MutableUnknownFields(&message);
  std::size_t begin = 0;
  for (const std::size_t end : items.ends) {
    fields->AddLengthDelimited(field_number)->assign(items.bytes, begin, end - begin);
    begin = end;
  }
}

}  // namespace shim
