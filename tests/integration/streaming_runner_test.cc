// The streaming runners (shim/streaming/exec_attach_runner.h, pod_port_forwarder.h)
// in-process against the real dockerd, on pods made through the real
// cri-shim. The protocol side is played by in-memory pipes: what a SPDY or
// WebSocket session would hand the runner, minus the wire.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "shim/streaming/pod_port_forwarder.h"
#include "shim/streaming/exec_attach_runner.h"
#include "tests/integration/pod_fixture.h"

using namespace itest;
namespace streaming = shim::streaming;

namespace {

using namespace std::chrono_literals;

// A blocking byte pipe with a bounded buffer (the flow control a protocol
// imposes). The runner holds one end as an InputStream or OutputStream; the
// test holds the other. break_session() is the session going away: every
// call on either end throws StreamClosed from then on.
class Pipe {
 public:
  static constexpr std::size_t kCapacity = 1 << 20;

  void write(std::string_view data) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return broken_ || buffered_ < kCapacity; });
    if (broken_) throw streaming::StreamClosed("session gone");
    if (closed_) throw streaming::StreamClosed("write after close");
    chunks_.emplace_back(data);
    buffered_ += data.size();
    changed_.notify_all();
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }
  // Blocks for bytes; nullopt once closed and drained.
  std::optional<std::string> read(std::chrono::milliseconds timeout = 120s) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return broken_ || closed_ || !chunks_.empty(); }))
      throw std::runtime_error("pipe read timed out");
    if (broken_) throw streaming::StreamClosed("session gone");
    if (chunks_.empty()) return std::nullopt;
    std::string data = std::move(chunks_.front());
    chunks_.pop_front();
    buffered_ -= data.size();
    changed_.notify_all();
    return data;
  }
  // Everything until close.
  std::string read_all(std::chrono::milliseconds timeout = 120s) {
    std::string all;
    while (auto data = read(timeout)) all += *data;
    return all;
  }
  // Reads until `needle` appears in what was read so far.
  std::string read_until(const std::string& needle, std::chrono::milliseconds timeout = 60s) {
    std::string all;
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    while (all.find(needle) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
      if (left <= 0ms) break;
      auto data = read(left);
      if (!data) break;
      all += *data;
    }
    return all;
  }
  void break_session() {
    std::lock_guard lock(mutex_);
    broken_ = true;
    changed_.notify_all();
  }
  bool closed() {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  std::size_t buffered_ = 0;
  bool closed_ = false;
  bool broken_ = false;
};

class PipeInput final : public streaming::InputStream {
 public:
  explicit PipeInput(std::shared_ptr<Pipe> pipe) : pipe_(std::move(pipe)) {}
  std::optional<std::string> read() override { return pipe_->read(24h); }

 private:
  std::shared_ptr<Pipe> pipe_;
};

class PipeOutput final : public streaming::OutputStream {
 public:
  explicit PipeOutput(std::shared_ptr<Pipe> pipe) : pipe_(std::move(pipe)) {}
  void write(std::string_view data) override { pipe_->write(data); }
  void close() override { pipe_->close(); }

 private:
  std::shared_ptr<Pipe> pipe_;
};

// The client's side of one remote command session.
struct Client {
  std::shared_ptr<Pipe> stdin_pipe, stdout_pipe, stderr_pipe, error_pipe, resize_pipe;
  streaming::RemoteCommandStreams streams;

  Client(std::string protocol, bool in, bool out, bool err, bool tty) {
    streams.protocol = std::move(protocol);
    streams.tty = tty;
    auto make = [] { return std::make_shared<Pipe>(); };
    if (in) streams.stdin_stream = std::make_unique<PipeInput>(stdin_pipe = make());
    if (out) streams.stdout_stream = std::make_unique<PipeOutput>(stdout_pipe = make());
    if (err && !tty) streams.stderr_stream = std::make_unique<PipeOutput>(stderr_pipe = make());
    streams.error_stream = std::make_unique<PipeOutput>(error_pipe = make());
    if (tty) streams.resize_stream = std::make_unique<PipeInput>(resize_pipe = make());
  }
  // What kubectl does after it read the status: closes the connection.
  void hang_up() {
    for (auto* pipe : {&stdin_pipe, &stdout_pipe, &stderr_pipe, &error_pipe, &resize_pipe})
      if (*pipe) (*pipe)->break_session();
  }
};

// Runs the runner on its own thread (as the server would, on the session's);
// the test plays the client.
class Running {
 public:
  explicit Running(std::function<void()> runner) : done_(std::async(std::launch::async, std::move(runner))) {}
  // A runner that does not return would hang the whole test binary: better
  // to fail loudly.
  ~Running() {
    if (done_.valid() && done_.wait_for(60s) != std::future_status::ready) {
      std::fprintf(stderr, "streaming runner did not return within 60 s after its test\n");
      std::abort();
    }
    wait();
  }
  // The runner returned within `timeout`.
  bool finished_within(std::chrono::milliseconds timeout) {
    return done_.wait_for(timeout) == std::future_status::ready;
  }
  void wait() {
    if (done_.valid()) done_.get();
  }

 private:
  std::future<void> done_;
};

streaming::ExecRequest exec_request(const std::string& container, std::vector<std::string> cmd, bool tty,
                                    bool in) {
  streaming::ExecRequest request;
  request.container_id = container;
  request.cmd = std::move(cmd);
  request.tty = tty;
  request.stdin_ = in;
  request.stdout_ = true;
  request.stderr_ = !tty;
  return request;
}

struct PodWithShell {
  ShimProcess shim;
  std::unique_ptr<cri::RuntimeService::Stub> runtime = shim.runtime();
  Pod pod{*runtime, "stream_pod"};
  std::string container;
  explicit PodWithShell(const std::string& command = "exec sleep 600") {
    pod.run();
    container = pod.create_and_start("main", command);
  }
};

}  // namespace

TEST_CASE("streaming runner: exec without TTY or stdin, stdout and stderr apart, status Success (v4)") {
  PodWithShell p;
  Client client("v4.channel.k8s.io", false, true, true, false);
  Running run([&] {
    streaming::run_exec(docker_client(),
                        exec_request(p.container, {"sh", "-c", "echo out; echo err >&2"}, false, false),
                        client.streams);
  });
  CHECK(client.stdout_pipe->read_all() == "out\n");
  CHECK(client.stderr_pipe->read_all() == "err\n");
  CHECK(client.error_pipe->read_all() == R"({"metadata":{},"status":"Success"})");
  CHECK(run.finished_within(10s));
}

TEST_CASE("streaming runner: exit code 3 is NonZeroExitCode (v4) and text (v3), nothing for success (v2)") {
  PodWithShell p;
  {
    Client client("v4.channel.k8s.io", false, true, true, false);
    Running run([&] {
      streaming::run_exec(docker_client(), exec_request(p.container, {"sh", "-c", "exit 3"}, false, false),
                          client.streams);
    });
    CHECK(client.stdout_pipe->read_all().empty());
    const auto status = nlohmann::json::parse(client.error_pipe->read_all());
    CHECK(status["status"] == "Failure");
    CHECK(status["reason"] == "NonZeroExitCode");
    CHECK(status["details"]["causes"][0]["reason"] == "ExitCode");
    CHECK(status["details"]["causes"][0]["message"] == "3");
  }
  {
    Client client("v3.channel.k8s.io", false, true, true, false);
    Running run([&] {
      streaming::run_exec(docker_client(), exec_request(p.container, {"sh", "-c", "exit 3"}, false, false),
                          client.streams);
    });
    CHECK(client.error_pipe->read_all() ==
          "command terminated with non-zero exit code: Error executing in Docker Container: 3");
  }
  {
    Client client("v2.channel.k8s.io", false, true, true, false);
    Running run([&] {
      streaming::run_exec(docker_client(), exec_request(p.container, {"true"}, false, false), client.streams);
    });
    CHECK(client.error_pipe->read_all().empty());
    CHECK(client.error_pipe->closed());
  }
}

TEST_CASE("streaming runner: exec of a missing command or in an unknown container is an InternalError") {
  PodWithShell p;
  Client client("v4.channel.k8s.io", false, true, true, false);
  Running run([&] {
    streaming::run_exec(docker_client(), exec_request("no-such-container-" + unique_suffix(), {"true"}, false, false),
                        client.streams);
  });
  const auto status = nlohmann::json::parse(client.error_pipe->read_all());
  CHECK(status["reason"] == "InternalError");
  CHECK(status["code"] == 500);
  CHECK(status["message"].get<std::string>().find("error executing command in container") != std::string::npos);
  CHECK(client.stdout_pipe->closed());
}

TEST_CASE("streaming runner: exec with stdin: cat echoes it, closing stdin ends it") {
  PodWithShell p;
  Client client("v4.channel.k8s.io", true, true, true, false);
  Running run([&] {
    streaming::run_exec(docker_client(), exec_request(p.container, {"cat"}, false, true), client.streams);
  });
  std::string sent;
  for (int i = 0; i < 100; ++i) {
    const std::string line = "line " + std::to_string(i) + " \x01\xff binary\n";
    client.stdin_pipe->write(line);
    sent += line;
  }
  client.stdin_pipe->close();  // the client's end of stdin: cat reads EOF
  CHECK(client.stdout_pipe->read_all() == sent);
  CHECK(client.error_pipe->read_all() == R"({"metadata":{},"status":"Success"})");
  CHECK(run.finished_within(10s));
}

TEST_CASE("streaming runner: exec returns once the client hangs up after the status, stdin still open") {
  PodWithShell p;
  Client client("v4.channel.k8s.io", true, true, true, false);
  Running run([&] {
    streaming::run_exec(docker_client(), exec_request(p.container, {"sh", "-c", "read x; echo got $x"}, false, true),
                        client.streams);
  });
  client.stdin_pipe->write("one\n");
  CHECK(client.stdout_pipe->read_all() == "got one\n");
  CHECK(client.error_pipe->read_all() == R"({"metadata":{},"status":"Success"})");
  client.hang_up();
  CHECK(run.finished_within(10s));
}

TEST_CASE("streaming runner: TTY exec merges stderr into stdout and applies resizes (stty size)") {
  PodWithShell p;
  Client client("v4.channel.k8s.io", false, true, true, true);
  Running run([&] {
    streaming::run_exec(
        docker_client(),
        exec_request(p.container,
                     {"sh", "-c",
                      // Up to 30 s (was 5 s) for the resize to show; it breaks out at once when it does.
                      "for i in $(seq 1 300); do s=$(stty size); [ \"$s\" = '40 100' ] && break; sleep 0.1; done; "
                      "echo size=$s; echo to-stderr >&2"},
                     true, false),
        client.streams);
  });
  // A size with a zero side is skipped; split across writes on purpose.
  client.resize_pipe->write(R"({"Width":0,"Height":0}{"Width":10)");
  client.resize_pipe->write(R"(0,"Height":40})");
  const std::string out = client.stdout_pipe->read_all();
  CHECK(out.find("size=40 100") != std::string::npos);
  CHECK(out.find("to-stderr") != std::string::npos);
  CHECK(client.error_pipe->read_all() == R"({"metadata":{},"status":"Success"})");
  client.hang_up();
  CHECK(run.finished_within(10s));
}

TEST_CASE("streaming runner: a malformed resize is ignored, the exec goes on") {
  PodWithShell p;
  Client client("v4.channel.k8s.io", false, true, true, true);
  Running run([&] {
    streaming::run_exec(docker_client(), exec_request(p.container, {"sh", "-c", "sleep 0.5; echo fine"}, true, false),
                        client.streams);
  });
  client.resize_pipe->write("not json");
  CHECK(client.stdout_pipe->read_all().find("fine") != std::string::npos);
  CHECK(client.error_pipe->read_all() == R"({"metadata":{},"status":"Success"})");
  client.hang_up();
  CHECK(run.finished_within(10s));
}

TEST_CASE("streaming runner: 100 MiB through stdout intact") {
  PodWithShell p;
  constexpr std::size_t kSize = 100u << 20;
  const std::string line = "abcdefghijklmnopqrstuvwxyz0123456789\n";  // what `yes <word>` repeats
  Client client("v4.channel.k8s.io", false, true, true, false);
  Running run([&] {
    streaming::run_exec(docker_client(),
                        exec_request(p.container,
                                     {"sh", "-c", "yes abcdefghijklmnopqrstuvwxyz0123456789 | head -c " +
                                                      std::to_string(kSize)},
                                     false, false),
                        client.streams);
  });
  std::size_t count = 0, mismatches = 0;
  std::uint64_t checksum = 1469598103934665603ull, expected = 1469598103934665603ull;  // FNV-1a
  while (auto data = client.stdout_pipe->read()) {
    for (char c : *data) {
      const char want = line[count % line.size()];
      if (c != want) ++mismatches;
      checksum = (checksum ^ static_cast<unsigned char>(c)) * 1099511628211ull;
      expected = (expected ^ static_cast<unsigned char>(want)) * 1099511628211ull;
      ++count;
    }
  }
  CHECK(count == kSize);
  CHECK(mismatches == 0);
  CHECK(checksum == expected);
  CHECK(client.stderr_pipe->read_all().empty());
  CHECK(client.error_pipe->read_all() == R"({"metadata":{},"status":"Success"})");
}

TEST_CASE("streaming runner: the client vanishing mid-exec ends the call and releases Docker's connection") {
  PodWithShell p;
  Client client("v4.channel.k8s.io", true, true, true, false);
  Running run([&] {
    streaming::run_exec(docker_client(), exec_request(p.container, {"sh", "-c", "echo started; exec sleep 600"},
                                                      false, true),
                        client.streams);
  });
  CHECK(client.stdout_pipe->read_until("started").find("started") != std::string::npos);
  client.hang_up();
  CHECK(run.finished_within(10s));
}

TEST_CASE("streaming runner: attach to a container running sh with stdin") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "attach_pod");
  pod.run();
  auto config = pod.container_config("shell", "exec sh");
  config.set_stdin(true);
  const std::string id = pod.create(config);
  pod.start(id);

  Client client("v4.channel.k8s.io", true, true, true, false);
  streaming::AttachRequest request;
  request.container_id = id;
  request.stdin_ = request.stdout_ = request.stderr_ = true;
  Running run([&] { streaming::run_attach(docker_client(), request, client.streams); });
  client.stdin_pipe->write("echo hello-attach; echo oops >&2\n");
  CHECK(client.stdout_pipe->read_until("hello-attach").find("hello-attach") != std::string::npos);
  CHECK(client.stderr_pipe->read_until("oops").find("oops") != std::string::npos);
  client.stdin_pipe->write("exit 0\n");  // the container exits: the attach ends
  client.stdout_pipe->read_all();
  CHECK(client.error_pipe->read_all() == R"({"metadata":{},"status":"Success"})");
  client.stdin_pipe->close();
  CHECK(run.finished_within(10s));
  pod.wait_exited(id);
}

TEST_CASE("streaming runner: attach to a TTY container follows its TTY, resizes apply") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "attach_tty_pod");
  pod.run();
  auto config = pod.container_config("tty_shell", "exec sh");
  config.set_stdin(true);
  config.set_tty(true);
  const std::string id = pod.create(config);
  pod.start(id);

  Client client("v4.channel.k8s.io", true, true, false, true);
  streaming::AttachRequest request;
  request.container_id = id;
  request.tty = request.stdin_ = request.stdout_ = true;
  Running run([&] { streaming::run_attach(docker_client(), request, client.streams); });
  client.resize_pipe->write(R"({"Width":90,"Height":33})");
  std::string out;
  for (int i = 0; i < 50 && out.find("33 90") == std::string::npos; ++i) {
    client.stdin_pipe->write("stty size\n");
    out += client.stdout_pipe->read_until("\n", 2s);
    std::this_thread::sleep_for(100ms);
    if (out.find("33 90") == std::string::npos) out += client.stdout_pipe->read_until("33 90", 500ms);
  }
  CHECK(out.find("33 90") != std::string::npos);
  client.stdin_pipe->write("exit\n");
  client.stdout_pipe->read_all();
  CHECK(client.error_pipe->read_all() == R"({"metadata":{},"status":"Success"})");
  client.hang_up();
  CHECK(run.finished_within(10s));
}

TEST_CASE("streaming runner: attach to a stopped container is an InternalError") {
  PodWithShell p("exit 0");
  p.pod.wait_exited(p.container);
  Client client("v4.channel.k8s.io", false, true, true, false);
  streaming::AttachRequest request;
  request.container_id = p.container;
  request.stdout_ = request.stderr_ = true;
  Running run([&] { streaming::run_attach(docker_client(), request, client.streams); });
  const auto status = nlohmann::json::parse(client.error_pipe->read_all());
  CHECK(status["reason"] == "InternalError");
  CHECK(status["message"].get<std::string>().find("is not running") != std::string::npos);
}

// ---------------------------------------------------------------- port-forward

namespace {

// The client's side of a port-forward session: connections are offered to
// the runner as the test opens them.
class ForwardSession final : public streaming::PortForwardSession {
 public:
  struct Connection {
    std::shared_ptr<Pipe> to_pod, from_pod, error;
  };

  Connection open(std::uint16_t port) {
    Connection c{std::make_shared<Pipe>(), std::make_shared<Pipe>(), std::make_shared<Pipe>()};
    streaming::PortForwardConnection connection;
    connection.port = port;
    connection.data_in = std::make_unique<PipeInput>(c.to_pod);
    connection.data_out = std::make_unique<PipeOutput>(c.from_pod);
    connection.error_out = std::make_unique<PipeOutput>(c.error);
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(connection));
    changed_.notify_all();
    return c;
  }
  void end() {
    std::lock_guard lock(mutex_);
    ended_ = true;
    changed_.notify_all();
  }
  std::optional<streaming::PortForwardConnection> accept() override {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return ended_ || !pending_.empty(); });
    if (pending_.empty()) return std::nullopt;
    auto connection = std::move(pending_.front());
    pending_.pop_front();
    return connection;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<streaming::PortForwardConnection> pending_;
  bool ended_ = false;
};

// One HTTP/1.0 GET over a forwarded connection; the client half-closes after
// the request, as a client that is done sending does.
std::string http_get(ForwardSession::Connection& c, const std::string& path = "/") {
  c.to_pod->write("GET " + path + " HTTP/1.0\r\nHost: pod\r\n\r\n");
  c.to_pod->close();
  return c.from_pod->read_all(30s);
}

struct WebPod {
  ShimProcess shim;
  std::unique_ptr<cri::RuntimeService::Stub> runtime = shim.runtime();
  Pod pod{*runtime, "forward_pod"};
  std::string container;
  WebPod() {
    // ::1 exists only where IPv6 is on; Docker turns it off in its bridge
    // networks' containers.
    auto& sysctls = *pod.config().mutable_linux()->mutable_sysctls();
    sysctls["net.ipv6.conf.all.disable_ipv6"] = "0";
    sysctls["net.ipv6.conf.lo.disable_ipv6"] = "0";
    pod.run();
    container = pod.create_and_start(
        "web",
        "mkdir -p /www && echo hello-from-pod > /www/index.html && "
        "httpd -p 127.0.0.1:8080 -h /www && httpd -p '[::1]:8086' -h /www && exec sleep 600");
    // Wait until both servers listen: polled for up to 30 s, then required
    // (on a loaded machine 100 polls could end first, and the forwarding
    // checks would then fail for want of a server).
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    bool listening = false;
    while (!listening) {
      listening = pod.exec(container, "netstat -ltn | grep -c -E ':(8080|8086) '").out.find('2') == 0;
      if (listening || std::chrono::steady_clock::now() > give_up) break;
      std::this_thread::sleep_for(100ms);
    }
    REQUIRE_MESSAGE(listening, "httpd does not listen on 8080 and [::1]:8086");
  }
};

}  // namespace

TEST_CASE("streaming runner: port-forward to a web server in the pod over IPv4 and IPv6, concurrently") {
  WebPod web;
  ForwardSession session;
  streaming::PortForwardRequest request;
  request.sandbox_id = web.pod.id();
  request.ports = {8080, 8086};
  Running run([&] { streaming::serve_port_forward(docker_client(), request, session); });

  auto v4 = session.open(8080);
  CHECK(http_get(v4).find("hello-from-pod") != std::string::npos);
  CHECK(v4.error->read_all().empty());

  // 8086 listens on ::1 only: the IPv4 attempt is refused, IPv6 connects.
  auto v6 = session.open(8086);
  CHECK(http_get(v6).find("hello-from-pod") != std::string::npos);
  CHECK(v6.error->read_all().empty());

  // Several at once, on both ports.
  std::vector<ForwardSession::Connection> many;
  for (int i = 0; i < 12; ++i) many.push_back(session.open(i % 2 ? 8080 : 8086));
  std::vector<std::future<std::string>> replies;
  for (auto& c : many) replies.push_back(std::async(std::launch::async, [&c] { return http_get(c); }));
  for (auto& reply : replies) CHECK(reply.get().find("hello-from-pod") != std::string::npos);

  session.end();
  CHECK(run.finished_within(10s));
}

TEST_CASE("streaming runner: port-forward to a port nothing listens on: an error on that connection only") {
  WebPod web;
  ForwardSession session;
  streaming::PortForwardRequest request;
  request.sandbox_id = web.pod.id();
  Running run([&] { streaming::serve_port_forward(docker_client(), request, session); });

  auto refused = session.open(9);
  auto fine = session.open(8080);
  const std::string error = refused.error->read_all();
  CHECK(error.find("error forwarding port 9 to pod " + web.pod.id() + ", uid : ") == 0);
  CHECK(error.find("Connection refused") != std::string::npos);
  CHECK(refused.from_pod->read_all().empty());
  CHECK(http_get(fine).find("hello-from-pod") != std::string::npos);
  CHECK(fine.error->read_all().empty());

  session.end();
  refused.to_pod->close();
  CHECK(run.finished_within(10s));
}

TEST_CASE("streaming runner: port-forward to an unknown sandbox reports on each connection") {
  ForwardSession session;
  streaming::PortForwardRequest request;
  request.sandbox_id = "no-such-sandbox-" + unique_suffix();
  Running run([&] { streaming::serve_port_forward(docker_client(), request, session); });
  auto c = session.open(80);
  CHECK(c.error->read_all().find("error forwarding port 80 to pod " + request.sandbox_id) == 0);
  session.end();
  c.to_pod->close();
  CHECK(run.finished_within(10s));
}

TEST_CASE("streaming runner: port-forward in a host-network pod reaches the host's localhost") {
  // A listener of the test's own on the host's loopback.
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 4) == 0);
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  const std::uint16_t port = ntohs(address.sin_port);
  std::thread server([listener] {
    int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) return;
    char buffer[256];
    std::string got;
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) got.append(buffer, std::size_t(n));
    const std::string reply = "host got: " + got;  // after the client's half-close
    ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
    ::close(fd);
  });

  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "host_net_pod");
  pod.config().mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(cri::NODE);
  pod.run();
  ForwardSession session;
  streaming::PortForwardRequest request;
  request.sandbox_id = pod.id();
  Running run([&] { streaming::serve_port_forward(docker_client(), request, session); });
  auto c = session.open(port);
  c.to_pod->write("ping");
  c.to_pod->close();
  CHECK(c.from_pod->read_all(30s) == "host got: ping");
  CHECK(c.error->read_all().empty());
  session.end();
  CHECK(run.finished_within(10s));
  ::shutdown(listener, SHUT_RDWR);
  server.join();
  ::close(listener);
}
