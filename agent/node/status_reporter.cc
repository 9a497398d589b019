#include "agent/node/status_reporter.h"

#include <stdexcept>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "agent/node/node_status.h"

namespace agent::node {

namespace {

// "http://host:port/path" -> {"http://host:port", "/path"}.
std::pair<std::string, std::string> split_url(const std::string& url) {
  const std::string prefix = "http://";
  if (url.rfind(prefix, 0) != 0)
    throw std::invalid_argument("--node-status-url \"" + url + "\": expected http://host[:port][/path]");
  const size_t path_start = url.find('/', prefix.size());
  std::string origin = path_start == std::string::npos ? url : url.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (origin.size() == prefix.size()) throw std::invalid_argument("--node-status-url \"" + url + "\": no host");
  return {origin, path};
}

}  // namespace

StatusReporter::StatusReporter(const std::string& url, std::chrono::milliseconds report_period)
    : url_(url), report_period_(report_period) {
  std::tie(origin_, path_) = split_url(url);
}

StatusReporter::~StatusReporter() { stop(); }

void StatusReporter::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void StatusReporter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StatusReporter::offer(const nlohmann::json& node) {
  {
    std::lock_guard lock(mutex_);
    changed_ = without_heartbeats(node) != compare_key_;
    latest_ = node;
  }
  wake_.notify_all();
}

uint64_t StatusReporter::sent() const {
  std::lock_guard lock(mutex_);
  return sent_;
}

void StatusReporter::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto due = last_sent_ + report_period_;
    wake_.wait_until(lock, due, [&] { return stopping_ || changed_; });
    if (stopping_) break;
    const bool periodic = std::chrono::steady_clock::now() >= last_sent_ + report_period_;
    if (!latest_ || (!changed_ && !periodic)) {
      if (!latest_) wake_.wait(lock, [&] { return stopping_ || latest_.has_value(); });
      continue;
    }
    const nlohmann::json node = *latest_;
    changed_ = false;
    compare_key_ = without_heartbeats(node);
    lock.unlock();
    std::string error;
    const bool ok = post(node.dump(), error);
    lock.lock();
    // A failure waits for the next offer or period, never spins.
    last_sent_ = std::chrono::steady_clock::now();
    if (ok) {
      last_sent_key_ = without_heartbeats(node);
      ++sent_;
      if (failing_) spdlog::info("node status: {} takes the node's status again", url_);
      failing_ = false;
    } else {
      compare_key_ = last_sent_key_;  // the next offer retries
      if (!failing_) spdlog::warn("node status: POST {} failed: {}; retrying at each update", url_, error);
      failing_ = true;
    }
  }
}

bool StatusReporter::post(const std::string& body, std::string& error) {
  httplib::Client client(origin_);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(10));
  client.set_write_timeout(std::chrono::seconds(10));
  auto res = client.Post(path_, body, "application/json");
  if (!res) {
    error = httplib::to_string(res.error());
    return false;
  }
  if (res->status < 200 || res->status >= 300) {
    error = "HTTP " + std::to_string(res->status);
    return false;
  }
  return true;
}

}  // namespace agent::node
