#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "shim/streaming/token_cache.h"

using namespace shim::streaming;
using namespace std::chrono_literals;

namespace {
ExecRequest exec_of(const std::string& id) {
  ExecRequest request;
  request.container_id = id;
  request.cmd = {"sh"};
  return request;
}
}  // namespace

TEST_CASE("tokens are URL-safe, 22 characters and not repeated") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto token = make_token();
    CHECK(token.size() == 22);
    CHECK(token.find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    seen.insert(token);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("a token gives its request back once") {
  TokenCache tokens;
  const auto token = tokens.insert(exec_of("c1"));
  CHECK(tokens.pending() == 1);
  const auto found = tokens.consume(token);
  REQUIRE(found);
  CHECK(std::get<ExecRequest>(*found).container_id == "c1");
  CHECK_FALSE(tokens.consume(token));  // used
  CHECK_FALSE(tokens.consume("unknown"));
  CHECK(tokens.pending() == 0);
}

TEST_CASE("an expired token finds nothing and is dropped") {
  TokenCache tokens(20ms);
  const auto token = tokens.insert(PortForwardRequest{"s1", {80}});
  std::this_thread::sleep_for(40ms);
  CHECK_FALSE(tokens.consume(token));
  tokens.insert(exec_of("c2"));  // inserting drops what expired
  std::this_thread::sleep_for(40ms);
  tokens.insert(exec_of("c3"));
  CHECK(tokens.pending() == 1);
}

TEST_CASE("too many pending tokens are refused, and room comes back as they are used") {
  TokenCache tokens(1min, 3);
  std::vector<std::string> issued;
  for (int i = 0; i < 3; ++i) issued.push_back(tokens.insert(exec_of("c")));
  CHECK_THROWS_AS(tokens.insert(exec_of("c")), TooManyPendingStreams);
  CHECK(tokens.consume(issued[0]));
  CHECK_NOTHROW(tokens.insert(exec_of("c")));
}
