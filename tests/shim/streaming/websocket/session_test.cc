// WebSocket sessions over real loopback TCP connections, with a Beast
// client on the other end.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "shim/streaming/websocket/channel_session.h"
#include "shim/streaming/websocket/handshake.h"
#include "shim/streaming/websocket/port_forward_channels.h"
#include "shim/streaming/websocket/remote_command_channels.h"
#include "tests/shim/streaming/websocket/upgrade_listener.h"
#include "tests/shim/streaming/websocket/ws_client.h"

namespace ws = shim::streaming::websocket;
namespace beast = boost::beast;
using shim::streaming::RemoteCommandStreams;
using shim::streaming::StreamClosed;
using ws::testing::channel_message;
using ws::testing::TestClient;
using ws::testing::UpgradeListener;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

std::future<RemoteCommandStreams> serve_remote_command(UpgradeListener& listener, ws::RemoteCommandOptions options) {
  return std::async(std::launch::async, [&listener, options] {
    auto upgrade = listener.accept_one();
    return ws::accept_remote_command(upgrade.fd, upgrade.request, upgrade.already_read, options);
  });
}

constexpr ws::RemoteCommandOptions kAllStreams{.stdin = true, .stdout = true, .stderr = true, .tty = false};

}  // namespace

TEST_CASE("exec over v5: open notice, stdin, stdout, stderr, close signal, status, close 1000") {
  UpgradeListener listener;
  auto server = serve_remote_command(listener, kAllStreams);
  TestClient client;
  REQUIRE(client.connect(listener.port(), "/exec/token", {"v5.channel.k8s.io", "v4.channel.k8s.io"}));
  CHECK(client.negotiated() == "v5.channel.k8s.io");
  auto streams = server.get();
  CHECK(streams.protocol == "v5.channel.k8s.io");
  REQUIRE(streams.stdin_stream);
  REQUIRE(streams.stdout_stream);
  REQUIRE(streams.stderr_stream);
  REQUIRE(streams.error_stream);
  CHECK_FALSE(streams.resize_stream);

  // kubelet's "streams are open" notice: an empty stdout message.
  CHECK(client.receive() == "\x01"s);
  CHECK_FALSE(client.last_was_text());

  client.send_binary(channel_message(0, "hello\n"));
  CHECK(streams.stdin_stream->read() == "hello\n");
  streams.stdout_stream->write("out\0put"s);
  streams.stderr_stream->write("err");
  CHECK(client.receive() == "\x01out\0put"s);
  CHECK(client.receive() == "\x02"
                            "err"s);

  client.send_binary("\xff\x00"s);  // stdin EOF
  CHECK_FALSE(streams.stdin_stream->read());

  streams.error_stream->write(R"({"status":"Success"})");
  // The runner is done: every output closes, so does the session. Letting
  // go of the streams waits for the client's answer to the close frame.
  std::thread runner_done([s = std::move(streams)]() mutable { s = {}; });
  CHECK(client.receive() == "\x03{\"status\":\"Success\"}"s);
  const auto reason = client.receive_close();
  CHECK(reason.code == beast::websocket::close_code::normal);
  runner_done.join();
}

TEST_CASE("exec over v4.base64: text messages, version reported without base64") {
  UpgradeListener listener;
  auto server = serve_remote_command(listener, kAllStreams);
  TestClient client;
  REQUIRE(client.connect(listener.port(), "/exec/t", {"v4.base64.channel.k8s.io"}));
  auto streams = server.get();
  CHECK(streams.protocol == "v4.channel.k8s.io");
  CHECK(client.receive() == "1");
  CHECK(client.last_was_text());
  client.send_text("0Zm9vCg==");
  CHECK(streams.stdin_stream->read() == "foo\n");
  streams.stdout_stream->write("\n");
  CHECK(client.receive() == "1Cg==");
  CHECK(client.last_was_text());
  // No close signal before v5: the byte 255 is just an unknown channel.
  client.stream().close(beast::websocket::close_code::normal);
}

TEST_CASE("no sub-protocol offered: channel.k8s.io, answered without a protocol header") {
  UpgradeListener listener;
  auto server = serve_remote_command(listener, {.stdin = false, .stdout = false, .stderr = true, .tty = false});
  TestClient client;
  REQUIRE(client.connect(listener.port(), "/attach/t", {}));
  CHECK_FALSE(client.has_protocol_header());
  auto streams = server.get();
  CHECK(streams.protocol == "channel.k8s.io");
  CHECK_FALSE(streams.stdin_stream);
  CHECK_FALSE(streams.stdout_stream);
  REQUIRE(streams.stderr_stream);
  // The open notice goes to the lowest output that exists: stderr.
  CHECK(client.receive() == "\x02"s);
  // Stdin the client did not ask for is dropped, not an error.
  client.send_binary(channel_message(0, "ignored"));
  streams.stderr_stream->write("still here");
  CHECK(client.receive() == "\x02still here"s);
  client.stream().close(beast::websocket::close_code::normal);
}

TEST_CASE("tty: stderr merged away, resize stream, open notice on stdout") {
  UpgradeListener listener;
  auto server = serve_remote_command(listener, {.stdin = true, .stdout = true, .stderr = true, .tty = true});
  TestClient client;
  REQUIRE(client.connect(listener.port(), "/exec/t", {"v4.channel.k8s.io"}));
  auto streams = server.get();
  CHECK(streams.tty);
  CHECK_FALSE(streams.stderr_stream);
  REQUIRE(streams.resize_stream);
  CHECK(client.receive() == "\x01"s);
  client.send_binary(channel_message(4, R"({"Width":80,"Height":24})"));
  CHECK(streams.resize_stream->read() == R"({"Width":80,"Height":24})");
  client.stream().close(beast::websocket::close_code::normal);
}

TEST_CASE("no acceptable sub-protocol: HTTP 400 naming both sides, no session") {
  UpgradeListener listener;
  auto server = serve_remote_command(listener, kAllStreams);
  const auto answer = ws::testing::raw_upgrade(listener.port(), "/exec/t", "v3.channel.k8s.io, v2.channel.k8s.io");
  CHECK(answer.result() == boost::beast::http::status::bad_request);
  CHECK(answer.body().find("requested protocol(s) are not supported") != std::string::npos);
  try {
    server.get();
    FAIL("the handshake should have been refused");
  } catch (const ws::HandshakeError& e) {
    CHECK(std::string(e.what()) ==
          "requested protocol(s) are not supported: [v3.channel.k8s.io v2.channel.k8s.io]; supports "
          "[v5.channel.k8s.io v4.channel.k8s.io v4.base64.channel.k8s.io channel.k8s.io base64.channel.k8s.io]");
  }
}

TEST_CASE("a request that is no WebSocket upgrade is refused with 400") {
  UpgradeListener listener;
  auto server = serve_remote_command(listener, kAllStreams);
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), listener.port()});
  boost::asio::write(socket, boost::asio::buffer("GET /exec/t HTTP/1.1\r\nHost: x\r\n\r\n"s));
  CHECK_THROWS_AS(server.get(), ws::HandshakeError);
  boost::asio::streambuf answer;
  boost::asio::read_until(socket, answer, "\r\n");
  std::string status_line(boost::asio::buffers_begin(answer.data()), boost::asio::buffers_end(answer.data()));
  CHECK(status_line.rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("an unknown channel closes the session with policy error; its streams report it") {
  UpgradeListener listener;
  auto server = serve_remote_command(listener, kAllStreams);
  TestClient client;
  REQUIRE(client.connect(listener.port(), "/exec/t", {"v5.channel.k8s.io"}));
  auto streams = server.get();
  CHECK(client.receive() == "\x01"s);
  client.send_binary(channel_message(9, "x"));
  const auto reason = client.receive_close();
  CHECK(reason.code == beast::websocket::close_code::policy_error);
  CHECK(std::string(reason.reason.c_str()) == "unknown channel 9");
  CHECK_THROWS_AS(streams.stdin_stream->read(), StreamClosed);
  CHECK_THROWS_AS(streams.stdout_stream->write("late"), StreamClosed);
}

TEST_CASE("malformed base64 and a malformed close signal close the session") {
  SUBCASE("base64") {
    UpgradeListener listener;
    auto server = serve_remote_command(listener, kAllStreams);
    TestClient client;
    REQUIRE(client.connect(listener.port(), "/exec/t", {"base64.channel.k8s.io"}));
    auto streams = server.get();
    CHECK(client.receive() == "1");
    client.send_text("0not base64!");
    const auto reason = client.receive_close();
    CHECK(reason.code == beast::websocket::close_code::bad_payload);
    CHECK_THROWS_AS(streams.stdin_stream->read(), StreamClosed);
  }
  SUBCASE("close signal") {
    UpgradeListener listener;
    auto server = serve_remote_command(listener, kAllStreams);
    TestClient client;
    REQUIRE(client.connect(listener.port(), "/exec/t", {"v5.channel.k8s.io"}));
    auto streams = server.get();
    CHECK(client.receive() == "\x01"s);
    client.send_binary("\xff\x00\x01"s);
    CHECK(client.receive_close().code == beast::websocket::close_code::bad_payload);
  }
}

TEST_CASE("a frame sent right behind the upgrade request is not lost") {
  UpgradeListener listener;
  auto server = serve_remote_command(listener, kAllStreams);
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), listener.port()});
  // A masked binary frame carrying [0]"hello" (stdin), in the same write.
  const std::string payload = "\x00hello"s;
  const unsigned char mask[4] = {0x11, 0x22, 0x33, 0x44};
  std::string frame = "\x82"s;
  frame += static_cast<char>(0x80 | payload.size());
  frame.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < payload.size(); ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  const std::string request =
      "GET /exec/t HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(request + frame));
  auto streams = server.get();
  CHECK(streams.stdin_stream->read() == "hello");
  boost::asio::streambuf answer;
  boost::asio::read_until(socket, answer, "\r\n\r\n");
  std::string head(boost::asio::buffers_begin(answer.data()), boost::asio::buffers_end(answer.data()));
  CHECK(head.rfind("HTTP/1.1 101", 0) == 0);
  CHECK(head.find("Sec-WebSocket-Protocol: v4.channel.k8s.io") != std::string::npos);
  socket.close();  // the client goes: the session ends before the streams do
}

TEST_CASE("a ping from the client is answered while the session reads") {
  UpgradeListener listener;
  auto server = serve_remote_command(listener, kAllStreams);
  TestClient client;
  REQUIRE(client.connect(listener.port(), "/exec/t", {"v4.channel.k8s.io"}));
  auto streams = server.get();
  std::atomic<bool> pong{false};
  client.stream().control_callback([&](beast::websocket::frame_type kind, beast::string_view payload) {
    if (kind == beast::websocket::frame_type::pong && payload == "are you there") pong = true;
  });
  CHECK(client.receive() == "\x01"s);
  client.stream().ping("are you there");
  // The client sees the pong only inside a read, so messages come every
  // 100 ms until it is in (was one message after a fixed 100 ms, which a
  // loaded machine's session could send before it had answered the ping).
  std::atomic<bool> done{false};
  std::thread later([&] {
    while (!done) {
      std::this_thread::sleep_for(100ms);
      streams.stdout_stream->write("yes");
    }
  });
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!pong && std::chrono::steady_clock::now() < give_up) CHECK(client.receive() == "\x01yes"s);
  done = true;
  later.join();
  CHECK(pong);
  client.stream().close(beast::websocket::close_code::normal);
}

TEST_CASE("back-pressure: a writer waits for a slow client; 32 MiB arrive intact") {
  UpgradeListener listener;
  auto server = serve_remote_command(listener, {.stdin = false, .stdout = true, .stderr = false, .tty = false});
  TestClient client;
  REQUIRE(client.connect(listener.port(), "/exec/t", {"v4.channel.k8s.io"}));
  auto streams = server.get();
  CHECK(client.receive() == "\x01"s);

  constexpr std::size_t kTotal = 32 * 1024 * 1024;
  constexpr std::size_t kChunk = 100 * 1000;  // not a divisor of the message size
  std::atomic<std::size_t> written{0};
  std::thread writer([&] {
    std::string chunk(kChunk, '\0');
    for (std::size_t offset = 0; offset < kTotal; offset += kChunk) {
      const auto n = std::min(kChunk, kTotal - offset);
      for (std::size_t i = 0; i < n; ++i) chunk[i] = static_cast<char>((offset + i) % 251);
      streams.stdout_stream->write(std::string_view(chunk.data(), n));
      written += n;
    }
    streams = {};
  });
  // The client reads nothing for a while: the writer must stall with no
  // more than the session's queue and the kernel's socket buffers taken.
  std::this_thread::sleep_for(500ms);
  const std::size_t taken = written;
  CHECK(taken < 20u * 1024 * 1024);

  std::size_t received = 0;
  bool intact = true;
  try {
    for (;;) {
      const auto message = client.receive();
      REQUIRE(!message.empty());
      REQUIRE(message[0] == '\x01');
      CHECK(message.size() - 1 <= ws::ChannelSession::kMaxMessageData);
      for (std::size_t i = 1; i < message.size(); ++i, ++received) {
        if (message[i] != static_cast<char>(received % 251)) intact = false;
      }
    }
  } catch (const boost::system::system_error& e) {
    CHECK(e.code() == beast::websocket::error::closed);
  }
  writer.join();
  CHECK(intact);
  CHECK(received == kTotal);
}

TEST_CASE("the client closing mid-stream: writes fail, stdin ends, other sessions go on") {
  UpgradeListener listener;
  auto first_server = serve_remote_command(listener, kAllStreams);
  TestClient first;
  REQUIRE(first.connect(listener.port(), "/exec/1", {"v5.channel.k8s.io"}));
  auto first_streams = first_server.get();
  auto second_server = serve_remote_command(listener, kAllStreams);
  TestClient second;
  REQUIRE(second.connect(listener.port(), "/exec/2", {"v5.channel.k8s.io"}));
  auto second_streams = second_server.get();

  std::atomic<bool> writer_stopped{false};
  std::thread writer([&] {
    try {
      for (;;) first_streams.stdout_stream->write(std::string(64 * 1024, 'x'));
    } catch (const StreamClosed&) {
      writer_stopped = true;
    }
  });
  CHECK(first.receive() == "\x01"s);
  CHECK(first.receive().size() == 1 + 64 * 1024);
  first.stream().close(beast::websocket::close_code::normal);
  writer.join();
  CHECK(writer_stopped);
  CHECK_FALSE(first_streams.stdin_stream->read());  // a client's close is a clean end

  CHECK(second.receive() == "\x01"s);
  second.send_binary(channel_message(0, "still"));
  CHECK(second_streams.stdin_stream->read() == "still");
  second_streams.stdout_stream->write("alive");
  CHECK(second.receive() == "\x01"
                            "alive"s);
  second.stream().close(beast::websocket::close_code::normal);
}

TEST_CASE("the client vanishing without a close frame: stdin reports the session gone") {
  UpgradeListener listener;
  auto server = serve_remote_command(listener, kAllStreams);
  auto client = std::make_unique<TestClient>();
  REQUIRE(client->connect(listener.port(), "/exec/t", {"v4.channel.k8s.io"}));
  auto streams = server.get();
  client.reset();  // the socket closes, no close frame
  CHECK_THROWS_AS(streams.stdin_stream->read(), StreamClosed);
}

TEST_CASE("port-forward: ports from the query, the port first on every channel, data both ways") {
  UpgradeListener listener;
  auto server = std::async(std::launch::async, [&listener] {
    auto upgrade = listener.accept_one();
    const auto ports = ws::port_forward_ports_from_query(std::string(upgrade.request.target()));
    return ws::accept_port_forward(upgrade.fd, upgrade.request, upgrade.already_read, ports);
  });
  TestClient client;
  REQUIRE(client.connect(listener.port(), "/portforward/t?port=80&port=8080", {"v4.channel.k8s.io"}));
  auto session = server.get();
  auto first = session->accept();
  auto second = session->accept();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->port == 80);
  CHECK(second->port == 8080);

  CHECK(client.receive() == "\x00\x50\x00"s);
  CHECK(client.receive() == "\x01\x50\x00"s);
  CHECK(client.receive() == "\x02\x90\x1f"s);
  CHECK(client.receive() == "\x03\x90\x1f"s);

  client.send_binary(channel_message(2, "GET / HTTP/1.0\r\n\r\n"));
  CHECK(second->data_in->read() == "GET / HTTP/1.0\r\n\r\n");
  second->data_out->write("HTTP/1.0 200 OK\r\n\r\n");
  CHECK(client.receive() == "\x02HTTP/1.0 200 OK\r\n\r\n"s);
  first->error_out->write("error forwarding port 80: connection refused");
  CHECK(client.receive() == "\x01"
                            "error forwarding port 80: connection refused"s);

  // No third connection: accept() waits for the end of the session, which
  // comes when every connection's outputs are closed.
  auto third = std::async(std::launch::async, [&session] { return session->accept(); });
  CHECK(third.wait_for(200ms) == std::future_status::timeout);
  first.reset();
  second.reset();
  CHECK(client.receive_close().code == beast::websocket::close_code::normal);
  CHECK_FALSE(third.get());
}

TEST_CASE("port-forward refuses the remote-command-only v5 and SPDY's portforward.k8s.io") {
  UpgradeListener listener;
  auto server = std::async(std::launch::async, [&listener] {
    auto upgrade = listener.accept_one();
    return ws::accept_port_forward(upgrade.fd, upgrade.request, upgrade.already_read, {80});
  });
  const auto answer = ws::testing::raw_upgrade(listener.port(), "/portforward/t?port=80", "v5.channel.k8s.io, portforward.k8s.io");
  CHECK(answer.result() == boost::beast::http::status::bad_request);
  CHECK_THROWS_AS(server.get(), ws::HandshakeError);
}
