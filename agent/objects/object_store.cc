#include "agent/objects/object_store.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <tuple>
#include <utility>

#include <spdlog/spdlog.h>

namespace agent::objects {

namespace {

// An object's identity; the map order (kind, namespace, name) is list()'s.
using Id = std::tuple<pod::ObjectKind, std::string, std::string>;

Id id_of(const pod::ConfigObject& o) { return {o.kind, o.namespace_, o.name}; }

std::string describe(const Id& id) {
  return std::string(pod::to_string(std::get<0>(id))) + " " + std::get<1>(id) + "/" + std::get<2>(id);
}

// One copy of an object under a source key. `since` orders the keys that
// hold the same object: the smallest (the key that has held it longest,
// without a break) is the one that counts.
struct Held {
  pod::ConfigObject object;
  uint64_t since = 0;
};

}  // namespace

struct ObjectStore::Impl {
  mutable std::mutex mutex;  // guards by_source, next_since
  std::map<std::string, std::map<Id, Held>> by_source;
  uint64_t next_since = 0;
  // Serialises changes with their listener calls, so that the listener
  // hears of them in the order they were made.
  std::mutex notify_mutex;
  Listener listener;

  // The copy that counts for `id`, and its key; nullptr when no key holds it.
  const Held* effective(const Id& id, const std::string** key = nullptr) const {
    const Held* best = nullptr;
    for (const auto& [source, held] : by_source) {
      auto it = held.find(id);
      if (it == held.end() || (best && best->since <= it->second.since)) continue;
      best = &it->second;
      if (key) *key = &source;
    }
    return best;
  }

  std::optional<pod::ConfigObject> effective_object(const Id& id) const {
    const Held* held = effective(id);
    if (!held) return std::nullopt;
    return held->object;
  }

  // Replaces `source_key`'s set; called with notify_mutex held.
  void apply(const std::string& source_key, std::vector<pod::ConfigObject> objects) {
    std::vector<Id> changed;
    {
      std::lock_guard lock(mutex);
      std::map<Id, Held>& slot = by_source[source_key];
      std::map<Id, Held> next;
      std::vector<Id> taken_up;  // held by this key now and not before
      for (auto& object : objects) {
        const Id id = id_of(object);
        if (next.count(id)) {
          // Said when the key first brings it, not on every rescan.
          if (!slot.count(id))
            spdlog::warn("object store: {} is defined twice by {}; the first one counts", describe(id), source_key);
          continue;
        }
        // A key that goes on holding an object keeps its place, whatever its
        // content: an edited file does not lose its object to another key.
        auto kept = slot.find(id);
        if (kept == slot.end()) taken_up.push_back(id);
        const uint64_t since = kept != slot.end() ? kept->second.since : next_since++;
        next.emplace(id, Held{std::move(object), since});
      }

      // What counts now, for every object this change can touch. The old
      // set stays alive (moved, not copied) until the comparison is done,
      // so `before` can point into it.
      std::map<Id, const Held*> before;
      for (const auto* set : {&slot, &next})
        for (const auto& [id, held] : *set) before.emplace(id, nullptr);
      for (auto& [id, held] : before) held = effective(id);
      const std::map<Id, Held> old = std::exchange(slot, std::move(next));
      if (slot.empty()) by_source.erase(source_key);

      for (const auto& [id, was] : before) {
        const std::string* holder = nullptr;
        const Held* now = effective(id, &holder);
        if (now ? (was && (was == now || was->object == now->object)) : !was) continue;
        if (!now) spdlog::info("object store: removed {} (was from {})", describe(id), source_key);
        else if (!was) spdlog::info("object store: added {} from {}", describe(id), *holder);
        else spdlog::info("object store: updated {} from {}", describe(id), *holder);
        changed.push_back(id);
      }
      // Said once, when the key takes the object up: a rescan re-sends its
      // whole set every period.
      for (const auto& id : taken_up) {
        const std::string* holder = nullptr;
        if (effective(id, &holder) && *holder != source_key)
          spdlog::warn("object store: {} from {} is ignored while {} defines it", describe(id), source_key, *holder);
      }
    }
    if (!listener) return;
    for (const auto& [kind, namespace_, name] : changed) listener(kind, namespace_, name);
  }
};

ObjectStore::ObjectStore() : impl_(std::make_unique<Impl>()) {}
ObjectStore::~ObjectStore() = default;

void ObjectStore::set_listener(Listener listener) {
  std::lock_guard notify(impl_->notify_mutex);
  impl_->listener = std::move(listener);
}

void ObjectStore::set_source(const std::string& source_key, std::vector<pod::ConfigObject> objects) {
  std::lock_guard notify(impl_->notify_mutex);
  impl_->apply(source_key, std::move(objects));
}

void ObjectStore::put_api_object(pod::ConfigObject object) {
  std::lock_guard notify(impl_->notify_mutex);
  std::vector<pod::ConfigObject> objects;
  {
    std::lock_guard lock(impl_->mutex);
    if (auto it = impl_->by_source.find(kApiSourceKey); it != impl_->by_source.end())
      for (const auto& [id, held] : it->second)
        if (id != id_of(object)) objects.push_back(held.object);
  }
  objects.push_back(std::move(object));
  impl_->apply(kApiSourceKey, std::move(objects));
}

bool ObjectStore::delete_api_object(pod::ObjectKind kind, const std::string& namespace_, const std::string& name) {
  std::lock_guard notify(impl_->notify_mutex);
  const Id gone{kind, namespace_, name};
  std::vector<pod::ConfigObject> objects;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->by_source.find(kApiSourceKey);
    if (it == impl_->by_source.end() || !it->second.count(gone)) return false;
    for (const auto& [id, held] : it->second)
      if (id != gone) objects.push_back(held.object);
  }
  impl_->apply(kApiSourceKey, std::move(objects));
  return true;
}

std::optional<pod::ConfigObject> ObjectStore::get(pod::ObjectKind kind, const std::string& namespace_,
                                                  const std::string& name) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->effective_object({kind, namespace_, name});
}

std::vector<pod::ConfigObject> ObjectStore::list(pod::ObjectKind kind) const {
  std::lock_guard lock(impl_->mutex);
  std::map<Id, const pod::ConfigObject*> all;
  for (const auto& [source, held] : impl_->by_source)
    for (const auto& [id, copy] : held)
      if (std::get<0>(id) == kind && !all.count(id)) all.emplace(id, &impl_->effective(id)->object);
  std::vector<pod::ConfigObject> out;
  out.reserve(all.size());
  for (const auto& [id, object] : all) out.push_back(*object);
  return out;
}

std::optional<std::string> ObjectStore::source_of(pod::ObjectKind kind, const std::string& namespace_,
                                                  const std::string& name) const {
  std::lock_guard lock(impl_->mutex);
  const std::string* key = nullptr;
  if (!impl_->effective({kind, namespace_, name}, &key)) return std::nullopt;
  return *key;
}

}  // namespace agent::objects
