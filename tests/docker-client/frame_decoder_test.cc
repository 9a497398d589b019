#include <doctest/doctest.h>

#include "docker-client/error.h"
#include "docker-client/frame_decoder.h"

using namespace docker;

namespace {

std::string frame(int stream, const std::string& payload) {
  std::string h(8, '\0');
  h[0] = char(stream);
  auto n = static_cast<std::uint32_t>(payload.size());
  h[4] = char(n >> 24);
  h[5] = char(n >> 16);
  h[6] = char(n >> 8);
  h[7] = char(n);
  return h + payload;
}

std::vector<OutputChunk> drain(FrameDecoder& d) {
  std::vector<OutputChunk> out;
  while (auto c = d.next()) out.push_back(std::move(*c));
  return out;
}

}  // namespace

TEST_CASE("whole frames in one piece") {
  FrameDecoder d;
  std::string wire = frame(1, "hello\n") + frame(2, "oops\n") + frame(1, "bye");
  d.feed(wire.data(), wire.size());
  auto chunks = drain(d);
  REQUIRE(chunks.size() == 3);
  CHECK(chunks[0].stream == StreamKind::Stdout);
  CHECK(chunks[0].data == "hello\n");
  CHECK(chunks[1].stream == StreamKind::Stderr);
  CHECK(chunks[1].data == "oops\n");
  CHECK(chunks[2].data == "bye");
  CHECK(d.idle());
}

TEST_CASE("byte by byte: split headers and payloads") {
  FrameDecoder d;
  std::string wire = frame(2, "abc") + frame(1, "defgh");
  std::vector<OutputChunk> chunks;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    d.feed(&wire[i], 1);
    for (auto& c : drain(d)) chunks.push_back(c);
    if (i == 3) CHECK_FALSE(d.idle());  // mid-header
  }
  REQUIRE(chunks.size() == 2);
  CHECK(chunks[0].stream == StreamKind::Stderr);
  CHECK(chunks[0].data == "abc");
  CHECK(chunks[1].data == "defgh");
  CHECK(d.idle());
}

TEST_CASE("large frames over 64 KiB arrive whole, or in max_chunk pieces") {
  std::string big(200000, 'z');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = char('a' + i % 23);
  std::string wire = frame(1, big) + frame(2, "tail");
  {
    FrameDecoder d;
    for (std::size_t i = 0; i < wire.size(); i += 4096) {
      d.feed(wire.data() + i, std::min<std::size_t>(4096, wire.size() - i));
      if (i + 4096 < 200000) CHECK_FALSE(d.next().has_value());
    }
    auto chunks = drain(d);
    REQUIRE(chunks.size() == 2);
    CHECK(chunks[0].data == big);
    CHECK(chunks[1].data == "tail");
  }
  {
    FrameDecoder d(65536);
    d.feed(wire.data(), wire.size());
    auto chunks = drain(d);
    REQUIRE(chunks.size() == 5);  // 65536 * 3 + 3392, then "tail"
    std::string joined;
    for (std::size_t i = 0; i < 4; ++i) {
      CHECK(chunks[i].stream == StreamKind::Stdout);
      joined += chunks[i].data;
    }
    CHECK(joined == big);
    CHECK(chunks[4].stream == StreamKind::Stderr);
  }
}

TEST_CASE("zero-length frames yield nothing") {
  FrameDecoder d;
  std::string wire = frame(1, "") + frame(2, "") + frame(1, "x") + frame(1, "");
  d.feed(wire.data(), wire.size());
  auto chunks = drain(d);
  REQUIRE(chunks.size() == 1);
  CHECK(chunks[0].data == "x");
  CHECK(d.idle());
}

TEST_CASE("bad stream byte is a protocol error; stream 3 is Docker's error report") {
  FrameDecoder d;
  std::string wire = frame(7, "x");
  d.feed(wire.data(), wire.size());
  try {
    d.next();
    FAIL("no exception");
  } catch (const DockerError& e) {
    CHECK(e.kind() == DockerError::Kind::Protocol);
  }
  FrameDecoder s;
  std::string err = frame(1, "ok") + frame(3, "log driver failed");
  s.feed(err.data(), err.size());
  CHECK(s.next()->data == "ok");
  try {
    s.next();
    FAIL("no exception");
  } catch (const DockerError& e) {
    CHECK(e.kind() == DockerError::Kind::Stream);
    CHECK(e.message() == "log driver failed");
  }
}

// Found in the fuzzing review (tests/fuzz/corpus/frame_decoder/crash-huge-system-error):
// a system error frame was buffered whole whatever length its header gave,
// so a peer could make the decoder hold up to 4 GiB.
TEST_CASE("a system error frame longer than any error text is refused before it is buffered") {
  FrameDecoder d;
  std::string header(8, '\0');
  header[0] = 3;
  header[4] = char(0x7f);  // 2 GiB announced, a few bytes sent
  const std::string wire = header + "abc";
  d.feed(wire.data(), wire.size());
  try {
    d.next();
    FAIL("no exception");
  } catch (const DockerError& e) {
    CHECK(e.kind() == DockerError::Kind::Protocol);
  }
  FrameDecoder ok;  // the longest accepted is read as before
  const std::string text(FrameDecoder::kMaxSystemErrorSize, 'e');
  const std::string whole = frame(3, text);
  ok.feed(whole.data(), whole.size());
  CHECK_THROWS_AS(ok.next(), DockerError);
}

TEST_CASE("many small frames: buffer compaction keeps data intact") {
  FrameDecoder d;
  std::string wire;
  for (int i = 0; i < 5000; ++i) wire += frame(1 + i % 2, std::to_string(i));
  std::size_t count = 0;
  for (std::size_t i = 0; i < wire.size(); i += 1000) {
    d.feed(wire.data() + i, std::min<std::size_t>(1000, wire.size() - i));
    while (auto c = d.next()) {
      CHECK(c->data == std::to_string(count));
      CHECK(c->stream == (count % 2 ? StreamKind::Stderr : StreamKind::Stdout));
      ++count;
    }
  }
  CHECK(count == 5000);
}
