#include "shim/container/inspect_cache.h"

#include <optional>

#include <spdlog/spdlog.h>

#include "shim/server/call.h"

namespace shim {
namespace {
constexpr std::size_t kFullIdLength = 64;
}  // namespace

ContainerInspectCache::ContainerInspectCache(docker::Client& docker)
    : docker_(docker),
      watch_(docker, {{"type", {"container"}}},
             {.on_connect =
                  [this] {
                    const std::string since = docker_since_now();
                    forget_all();
                    live_ = true;
                    return since;
                  },
              .on_event =
                  [this](const docker::Event& event) {
                    on_event(event.id, event.action);
                    return true;
                  },
              .on_disconnect =
                  [this] {
                    live_ = false;
                    forget_all();
                  }}) {}

ContainerInspectCache::~ContainerInspectCache() { watch_.stop(); }

namespace {

// Events after which an inspect reads the same as before.
bool never_changes_inspect(const std::string& action) {
  return action.rfind("exec_", 0) == 0 || action == "attach" || action == "resize" ||
         action == "top";
}

// Events that only stop a container (or try to): a copy that shows it
// stopped already says what they did.
bool only_stops(const std::string& action) {
  return action == "kill" || action == "die" || action == "stop";
}

}  // namespace

void ContainerInspectCache::forget(const std::string& id) {
  std::lock_guard lock(mutex_);
  inspected_.erase(id);
  if (const auto fill = fills_.find(id); fill != fills_.end()) fill->second.spoiled = true;
}

void ContainerInspectCache::refill(const std::string& id, const docker::CallOptions& options) {
  forget(id);
  try {
    inspect(id, options);
  } catch (const std::exception& e) {
    spdlog::debug("container {}: inspect after the change failed: {}", id, e.what());
  }
}

void ContainerInspectCache::on_event(const std::string& id, const std::string& action) {
  if (never_changes_inspect(action)) return;
  std::lock_guard lock(mutex_);
  const bool stops = only_stops(action);
  if (const auto kept = inspected_.find(id); kept != inspected_.end()) {
    if (!(stops && !kept->second.state.running)) inspected_.erase(kept);
  }
  if (const auto fill = fills_.find(id); fill != fills_.end())
    (stops ? fill->second.exit_seen : fill->second.spoiled) = true;
}

void ContainerInspectCache::forget_all() {
  std::lock_guard lock(mutex_);
  ++epoch_;
  inspected_.clear();
  for (auto& [id, fill] : fills_) fill.spoiled = true;
}

docker::ContainerInspect ContainerInspectCache::inspect(const std::string& id,
                                                        const docker::CallOptions& options) {
  if (id.size() != kFullIdLength) return docker_.inspect_container(id, false, options);
  std::uint64_t epoch = 0;
  {
    std::lock_guard lock(mutex_);
    if (live_) {
      if (const auto cached = inspected_.find(id); cached != inspected_.end()) return cached->second;
    }
    epoch = epoch_;
    ++fills_[id].in_flight;
  }
  std::optional<docker::ContainerInspect> inspect;
  try {
    inspect = docker_.inspect_container(id, false, options);
  } catch (...) {
    land(id, epoch, nullptr);
    throw;
  }
  land(id, epoch, &*inspect);
  return std::move(*inspect);
}

void ContainerInspectCache::land(const std::string& id, std::uint64_t epoch,
                                 const docker::ContainerInspect* result) {
  std::lock_guard lock(mutex_);
  const auto fill = fills_.find(id);
  const Fill seen = fill->second;
  if (--fill->second.in_flight == 0) fills_.erase(fill);
  if (!result || result->id != id || !live_ || epoch != epoch_ || seen.spoiled ||
      (seen.exit_seen && result->state.running))
    return;
  // Without Docker's raw JSON, which is most of an inspect's memory; the
  // verbose replies that show it ask Docker themselves.
  auto& kept = inspected_[id] = *result;
  kept.raw = nlohmann::json();
}

}  // namespace shim
