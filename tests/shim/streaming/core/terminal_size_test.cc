#include <doctest/doctest.h>

#include "shim/streaming/terminal_size.h"

using shim::streaming::MalformedResize;
using shim::streaming::TerminalSize;
using shim::streaming::TerminalSizeDecoder;

TEST_CASE("resize: one object per read") {
  TerminalSizeDecoder decoder;
  auto sizes = decoder.feed(R"({"Width":80,"Height":24})");
  REQUIRE(sizes.size() == 1);
  CHECK(sizes[0] == TerminalSize{80, 24});
}

TEST_CASE("resize: objects back to back, split anywhere, whitespace between") {
  const std::string stream = "{\"Width\":100,\"Height\":40}\n {\"Height\":50,\"Width\":120}{\"Width\":1,\"Height\":2}";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    TerminalSizeDecoder decoder;
    auto sizes = decoder.feed(std::string_view(stream).substr(0, cut));
    auto rest = decoder.feed(std::string_view(stream).substr(cut));
    sizes.insert(sizes.end(), rest.begin(), rest.end());
    REQUIRE(sizes.size() == 3);
    CHECK(sizes[0] == TerminalSize{100, 40});
    CHECK(sizes[1] == TerminalSize{120, 50});
    CHECK(sizes[2] == TerminalSize{1, 2});
  }
}

TEST_CASE("resize: keys without regard to case, unknown keys and braces in strings ignored") {
  TerminalSizeDecoder decoder;
  auto sizes = decoder.feed(R"({"width":7,"HEIGHT":9,"note":"}{\"x","nested":{"a":[1,{}]}})");
  REQUIRE(sizes.size() == 1);
  CHECK(sizes[0] == TerminalSize{7, 9});
}

TEST_CASE("resize: a missing side is 0 and not applicable") {
  TerminalSizeDecoder decoder;
  auto sizes = decoder.feed(R"({"Width":80})");
  REQUIRE(sizes.size() == 1);
  CHECK(sizes[0] == TerminalSize{80, 0});
  CHECK_FALSE(applicable(sizes[0]));
  CHECK(applicable(TerminalSize{80, 24}));
}

TEST_CASE("resize: malformed input is an error, and the decoder stays failed") {
  for (const char* bad : {"[1,2]", "42", "{\"Width\":-1,\"Height\":2}", "{\"Width\":65536,\"Height\":2}",
                          "{\"Width\":80.5,\"Height\":2}", "{\"Width\":\"80\",\"Height\":2}", "{\"Width\":80,}",
                          "{]"}) {
    CAPTURE(bad);
    TerminalSizeDecoder decoder;
    CHECK_THROWS_AS(decoder.feed(bad), MalformedResize);
    CHECK_THROWS_AS(decoder.feed(R"({"Width":80,"Height":24})"), MalformedResize);
  }
}

TEST_CASE("resize: the largest values fit") {
  TerminalSizeDecoder decoder;
  auto sizes = decoder.feed(R"({"Width":65535,"Height":0})");
  REQUIRE(sizes.size() == 1);
  CHECK(sizes[0] == TerminalSize{65535, 0});
}

TEST_CASE("resize: an object that never ends is cut off") {
  TerminalSizeDecoder decoder;
  CHECK_NOTHROW(decoder.feed("{\"Width\":"));
  std::string spaces(TerminalSizeDecoder::kMaxPendingBytes, ' ');
  CHECK_THROWS_AS(decoder.feed(spaces), MalformedResize);
}
