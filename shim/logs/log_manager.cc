#include "shim/logs/log_manager.h"

#include <filesystem>
#include <set>
#include <system_error>

#include <spdlog/spdlog.h>

#include "shim/server/call.h"
#include "shim/state/labels.h"

namespace shim {

LogManager::LogManager(docker::Client& docker, std::string state_dir)
    : docker_(docker), state_dir_(std::move(state_dir)) {}

LogManager::~LogManager() { stop_all(); }

std::string LogManager::state_path(const std::string& container_id) const {
  return (std::filesystem::path(state_dir_) / "logs" / container_id).string();
}

std::shared_ptr<LogFollower> LogManager::find(const std::string& container_id) {
  std::lock_guard lock(mutex_);
  const auto it = followers_.find(container_id);
  return it == followers_.end() ? nullptr : it->second;
}

void LogManager::follow(const std::string& container_id, const std::string& path, bool tty) {
  follow(container_id, path, std::optional<bool>(tty));
}

void LogManager::follow(const std::string& container_id, const std::string& path,
                        std::optional<bool> tty) {
  std::lock_guard lock(mutex_);
  auto& follower = followers_[container_id];
  if (follower && follower->path() != path) {
    follower->stop();
    follower.reset();
  }
  if (!follower)
    follower = std::make_shared<LogFollower>(pump_, docker_, container_id, path, tty,
                                             state_path(container_id), counters_);
  follower->start();
}

void LogManager::reopen(const std::string& container_id) {
  const auto follower = find(container_id);
  if (!follower)
    throw not_found("no log is being written for container " + container_id);
  if (!docker_.inspect_container(container_id).state.running)
    throw CriError(grpc::StatusCode::FAILED_PRECONDITION,
                   "container " + container_id + " is not running");
  try {
    follower->reopen();
  } catch (const std::runtime_error& e) {  // std::system_error, LogFileBusy
    throw CriError(grpc::StatusCode::INTERNAL,
                   "reopen log of container " + container_id + ": " + e.what());
  }
}

bool LogManager::wait_drained(const std::string& container_id,
                              std::chrono::steady_clock::time_point deadline) {
  {
    std::unique_lock lock(mutex_);
    if (!resumed_.wait_until(lock, deadline, [this] { return !resuming_; })) return false;
  }
  const auto follower = find(container_id);
  return !follower || follower->wait_finished(deadline);
}

void LogManager::forget(const std::string& container_id) {
  std::shared_ptr<LogFollower> follower;
  {
    std::lock_guard lock(mutex_);
    const auto it = followers_.find(container_id);
    if (it != followers_.end()) {
      follower = std::move(it->second);
      followers_.erase(it);
    }
  }
  if (follower) follower->stop();  // saves the state one last time
  std::error_code ignored;
  std::filesystem::remove(state_path(container_id), ignored);
}

void LogManager::expect_resume() {
  std::lock_guard lock(mutex_);
  resuming_ = true;
}

void LogManager::resume_all() {
  // However it ends, wait_drained() must stop waiting for it.
  struct Done {
    LogManager& manager;
    ~Done() {
      std::lock_guard lock(manager.mutex_);
      manager.resuming_ = false;
      manager.resumed_.notify_all();
    }
  } done{*this};
  docker::ContainerListOptions list;
  list.all = true;
  list.filters["label"] = {std::string(label::kDockerType) + "=" +
                               std::string(label::kDockerTypeContainer),
                           std::string(label::kLogPath)};
  std::set<std::string> known;
  for (const auto& container : docker_.list_containers(list)) {
    known.insert(container.id);
    const auto it = container.labels.find(std::string(label::kLogPath));
    if (it == container.labels.end() || it->second.empty()) continue;
    spdlog::debug("container {}: resuming its log at {}", container.id, it->second);
    follow(container.id, it->second, std::nullopt);  // the follower asks Docker for tty
  }
  remove_stale_states(known);
}

void LogManager::remove_stale_states(const std::set<std::string>& known) {
  // Containers removed while no shim ran leave their position behind.
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(state_dir_) / "logs", error)) {
    const auto name = entry.path().filename().string();
    if (known.count(name) || known.count(name.substr(0, name.rfind(".tmp")))) continue;
    std::error_code ignored;
    std::filesystem::remove(entry.path(), ignored);
  }
}

void LogManager::stop_all() {
  std::lock_guard lock(mutex_);
  // Ask all to stop first so that their Docker calls are cancelled together.
  for (auto& [id, follower] : followers_) follower->request_stop();
  for (auto& [id, follower] : followers_) follower->stop();
}

LogManager::Load LogManager::load() {
  Load load;
  {
    std::lock_guard lock(mutex_);
    load.followers = followers_.size();
  }
  load.pump = pump_.load();
  load.messages_dropped = counters_.messages_dropped;
  load.write_failures = counters_.write_failures;
  load.stream_breaks = counters_.stream_breaks;
  return load;
}

}  // namespace shim
