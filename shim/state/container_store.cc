#include "shim/state/container_store.h"

#include <algorithm>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "shim/server/call.h"

namespace shim {
namespace {

constexpr std::size_t kFullIdLength = 64;
// The store's own reads: not tied to any client, bounded all the same.
constexpr auto kReadTimeout = std::chrono::seconds(30);

docker::Filters managed_filter() { return {{"label", {std::string(label::kDockerType)}}}; }

bool is_hex_id(std::string_view id) {
  if (id.empty()) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "exec_start: sh -c date" -> "exec_start"
std::string_view action_verb(std::string_view action) {
  return action.substr(0, action.find(':'));
}

// Events after which an inspect reads as before.
bool never_changes_inspect(std::string_view verb) {
  static constexpr std::string_view kQuiet[] = {"attach", "detach", "resize", "top", "health_status",
                                                "export", "commit", "copy", "archive-path",
                                                "extract-to-dir", "mount", "unmount"};
  return verb.substr(0, 5) == "exec_" || std::find(std::begin(kQuiet), std::end(kQuiet), verb) != std::end(kQuiet);
}

// Events that only stop a container: a record that shows it stopped says
// what they did already.
bool only_stops(std::string_view verb) { return verb == "kill" || verb == "die" || verb == "stop" || verb == "oom"; }

// What no CRI call reads back from a record goes: a node's 220 records are
// most of the shim's own memory.
ContainerStore::Record trimmed(docker::ContainerInspect inspect) {
  inspect.raw = nlohmann::json();
  inspect.config.env = {};
  inspect.config.entrypoint = {};
  inspect.config.cmd = {};
  inspect.log_path = {};
  inspect.hostname_path = {};
  inspect.hosts_path = {};
  inspect.driver = {};
  inspect.host_config.security_opt = {};
  inspect.host_config.cap_add = {};
  inspect.host_config.cap_drop = {};
  inspect.host_config.group_add = {};
  inspect.network_settings.ports = {};
  inspect.network_settings.sandbox_key = {};
  return std::make_shared<const docker::ContainerInspect>(std::move(inspect));
}

bool is_of_kind(const docker::ContainerInspect& inspect, DockerObjectKind kind) {
  return docker_object_kind(inspect.config.labels) == kind;
}

}  // namespace

ContainerStore::ContainerStore(docker::Client& docker, Settings settings)
    : docker_(docker), settings_(settings) {
  reads_.cancelled = [this] { return stopping_.load(); };
  if (!settings_.watch) return;
  resyncing_ = true;  // the first connection's, which begins now
  watch_ = std::make_unique<EventWatch>(
      docker_, docker::Filters{{"type", {"container"}}, {"label", {std::string(label::kDockerType)}}},
      EventWatchHandlers{.on_connect = [this] { return on_connect(); },
                         .on_event = [this](const docker::Event& event) { return on_event(event); },
                         .on_disconnect = [this] { on_disconnect(); }},
      settings_.backoff);
  audit_thread_ = std::thread([this] { audit_loop(); });
}

ContainerStore::~ContainerStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (watch_) watch_->stop();
  if (audit_thread_.joinable()) audit_thread_.join();
}

// ---- reads, landing in ticket order (record_map.h)

std::uint64_t ContainerStore::begin_read() {
  std::lock_guard lock(mutex_);
  return records_.begin_read();
}

ContainerStore::Counters ContainerStore::counters() const {
  std::lock_guard lock(mutex_);
  Counters out = counters_;
  out.live = live_;
  out.objects = records_.size();
  return out;
}

void ContainerStore::land(const std::string& id, std::uint64_t ticket, Record record) {
  std::lock_guard lock(mutex_);
  records_.land(id, ticket, std::move(record));
}

ContainerStore::Record ContainerStore::inspect_and_land(const std::string& id,
                                                        const docker::CallOptions& options) {
  std::uint64_t ticket = 0;
  {
    std::lock_guard lock(mutex_);
    ticket = records_.begin_read(unix_nanos_now());
    ++counters_.inspects;
  }
  Record record;
  try {
    record = trimmed(docker_.inspect_container(id, false, options));
  } catch (const docker::DockerError& e) {
    land(e.not_found() ? id : "", ticket, nullptr);
    if (e.not_found()) return nullptr;
    throw;
  } catch (...) {
    land("", ticket, nullptr);
    throw;
  }
  // Full IDs only: what a prefix names must not land under the prefix.
  land(record->id == id ? id : "", ticket, record);
  return record;
}

void ContainerStore::keep(docker::ContainerInspect inspect) {
  const auto id = inspect.id;
  land(id, begin_read(), trimmed(std::move(inspect)));
}

ContainerStore::Record ContainerStore::refresh(const std::string& id) {
  try {
    return inspect_and_land(id, docker::CallOptions::with_timeout(kReadTimeout));
  } catch (const std::exception& e) {
    spdlog::warn("container {}: reading it after a change failed ({}); resynchronising the container store",
                 id, e.what());
    resynchronise_soon();
    return nullptr;
  }
}

void ContainerStore::forget(const std::string& id) {
  std::lock_guard lock(mutex_);
  records_.land(id, records_.begin_read(unix_nanos_now()), nullptr);
}

void ContainerStore::resynchronise_soon() {
  live_ = false;
  if (watch_) watch_->reconnect();
}

// ---- the event watch

std::string ContainerStore::on_connect() {
  {
    std::lock_guard lock(mutex_);
    resyncing_ = true;
    live_ = false;
  }
  const std::string since = docker_since_now();
  const auto list_ticket = begin_read();
  std::unordered_set<std::string> listed;
  try {
    docker::ContainerListOptions list;
    list.all = true;
    list.filters = managed_filter();
    for (const auto& summary : docker_.list_containers(list, reads_)) {
      listed.insert(summary.id);
      inspect_and_land(summary.id, reads_);
    }
  } catch (...) {
    land("", list_ticket, nullptr);
    throw;
  }
  {
    std::lock_guard lock(mutex_);
    records_.drop_unlisted(list_ticket, listed);  // removed since, unless read after the listing began
    records_.land("", list_ticket, nullptr);
    resyncing_ = false;
    live_ = true;
    ++counters_.resynchronisations;
  }
  changed_.notify_all();
  spdlog::debug("container store resynchronised: {} objects", listed.size());
  return since;
}

void ContainerStore::on_disconnect() {
  {
    std::lock_guard lock(mutex_);
    live_ = false;
    resyncing_ = false;
  }
  changed_.notify_all();
}

bool ContainerStore::on_event(const docker::Event& event) {
  if (event.id.size() != kFullIdLength) return true;
  {
    std::lock_guard lock(mutex_);
    ++counters_.events;
  }
  const auto verb = action_verb(event.action);
  if (never_changes_inspect(verb)) return true;
  if (verb == "destroy") {
    forget(event.id);
    return true;
  }
  {
    std::lock_guard lock(mutex_);
    // Read after the event happened (the shim's own refresh after its own
    // change, usually): the record shows it already. Docker stamps an event
    // while it holds the container's lock, after the change, and an inspect
    // takes that lock, so a read sent later sees the change.
    if (records_.read_after(event.id, event.time_nano)) {
      ++counters_.events_seen_already;
      return true;
    }
    if (only_stops(verb)) {
      const auto record = records_.get(event.id);
      if (record && !record->state.running) return true;
    }
  }
  if (!watch_) return true;  // a store without a watch (tests) has no reads of its own
  try {
    inspect_and_land(event.id, reads_);
  } catch (const docker::DockerError& e) {
    if (!stopping_)
      spdlog::debug("container store: inspect of {} after '{}' failed ({}); resynchronising", event.id,
                    event.action, e.message());
    return false;
  }
  return true;
}

// ---- the audit: one listing compared with the store, every audit_period

void ContainerStore::audit_loop() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (changed_.wait_for(lock, settings_.audit_period, [this] { return stopping_.load(); })) return;
    }
    if (!live_) continue;
    try {
      audit();
    } catch (const std::exception& e) {
      if (stopping_) return;
      spdlog::debug("container store audit failed ({}); resynchronising", e.what());
      resynchronise_soon();
    }
  }
}

void ContainerStore::audit() {
  auto options = docker::CallOptions::with_timeout(kReadTimeout);
  options.cancelled = reads_.cancelled;
  const auto list_ticket = begin_read();
  {
    std::lock_guard lock(mutex_);
    ++counters_.audits;
  }
  std::vector<docker::ContainerSummary> summaries;
  try {
    docker::ContainerListOptions list;
    list.all = true;
    list.filters = managed_filter();
    summaries = docker_.list_containers(list, options);
  } catch (...) {
    land("", list_ticket, nullptr);
    throw;
  }
  // Read again: what the store lacks or holds in another state, what is
  // still "created" (a failed start sends no event), and what the listing
  // no longer shows (unless read after it began).
  std::vector<std::string> suspects;
  {
    std::lock_guard lock(mutex_);
    std::unordered_set<std::string> listed;
    for (const auto& summary : summaries) {
      listed.insert(summary.id);
      const auto record = records_.get(summary.id);
      if (!record || record->state.status != summary.state || summary.state == "created")
        suspects.push_back(summary.id);
    }
    for (const auto& id : records_.ids())
      if (!listed.count(id) && records_.older_than(id, list_ticket)) suspects.push_back(id);
    records_.land("", list_ticket, nullptr);
  }
  std::size_t differed = 0;
  for (const auto& id : suspects) {
    const auto before = [&] {
      std::lock_guard lock(mutex_);
      return records_.get(id);
    }();
    const auto after = inspect_and_land(id, options);
    if (!before || !after || before->state.status != after->state.status ||
        before->state.started_at != after->state.started_at || before->state.error != after->state.error)
      ++differed;
  }
  if (differed > 0) {
    std::lock_guard lock(mutex_);
    counters_.audit_corrections += differed;
  }
  if (differed > 0)
    spdlog::info("container store audit: {} object(s) differed from Docker and were read again", differed);
}

// ---- readers

bool ContainerStore::wait_live(const docker::CallOptions& options) {
  if (live_) return true;
  const auto until = std::min(options.deadline, docker::CallOptions::Clock::now() + settings_.resync_wait);
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, until, [this] { return live_.load() || !resyncing_ || stopping_.load(); });
  if (!live_) ++counters_.answered_from_docker;
  return live_;
}

std::uint64_t ContainerStore::live_connection() const {
  if (!live_) return 0;
  std::lock_guard lock(mutex_);
  return counters_.resynchronisations;
}

std::uint64_t ContainerStore::version() const {
  if (!live_) return 0;
  std::lock_guard lock(mutex_);
  return records_.version();
}

std::vector<ContainerStore::Record> ContainerStore::all(const docker::CallOptions& options) {
  if (wait_live(options)) {
    std::lock_guard lock(mutex_);
    return records_.all();
  }
  docker::ContainerListOptions list;
  list.all = true;
  list.filters = managed_filter();
  std::vector<Record> out;
  for (const auto& summary : docker_.list_containers(list, options)) {
    try {
      out.push_back(trimmed(docker_.inspect_container(summary.id, false, options)));
    } catch (const docker::DockerError& e) {
      if (!e.not_found()) throw;  // removed since the listing: as if listed a moment later
    }
  }
  return out;
}

ContainerStore::Record ContainerStore::find(std::string_view id, DockerObjectKind kind,
                                            const docker::CallOptions& options) {
  if (!is_hex_id(id)) return nullptr;
  if (wait_live(options)) {
    std::lock_guard lock(mutex_);
    return records_.find(id, [kind](const docker::ContainerInspect& inspect) { return is_of_kind(inspect, kind); });
  }
  try {
    auto inspect = docker_.inspect_container(std::string(id), false, options);
    if (inspect.id.compare(0, id.size(), id) != 0 || !is_of_kind(inspect, kind)) return nullptr;
    return trimmed(std::move(inspect));
  } catch (const docker::DockerError& e) {
    // 404: unknown; 400 (some versions): an ambiguous prefix. Neither names one object.
    if (e.not_found() || (e.kind() == docker::DockerError::Kind::Http && e.http_status() == 400))
      return nullptr;
    throw;
  }
}

std::vector<ContainerStore::Record> ContainerStore::pod_containers(const std::string& sandbox_id,
                                                                   const docker::CallOptions& options) {
  std::vector<Record> out;
  for (auto& record : all(options)) {
    if (!is_of_kind(*record, DockerObjectKind::kContainer)) continue;
    const auto it = record->config.labels.find(std::string(label::kSandboxId));
    if (it != record->config.labels.end() && it->second == sandbox_id) out.push_back(std::move(record));
  }
  return out;
}

}  // namespace shim
