// Sends the Node object to --node-status-url (an external controller's
// heartbeat): a POST of the Node JSON on every change of anything but the
// conditions' heartbeat times, and at least every `report_period`.
//
// Contract:
// - offer() never blocks on the network: the POSTs run on the reporter's
//   own thread (connect 5 s, read 10 s), so a slow or dead controller never
//   holds up the node status loop nor any pod work.
// - A failed POST is retried at the next offer (the node status loop offers
//   every update period) and logged once per streak of failures; the first
//   success after failures is logged too.
// - http only (cpp-httplib without OpenSSL); the URL is checked at
//   construction (std::invalid_argument naming it).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace agent::node {

class StatusReporter {
 public:
  StatusReporter(const std::string& url, std::chrono::milliseconds report_period);
  ~StatusReporter();  // stop()
  StatusReporter(const StatusReporter&) = delete;
  StatusReporter& operator=(const StatusReporter&) = delete;

  void start();
  void stop();
  // The latest Node; sent now when it differs from the last one sent.
  void offer(const nlohmann::json& node);
  uint64_t sent() const;  // successful POSTs so far

 private:
  void run();
  bool post(const std::string& body, std::string& error);

  std::string url_, origin_, path_;
  std::chrono::milliseconds report_period_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::optional<nlohmann::json> latest_;
  nlohmann::json last_sent_key_;  // without_heartbeats() of the last Node sent
  nlohmann::json compare_key_;    // ... or of the one being sent: what an offer is compared with
  bool changed_ = false;
  std::chrono::steady_clock::time_point last_sent_{};
  bool failing_ = false;
  uint64_t sent_ = 0;
  std::thread thread_;
};

}  // namespace agent::node
