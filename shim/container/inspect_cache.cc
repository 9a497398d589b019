#include "shim/container/inspect_cache.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "shim/server/call.h"

namespace shim {
namespace {
constexpr std::size_t kFullIdLength = 64;
}  // namespace

ContainerInspectCache::ContainerInspectCache(docker::Client& docker) : docker_(docker) {
  watcher_ = std::thread([this] { watch(); });
}

ContainerInspectCache::~ContainerInspectCache() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  watcher_.join();
}

void ContainerInspectCache::forget(const std::string& id) {
  std::lock_guard lock(mutex_);
  ++generation_;
  inspected_.erase(id);
}

void ContainerInspectCache::forget_all() {
  std::lock_guard lock(mutex_);
  ++generation_;
  inspected_.clear();
}

void ContainerInspectCache::watch() {
  docker::CallOptions options;
  options.cancelled = [this] { return stopping_.load(); };
  while (!stopping_) {
    const std::string since = docker_since_now();
    forget_all();
    live_ = true;
    try {
      docker_.events({{{"type", {"container"}}}, since, ""},
                     [this](const docker::Event& event) {
                       forget(event.id);
                       return !stopping_.load();
                     },
                     options);
    } catch (const docker::DockerError& e) {
      spdlog::debug("container event watch: {}", e.message());
    }
    live_ = false;
    forget_all();
    std::unique_lock lock(stop_mutex_);
    stop_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); });
  }
}

docker::ContainerInspect ContainerInspectCache::inspect(const std::string& id,
                                                        const docker::CallOptions& options) {
  const bool cacheable = id.size() == kFullIdLength;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    if (cacheable && live_) {
      if (const auto cached = inspected_.find(id); cached != inspected_.end()) return cached->second;
    }
    generation = generation_;
  }
  auto inspect = docker_.inspect_container(id, false, options);
  if (cacheable && inspect.id == id) {
    std::lock_guard lock(mutex_);
    // Without Docker's raw JSON, which is most of an inspect's memory; the
    // verbose replies that show it ask Docker themselves.
    if (live_ && generation == generation_) {
      auto& kept = inspected_[id] = inspect;
      kept.raw = nlohmann::json();
    }
  }
  return inspect;
}

}  // namespace shim
