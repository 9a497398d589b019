// CNI config loading as libcni does it, and what each plugin reads on stdin.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "shim/network/cni_config.h"
#include "shim/network/plugin_config.h"

namespace fs = std::filesystem;
using shim::network::load_network_config;
using shim::network::parse_network_config;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char pattern[] = "/tmp/cni-config-test-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
};

const char* kList = R"({"cniVersion":"1.0.0","name":"podnet","plugins":[
  {"type":"bridge","bridge":"cni0","capabilities":{"ipRanges":true},
   "ipam":{"type":"host-local","ranges":[[{"subnet":"10.1.0.0/24"}]]}},
  {"type":"portmap","capabilities":{"portMappings":true}}]})";

}  // namespace

TEST_CASE("a .conflist keeps its plugin chain, name and version") {
  const auto list = parse_network_config("/x/10-pod.conflist", kList);
  CHECK(list.name == "podnet");
  CHECK(list.cni_version == "1.0.0");
  REQUIRE(list.plugins.size() == 2);
  CHECK(list.plugins[0]["type"] == "bridge");
  CHECK(list.plugins[1]["type"] == "portmap");
}

TEST_CASE("a .conf is a one-plugin list carrying its own name and version") {
  const auto list = parse_network_config(
      "/x/10-a.conf", R"({"cniVersion":"0.4.0","name":"one","type":"bridge","bridge":"b0"})");
  CHECK(list.name == "one");
  CHECK(list.cni_version == "0.4.0");
  REQUIRE(list.plugins.size() == 1);
  CHECK(list.plugins[0]["bridge"] == "b0");
}

TEST_CASE("invalid configs are refused with the reason") {
  CHECK_THROWS_WITH(parse_network_config("a.conflist", "{"), doctest::Contains("not JSON"));
  CHECK_THROWS_WITH(parse_network_config("a.conflist", R"({"name":"n","plugins":[]})"),
                    doctest::Contains("empty"));
  CHECK_THROWS_WITH(parse_network_config("a.conflist", R"({"name":"n"})"),
                    doctest::Contains("no \"plugins\""));
  CHECK_THROWS_WITH(parse_network_config("a.conflist", R"({"plugins":[{"type":"x"}]})"),
                    doctest::Contains("no \"name\""));
  CHECK_THROWS_WITH(parse_network_config("a.conflist", R"({"name":"n","plugins":[{"x":1}]})"),
                    doctest::Contains("plugins[0]: no \"type\""));
  CHECK_THROWS_WITH(parse_network_config("a.conf", R"({"name":"n","plugins":[{"type":"x"}]})"),
                    doctest::Contains(".conflist"));
  // A plugin type names a file in the bin dirs, never a path.
  CHECK_THROWS_WITH(parse_network_config("a.conf", R"({"name":"n","type":"../../bin/sh"})"),
                    doctest::Contains("not a plugin name"));
}

TEST_CASE("the first valid file in lexical order wins; others are skipped") {
  TempDir dir;
  dir.write("05-broken.conflist", "{ not json");
  dir.write("10-second.conf", R"({"cniVersion":"0.4.0","name":"second","type":"bridge"})");
  dir.write("20-third.conflist", kList);
  dir.write("00-ignored.txt", R"({"name":"txt","type":"bridge"})");
  auto search = load_network_config(dir.path.string());
  REQUIRE(search.config);
  CHECK(search.config->name == "second");
  CHECK(search.config->source == (dir.path / "10-second.conf").string());

  dir.write("01-first.json", R"({"cniVersion":"0.4.0","name":"first","type":"ptp"})");
  search = load_network_config(dir.path.string());
  REQUIRE(search.config);
  CHECK(search.config->name == "first");
}

TEST_CASE("no valid config: the reason names the dir and each refused file") {
  TempDir dir;
  auto search = load_network_config(dir.path.string());
  CHECK_FALSE(search.config);
  CHECK(search.why_none.find(dir.path.string()) != std::string::npos);
  CHECK(search.why_none.find("no .conflist, .conf or .json file") != std::string::npos);

  dir.write("10-bad.conflist", R"({"name":"n","plugins":[]})");
  search = load_network_config(dir.path.string());
  CHECK_FALSE(search.config);
  CHECK(search.why_none.find("10-bad.conflist") != std::string::npos);

  search = load_network_config((dir.path / "absent").string());
  CHECK_FALSE(search.config);
  CHECK(search.why_none.find("cannot read") != std::string::npos);
}

TEST_CASE("plugin stdin: name, version, prevResult and only declared capabilities") {
  const auto list = parse_network_config("a.conflist", kList);
  shim::network::RuntimeInputs inputs;
  inputs.port_mappings.push_back({8080, 80, "tcp", ""});
  inputs.port_mappings.push_back({5353, 53, "udp", "127.0.0.1"});
  inputs.pod_cidr = "10.2.0.0/24";
  inputs.dns.servers = {"1.1.1.1"};

  const auto bridge = shim::network::plugin_stdin(list, 0, nullptr, inputs);
  CHECK(bridge["name"] == "podnet");
  CHECK(bridge["cniVersion"] == "1.0.0");
  CHECK_FALSE(bridge.contains("prevResult"));
  CHECK(bridge["runtimeConfig"] == nlohmann::json::parse(R"({"ipRanges":[[{"subnet":"10.2.0.0/24"}]]})"));

  const auto prev = nlohmann::json::parse(R"({"cniVersion":"1.0.0","ips":[{"address":"10.2.0.5/24"}]})");
  const auto portmap = shim::network::plugin_stdin(list, 1, prev, inputs);
  CHECK(portmap["prevResult"] == prev);
  CHECK(portmap["runtimeConfig"] == nlohmann::json::parse(R"({"portMappings":[
      {"hostPort":8080,"containerPort":80,"protocol":"tcp"},
      {"hostPort":5353,"containerPort":53,"protocol":"udp","hostIP":"127.0.0.1"}]})"));

  // Nothing to hand over: no runtimeConfig at all.
  const auto bare = shim::network::plugin_stdin(list, 1, nullptr, {});
  CHECK_FALSE(bare.contains("runtimeConfig"));

  // kubelet's dual-stack pod CIDR: one range set per family.
  inputs.pod_cidr = "10.2.0.0/24,fd00:1::/64";
  CHECK(shim::network::plugin_stdin(list, 0, nullptr, inputs)["runtimeConfig"]["ipRanges"] ==
        nlohmann::json::parse(R"([[{"subnet":"10.2.0.0/24"}],[{"subnet":"fd00:1::/64"}]])"));
}

TEST_CASE("runtime inputs survive their stored form") {
  shim::network::RuntimeInputs inputs;
  inputs.port_mappings.push_back({8080, 80, "sctp", "::1"});
  inputs.pod_cidr = "10.3.0.0/16";
  inputs.dns.searches = {"svc.cluster.local"};
  const auto back = shim::network::runtime_inputs_from_json(shim::network::to_json(inputs));
  REQUIRE(back.port_mappings.size() == 1);
  CHECK(back.port_mappings[0].host_port == 8080);
  CHECK(back.port_mappings[0].protocol == "sctp");
  CHECK(back.port_mappings[0].host_ip == "::1");
  CHECK(back.pod_cidr == "10.3.0.0/16");
  CHECK(back.dns.searches == std::vector<std::string>{"svc.cluster.local"});
}
