#include "shim/streaming/spdy/frames.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace shim::streaming::spdy;

namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) s.push_back(static_cast<char>(b));
  return s;
}

std::vector<Frame> parse_all(const std::string& in) {
  FrameParser p;
  p.feed(in);
  std::vector<Frame> out;
  while (auto f = p.next()) out.push_back(std::move(*f));
  return out;
}

std::string parse_error(const std::string& in) {
  FrameParser p;
  p.feed(in);
  try {
    while (p.next()) {
    }
  } catch (const FrameError& e) {
    return e.what();
  }
  return "";
}

// A control frame header: version 3, the type, flags and length.
std::string control_header(int type, int flags, int length, int version = 3) {
  return bytes({0x80 | (version >> 8), version & 0xff, type >> 8, type & 0xff, flags, (length >> 16) & 0xff,
                (length >> 8) & 0xff, length & 0xff});
}

}  // namespace

TEST_CASE("spdy frames: every frame type survives serialize and parse") {
  std::vector<Frame> frames = {
      SynStreamFrame{1, 0, 3, 0, kFlagFin, "compressed"},
      SynStreamFrame{0x7fffffff, 5, 7, 9, kFlagUnidirectional, ""},
      SynReplyFrame{3, kFlagFin, "block"},
      RstStreamFrame{5, static_cast<std::uint32_t>(RstStatus::kFlowControlError)},
      SettingsFrame{kFlagClearSettings, {{1, kSettingsInitialWindowSize, 1 << 20}, {0, 4, 100}}},
      SettingsFrame{0, {}},
      PingFrame{0xfffffffe},
      GoAwayFrame{7, static_cast<std::uint32_t>(GoAwayStatus::kProtocolError)},
      HeadersFrame{9, kFlagFin, "more"},
      WindowUpdateFrame{0, 0x7fffffff},
      WindowUpdateFrame{11, 1},
      DataFrame{13, kFlagFin, std::string(70000, 'x')},
      DataFrame{15, 0, ""},
  };
  std::string wire;
  for (const Frame& f : frames) wire += serialize(f);
  CHECK(parse_all(wire) == frames);

  // Fed one byte at a time, the parser gives the same frames.
  FrameParser p;
  std::vector<Frame> got;
  for (char c : wire) {
    p.feed(std::string_view(&c, 1));
    while (auto f = p.next()) got.push_back(std::move(*f));
  }
  CHECK(got == frames);
  CHECK(p.buffered() == 0);
}

TEST_CASE("spdy frames: byte layout matches the draft") {
  CHECK(serialize(PingFrame{1}) == bytes({0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1}));
  CHECK(serialize(DataFrame{3, kFlagFin, "hi"}) == bytes({0, 0, 0, 3, 0x01, 0, 0, 2, 'h', 'i'}));
  CHECK(serialize(WindowUpdateFrame{0, 0x10000}) ==
        bytes({0x80, 0x03, 0x00, 0x09, 0, 0, 0, 8, 0, 0, 0, 0, 0, 1, 0, 0}));
  CHECK(serialize(SynStreamFrame{1, 0, 2, 0, 0, "h"}) ==
        bytes({0x80, 0x03, 0x00, 0x01, 0, 0, 0, 11, 0, 0, 0, 1, 0, 0, 0, 0, 0x40, 0, 'h'}));
}

TEST_CASE("spdy frames: an undefined control type is skipped") {
  std::string wire = control_header(0x0a, 0, 3) + "abc" + serialize(PingFrame{5});
  CHECK(parse_all(wire) == std::vector<Frame>{PingFrame{5}});
}

TEST_CASE("spdy frames: malformed frames are rejected with the rule they break") {
  CHECK(parse_error(control_header(6, 0, 4, 2) + bytes({0, 0, 0, 1})).find("version 2") != std::string::npos);
  CHECK(parse_error(control_header(6, 0, 5) + bytes({0, 0, 0, 1, 0})).find("PING: length 5, must be 4") != std::string::npos);
  CHECK(parse_error(control_header(3, 0, 4) + bytes({0, 0, 0, 1})).find("RST_STREAM: length 4") != std::string::npos);
  CHECK(parse_error(control_header(3, 0, 8) + bytes({0, 0, 0, 1, 0, 0, 0, 0})).find("status 0") != std::string::npos);
  CHECK(parse_error(control_header(3, 0, 8) + bytes({0, 0, 0, 0, 0, 0, 0, 1})).find("stream ID 0") != std::string::npos);
  CHECK(parse_error(control_header(7, 0, 4) + bytes({0, 0, 0, 1})).find("GOAWAY: length 4") != std::string::npos);
  CHECK(parse_error(control_header(9, 0, 8) + bytes({0, 0, 0, 1, 0, 0, 0, 0})).find("delta 0") != std::string::npos);
  CHECK(parse_error(control_header(9, 0, 8) + bytes({0, 0, 0, 1, 0x80, 0, 0, 1})).find("reserved bit") != std::string::npos);
  CHECK(parse_error(control_header(1, 0, 10) + bytes({0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0})).find("reserved bit") != std::string::npos);
  CHECK(parse_error(control_header(1, 0, 9) + bytes({0, 0, 0, 1, 0, 0, 0, 0, 0})).find("at least 10") != std::string::npos);
  CHECK(parse_error(control_header(1, 0x04, 10) + bytes({0, 0, 0, 1, 0, 0, 0, 0, 0, 0})).find("undefined flags") != std::string::npos);
  CHECK(parse_error(control_header(4, 0, 12) + bytes({0, 0, 0, 2, 0, 0, 0, 7, 0, 0, 0, 1})).find("2 entries") != std::string::npos);
  CHECK(parse_error(control_header(4, 0, 4) + bytes({0xff, 0xff, 0xff, 0xff})).find("entries") != std::string::npos);
  CHECK(parse_error(bytes({0, 0, 0, 0, 0, 0, 0, 1, 'x'})).find("DATA: stream ID 0") != std::string::npos);
  CHECK(parse_error(bytes({0, 0, 0, 1, 0x02, 0, 0, 1, 'x'})).find("DATA: undefined flags") != std::string::npos);
}

TEST_CASE("spdy frames: an oversized control frame fails before its payload arrives") {
  FrameParser p(ParserLimits{1000});
  p.feed(control_header(1, 0, 5000));
  CHECK_THROWS_WITH_AS(p.next(), doctest::Contains("limit is 1000"), FrameError);
  // A failed parser stays failed: the byte stream cannot be resynchronized.
  p.feed(serialize(PingFrame{1}));
  CHECK_THROWS_AS(p.next(), FrameError);
}

TEST_CASE("spdy frames: serialize refuses what the wire cannot carry") {
  CHECK_THROWS_AS(serialize(DataFrame{0, 0, "x"}), std::invalid_argument);
  CHECK_THROWS_AS(serialize(DataFrame{0x80000000u, 0, "x"}), std::invalid_argument);
  CHECK_THROWS_AS(serialize(WindowUpdateFrame{1, 0}), std::invalid_argument);
  CHECK_THROWS_AS(serialize(RstStreamFrame{1, 0}), std::invalid_argument);
  CHECK_THROWS_AS(serialize(DataFrame{1, 0, std::string(kMaxFrameLength + 1, 'x')}), std::invalid_argument);
  CHECK_THROWS_AS(serialize(SynStreamFrame{1, 0, 8, 0, 0, ""}), std::invalid_argument);
}

TEST_CASE("spdy frames: random and mutated input only ever gives frames or FrameError") {
  std::string valid = serialize(SynStreamFrame{1, 0, 0, 0, 0, "abc"}) + serialize(DataFrame{1, kFlagFin, "data"}) +
                      serialize(SettingsFrame{0, {{0, 7, 100}}}) + serialize(WindowUpdateFrame{1, 5});
  std::uint32_t seed = 12345;
  auto rnd = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  for (int round = 0; round < 2000; ++round) {
    std::string input = valid;
    for (int k = 0; k < 3; ++k) input[rnd() % input.size()] = static_cast<char>(rnd());
    if (round % 2) input.resize(rnd() % input.size());
    FrameParser p(ParserLimits{4096});
    p.feed(input);
    try {
      while (p.next()) {
      }
    } catch (const FrameError&) {
    }
  }
}
