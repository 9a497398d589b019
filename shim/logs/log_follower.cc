#include "shim/logs/log_follower.h"

#include <algorithm>
#include <cassert>
#include <system_error>

#include <spdlog/spdlog.h>

#include "common/logging.h"

namespace shim {
namespace {

constexpr auto kSaveInterval = std::chrono::seconds(1);
// Bounds each blocking Docker request made on the pump thread (inspect,
// opening the stream, the final read): a stuck dockerd must not hold every
// other log forever.
constexpr auto kRequestTimeout = std::chrono::seconds(30);

long long in_ms(std::chrono::nanoseconds d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

// A line about one container: in --log-format json its ID is a field too.
template <typename... Args>
void log_container(spdlog::level::level_enum level, const std::string& id, fmt::format_string<Args...> format,
                   Args&&... args) {
  if (!spdlog::should_log(level)) return;
  common::log_with_fields(level, {{"container_id", id}}, fmt::format(format, std::forward<Args>(args)...));
}

LogStream cri_stream(docker::StreamKind kind) {
  return kind == docker::StreamKind::Stderr ? LogStream::kStderr : LogStream::kStdout;
}

}  // namespace

LogFollower::LogFollower(LogPump& pump, docker::Client& docker, std::string container_id,
                         std::string path, std::optional<bool> tty, std::string state_path,
                         LogCounters& counters)
    : pump_(pump),
      counters_(counters),
      docker_(docker),
      id_(std::move(container_id)),
      state_path_(std::move(state_path)),
      file_(std::move(path)),
      tty_(tty) {}

// ---------------------------------------------------------------- any thread

void LogFollower::start() {
  unsigned generation;
  {
    std::lock_guard lock(mutex_);
    if (!finished_) return;
    finished_ = false;
    stop_ = false;
    generation = ++generation_;
  }
  pump_.post([self = shared_from_this(), generation] {
    self->recheck_file_ = true;
    self->retry_.reset();
    self->connect(generation);
  });
}

void LogFollower::request_stop() {
  unsigned generation;
  {
    std::lock_guard lock(mutex_);  // so that a waiter cannot miss the wake-up
    if (finished_) return;
    stop_ = true;
    generation = generation_;
  }
  pump_.post([self = shared_from_this(), generation] { self->halt(generation); });
}

void LogFollower::stop() {
  assert(!pump_.on_pump_thread());
  request_stop();
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return finished_; });
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
    log_container(spdlog::level::warn, id_, "container {}: cannot save log position: {}", id_, e.what());
  }
}

// ---------------------------------------------------------------- pump thread

bool LogFollower::stale(unsigned generation) const {
  std::lock_guard lock(mutex_);
  return finished_ || generation != generation_;
}

docker::CallOptions LogFollower::call_options() const {
  docker::CallOptions call;
  call.deadline = docker::CallOptions::Clock::now() + kRequestTimeout;
  call.cancelled = [this] { return stop_.load(); };
  return call;
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

docker::LogOptions LogFollower::begin_pass(bool follow) {
  const LogPosition start = position();
  filter_.emplace(start);
  pending_position_ = start;
  batch_.clear();
  splitter_ = TtyLogSplitter{};
  docker::LogOptions options;
  options.follow = follow;
  options.timestamps = true;
  options.tty = tty_;
  if (!start.empty()) options.since = format_docker_since(start.resume_since());
  return options;
}

void LogFollower::add(const CriLogRecord& record) {
  if (!filter_->admit(record.stream, record.time)) return;
  append_cri_log_record(record.time, record.stream, record.tag, record.content, batch_);
  pending_position_[record.stream].advance(record.time);
}

void LogFollower::consume(const docker::OutputChunk& chunk) {
  if (tty_.value_or(false)) {
    splitter_.feed(chunk.data);
    while (auto record = splitter_.next()) add(*record);
  } else if (const auto message = parse_docker_log_message(chunk.data)) {
    add(to_cri_record(*message, cri_stream(chunk.stream)));
  } else {
    ++counters_.messages_dropped;
    log_container(spdlog::level::warn, id_, "container {}: log message without a timestamp dropped", id_);
  }
}

void LogFollower::flush() {
  if (batch_.empty()) return;
  std::lock_guard lock(mutex_);
  file_.append(batch_);
  batch_.clear();
  position_ = pending_position_;
  if (std::chrono::steady_clock::now() - saved_at_ >= kSaveInterval) save_state_locked();
}

void LogFollower::connect(unsigned generation) {
  if (stale(generation)) return;
  if (stop_) return finish();
  attempt_start_ = position();
  try {
    if (recheck_file_) prepare();
    const auto call = call_options();
    if (!tty_) tty_ = docker_.inspect_container(id_, false, call).config.tty;
    const auto options = begin_pass(true);
    stream_ = docker_.open_container_logs(id_, options, call);
    pump_.watch(stream_->fd(),
                [self = shared_from_this(), generation] { self->on_readable(generation); });
  } catch (...) {
    close_stream();
    return on_failure(generation, std::current_exception());
  }
  on_readable(generation);  // bytes that came with the reply's head
}

void LogFollower::on_readable(unsigned generation) {
  if (stale(generation) || !stream_) return;
  bool more = false;
  try {
    more = stream_->read_available([this](const docker::OutputChunk& chunk) { consume(chunk); });
    flush();
  } catch (...) {
    close_stream();
    return on_failure(generation, std::current_exception());
  }
  if (stop_) {
    close_stream();
    return finish();
  }
  if (!more) {
    close_stream();
    on_stream_end(generation);
  }
}

void LogFollower::on_stream_end(unsigned generation) {
  try {
    if (tty_.value_or(false)) {
      if (auto record = splitter_.finish()) add(*record);
      flush();
    }
    if (!docker_.inspect_container(id_, false, call_options()).state.running) {
      read_rest();
      return finish();
    }
    log_container(spdlog::level::debug, id_, "container {}: running again, following its log again", id_);
  } catch (const docker::DockerError& e) {
    if (e.not_found() || e.kind() == docker::DockerError::Kind::Cancelled) return finish();
  } catch (const std::exception& e) {
    log_container(spdlog::level::err, id_, "container {}: log file {}: {}", id_, file_.path(), e.what());
    recheck_file_ = true;
  }
  retry_later(generation);
}

void LogFollower::read_rest() {
  // Docker 20.10 may end a follow before the last message of a container
  // that just exited (moby/moby#43860): one more plain read collects it.
  const LogPosition at_end = position();
  const auto options = begin_pass(false);
  docker_.container_logs(
      id_, options,
      [this](const docker::OutputChunk& chunk) {
        consume(chunk);
        flush();
        return !stop_.load();
      },
      call_options());
  if (tty_.value_or(false) && !stop_) {
    if (auto record = splitter_.finish()) add(*record);
    flush();
  }
  if (!(position() == at_end))
    log_container(spdlog::level::debug, id_, "container {}: messages after the end of the follow collected", id_);
}

void LogFollower::on_failure(unsigned generation, std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const LogFileBusy& e) {
    // Another process writes this log (log_file.h): two writers would put
    // every line in twice. Leave it to that one.
    log_container(spdlog::level::info, id_, "container {}: not following its log: {}", id_, e.what());
    return finish();
  } catch (const docker::DockerError& e) {
    if (stop_ || e.kind() == docker::DockerError::Kind::Cancelled) return finish();
    if (e.not_found()) return finish();  // the container is gone
    if (e.kind() == docker::DockerError::Kind::Http) {
      log_container(spdlog::level::err, id_, "container {}: Docker cannot give its log: {}", id_, e.message());
      return finish();
    }
    ++counters_.stream_breaks;
    log_container(spdlog::level::warn, id_, "container {}: log stream broke ({}); resuming in {} ms", id_, e.message(),
                 in_ms(retry_.delay()));
  } catch (const std::exception& e) {
    ++counters_.write_failures;
    log_container(spdlog::level::err, id_, "container {}: log file {}: {}; retrying in {} ms", id_, file_.path(),
                  e.what(), in_ms(retry_.delay()));
    recheck_file_ = true;  // a failed write may have torn the last line
  }
  retry_later(generation);
}

void LogFollower::retry_later(unsigned generation) {
  if (stop_) return finish();
  if (!(position() == attempt_start_)) retry_.reset();  // it made progress
  pump_.post_at(std::chrono::steady_clock::now() + retry_.next(),
                [self = shared_from_this(), generation] { self->connect(generation); });
}

void LogFollower::halt(unsigned generation) {
  if (stale(generation)) return;
  close_stream();
  finish();
}

void LogFollower::close_stream() {
  if (!stream_) return;
  pump_.unwatch(stream_->fd());
  stream_.reset();
}

void LogFollower::finish() {
  close_stream();
  std::lock_guard lock(mutex_);
  if (finished_) return;
  save_state_locked();
  file_.close();
  finished_ = true;
  changed_.notify_all();
}

}  // namespace shim
