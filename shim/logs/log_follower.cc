#include "shim/logs/log_follower.h"

#include <algorithm>
#include <system_error>

#include <spdlog/spdlog.h>

#include "shim/logs/docker_log_message.h"

namespace shim {
namespace {

constexpr std::size_t kStackBytes = 256 << 10;
constexpr auto kSaveInterval = std::chrono::seconds(1);
constexpr auto kFirstRetry = std::chrono::milliseconds(100);
constexpr auto kMaxRetry = std::chrono::milliseconds(5000);

LogStream cri_stream(docker::StreamKind kind) {
  return kind == docker::StreamKind::Stderr ? LogStream::kStderr : LogStream::kStdout;
}

}  // namespace

LogFollower::LogFollower(docker::Client& docker, std::string container_id, std::string path,
                         std::optional<bool> tty, std::string state_path)
    : docker_(docker),
      id_(std::move(container_id)),
      state_path_(std::move(state_path)),
      tty_(tty),
      file_(std::move(path)) {}

LogFollower::~LogFollower() { stop(); }

void LogFollower::start() {
  {
    std::lock_guard lock(mutex_);
    if (!finished_) return;
  }
  join();  // a finished thread
  std::lock_guard lock(mutex_);
  stop_ = false;
  finished_ = false;
  recheck_file_ = true;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kStackBytes);
  const int error = pthread_create(
      &thread_, &attr,
      [](void* self) -> void* {
        static_cast<LogFollower*>(self)->run();
        return nullptr;
      },
      this);
  pthread_attr_destroy(&attr);
  if (error != 0) {
    finished_ = true;
    throw std::system_error(error, std::generic_category(), "log follower thread for " + id_);
  }
  thread_started_ = true;
}

void LogFollower::request_stop() {
  std::lock_guard lock(mutex_);  // so that a sleeping run() cannot miss the wake-up
  stop_ = true;
  changed_.notify_all();
}

void LogFollower::stop() {
  request_stop();
  join();
}

void LogFollower::join() {
  if (!thread_started_) return;
  pthread_join(thread_, nullptr);
  thread_started_ = false;
}

bool LogFollower::finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

bool LogFollower::wait_finished(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [this] { return finished_; });
}

void LogFollower::reopen() {
  std::lock_guard lock(mutex_);
  // Saved first: the new file starts empty, so only the state knows where we are.
  save_state_locked();
  if (!finished_) file_.reopen();
}

LogPosition LogFollower::position() const {
  std::lock_guard lock(mutex_);
  return position_;
}

void LogFollower::save_state_locked() {
  try {
    save_position(state_path_, position_);
    saved_at_ = std::chrono::steady_clock::now();
  } catch (const std::exception& e) {
    spdlog::warn("container {}: cannot save log position: {}", id_, e.what());
  }
}

bool LogFollower::sleep_for(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, delay, [this] { return stop_.load(); });
  return !stop_;
}

void LogFollower::prepare() {
  std::lock_guard lock(mutex_);
  file_.close();
  LogPosition found = position_from_file(file_.path());
  if (auto saved = load_position(state_path_)) found = LogPosition::later(found, *saved);
  position_ = LogPosition::later(position_, found);
  file_.open();
  recheck_file_ = false;
}

void LogFollower::add(const CriLogRecord& record) {
  if (!filter_->admit(record.stream, record.time)) return;
  append_cri_log_record(record.time, record.stream, record.tag, record.content, batch_);
  pending_position_[record.stream].advance(record.time);
}

void LogFollower::flush() {
  if (batch_.empty()) return;
  std::lock_guard lock(mutex_);
  file_.append(batch_);
  batch_.clear();
  position_ = pending_position_;
  if (std::chrono::steady_clock::now() - saved_at_ >= kSaveInterval) save_state_locked();
}

void LogFollower::stream_once(bool follow) {
  LogPosition start = position();
  filter_.emplace(start);
  pending_position_ = start;
  batch_.clear();

  docker::LogOptions options;
  options.follow = follow;
  options.timestamps = true;
  options.tty = tty_;
  if (!start.empty()) options.since = format_docker_since(start.resume_since());
  docker::CallOptions call;
  call.cancelled = [this] { return stop_.load(); };

  const bool tty = tty_.value_or(false);
  TtyLogSplitter splitter;
  docker_.container_logs(
      id_, options,
      [&](const docker::OutputChunk& chunk) {
        if (tty) {
          splitter.feed(chunk.data);
          while (auto record = splitter.next()) add(*record);
        } else if (const auto message = parse_docker_log_message(chunk.data)) {
          add(to_cri_record(*message, cri_stream(chunk.stream)));
        } else {
          spdlog::warn("container {}: log message without a timestamp dropped", id_);
        }
        flush();
        return !stop_.load();
      },
      call);
  if (tty && !stop_) {
    if (auto record = splitter.finish()) add(*record);
    flush();
  }
}

void LogFollower::run() {
  auto delay = kFirstRetry;
  docker::CallOptions call;
  call.cancelled = [this] { return stop_.load(); };
  while (!stop_) {
    bool ended = false;  // Docker ended the stream by itself
    const LogPosition before = position();
    std::string broke;  // why a retriable stream failed
    try {
      if (recheck_file_) prepare();
      if (!tty_) tty_ = docker_.inspect_container(id_, false, call).config.tty;
      stream_once();
      ended = true;
    } catch (const LogFileBusy& e) {
      // Another process writes this log (log_file.h): two writers would
      // put every line in twice. Leave it to that one.
      spdlog::info("container {}: not following its log: {}", id_, e.what());
      break;
    } catch (const docker::DockerError& e) {
      if (stop_ || e.kind() == docker::DockerError::Kind::Cancelled) break;
      if (e.not_found()) break;  // the container is gone
      if (e.kind() == docker::DockerError::Kind::Http) {
        spdlog::error("container {}: Docker cannot give its log: {}", id_, e.message());
        break;
      }
      broke = e.message();
    } catch (const std::exception& e) {
      spdlog::error("container {}: log file {}: {}; retrying in {} ms", id_, file_.path(),
                    e.what(), delay.count());
      recheck_file_ = true;  // a failed write may have torn the last line
    }
    if (stop_) break;
    if (!(position() == before)) delay = kFirstRetry;  // it made progress
    if (!broke.empty())
      spdlog::warn("container {}: log stream broke ({}); resuming in {} ms", id_, broke,
                   delay.count());
    if (ended) {
      try {
        if (!docker_.inspect_container(id_, false, call).state.running) {
          // Docker 20.10 may end a follow before the last message of a
          // container that just exited (moby/moby#43860): one more plain
          // read collects it.
          const LogPosition at_end = position();
          stream_once(false);
          if (!(position() == at_end))
            spdlog::debug("container {}: messages after the end of the follow collected", id_);
          break;
        }
        spdlog::debug("container {}: running again, following its log again", id_);
      } catch (const docker::DockerError& e) {
        if (e.not_found() || e.kind() == docker::DockerError::Kind::Cancelled) break;
      } catch (const std::exception& e) {
        spdlog::error("container {}: log file {}: {}", id_, file_.path(), e.what());
        recheck_file_ = true;
      }
    }
    if (!sleep_for(delay)) break;
    delay = std::min(delay * 2, kMaxRetry);
  }
  std::lock_guard lock(mutex_);
  save_state_locked();
  file_.close();
  finished_ = true;
  changed_.notify_all();
}

}  // namespace shim
