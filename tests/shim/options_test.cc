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
                    doctest::Contains("--network-plugin: kubenet is not supported"));
  CHECK_THROWS_WITH(parse_command_line({"--network-plugin", "cni", "--cni-bin-dir", "::"}),
                    doctest::Contains("cni-bin-dir"));
  TempFile file("network-plugin: cni\ncni-conf-dir: /etc/x\n");
  const auto from_file = parse_command_line({"--config", file.path}).options;
  CHECK(from_file.network_plugin == "cni");
  CHECK(from_file.cni_conf_dir == "/etc/x");
}

TEST_CASE("--listen fd:// is systemd's socket activation; fd://NAME is refused") {
  CHECK(parse_command_line({"--listen", "fd://"}).options.listen == "fd://");
  CHECK_THROWS_WITH(parse_command_line({"--listen", "fd://cri"}), doctest::Contains("fd:// takes no name"));
}

TEST_CASE("cri-dockerd's flags: the aliases set cri-shim's options") {
  // The ExecStart of cri-dockerd's own unit, and a kubeadm-style one.
  const auto unit = parse_command_line({"--container-runtime-endpoint", "fd://"});
  CHECK(unit.options.listen == "fd://");
  CHECK(unit.warnings.empty());
  const auto parsed = parse_command_line(
      {"--container-runtime-endpoint=unix:///var/run/cri-dockerd.sock", "--docker-endpoint=unix:///var/run/docker.sock",
       "--pod-infra-container-image=registry.k8s.io/pause:3.9", "--network-plugin=cni",
       "--cni-bin-dir=/opt/cni/bin,/usr/lib/cni", "--cni-conf-dir=/etc/cni/net.d",
       "--cri-dockerd-root-directory=/var/lib/cri-dockerd", "--streaming-bind-addr=10.0.0.5:10010",
       "--log-level", "warning"});
  const auto& o = parsed.options;
  CHECK(o.listen == "unix:///var/run/cri-dockerd.sock");
  CHECK(o.pod_infra_container_image == "registry.k8s.io/pause:3.9");
  CHECK(o.network_plugin == "cni");
  CHECK(o.cni_bin_dir == "/opt/cni/bin,/usr/lib/cni");
  CHECK(o.root_dir == "/var/lib/cri-dockerd");
  CHECK(o.streaming_address == "10.0.0.5");
  CHECK(o.streaming_port == 10010);
  CHECK(o.log_level == "warn");
  CHECK(parsed.warnings.empty());
}

TEST_CASE("cri-dockerd's --streaming-bind-addr: IP, IP:PORT, [IPv6]:PORT, or all addresses") {
  const auto bind = [](const std::string& value) {
    const auto o = parse_command_line({"--streaming-bind-addr=" + value}).options;
    return o.streaming_address + " " + std::to_string(o.streaming_port);
  };
  CHECK(bind("127.0.0.1") == "127.0.0.1 0");
  CHECK(bind("::1") == "::1 0");
  CHECK(bind("[::1]:9000") == "::1 9000");
  CHECK(bind(":9000") == "0.0.0.0 9000");
  CHECK(bind("") == "0.0.0.0 0");
  CHECK_THROWS_WITH(bind("node1:9000"), doctest::Contains("--streaming-bind-addr"));
  CHECK_THROWS_WITH(bind("10.0.0.1:99999"), doctest::Contains("--streaming-bind-addr"));
}

TEST_CASE("cri-dockerd's values: --network-plugin no-op, logrus's levels") {
  CHECK(parse_command_line({"--network-plugin=no-op"}).options.network_plugin.empty());
  CHECK(parse_command_line({"--network-plugin=cni", "--network-plugin="}).options.network_plugin.empty());
  CHECK(parse_command_line({"--log-level=fatal"}).options.log_level == "critical");
  CHECK(parse_command_line({"--log-level=panic"}).options.log_level == "critical");
  CHECK_THROWS_WITH(parse_command_line({"--log-level=verbose"}), doctest::Contains("--log-level"));
}

TEST_CASE("cri-dockerd's flags of no use here are accepted with a warning that says why") {
  const auto parsed = parse_command_line({"--hairpin-mode", "hairpin-veth", "--ipv6-dual-stack", "--pod-cidr=10.1.0.0/16",
                                          "--runtime-request-timeout=2m", "--log-level=debug"});
  CHECK(parsed.options.log_level == "debug");  // the bare boolean took no value
  REQUIRE(parsed.warnings.size() == 4);
  CHECK(parsed.warnings[0].find("--hairpin-mode is cri-dockerd's and has no use in cri-shim") == 0);
  CHECK(parsed.warnings[0].find("hairpinMode") != std::string::npos);
  CHECK(parsed.warnings[1].find("--ipv6-dual-stack") == 0);
  CHECK(parsed.warnings[3].find("deadline") != std::string::npos);
  CHECK(parse_command_line({"--ipv6-dual-stack=True"}).warnings.size() == 1);
  // Unknown flags stay errors, cri-dockerd's or not.
  CHECK_THROWS_WITH(parse_command_line({"--kubeconfig=/x"}), doctest::Contains("unknown flag --kubeconfig"));
  // The help lists them.
  const auto help = shim::help_text();
  CHECK(help.find("--container-runtime-endpoint URI") != std::string::npos);
  CHECK(help.find("--hairpin-mode") != std::string::npos);
}

TEST_CASE("--metrics-address: host:port, :port or \"\" (none, the default)") {
  CHECK(parse_command_line({}).options.metrics_address.empty());
  CHECK(parse_command_line({"--metrics-address", "127.0.0.1:9101"}).options.metrics_address == "127.0.0.1:9101");
  CHECK(parse_command_line({"--metrics-address=:9101"}).options.metrics_address == ":9101");
  CHECK(parse_command_line({"--metrics-address", "tcp://[::1]:9101"}).options.metrics_address == "tcp://[::1]:9101");
  CHECK_THROWS_WITH(parse_command_line({"--metrics-address", "unix:///x.sock"}),
                    doctest::Contains("--metrics-address"));
  CHECK_THROWS_WITH(parse_command_line({"--metrics-address", "127.0.0.1"}), doctest::Contains("port"));
}
