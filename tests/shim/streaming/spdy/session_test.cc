#include "shim/streaming/spdy/session.h"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <thread>

#include "tests/shim/streaming/spdy/test_client.h"

using namespace shim::streaming;
using namespace shim::streaming::spdy;
using spdy_test::TestClient;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  Fixture(SessionOptions options = {}) {
    auto [server_fd, client_fd] = spdy_test::socket_pair();
    session = std::make_unique<Session>(server_fd, std::string_view{}, options);
    client = std::make_unique<TestClient>(client_fd);
  }
  std::unique_ptr<Session> session;
  std::unique_ptr<TestClient> client;

  std::unique_ptr<Stream> open(std::uint32_t id, const Headers& headers) {
    client->open(id, headers);
    auto s = session->next_stream(std::chrono::steady_clock::now() + 5s);
    REQUIRE(s);
    return s;
  }
};

std::string pattern(std::size_t n, std::size_t seed = 0) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed + i / 7) & 0xff);
  return s;
}

// Collects DATA of one stream until FIN (or timeout); other frames are
// kept in the client's skipped list.
std::string read_until_fin(TestClient& c, std::uint32_t id, bool* fin = nullptr) {
  std::string out;
  for (;;) {
    auto d = c.next_of<DataFrame>(5s);
    if (!d) break;
    if (d->stream_id != id) continue;
    out += d->data;
    if (d->flags & kFlagFin) {
      if (fin) *fin = true;
      break;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("spdy session: a stream is replied to, announced with its headers, and carries data both ways") {
  Fixture f;
  auto stream = f.open(1, {{"streamtype", "stdout"}, {"port", "8080"}});
  CHECK(stream->id() == 1);
  CHECK(stream->header("streamtype") == "stdout");
  CHECK(stream->header("port") == "8080");

  auto reply = f.client->next_of<SynReplyFrame>();
  REQUIRE(reply);
  CHECK(reply->stream_id == 1);
  CHECK(header_value(f.client->reply_headers(1), ":status") == "200");

  auto in = stream->take_input();
  auto out = stream->take_output();
  CHECK(stream->take_input() == nullptr);  // only once

  f.client->data(1, "hello ");
  f.client->data(1, "world", true);
  CHECK(in->read() == "hello ");
  CHECK(in->read() == "world");
  CHECK(in->read() == std::nullopt);  // FIN: end of stream

  out->write("from the server");
  out->close();
  out->close();  // idempotent
  bool fin = false;
  CHECK(read_until_fin(*f.client, 1, &fin) == "from the server");
  CHECK(fin);
  CHECK_THROWS_AS(out->write("late"), StreamClosed);
}

TEST_CASE("spdy session: data arriving before the stream is taken is kept; initial bytes are parsed") {
  auto [server_fd, client_fd] = spdy_test::socket_pair();
  TestClient client(client_fd);
  // The HTTP layer read the first frame together with the request.
  HeaderCompressor c;
  std::string first = serialize(SynStreamFrame{1, 0, 0, 0, 0, client.compressor().compress({{"streamtype", "stdin"}})});
  SessionOptions quick;
  quick.linger = 100ms;  // the client keeps its end open: do not wait for it
  Session session(server_fd, first, quick);
  client.data(1, "early", true);
  auto stream = session.next_stream(std::chrono::steady_clock::now() + 5s);
  REQUIRE(stream);
  auto in = stream->take_input();
  CHECK(in->read() == "early");
  CHECK(in->read() == std::nullopt);
}

TEST_CASE("spdy session: PING is answered with its ID") {
  Fixture f;
  f.client->send(PingFrame{7});
  auto pong = f.client->next_of<PingFrame>();
  REQUIRE(pong);
  CHECK(pong->id == 7);
}

TEST_CASE("spdy session: RST_STREAM from the client ends that stream only") {
  Fixture f;
  auto a = f.open(1, {{"streamtype", "a"}});
  auto b = f.open(3, {{"streamtype", "b"}});
  auto a_in = a->take_input();
  auto a_out = a->take_output();
  auto b_out = b->take_output();
  auto reader = std::async(std::launch::async, [&] { return a_in->read(); });
  f.client->send(RstStreamFrame{1, static_cast<std::uint32_t>(RstStatus::kCancel)});
  CHECK(reader.get() == std::nullopt);
  // The reset may race with the first write; the second surely sees it.
  CHECK_THROWS_AS((a_out->write("x"), std::this_thread::sleep_for(50ms), a_out->write("x")), StreamClosed);
  b_out->write("still here");
  b_out->close();
  CHECK(read_until_fin(*f.client, 3) == "still here");
  CHECK_FALSE(f.session->ended());
}

TEST_CASE("spdy session: the server resets a stream") {
  Fixture f;
  auto s = f.open(1, {{"streamtype", "a"}});
  auto out = s->take_output();
  s->reset(RstStatus::kRefusedStream);
  auto rst = f.client->next_of<RstStreamFrame>();
  REQUIRE(rst);
  CHECK(rst->stream_id == 1);
  CHECK(rst->status == static_cast<std::uint32_t>(RstStatus::kRefusedStream));
  CHECK_THROWS_AS(out->write("x"), StreamClosed);
}

TEST_CASE("spdy session: GOAWAY from the client ends the session") {
  Fixture f;
  auto s = f.open(1, {{"streamtype", "a"}});
  auto in = s->take_input();
  auto out = s->take_output();
  auto reader = std::async(std::launch::async, [&] { return in->read(); });
  auto acceptor = std::async(std::launch::async, [&] { return f.session->next_stream(); });
  f.client->send(GoAwayFrame{1, 0});
  CHECK(reader.get() == std::nullopt);
  CHECK(acceptor.get() == nullptr);
  CHECK(f.session->ended());
  CHECK(f.session->end_reason().find("GOAWAY") != std::string::npos);
  CHECK_THROWS_AS(out->write("x"), StreamClosed);
}

TEST_CASE("spdy session: the client closing its socket ends the session") {
  Fixture f;
  auto s = f.open(1, {{"streamtype", "a"}});
  auto in = s->take_input();
  auto out = s->take_output();
  auto reader = std::async(std::launch::async, [&] { return in->read(); });
  f.client.reset();
  CHECK(reader.get() == std::nullopt);
  CHECK(f.session->next_stream() == nullptr);
  // Closed, or reset when our SYN_REPLY was still unread in its buffer, or
  // our write of the SYN_REPLY failing first: all are "peer ...".
  CHECK(f.session->end_reason().rfind("peer ", 0) == 0);
  CHECK_THROWS_AS(out->write("x"), StreamClosed);
}

TEST_CASE("spdy session: close() sends queued data, then GOAWAY(OK), then end of file") {
  Fixture f;
  auto s = f.open(1, {{"streamtype", "a"}});
  auto out = s->take_output();
  out->write(pattern(100000));
  f.session->close();
  CHECK_THROWS_AS(out->write("x"), StreamClosed);
  std::string got;
  std::optional<GoAwayFrame> goaway;
  while (auto frame = f.client->next()) {
    if (auto* d = std::get_if<DataFrame>(&*frame)) got += d->data;
    if (auto* g = std::get_if<GoAwayFrame>(&*frame)) goaway = *g;
  }
  CHECK(got == pattern(100000));
  REQUIRE(goaway);
  CHECK(goaway->status == static_cast<std::uint32_t>(GoAwayStatus::kOk));
  CHECK(goaway->last_good_stream_id == 1);
  CHECK(f.client->eof());
}

TEST_CASE("spdy session: a peer that never sends WINDOW_UPDATE (spdystream) still gets everything") {
  Fixture f;
  auto s = f.open(1, {{"streamtype", "stdout"}});
  auto out = s->take_output();
  std::string big = pattern(3 * 1024 * 1024);
  auto writer = std::async(std::launch::async, [&] {
    out->write(big);
    out->close();
  });
  CHECK(read_until_fin(*f.client, 1) == big);
  writer.get();
}

TEST_CASE("spdy session: a flow-controlled peer's windows are honoured") {
  Fixture f;
  // Like spdy-transport: SETTINGS and a session WINDOW_UPDATE first.
  f.client->send(SettingsFrame{0, {{0, kSettingsInitialWindowSize, 16 * 1024}}});
  f.client->send(WindowUpdateFrame{0, 1024 * 1024});
  auto s = f.open(1, {{"streamtype", "stdout"}});
  auto out = s->take_output();
  std::atomic<bool> done{false};
  std::string big = pattern(100 * 1024);
  auto writer = std::async(std::launch::async, [&] {
    out->write(big);
    out->close();
    done = true;
  });
  // Exactly one window's worth arrives, then the writer waits.
  std::string got;
  while (got.size() < 16 * 1024) {
    auto d = f.client->next_of<DataFrame>(5s);
    REQUIRE(d);
    got += d->data;
  }
  CHECK(got.size() == 16 * 1024);
  CHECK_FALSE(f.client->next_of<DataFrame>(300ms));
  CHECK_FALSE(done);
  // Each WINDOW_UPDATE lets exactly its delta through.
  while (got.size() < big.size()) {
    f.client->send(WindowUpdateFrame{1, 16 * 1024});
    std::size_t target = std::min(big.size(), got.size() + 16 * 1024);
    while (got.size() < target) {
      auto d = f.client->next_of<DataFrame>(5s);
      REQUIRE(d);
      got += d->data;
    }
    CHECK(got.size() == target);
  }
  CHECK(got == big);
  // The FIN needs no window.
  auto fin = f.client->next_of<DataFrame>(5s);
  REQUIRE(fin);
  CHECK((fin->flags & kFlagFin));
  writer.get();
}

TEST_CASE("spdy session: the session window holds back every stream") {
  Fixture f;
  f.client->send(WindowUpdateFrame{1, 1});  // unknown stream: ignored, but shows flow control
  auto a = f.open(1, {{"streamtype", "a"}});
  auto b = f.open(3, {{"streamtype", "b"}});
  auto a_out = a->take_output();
  auto b_out = b->take_output();
  a_out->write(pattern(64 * 1024));  // the whole 64 KiB session window
  auto writer = std::async(std::launch::async, [&] { b_out->write("blocked"); });
  CHECK(writer.wait_for(300ms) == std::future_status::timeout);
  f.client->send(WindowUpdateFrame{0, 100});
  writer.get();
}

TEST_CASE("spdy session: consumed data is credited back with WINDOW_UPDATE") {
  Fixture f;
  auto s = f.open(1, {{"streamtype", "stdin"}});
  auto in = s->take_input();
  std::string sent = pattern(64 * 1024);
  for (std::size_t off = 0; off < sent.size(); off += 8192) f.client->data(1, sent.substr(off, 8192));
  std::string got;
  while (got.size() < sent.size()) got += in->read().value();
  CHECK(got == sent);
  std::uint32_t stream_credit = 0, session_credit = 0;
  while (stream_credit < sent.size() || session_credit < sent.size()) {
    auto w = f.client->next_of<WindowUpdateFrame>(2s);
    REQUIRE(w);
    (w->stream_id == 0 ? session_credit : stream_credit) += w->delta;
  }
  CHECK(stream_credit == sent.size());
  CHECK(session_credit == sent.size());
}

TEST_CASE("spdy session: a flow-controlled peer overrunning its window gets RST_STREAM(FLOW_CONTROL_ERROR)") {
  Fixture f;
  f.client->send(WindowUpdateFrame{0, 1000});
  auto s = f.open(1, {{"streamtype", "stdin"}});
  auto in = s->take_input();  // taken, never read: nothing is credited
  f.client->data(1, pattern(64 * 1024));
  f.client->data(1, "one too many");
  auto rst = f.client->next_of<RstStreamFrame>();
  REQUIRE(rst);
  CHECK(rst->stream_id == 1);
  CHECK(rst->status == static_cast<std::uint32_t>(RstStatus::kFlowControlError));
  CHECK(in->read() == std::nullopt);
  CHECK_FALSE(f.session->ended());
}

TEST_CASE("spdy session: stream-level faults reset the stream, the session goes on") {
  Fixture f;
  // Data for a stream never opened.
  f.client->data(5, "x");
  auto rst = f.client->next_of<RstStreamFrame>();
  REQUIRE(rst);
  CHECK(rst->stream_id == 5);
  CHECK(rst->status == static_cast<std::uint32_t>(RstStatus::kInvalidStream));
  // A header block that inflates but breaks the rules (upper-case name).
  f.client->send(SynStreamFrame{7, 0, 0, 0, 0, f.client->compressor().compress_raw(
                                                   std::string("\0\0\0\1\0\0\0\4Port\0\0\0\1" "1", 17))});
  rst = f.client->next_of<RstStreamFrame>();
  REQUIRE(rst);
  CHECK(rst->stream_id == 7);
  CHECK(rst->status == static_cast<std::uint32_t>(RstStatus::kProtocolError));
  // Data after the client's FIN.
  auto s = f.open(9, {{"streamtype", "a"}});
  f.client->data(9, "last", true);
  f.client->data(9, "after");
  rst = f.client->next_of<RstStreamFrame>();
  REQUIRE(rst);
  CHECK(rst->status == static_cast<std::uint32_t>(RstStatus::kStreamAlreadyClosed));
  // Still serving.
  auto s2 = f.open(11, {{"streamtype", "b"}});
  CHECK(s2->header("streamtype") == "b");
  CHECK_FALSE(f.session->ended());
}

namespace {

// Sends `bad`, expects GOAWAY(PROTOCOL_ERROR) and the end of the session.
void expect_protocol_error(const std::string& bad, const std::string& reason_part) {
  Fixture f;
  // A second session beside it must not notice.
  Fixture other;
  auto other_stream = other.open(1, {{"streamtype", "a"}});

  auto s = f.open(1, {{"streamtype", "a"}});
  auto in = s->take_input();
  f.client->send_raw(bad);
  auto goaway = f.client->next_of<GoAwayFrame>();
  REQUIRE(goaway);
  CHECK(goaway->status == static_cast<std::uint32_t>(GoAwayStatus::kProtocolError));
  CHECK(goaway->last_good_stream_id == 1);
  CHECK(in->read() == std::nullopt);
  CHECK(f.session->ended());
  CHECK(f.session->end_reason().find(reason_part) != std::string::npos);

  auto other_out = other_stream->take_output();
  other_out->write("fine");
  other_out->close();
  CHECK(read_until_fin(*other.client, 1) == "fine");
  CHECK_FALSE(other.session->ended());
}

}  // namespace

TEST_CASE("spdy session: malformed input ends that session with GOAWAY(PROTOCOL_ERROR)") {
  SUBCASE("wrong version") {
    std::string ping = serialize(PingFrame{1});
    ping[1] = 2;
    expect_protocol_error(ping, "version 2");
  }
  SUBCASE("bad length") {
    std::string ping = serialize(PingFrame{1});
    ping[7] = 5;
    expect_protocol_error(ping + "x", "PING: length 5");
  }
  SUBCASE("garbage") { expect_protocol_error(std::string(64, '\xff'), "protocol error"); }
  SUBCASE("header block not zlib") {
    expect_protocol_error(serialize(SynStreamFrame{3, 0, 0, 0, 0, "not zlib"}), "header block");
  }
  SUBCASE("oversized header block") {
    Fixture f;
    std::string big(300 * 1024, 'v');
    f.client->send(SynStreamFrame{1, 0, 0, 0, 0, f.client->compressor().compress({{"x", big}})});
    auto goaway = f.client->next_of<GoAwayFrame>();
    REQUIRE(goaway);
    CHECK(goaway->status == static_cast<std::uint32_t>(GoAwayStatus::kProtocolError));
    CHECK(f.session->end_reason().find("more than 262144") != std::string::npos);
  }
  SUBCASE("stream IDs going backwards") {
    Fixture f;
    f.open(5, {{"streamtype", "a"}});
    f.client->open(3, {{"streamtype", "b"}});
    auto goaway = f.client->next_of<GoAwayFrame>();
    REQUIRE(goaway);
    CHECK(goaway->last_good_stream_id == 5);
    CHECK(f.session->end_reason().find("not above 5") != std::string::npos);
  }
  SUBCASE("even stream ID from the client") {
    Fixture f;
    f.client->open(2, {{"streamtype", "a"}});
    REQUIRE(f.client->next_of<GoAwayFrame>());
    CHECK(f.session->end_reason().find("even stream ID") != std::string::npos);
  }
}

TEST_CASE("spdy session: a peer that ignores windows is paced by its reader, not buffered without end") {
  SessionOptions options;
  options.max_buffered_input = 64 * 1024;
  Fixture f(options);
  auto s = f.open(1, {{"streamtype", "stdin"}});
  auto in = s->take_input();
  // 1 MiB without regard for windows, from a thread (the socket fills up).
  std::string sent = pattern(1024 * 1024);
  auto sender = std::async(std::launch::async, [&] {
    for (std::size_t off = 0; off < sent.size(); off += 32 * 1024) f.client->data(1, sent.substr(off, 32 * 1024));
    f.client->data(1, "", true);
  });
  std::this_thread::sleep_for(200ms);
  std::string got;
  while (auto chunk = in->read()) got += *chunk;
  sender.get();
  CHECK(got == sent);
  // Meanwhile PINGs are still answered once the reader catches up.
  f.client->send(PingFrame{3});
  CHECK(f.client->next_of<PingFrame>());
}

TEST_CASE("spdy session: destroying the session ends streams held elsewhere") {
  auto [server_fd, client_fd] = spdy_test::socket_pair();
  TestClient client(client_fd);
  SessionOptions quick;
  quick.linger = 100ms;  // the client keeps its end open: do not wait for it
  auto session = std::make_unique<Session>(server_fd, std::string_view{}, quick);
  client.open(1, {{"streamtype", "a"}});
  auto s = session->next_stream(std::chrono::steady_clock::now() + 5s);
  REQUIRE(s);
  auto in = s->take_input();
  auto out = s->take_output();
  session.reset();
  CHECK(in->read() == std::nullopt);
  CHECK_THROWS_AS(out->write("x"), StreamClosed);
}
