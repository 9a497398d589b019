#include "agent/config/url_source.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "agent/config/manifest_set.h"
#include "agent/objects/object_store.h"
#include "agent/pod/pod_manager.h"

namespace agent::config {

namespace {

// "http://host:port/path?q" -> {"http://host:port", "/path?q"}.
std::pair<std::string, std::string> split_url(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) throw std::invalid_argument("manifest URL \"" + url + "\": expected http:// or https://");
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    throw std::invalid_argument("manifest URL \"" + url + "\": unsupported scheme \"" + scheme + "\" (http, https)");
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
  if (scheme == "https")
    throw std::invalid_argument("manifest URL \"" + url +
                                "\": https is not available: cpp-httplib was built without OpenSSL");
#endif
  size_t path_start = url.find('/', scheme_end + 3);
  std::string origin = path_start == std::string::npos ? url : url.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (origin.size() == scheme_end + 3) throw std::invalid_argument("manifest URL \"" + url + "\": no host");
  return {origin, path};
}

}  // namespace

struct UrlSource::Impl {
  std::string url, origin, path, key, node_name;
  pod::PodManager& manager;
  objects::ObjectStore& objects;
  std::chrono::milliseconds poll_period;

  std::mutex mutex;  // guards stopping, client (for stop() to break a fetch)
  std::condition_variable wake;
  bool stopping = false;
  httplib::Client* client = nullptr;
  std::thread thread;
  bool started = false;

  // Only the poller touches these once start() has returned.
  std::optional<std::string> last_body;
  std::string last_error;        // of the last fetch that failed
  std::string last_parse_error;  // of the last body where nothing parsed
  std::atomic<bool> synced{false};

  Impl(std::string u, std::string n, pod::PodManager& m, objects::ObjectStore& o, std::chrono::milliseconds p)
      : url(std::move(u)), key("url:" + url), node_name(std::move(n)), manager(m), objects(o), poll_period(p) {
    std::tie(origin, path) = split_url(url);
  }

  // One GET; returns the body of a 2xx reply, or nothing (logged once per
  // distinct error, so a URL down for hours does not flood the log).
  std::optional<std::string> fetch() {
    httplib::Client cli(origin);
    cli.set_connection_timeout(std::chrono::seconds(5));
    cli.set_read_timeout(std::chrono::seconds(10));
    cli.set_follow_location(true);
    {
      std::lock_guard lock(mutex);
      if (stopping) return std::nullopt;
      client = &cli;
    }
    auto res = cli.Get(path);
    {
      std::lock_guard lock(mutex);
      client = nullptr;
      if (stopping) return std::nullopt;
    }
    std::string error;
    if (!res) error = "GET failed: " + httplib::to_string(res.error());
    else if (res->status < 200 || res->status > 299) error = "GET answered " + std::to_string(res->status);
    if (!error.empty()) {
      if (error != last_error)
        spdlog::warn("url source: {}: {}; keeping the last {} set", key, error, last_body ? "good" : "(empty)");
      last_error = error;
      return std::nullopt;
    }
    if (!last_error.empty()) spdlog::info("url source: {} answers again", key);
    last_error.clear();
    return std::move(res->body);
  }

  void poll_once() {
    auto body = fetch();
    if (!body) return;
    bool changed = !last_body || *last_body != *body;
    ManifestSet set = read_manifest_set(*body, pod::PodSource{pod::PodSource::Kind::Url, url, node_name}, key);
    if (set.empty() && (!set.rejected.empty() || !set.rejected_objects.empty())) {
      // Nothing of it parses (an error page, a truncated body): as kubelet,
      // keep the last good set rather than kill every pod of the URL. Only
      // an empty answer means "no pods".
      const std::string error = "answered nothing that parses as a pod or object (" +
                                (set.rejected.empty() ? set.rejected_objects.front() : set.rejected.front().message) +
                                ")";
      if (error != last_parse_error) spdlog::warn("url source: {}: {}; keeping the last set", key, error);
      last_parse_error = error;
      return;
    }
    if (changed) {
      spdlog::info("url source: read {} ({})", key, summary(set));
      log_rejected(set);
    }
    last_body = std::move(*body);
    last_parse_error.clear();
    // Re-applied even when unchanged: a pod rejected as a duplicate comes in
    // once its holder let go.
    objects.set_source(key, std::move(set.objects));
    manager.set_source(key, std::move(set.pods), std::move(set.rejected));
    synced = true;
  }

  void run() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      if (wake.wait_for(lock, poll_period, [&] { return stopping; })) break;
      lock.unlock();
      try {
        poll_once();
      } catch (const std::exception& e) {
        spdlog::error("url source: {}: {}", key, e.what());
      }
      lock.lock();
    }
  }
};

UrlSource::UrlSource(std::string url, std::string node_name, pod::PodManager& manager, objects::ObjectStore& objects,
                     std::chrono::milliseconds poll_period)
    : impl_(std::make_unique<Impl>(std::move(url), std::move(node_name), manager, objects, poll_period)) {}

UrlSource::~UrlSource() { stop(); }

bool UrlSource::has_synced() const { return impl_->synced; }

void UrlSource::start() {
  if (impl_->started) return;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = false;
  }
  impl_->poll_once();
  impl_->started = true;
  impl_->thread = std::thread([this] { impl_->run(); });
  spdlog::info("url source: polling {} every {} ms", impl_->url, impl_->poll_period.count());
}

void UrlSource::stop() {
  if (!impl_ || !impl_->started) return;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    if (impl_->client) impl_->client->stop();  // breaks a fetch in flight
  }
  impl_->wake.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->started = false;
}

}  // namespace agent::config
