// common/logging: json_escape keeps every JSON log line valid, whatever
// bytes a message holds.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "common/logging.h"

namespace {

// The message as a JSON document holding one string, parsed back.
std::string round_trip(const std::string& message) {
  return nlohmann::json::parse("\"" + common::json_escape(message) + "\"").get<std::string>();
}

TEST_CASE("json_escape: quotes, backslashes and control characters") {
  CHECK(common::json_escape("say \"hi\"\\") == "say \\\"hi\\\"\\\\");
  CHECK(common::json_escape("a\nb\tc\r") == "a\\nb\\tc\\r");
  CHECK(common::json_escape(std::string("\x01\x1f", 2)) == "\\u0001\\u001f");
  CHECK(round_trip(std::string("nul \0 inside", 12)) == std::string("nul \0 inside", 12));
}

TEST_CASE("json_escape: valid UTF-8 is kept as it is") {
  const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3 \xef\xbf\xbf";  // é € 🐳 U+FFFF
  CHECK(common::json_escape(text) == text);
  CHECK(round_trip(text) == text);
}

TEST_CASE("json_escape: each byte of an invalid sequence becomes U+FFFD, and the line parses") {
  const std::string replacement = "\xef\xbf\xbd";
  CHECK(common::json_escape("\xff") == replacement);                      // never a UTF-8 byte
  CHECK(common::json_escape("a\x80z") == "a" + replacement + "z");        // a stray continuation byte
  CHECK(common::json_escape("\xc3") == replacement);                      // truncated at the end
  CHECK(common::json_escape("\xc3(") == replacement + "(");                // truncated before ASCII
  CHECK(common::json_escape("\xc0\xaf") == replacement + replacement);    // overlong '/'
  CHECK(common::json_escape("\xe0\x80\xaf") == replacement + replacement + replacement);  // overlong
  CHECK(common::json_escape("\xed\xa0\x80") == replacement + replacement + replacement);  // a surrogate
  CHECK(common::json_escape("\xf4\x90\x80\x80") == replacement + replacement + replacement + replacement);  // > U+10FFFF
  for (int byte = 0; byte < 256; ++byte) {
    const std::string text = "x" + std::string(1, static_cast<char>(byte)) + "\xe2\x82" + "y";
    CHECK_NOTHROW(round_trip(text));
  }
}

}  // namespace
