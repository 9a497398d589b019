// common/logging: json_escape keeps every JSON log line valid, whatever
// bytes a message holds; JSON lines carry their fields.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

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

namespace {

// What `body` logs to stderr, one line per entry (fd 2 goes to a file).
std::vector<std::string> stderr_lines_of(const std::function<void()>& body) {
  std::fflush(stderr);
  char path[] = "/tmp/cri-shim-logging-test-XXXXXX";
  const int file = ::mkstemp(path);
  REQUIRE(file >= 0);
  const int saved = ::dup(2);
  ::dup2(file, 2);
  body();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  ::close(file);
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ::unlink(path);
  return lines;
}

}  // namespace

TEST_CASE("json log lines carry the scope's fields and a line's own, after msg; text lines only the message") {
  common::init_logging("debug", "json", "test");
  const auto lines = stderr_lines_of([] {
    spdlog::info("before");
    {
      common::LogFieldScope scope({{"rpc", "RunPodSandbox"}, {"pod", "web\"1"}, {"namespace", "default"}});
      spdlog::info("inside");
      {
        common::LogFieldScope inner(common::LogFields{{"container_id", "abc"}});
        spdlog::info("nested");
      }
      common::log_with_fields(spdlog::level::warn, {{"code", "NotFound"}, {"duration_ms", "1.5"}}, "done");
    }
    spdlog::info("after");
  });
  REQUIRE(lines.size() == 5);
  std::vector<nlohmann::json> parsed;
  for (const auto& line : lines) parsed.push_back(nlohmann::json::parse(line));  // each a valid object
  CHECK_FALSE(parsed[0].contains("pod"));
  CHECK(parsed[1]["msg"] == "inside");
  CHECK(parsed[1]["rpc"] == "RunPodSandbox");
  CHECK(parsed[1]["pod"] == "web\"1");
  CHECK(parsed[1]["namespace"] == "default");
  CHECK(parsed[2]["container_id"] == "abc");
  CHECK_FALSE(parsed[2].contains("pod"));  // the inner scope replaces the outer's fields
  CHECK(parsed[3]["level"] == "warning");
  CHECK(parsed[3]["pod"] == "web\"1");
  CHECK(parsed[3]["code"] == "NotFound");
  CHECK(parsed[3]["duration_ms"] == "1.5");
  CHECK_FALSE(parsed[4].contains("rpc"));
  CHECK(lines[1].find("\"msg\":\"inside\",\"rpc\"") != std::string::npos);  // fields follow msg

  common::init_logging("debug", "text", "test");
  const auto text = stderr_lines_of([] {
    common::LogFieldScope scope(common::LogFields{{"pod", "web"}});
    common::log_with_fields(spdlog::level::info, {{"code", "OK"}}, "done");
  });
  REQUIRE(text.size() == 1);
  CHECK(text[0].find(" info done") != std::string::npos);
  CHECK(text[0].find("pod") == std::string::npos);
}
