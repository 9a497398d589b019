#include <doctest/doctest.h>

#include <future>
#include <map>
#include <set>

#include "shim/streaming/spdy/port_forward_streams.h"
#include "shim/streaming/spdy/remote_command_streams.h"
#include "tests/shim/streaming/spdy/test_client.h"

using namespace shim::streaming;
using namespace shim::streaming::spdy;
using spdy_test::TestClient;
using namespace std::chrono_literals;

namespace {

struct Pair {
  Pair() {
    auto [server_fd, client_fd] = spdy_test::socket_pair();
    session = std::make_unique<Session>(server_fd);
    client = std::make_unique<TestClient>(client_fd);
  }
  std::unique_ptr<Session> session;
  std::unique_ptr<TestClient> client;
};

// Text the server sent on `id` up to its FIN, and whether a RST came for
// `rst_id` meanwhile.
std::string text_until_fin(TestClient& c, std::uint32_t id) {
  std::string out;
  while (auto d = c.next_of<DataFrame>(3s)) {
    if (d->stream_id != id) continue;
    out += d->data;
    if (d->flags & kFlagFin) break;
  }
  return out;
}

bool got_reset(TestClient& c, std::uint32_t id) {
  for (const Frame& f : c.skipped()) {
    if (auto* r = std::get_if<RstStreamFrame>(&f); r && r->stream_id == id) return true;
  }
  while (auto r = c.next_of<RstStreamFrame>(1s)) {
    if (r->stream_id == id) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("remote command: v4 with stdin, stdout, stderr waits for all four streams") {
  Pair p;
  p.client->open(1, {{"streamtype", "error"}});
  p.client->open(3, {{"streamtype", "stdin"}});
  p.client->open(5, {{"streamtype", "stdout"}});
  p.client->open(7, {{"streamtype", "stderr"}});
  RemoteCommandStreams s = accept_remote_command(*p.session, "v4.channel.k8s.io", {true, true, true, false}, 5s);
  CHECK(s.protocol == "v4.channel.k8s.io");
  REQUIRE(s.stdin_stream);
  REQUIRE(s.stdout_stream);
  REQUIRE(s.stderr_stream);
  REQUIRE(s.error_stream);
  CHECK_FALSE(s.resize_stream);
  CHECK_FALSE(s.tty);
  p.client->data(3, "input", true);
  CHECK(s.stdin_stream->read() == "input");
  s.stdout_stream->write("out");
  s.stdout_stream->close();
  CHECK(text_until_fin(*p.client, 5) == "out");
}

TEST_CASE("remote command: a TTY drops stderr and adds resize from v3 on") {
  Pair p;
  p.client->open(1, {{"streamtype", "stdout"}});
  p.client->open(3, {{"streamtype", "resize"}});
  p.client->open(5, {{"streamtype", "error"}});
  RemoteCommandStreams s = accept_remote_command(*p.session, "v3.channel.k8s.io", {false, true, true, true}, 5s);
  CHECK(s.tty);
  CHECK_FALSE(s.stderr_stream);
  REQUIRE(s.resize_stream);
  p.client->data(3, R"({"Width":80,"Height":24})");
  CHECK(s.resize_stream->read() == R"({"Width":80,"Height":24})");
}

TEST_CASE("remote command: v2 with a TTY expects no resize stream") {
  Pair p;
  p.client->open(1, {{"streamtype", "error"}});
  p.client->open(3, {{"streamtype", "stdout"}});
  RemoteCommandStreams s = accept_remote_command(*p.session, "v2.channel.k8s.io", {false, true, false, true}, 5s);
  CHECK_FALSE(s.resize_stream);
  CHECK(s.error_stream);
}

TEST_CASE("remote command: v1 resets the error stream and half-closes stdin, as kubelet 1.0") {
  Pair p;
  p.client->open(1, {{"streamtype", "error"}});
  p.client->open(3, {{"streamtype", "stdin"}});
  p.client->open(5, {{"streamtype", "stdout"}});
  RemoteCommandStreams s = accept_remote_command(*p.session, "", {true, true, false, false}, 5s);
  CHECK(s.protocol == "channel.k8s.io");
  CHECK_FALSE(s.error_stream);
  CHECK(s.stdin_stream);
  CHECK(text_until_fin(*p.client, 3).empty());  // FIN on stdin from our side
  CHECK(got_reset(*p.client, 1));
}

TEST_CASE("remote command: unexpected streams are ignored; missing ones time out by name") {
  Pair p;
  p.client->open(1, {{"streamtype", "error"}});
  p.client->open(3, {{"streamtype", "bogus"}});
  p.client->open(5, {{"streamtype", "stderr"}});  // not asked for
  // 1 s (was 300 ms): the error stream must have been taken by then, or it
  // would be named missing too; a loaded machine's session thread can be late.
  CHECK_THROWS_WITH_AS(accept_remote_command(*p.session, "v4.channel.k8s.io", {true, true, false, false}, 1s),
                       doctest::Contains("missing: stdin, stdout"), StreamCreationTimeout);
}

TEST_CASE("remote command: an unknown protocol and an ended session are errors") {
  Pair p;
  CHECK_THROWS_AS(accept_remote_command(*p.session, "v9.channel.k8s.io", {true, false, false, false}, 1s),
                  std::invalid_argument);
  p.client.reset();
  CHECK_THROWS_AS(accept_remote_command(*p.session, "v4.channel.k8s.io", {true, false, false, false}, 5s),
                  StreamClosed);
}

TEST_CASE("port forward: error and data streams sharing a requestid make a connection") {
  Pair p;
  SpdyPortForwardSession pf(*p.session, 5s);
  p.client->open(1, {{"streamtype", "error"}, {"port", "8080"}, {"requestid", "0"}});
  p.client->open(3, {{"streamtype", "error"}, {"port", "9090"}, {"requestid", "1"}});
  p.client->open(5, {{"streamtype", "data"}, {"port", "9090"}, {"requestid", "1"}});
  p.client->open(7, {{"streamtype", "data"}, {"port", "8080"}, {"requestid", "0"}});
  auto first = pf.accept();
  REQUIRE(first);
  CHECK(first->port == 9090);
  auto second = pf.accept();
  REQUIRE(second);
  CHECK(second->port == 8080);
  p.client->data(7, "GET /");
  CHECK(second->data_in->read() == "GET /");
  second->data_out->write("200");
  second->data_out->close();
  CHECK(text_until_fin(*p.client, 7) == "200");
  second->error_out->write("boom");
  second->error_out->close();
  CHECK(text_until_fin(*p.client, 1) == "boom");
}

TEST_CASE("port forward: without requestid, pairs are guessed from stream IDs") {
  Pair p;
  SpdyPortForwardSession pf(*p.session, 5s);
  p.client->open(1, {{"streamtype", "error"}, {"port", "80"}});
  p.client->open(3, {{"streamtype", "data"}, {"port", "80"}});
  auto c = pf.accept();
  REQUIRE(c);
  CHECK(c->port == 80);
}

TEST_CASE("port forward: a bad or missing port is reported on the error stream") {
  Pair p;
  SpdyPortForwardSession pf(*p.session, 5s);
  p.client->open(1, {{"streamtype", "error"}, {"port", "http"}, {"requestid", "a"}});
  p.client->open(3, {{"streamtype", "data"}, {"port", "http"}, {"requestid", "a"}});
  p.client->open(5, {{"streamtype", "data"}, {"requestid", "b"}});
  p.client->open(7, {{"streamtype", "error"}, {"port", "70000"}, {"requestid", "b"}});
  p.client->open(9, {{"streamtype", "error"}, {"port", "0"}, {"requestid", "c"}});
  p.client->open(11, {{"streamtype", "data"}, {"port", "22"}, {"requestid", "ok"}});
  p.client->open(13, {{"streamtype", "error"}, {"port", "22"}, {"requestid", "ok"}});
  auto c = pf.accept();  // only the good pair comes out
  REQUIRE(c);
  CHECK(c->port == 22);
  // Everything the server sent meanwhile, by stream.
  std::map<std::uint32_t, std::string> text;
  std::set<std::uint32_t> fins, resets;
  while (auto f = p.client->next(1s)) {
    if (auto* d = std::get_if<DataFrame>(&*f)) {
      text[d->stream_id] += d->data;
      if (d->flags & kFlagFin) fins.insert(d->stream_id);
    }
    if (auto* r = std::get_if<RstStreamFrame>(&*f)) resets.insert(r->stream_id);
  }
  CHECK(text[1].find("unable to parse \"http\" as a port") != std::string::npos);
  CHECK(text[7].find("\"port\" header is required") != std::string::npos);  // from its data stream
  CHECK(text[9].find("must be > 0") != std::string::npos);
  CHECK(fins.count(1) + fins.count(7) + fins.count(9) == 3);
  CHECK(resets.count(3) == 1);
  CHECK(resets.count(5) == 1);
}

TEST_CASE("port forward: an incomplete pair times out; other stream types are reset; the end ends accept") {
  Pair p;
  SpdyPortForwardSession pf(*p.session, 200ms);
  p.client->open(1, {{"streamtype", "error"}, {"port", "80"}, {"requestid", "lonely"}});
  p.client->open(3, {{"streamtype", "stdin"}, {"port", "80"}, {"requestid", "x"}});
  auto accepted = std::async(std::launch::async, [&] { return pf.accept(); });
  CHECK(text_until_fin(*p.client, 1).find("timed out waiting for streams") != std::string::npos);
  CHECK(got_reset(*p.client, 3));
  p.client.reset();
  CHECK(accepted.get() == std::nullopt);
}
