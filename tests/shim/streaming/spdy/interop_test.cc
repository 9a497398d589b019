// The SPDY session against a client not written here: Node's
// spdy-transport (tests/shim/streaming/interop/spdy_client.js), several MiB
// each way on concurrent streams, half-closes, a ping.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "shim/streaming/spdy/session.h"
#include "tests/shim/streaming/spdy/interop_paths.h"

using namespace shim::streaming;
using namespace shim::streaming::spdy;
using namespace std::chrono_literals;

namespace {

constexpr const char* kNode = "/usr/bin/node";

// The same bytes as pattern() in spdy_client.js.
std::string pattern(std::size_t offset, std::size_t length) {
  std::string b(length, '\0');
  for (std::size_t i = 0; i < length; ++i) {
    std::size_t n = offset + i;
    b[i] = static_cast<char>((n * 31 + (n >> 8)) & 0xff);
  }
  return b;
}

struct Child {
  pid_t pid = -1;
  int output = -1;  // the child's stdout and stderr
};

Child spawn_node(const std::string& script, std::vector<std::string> args) {
  int out[2];
  REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
  std::vector<std::string> argv_strings = {kNode, script};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    ::execv(kNode, argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  return {pid, out[0]};
}

// The child's output until it exits (or the deadline kills it), and its
// exit status.
std::pair<std::string, int> wait_child(Child child, std::chrono::seconds limit) {
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(child.pid, SIGKILL);
      text += "\n[killed after the time limit]";
      break;
    }
    pollfd p{child.output, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(child.output, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(child.output);
  int status = 0;
  ::waitpid(child.pid, &status, 0);
  return {text, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

}  // namespace

TEST_CASE("spdy session interop: Node's spdy-transport streams MiBs both ways, half-closes and pings") {
  if (!std::filesystem::exists(kNode)) {
    MESSAGE("skipped: " << kNode << " is not installed");
    return;
  }
  std::filesystem::path dir = SPDY_INTEROP_DIR;
  REQUIRE_MESSAGE(std::filesystem::exists(dir / "node_modules" / "spdy-transport"),
                  "spdy-transport is not installed in " << dir << ": run scripts/install-deps.sh");

  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);

  constexpr std::size_t kUpload = 5 * 1024 * 1024 + 123;
  constexpr std::size_t kDownload = 12 * 1024 * 1024 + 7;
  Child node = spawn_node((dir / "spdy_client.js").string(),
                          {std::to_string(ntohs(addr.sin_port)), std::to_string(kUpload), std::to_string(kDownload)});

  pollfd p{listener, POLLIN, 0};
  REQUIRE_MESSAGE(::poll(&p, 1, 20000) == 1, "node did not connect");
  int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  ::close(listener);
  REQUIRE(fd >= 0);

  std::string echoed_error, download_error;
  std::size_t echoed = 0;
  {
    Session session(fd);
    std::vector<std::thread> handlers;
    for (int i = 0; i < 2; ++i) {
      std::unique_ptr<Stream> stream = session.next_stream(std::chrono::steady_clock::now() + 20s);
      REQUIRE_MESSAGE(stream, "no stream: " << session.end_reason());
      std::string type = stream->header("streamtype").value_or("");
      std::shared_ptr<InputStream> in = stream->take_input();
      std::shared_ptr<OutputStream> out = stream->take_output();
      if (type == "echo") {
        handlers.emplace_back([in, out, &echoed, &echoed_error] {
          try {
            while (auto chunk = in->read()) {
              out->write(*chunk);
              echoed += chunk->size();
            }
            out->close();
          } catch (const std::exception& e) {
            echoed_error = e.what();
          }
        });
      } else {
        REQUIRE(type == "download");
        handlers.emplace_back([in, out, &download_error] {
          try {
            CHECK(in->read() == std::nullopt);  // the client half-closed at once
            for (std::size_t off = 0; off < kDownload; off += 64 * 1024) {
              out->write(pattern(off, std::min<std::size_t>(64 * 1024, kDownload - off)));
            }
            out->close();
          } catch (const std::exception& e) {
            download_error = e.what();
          }
        });
      }
    }
    for (std::thread& t : handlers) t.join();
    // The client sends GOAWAY when it has checked everything.
    auto [output, code] = wait_child(node, 60s);
    INFO("node said: " << output);
    CHECK(code == 0);
    CHECK(output.find("OK ") != std::string::npos);
    CHECK(output.find("echo " + std::to_string(kUpload) + " bytes") != std::string::npos);
    CHECK(output.find("download " + std::to_string(kDownload) + " bytes") != std::string::npos);
    CHECK(output.find("ping answered") != std::string::npos);
  }
  CHECK(echoed_error.empty());
  CHECK(download_error.empty());
  CHECK(echoed == kUpload);
}
