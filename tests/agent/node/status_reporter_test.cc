// The --node-status-url reporter against a loopback server: a POST on each
// change, none for a heartbeat alone, one at least every report period,
// and a dead server never blocks offer().
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "agent/node/node_status.h"
#include "agent/node/status_reporter.h"
#include "tests/support/local_http_server.h"

namespace agent::node {

namespace {

using namespace std::chrono_literals;

// The node's conditions carried from one update to the next, as the node
// status loop does (a transition time stays while its status does).
std::vector<NodeCondition> conditions;

nlohmann::json node_with(const std::string& ready_message, int64_t heartbeat_ns) {
  NodeStatusInputs in;
  in.node_name = "n";
  in.hostname = "n";
  conditions = update_conditions(conditions, NodePressure{}, ready_message, heartbeat_ns);
  in.conditions = conditions;
  return build_node(in);
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

}  // namespace

TEST_CASE("reporter: POSTs on change, not on a heartbeat alone, and every report period") {
  std::mutex mutex;
  std::vector<nlohmann::json> received;
  support::LocalHttpServer server([&](httplib::Server& s) {
    s.Post("/node", [&](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex);
      received.push_back(nlohmann::json::parse(req.body));
      res.status = 200;
    });
  });
  auto count = [&] {
    std::lock_guard lock(mutex);
    return received.size();
  };
  StatusReporter reporter("http://127.0.0.1:" + std::to_string(server.port()) + "/node", 600ms);
  reporter.start();
  reporter.offer(node_with("", 1000000000LL));
  CHECK(eventually([&] { return count() == 1; }));
  reporter.offer(node_with("", 2000000000LL));  // heartbeat only
  std::this_thread::sleep_for(150ms);
  CHECK(count() == 1);
  reporter.offer(node_with("container runtime is down", 3000000000LL));
  CHECK(eventually([&] { return count() == 2; }));
  {
    std::lock_guard lock(mutex);
    CHECK(received[1]["status"]["conditions"][3]["status"] == "False");
    CHECK(received[1]["kind"] == "Node");
  }
  // Nothing changes: the report period sends it again.
  CHECK(eventually([&] { return count() >= 3; }, 2000ms));
  CHECK(reporter.sent() >= 3);
  reporter.stop();
}

TEST_CASE("reporter: a dead URL never blocks offer, and the next change is retried") {
  int port = 0;
  {
    support::LocalHttpServer gone([](httplib::Server&) {});
    port = gone.port();
  }
  StatusReporter reporter("http://127.0.0.1:" + std::to_string(port) + "/", 60000ms);
  reporter.start();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) reporter.offer(node_with(i % 2 ? "x" : "", i));
  CHECK(std::chrono::steady_clock::now() - start < 100ms);
  std::this_thread::sleep_for(100ms);
  CHECK(reporter.sent() == 0);
  reporter.stop();
}

TEST_CASE("reporter: only http URLs") {
  CHECK_THROWS_AS(StatusReporter("https://x/", 1000ms), std::invalid_argument);
  CHECK_THROWS_AS(StatusReporter("ftp://x/", 1000ms), std::invalid_argument);
  CHECK_THROWS_AS(StatusReporter("http:///path", 1000ms), std::invalid_argument);
}

}  // namespace agent::node
