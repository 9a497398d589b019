#include "agent/pod/pod_manager.h"

#include <algorithm>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>

namespace agent::pod {

namespace {

constexpr const char* kApiKey = "api";

std::string full_name(const Pod& p) { return p.metadata.namespace_ + "/" + p.metadata.name; }

// One listener call, computed under the lock and made after it.
struct Event {
  enum class Kind { Added, Updated, Removed } kind;
  Pod pod;
};

const Pod* find_by_name(const std::vector<Pod>& pods, const std::string& ns, const std::string& name) {
  for (const auto& p : pods)
    if (p.metadata.namespace_ == ns && p.metadata.name == name) return &p;
  return nullptr;
}

}  // namespace

void PodManager::set_source(const std::string& source_key, std::vector<Pod> pods,
                            std::vector<RejectedManifest> rejected) {
  std::lock_guard notify(notify_mutex_);
  apply_locked(source_key, std::move(pods), std::move(rejected));
}

void PodManager::apply_locked(const std::string& source_key, std::vector<Pod> pods,
                              std::vector<RejectedManifest> rejected) {
  std::vector<Event> events;
  bool rejected_changed = false;
  {
    std::lock_guard lock(mutex_);
    // Who holds each name and UID outside this key: the first source keeps a
    // pod, a later one defining it again is rejected.
    std::map<std::string, std::string> name_owner, uid_owner;
    for (const auto& [key, held] : by_source_) {
      if (key == source_key) continue;
      for (const auto& p : held) {
        name_owner.emplace(full_name(p), key);
        uid_owner.emplace(p.metadata.uid, key);
      }
    }
    std::vector<Pod> accepted;
    std::set<std::string> names_here, uids_here;
    for (auto& p : pods) {
      const std::string name = full_name(p);
      std::string message;
      if (auto it = name_owner.find(name); it != name_owner.end())
        message = "pod " + name + " is already defined by " + it->second;
      else if (names_here.count(name))
        message = "pod " + name + " is already defined by " + source_key;
      else if (auto u = uid_owner.find(p.metadata.uid); u != uid_owner.end() || uids_here.count(p.metadata.uid))
        message = "pod " + name + ": uid " + p.metadata.uid + " is already used by " +
                  (u != uid_owner.end() ? u->second : source_key);
      if (!message.empty()) {
        spdlog::warn("pod manager: rejected {} from {}: {}", name, source_key, message);
        rejected.push_back({source_key, p.metadata.namespace_, p.metadata.name, message});
        continue;
      }
      names_here.insert(name);
      uids_here.insert(p.metadata.uid);
      accepted.push_back(std::move(p));
    }

    // Diff by namespace/name: a pod under the same name with another UID is
    // a different pod (removal, then addition), as kubelet treats a static
    // pod whose content changed.
    const std::vector<Pod>& old = by_source_[source_key];
    std::vector<Event> removed, updated, added;
    for (const auto& o : old) {
      const Pod* n = find_by_name(accepted, o.metadata.namespace_, o.metadata.name);
      if (!n || n->metadata.uid != o.metadata.uid) removed.push_back({Event::Kind::Removed, o});
      else if (!(*n == o)) updated.push_back({Event::Kind::Updated, *n});
    }
    for (const auto& n : accepted) {
      const Pod* o = find_by_name(old, n.metadata.namespace_, n.metadata.name);
      if (!o || o->metadata.uid != n.metadata.uid) added.push_back({Event::Kind::Added, n});
    }
    for (auto* list : {&removed, &updated, &added})
      for (auto& e : *list) events.push_back(std::move(e));

    if (accepted.empty()) by_source_.erase(source_key);
    else by_source_[source_key] = std::move(accepted);

    auto& last = rejected_[source_key];
    rejected_changed = last != rejected;
    last = rejected;
    if (rejected.empty()) rejected_.erase(source_key);
  }

  for (const auto& e : events) {
    switch (e.kind) {
      case Event::Kind::Removed:
        spdlog::info("pod manager: removed {} (uid {}) from {}", full_name(e.pod), e.pod.metadata.uid, source_key);
        listener_.pod_removed(e.pod);
        break;
      case Event::Kind::Updated:
        spdlog::info("pod manager: updated {} (uid {}) from {}", full_name(e.pod), e.pod.metadata.uid, source_key);
        listener_.pod_updated(e.pod);
        break;
      case Event::Kind::Added:
        spdlog::info("pod manager: added {} (uid {}) from {}", full_name(e.pod), e.pod.metadata.uid, source_key);
        listener_.pod_added(e.pod);
        break;
    }
  }
  if (rejected_changed) listener_.rejected_changed(source_key, rejected);
}

void PodManager::put_api_pod(Pod pod) {
  std::lock_guard notify(notify_mutex_);
  std::vector<Pod> pods;
  std::vector<RejectedManifest> rejected;
  {
    std::lock_guard lock(mutex_);
    if (auto it = by_source_.find(kApiKey); it != by_source_.end()) pods = it->second;
    if (auto it = rejected_.find(kApiKey); it != rejected_.end()) rejected = it->second;
  }
  // The new pod replaces an API pod of the same name, and clears its rejection.
  auto same = [&](const std::string& ns, const std::string& name) {
    return ns == pod.metadata.namespace_ && name == pod.metadata.name;
  };
  std::erase_if(pods, [&](const Pod& p) { return same(p.metadata.namespace_, p.metadata.name); });
  std::erase_if(rejected, [&](const RejectedManifest& r) { return same(r.namespace_, r.name); });
  pods.push_back(std::move(pod));
  apply_locked(kApiKey, std::move(pods), std::move(rejected));
}

bool PodManager::delete_api_pod(const std::string& namespace_, const std::string& name) {
  std::lock_guard notify(notify_mutex_);
  std::vector<Pod> pods;
  std::vector<RejectedManifest> rejected;
  {
    std::lock_guard lock(mutex_);
    auto it = by_source_.find(kApiKey);
    if (it == by_source_.end() || !find_by_name(it->second, namespace_, name)) return false;
    pods = it->second;
    if (auto r = rejected_.find(kApiKey); r != rejected_.end()) rejected = r->second;
  }
  std::erase_if(pods, [&](const Pod& p) { return p.metadata.namespace_ == namespace_ && p.metadata.name == name; });
  apply_locked(kApiKey, std::move(pods), std::move(rejected));
  return true;
}

std::vector<Pod> PodManager::pods() const {
  std::lock_guard lock(mutex_);
  std::vector<Pod> out;
  for (const auto& [key, held] : by_source_) out.insert(out.end(), held.begin(), held.end());
  std::sort(out.begin(), out.end(), [](const Pod& a, const Pod& b) {
    return std::tie(a.metadata.namespace_, a.metadata.name) < std::tie(b.metadata.namespace_, b.metadata.name);
  });
  return out;
}

std::optional<Pod> PodManager::pod_by_uid(const std::string& uid) const {
  std::lock_guard lock(mutex_);
  for (const auto& [key, held] : by_source_)
    for (const auto& p : held)
      if (p.metadata.uid == uid) return p;
  return std::nullopt;
}

std::optional<Pod> PodManager::pod_by_name(const std::string& namespace_, const std::string& name) const {
  std::lock_guard lock(mutex_);
  for (const auto& [key, held] : by_source_)
    if (const Pod* p = find_by_name(held, namespace_, name)) return *p;
  return std::nullopt;
}

}  // namespace agent::pod
