// cri-shim's WebSocket server side against a client not written here:
// Node's ws (tests/shim/streaming/interop/ws_client.js), run as a child process.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>

#include "shim/streaming/websocket/handshake.h"
#include "shim/streaming/websocket/port_forward_channels.h"
#include "shim/streaming/websocket/remote_command_channels.h"
#include "tests/shim/streaming/websocket/upgrade_listener.h"
#include "websocket/interop_paths.h"

extern char** environ;

namespace ws = shim::streaming::websocket;
using shim::streaming::StreamClosed;
using ws::testing::UpgradeListener;

namespace {

constexpr const char* kNode = "/usr/bin/node";

struct NodeResult {
  int exit_code = -1;
  std::string output;
};

// Runs ws_client.js with `scenario` against `url`; kills it after 30 s.
NodeResult run_node_client(const std::string& scenario, const std::string& url) {
  const auto script = std::string(CRI_SHIM_WS_INTEROP_DIR) + "/ws_client.js";
  char log_path[] = "/tmp/cri-shim-ws-interop-XXXXXX";
  const int log_fd = ::mkstemp(log_path);
  REQUIRE(log_fd >= 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
  std::string node = kNode;
  char* argv[] = {node.data(), const_cast<char*>(script.c_str()), const_cast<char*>(scenario.c_str()),
                  const_cast<char*>(url.c_str()), nullptr};
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, kNode, &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(log_fd);
  REQUIRE(spawned == 0);

  NodeResult result;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.output = "killed after 30 s\n";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream log(log_path);
  std::ostringstream text;
  text << log.rdbuf();
  result.output += text.str();
  ::unlink(log_path);
  return result;
}

bool node_ready() {
  return ::access(kNode, X_OK) == 0 &&
         std::filesystem::exists(std::string(CRI_SHIM_WS_INTEROP_DIR) + "/node_modules/ws/package.json");
}

// An exec runner: echoes stdin to stdout as "echo:<data>" until stdin ends
// or says "exit\n", then reports success on the error stream (v4 Status).
void echo_exec(UpgradeListener& listener) {
  auto upgrade = listener.accept_one();
  auto streams = ws::accept_remote_command(upgrade.fd, upgrade.request, upgrade.already_read,
                                           {.stdin = true, .stdout = true, .stderr = true, .tty = false});
  while (auto data = streams.stdin_stream->read()) {
    if (*data == "exit\n") break;
    streams.stdout_stream->write("echo:" + *data);
  }
  streams.error_stream->write(R"({"metadata":{},"status":"Success"})");
}

}  // namespace

TEST_CASE("interop: Node's ws negotiates v5, v4 and v4.base64, exchanges stdin/stdout, closes") {
  if (!node_ready()) {
    MESSAGE("skipped: /usr/bin/node or tests/shim/streaming/interop/node_modules missing (scripts/install-deps.sh)");
    return;
  }
  for (const std::string scenario : {"exec-v5", "exec-v4", "exec-v4-base64"}) {
    CAPTURE(scenario);
    UpgradeListener listener;
    auto server = std::async(std::launch::async, [&listener] { echo_exec(listener); });
    const auto url = "ws://127.0.0.1:" + std::to_string(listener.port()) + "/exec/token";
    const auto result = run_node_client(scenario, url);
    CAPTURE(result.output);
    CHECK(result.exit_code == 0);
    CHECK_NOTHROW(server.get());
  }
}

TEST_CASE("interop: Node's ws offering only unsupported protocols gets HTTP 400") {
  if (!node_ready()) {
    MESSAGE("skipped: /usr/bin/node or tests/shim/streaming/interop/node_modules missing");
    return;
  }
  UpgradeListener listener;
  auto server = std::async(std::launch::async, [&listener] { echo_exec(listener); });
  const auto result = run_node_client("reject", "ws://127.0.0.1:" + std::to_string(listener.port()) + "/exec/t");
  CAPTURE(result.output);
  CHECK(result.exit_code == 0);
  CHECK_THROWS_AS(server.get(), ws::HandshakeError);
}

TEST_CASE("interop: Node's ws port-forwarding two ports") {
  if (!node_ready()) {
    MESSAGE("skipped: /usr/bin/node or tests/shim/streaming/interop/node_modules missing");
    return;
  }
  UpgradeListener listener;
  auto server = std::async(std::launch::async, [&listener] {
    auto upgrade = listener.accept_one();
    const auto ports = ws::port_forward_ports_from_query(std::string(upgrade.request.target()));
    auto session = ws::accept_port_forward(upgrade.fd, upgrade.request, upgrade.already_read, ports);
    auto first = session->accept();
    auto second = session->accept();
    REQUIRE(second);
    if (second->data_in->read() == "ping") second->data_out->write("pong");
    first.reset();
    second.reset();
    REQUIRE_FALSE(session->accept());
  });
  const auto url = "ws://127.0.0.1:" + std::to_string(listener.port()) + "/portforward/t?port=80&port=8080";
  const auto result = run_node_client("portforward", url);
  CAPTURE(result.output);
  CHECK(result.exit_code == 0);
  server.get();
}
