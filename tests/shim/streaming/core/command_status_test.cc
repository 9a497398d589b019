#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "shim/streaming/command_status.h"

using shim::streaming::CommandOutcome;
using shim::streaming::encode_status;
using shim::streaming::status_is_json;

TEST_CASE("status: which protocols carry a JSON Status") {
  CHECK(status_is_json("v4.channel.k8s.io"));
  CHECK(status_is_json("v5.channel.k8s.io"));
  CHECK(status_is_json("v12.channel.k8s.io"));
  CHECK_FALSE(status_is_json("v3.channel.k8s.io"));
  CHECK_FALSE(status_is_json("v2.channel.k8s.io"));
  CHECK_FALSE(status_is_json("channel.k8s.io"));
  CHECK_FALSE(status_is_json("v.channel.k8s.io"));
  CHECK_FALSE(status_is_json("v4x.channel.k8s.io"));
  CHECK_FALSE(status_is_json("portforward.k8s.io"));
  CHECK_FALSE(status_is_json(""));
}

TEST_CASE("status v4: success is a Status with status Success, byte for byte as Go writes it") {
  CHECK(encode_status("v4.channel.k8s.io", CommandOutcome::success()) == R"({"metadata":{},"status":"Success"})");
  CHECK(encode_status("v5.channel.k8s.io", CommandOutcome::exited(0)) == R"({"metadata":{},"status":"Success"})");
}

TEST_CASE("status v4: a non-zero exit code is NonZeroExitCode with an ExitCode cause") {
  const auto bytes = encode_status("v4.channel.k8s.io", CommandOutcome::exited(3));
  REQUIRE(bytes);
  CHECK(*bytes ==
        R"({"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: Error executing in Docker Container: 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}})");
  // What client-go reads from it.
  const auto status = nlohmann::json::parse(*bytes);
  CHECK(status["details"]["causes"][0]["message"] == "3");
}

TEST_CASE("status v4: a failure to run is an InternalError with code 500") {
  const auto bytes = encode_status("v4.channel.k8s.io", CommandOutcome::failed("no such container: x"));
  REQUIRE(bytes);
  CHECK(*bytes ==
        R"({"metadata":{},"status":"Failure","message":"Internal error occurred: no such container: x","reason":"InternalError","details":{"causes":[{"message":"no such container: x"}]},"code":500})");
}

TEST_CASE("status v4: invalid UTF-8 in an error does not lose the status") {
  const auto bytes = encode_status("v4.channel.k8s.io", CommandOutcome::failed("bad \xff byte"));
  REQUIRE(bytes);
  CHECK(nlohmann::json::parse(*bytes)["reason"] == "InternalError");
}

TEST_CASE("status v1-v3: plain text, nothing on success") {
  for (const char* protocol : {"v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"}) {
    CAPTURE(protocol);
    CHECK_FALSE(encode_status(protocol, CommandOutcome::success()));
    CHECK(encode_status(protocol, CommandOutcome::exited(2)) ==
          "command terminated with non-zero exit code: Error executing in Docker Container: 2");
    CHECK(encode_status(protocol, CommandOutcome::failed("boom")) == "Internal error occurred: boom");
  }
}

TEST_CASE("status: exited(0) is success; negative codes are kept") {
  CHECK(CommandOutcome::exited(0).kind == CommandOutcome::Kind::kSuccess);
  CHECK(CommandOutcome::exited(-1).kind == CommandOutcome::Kind::kExitCode);
  CHECK(CommandOutcome::exited(-1).exit_code == -1);
}
