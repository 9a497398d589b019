#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "common/logging.h"
#include "shim/server/options.h"

using shim::ParsedCommandLine;
using shim::parse_command_line;

namespace {

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/cri-shim-options-XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = name;
    std::ofstream(path) << content;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("defaults") {
  auto parsed = parse_command_line({});
  CHECK(parsed.action == ParsedCommandLine::Action::Run);
  CHECK(parsed.options.listen == "unix:///run/cri-shim/cri-shim.sock");
  CHECK(parsed.options.docker_endpoint == "unix:///var/run/docker.sock");
  CHECK(parsed.options.log_level == "info");
  CHECK(parsed.options.log_format == "text");
}

TEST_CASE("flags in both spellings") {
  auto parsed = parse_command_line({"--listen=unix:///tmp/x.sock", "--docker-endpoint",
                                    "tcp://127.0.0.1:2375", "--log-level", "debug",
                                    "--log-format=json"});
  CHECK(parsed.options.listen == "unix:///tmp/x.sock");
  CHECK(parsed.options.docker_endpoint == "tcp://127.0.0.1:2375");
  CHECK(parsed.options.log_level == "debug");
  CHECK(parsed.options.log_format == "json");
}

TEST_CASE("help and version") {
  CHECK(parse_command_line({"--help"}).action == ParsedCommandLine::Action::PrintHelp);
  CHECK(parse_command_line({"--version"}).action == ParsedCommandLine::Action::PrintVersion);
  CHECK(shim::help_text().find("--docker-endpoint") != std::string::npos);
}

TEST_CASE("bad flags are named") {
  auto message = [](std::vector<std::string> args) {
    try {
      parse_command_line(args);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(message({"--nope=1"}).find("--nope") != std::string::npos);
  CHECK(message({"--listen"}).find("--listen: needs a value") != std::string::npos);
  CHECK(message({"--log-level=loud"}).find("log-level") != std::string::npos);
  CHECK(message({"--log-format=xml"}).find("log-format") != std::string::npos);
  CHECK(message({"--listen=/tmp/x.sock"}).find("unix://") != std::string::npos);
  CHECK(message({"stray"}).find("stray") != std::string::npos);
}

TEST_CASE("config file keys are the flag names, and flags win") {
  TempFile config("listen: unix:///tmp/from-config.sock\nlog-level: warn\nlog-format: json\n");
  auto parsed = parse_command_line({"--config", config.path, "--log-level=error"});
  CHECK(parsed.options.listen == "unix:///tmp/from-config.sock");
  CHECK(parsed.options.log_format == "json");
  CHECK(parsed.options.log_level == "error");
  CHECK(parsed.options.config_file == config.path);
}

TEST_CASE("config file errors name the file and key") {
  TempFile unknown("listen: unix:///tmp/a.sock\ncolour: blue\n");
  CHECK_THROWS_WITH_AS(parse_command_line({"--config", unknown.path}),
                       doctest::Contains("unknown key 'colour'"), std::invalid_argument);
  TempFile not_a_map("- a\n- b\n");
  CHECK_THROWS_AS(parse_command_line({"--config", not_a_map.path}), std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_command_line({"--config", "/nonexistent/cri-shim.yaml"}),
                       doctest::Contains("no such file"), std::invalid_argument);
  TempFile empty("");
  CHECK(parse_command_line({"--config", empty.path}).options.listen ==
        "unix:///run/cri-shim/cri-shim.sock");
}

TEST_CASE("json_escape makes log payloads safe inside JSON strings") {
  CHECK(common::json_escape("plain") == "plain");
  CHECK(common::json_escape("a\"b\\c\nd\te") == "a\\\"b\\\\c\\nd\\te");
  CHECK(common::json_escape(std::string("\x01", 1)) == "\\u0001");
}

TEST_CASE("network flags: Docker's bridge by default, cni with its dirs") {
  const auto defaults = parse_command_line({}).options;
  CHECK(defaults.network_plugin.empty());
  CHECK(defaults.cni_bin_dir == "/opt/cni/bin:/usr/lib/cni");
  CHECK(defaults.cni_conf_dir == "/etc/cni/net.d");
  const auto cni = parse_command_line({"--network-plugin=cni", "--cni-bin-dir", "/a:/b",
                                       "--cni-conf-dir", "/c"}).options;
  CHECK(cni.network_plugin == "cni");
  CHECK(cni.cni_bin_dir == "/a:/b");
  CHECK(cni.cni_conf_dir == "/c");
  CHECK(defaults.cni_plugin_timeout_seconds == 60);
  CHECK(parse_command_line({"--cni-plugin-timeout-seconds", "5"}).options.cni_plugin_timeout_seconds == 5);
  CHECK_THROWS_WITH(parse_command_line({"--cni-plugin-timeout-seconds", "0"}),
                    doctest::Contains("cni-plugin-timeout-seconds"));
  CHECK_THROWS_WITH(parse_command_line({"--network-plugin", "kubenet"}),
                    doctest::Contains("--network-plugin: \"kubenet\" is not one of"));
  CHECK_THROWS_WITH(parse_command_line({"--network-plugin", "cni", "--cni-bin-dir", "::"}),
                    doctest::Contains("cni-bin-dir"));
  TempFile file("network-plugin: cni\ncni-conf-dir: /etc/x\n");
  const auto from_file = parse_command_line({"--config", file.path}).options;
  CHECK(from_file.network_plugin == "cni");
  CHECK(from_file.cni_conf_dir == "/etc/x");
}
