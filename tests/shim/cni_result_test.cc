// CNI results and errors as the plugins print them, and running a plugin:
// environment, stdin, failures and the timeout (with shell-script plugins).
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "shim/network/attachment_store.h"
#include "shim/network/cni_network.h"
#include "shim/network/cni_plugin_exec.h"
#include "shim/network/cni_result.h"

namespace fs = std::filesystem;
using nlohmann::json;
using shim::network::pod_ips_from_result;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char pattern[] = "/tmp/cni-result-test-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string script(const std::string& name, const std::string& body) const {
    const auto file = path / name;
    std::ofstream(file) << "#!/bin/sh\n" << body;
    ::chmod(file.c_str(), 0755);
    return file.string();
  }
};

}  // namespace

TEST_CASE("bridge's 1.0.0 result: the pod's address is on the sandbox's eth0") {
  const auto result = json::parse(R"({"cniVersion":"1.0.0",
    "interfaces":[{"name":"cni0","mac":"aa"},{"name":"veth1","mac":"bb"},
                  {"name":"eth0","mac":"cc","sandbox":"/proc/1/ns/net"}],
    "ips":[{"interface":2,"address":"10.99.0.7/24","gateway":"10.99.0.1"},
           {"interface":2,"address":"fd00::7/64"},
           {"interface":0,"address":"10.99.0.1/24"}]})");
  const auto ips = pod_ips_from_result(result, "eth0");
  CHECK(ips.primary == "10.99.0.7");
  CHECK(ips.additional == std::vector<std::string>{"fd00::7"});
}

TEST_CASE("IPv4 is primary even when IPv6 comes first; no interfaces: every address") {
  const auto ips = pod_ips_from_result(
      json::parse(R"({"cniVersion":"0.4.0","ips":[{"version":"6","address":"fd00::2/64"},
                     {"version":"4","address":"10.0.0.2/16"}]})"), "eth0");
  CHECK(ips.primary == "10.0.0.2");
  CHECK(ips.additional == std::vector<std::string>{"fd00::2"});
}

TEST_CASE("0.2.0 results: ip4 and ip6") {
  const auto ips = pod_ips_from_result(
      json::parse(R"({"ip4":{"ip":"10.1.2.3/24"},"ip6":{"ip":"fd00::3/64"}})"), "eth0");
  CHECK(ips.primary == "10.1.2.3");
  CHECK(ips.additional == std::vector<std::string>{"fd00::3"});
}

TEST_CASE("malformed results are refused") {
  CHECK_THROWS(pod_ips_from_result(json::parse("[]"), "eth0"));
  CHECK_THROWS(pod_ips_from_result(json::parse(R"({"ips":{}})"), "eth0"));
  CHECK_THROWS(pod_ips_from_result(json::parse(R"({"ips":[{"gateway":"1.2.3.4"}]})"), "eth0"));
  CHECK(pod_ips_from_result(json::parse(R"({"cniVersion":"1.0.0"})"), "eth0").primary.empty());
}

// Found by the fuzz replay (tests/fuzz/corpus/cni_result/crash-empty-address):
// an address "/24" became the pod's primary IP "", ahead of its real ones.
TEST_CASE("an empty address is a malformed result, not an empty pod IP") {
  CHECK_THROWS_AS(pod_ips_from_result(json::parse(R"({"ips":[{"address":"/24"},{"address":"fd00::7/64"}]})"), "eth0"),
                  std::invalid_argument);
  CHECK_THROWS_AS(pod_ips_from_result(json::parse(R"({"ip4":{"ip":""}})"), "eth0"), std::invalid_argument);
}

TEST_CASE("the CNI error object") {
  shim::network::CniErrorReply reply;
  REQUIRE(shim::network::parse_cni_error(
      R"({"cniVersion":"1.0.0","code":7,"msg":"invalid config","details":"no bridge"})", &reply));
  CHECK(reply.code == 7);
  CHECK(reply.msg == "invalid config");
  CHECK(reply.details == "no bridge");
  CHECK_FALSE(shim::network::parse_cni_error("plain text", &reply));
  CHECK_FALSE(shim::network::parse_cni_error(R"({"msg":"no code"})", &reply));
}

TEST_CASE("a plugin gets the CNI environment and its config on stdin") {
  TempDir dir;
  const auto plugin = dir.script("echoer",
      "printf '{\"cmd\":\"%s\",\"id\":\"%s\",\"netns\":\"%s\",\"if\":\"%s\",\"args\":\"%s\","
      "\"path\":\"%s\",\"stdin\":%s}' \"$CNI_COMMAND\" \"$CNI_CONTAINERID\" \"$CNI_NETNS\" "
      "\"$CNI_IFNAME\" \"$CNI_ARGS\" \"$CNI_PATH\" \"$(cat)\"\n");
  shim::network::PluginCall call;
  call.command = "ADD";
  call.container_id = "abc";
  call.netns = "/proc/1/ns/net";
  call.args = "IgnoreUnknown=1;K8S_POD_NAME=p";
  call.bin_dirs = {dir.path.string(), "/usr/lib/cni"};
  call.stdin_data = R"({"name":"n"})";
  CHECK(shim::network::find_plugin("echoer", {"/nonexistent", dir.path.string()}) == plugin);
  const auto out = json::parse(shim::network::exec_plugin(plugin, call));
  CHECK(out["cmd"] == "ADD");
  CHECK(out["id"] == "abc");
  CHECK(out["netns"] == "/proc/1/ns/net");
  CHECK(out["if"] == "eth0");
  CHECK(out["args"] == "IgnoreUnknown=1;K8S_POD_NAME=p");
  CHECK(out["path"] == dir.path.string() + ":/usr/lib/cni");
  CHECK(out["stdin"] == json::parse(R"({"name":"n"})"));
}

TEST_CASE("a failing plugin: its CNI error, else its stderr; a missing one is named") {
  TempDir dir;
  shim::network::PluginCall call;
  call.command = "ADD";
  const auto erroring = dir.script("erroring",
      "echo '{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"failed to allocate\",\"details\":\"range full\"}'\nexit 1\n");
  CHECK_THROWS_WITH(shim::network::exec_plugin(erroring, call),
                    doctest::Contains("failed to allocate: range full (CNI error code 11)"));
  const auto crashing = dir.script("crashing", "echo 'panic: boom' >&2\nexit 2\n");
  CHECK_THROWS_WITH(shim::network::exec_plugin(crashing, call),
                    doctest::Contains("exited with status 2: panic: boom"));
  CHECK_THROWS_AS(shim::network::find_plugin("nope", {dir.path.string()}),
                  shim::network::CniPluginNotFound);
  const std::string not_found = "\"nope\" not found in " + dir.path.string();
  CHECK_THROWS_WITH(shim::network::find_plugin("nope", {dir.path.string()}),
                    doctest::Contains(not_found.c_str()));
}

TEST_CASE("a hanging plugin and its children are killed after the timeout") {
  TempDir dir;
  const auto pid_file = (dir.path / "child.pid").string();
  const auto hanging = dir.script("hanging", "sleep 300 &\necho $! > " + pid_file + "\nwait\n");
  shim::network::PluginCall call;
  call.command = "ADD";
  call.timeout = std::chrono::milliseconds(500);
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(shim::network::exec_plugin(hanging, call), doctest::Contains("was killed"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  std::ifstream in(pid_file);
  int child = 0;
  in >> child;
  REQUIRE(child > 0);
  // The sleep was in the plugin's process group: gone too (a zombie at most
  // until init reaps it).
  for (int i = 0; i < 50 && ::kill(child, 0) == 0; ++i) ::usleep(20000);
  std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
  std::string pid, comm, state;
  stat >> pid >> comm >> state;
  CHECK((state.empty() || state == "Z"));
}

TEST_CASE("the chain: ADD in order with prevResult, DEL in reverse, stored between") {
  TempDir dir;
  const auto log = (dir.path / "calls").string();
  // Each plugin logs its name and command and passes on (or makes) a result.
  for (const char* name : {"first", "second"})
    dir.script(name, std::string("in=$(cat)\necho \"") + name + " $CNI_COMMAND\" >> " + log +
                         "\n[ \"$CNI_COMMAND\" = ADD ] && echo '{\"cniVersion\":\"1.0.0\","
                         "\"ips\":[{\"address\":\"10.9.0.3/24\"}]}'\nexit 0\n");
  fs::create_directories(dir.path / "conf");
  std::ofstream(dir.path / "conf" / "10-t.conflist")
      << R"({"cniVersion":"1.0.0","name":"t","plugins":[{"type":"first"},{"type":"second"}]})";
  shim::network::CniSettings settings;
  settings.bin_dirs = {dir.path.string()};
  settings.conf_dir = (dir.path / "conf").string();
  settings.state_dir = (dir.path / "state").string();
  shim::network::CniNetwork network(settings);
  shim::network::PodNetworkRequest request;
  request.sandbox_id = "0123abcd";
  request.netns = "/proc/self/ns/net";
  const auto ips = network.attach(request);
  CHECK(ips.primary == "10.9.0.3");
  REQUIRE(network.pod_ips("0123abcd"));
  CHECK(network.pod_ips("0123abcd")->primary == "10.9.0.3");
  CHECK(fs::exists(dir.path / "state" / "0123abcd.json"));

  // A restarted shim (a new CniNetwork) DELs from the stored attachment.
  shim::network::CniNetwork restarted(settings);
  CHECK(restarted.detach("0123abcd", ""));
  CHECK_FALSE(restarted.detach("0123abcd", ""));  // idempotent
  CHECK_FALSE(fs::exists(dir.path / "state" / "0123abcd.json"));
  std::ifstream calls(log);
  std::string all((std::istreambuf_iterator<char>(calls)), std::istreambuf_iterator<char>());
  CHECK(all == "first ADD\nsecond ADD\nsecond DEL\nfirst DEL\n");
}

TEST_CASE("bin dirs: a colon-separated list as kubelet's --cni-bin-dir") {
  using shim::network::split_dir_list;
  CHECK(split_dir_list("/opt/cni/bin:/usr/lib/cni") == std::vector<std::string>{"/opt/cni/bin", "/usr/lib/cni"});
  CHECK(split_dir_list("/one") == std::vector<std::string>{"/one"});
  CHECK(split_dir_list(":/a::/b:") == std::vector<std::string>{"/a", "/b"});
  CHECK(split_dir_list("").empty());
  CHECK(split_dir_list("/opt/cni/bin,/usr/lib/cni") == std::vector<std::string>{"/opt/cni/bin", "/usr/lib/cni"});
  CHECK(split_dir_list("/a,:/b") == std::vector<std::string>{"/a", "/b"});
}

TEST_CASE("a failing DEL keeps the attachment for the next try; a missing plugin does not block") {
  TempDir dir;
  const auto flag = (dir.path / "fail-del").string();
  dir.script("flaky", "cat >/dev/null\nif [ \"$CNI_COMMAND\" = DEL ] && [ -e " + flag +
                          " ]; then echo '{\"code\":5,\"msg\":\"busy\"}'; exit 1; fi\n"
                          "[ \"$CNI_COMMAND\" = ADD ] && echo '{\"cniVersion\":\"1.0.0\",\"ips\":[]}'\nexit 0\n");
  fs::create_directories(dir.path / "conf");
  std::ofstream(dir.path / "conf" / "10-t.conflist")
      << R"({"cniVersion":"1.0.0","name":"t","plugins":[{"type":"flaky"}]})";
  shim::network::CniSettings settings;
  settings.bin_dirs = {dir.path.string()};
  settings.conf_dir = (dir.path / "conf").string();
  settings.state_dir = (dir.path / "state").string();
  shim::network::CniNetwork network(settings);
  shim::network::PodNetworkRequest request;
  request.sandbox_id = "ab12";
  network.attach(request);
  std::ofstream(flag) << "1";
  CHECK_THROWS_WITH(network.detach("ab12", ""), doctest::Contains("busy"));
  CHECK(network.attached("ab12"));
  fs::remove(flag);
  CHECK(network.detach("ab12", ""));
  CHECK_FALSE(network.attached("ab12"));

  // The plugin binary vanished after ADD: DEL skips it rather than failing forever.
  network.attach(request);
  fs::remove(dir.path / "flaky");
  CHECK(network.detach("ab12", ""));
  CHECK_FALSE(network.attached("ab12"));
}

TEST_CASE("the attachment store: only hex sandbox IDs name a file") {
  TempDir dir;
  shim::network::AttachmentStore store((dir.path / "state").string());
  CHECK_FALSE(store.load("../../etc/passwd"));
  CHECK_FALSE(store.load(""));
  store.remove("../x");  // nothing happens
  shim::network::Attachment attachment;
  attachment.config.name = "n";
  attachment.config.plugins.push_back({{"type", "bridge"}});
  CHECK_THROWS_AS(store.save("../x", attachment), std::invalid_argument);
  store.save("abc123", attachment);
  const auto back = store.load("abc123");
  REQUIRE(back);
  CHECK(back->config.name == "n");
  CHECK(back->result.is_null());
  CHECK_FALSE(fs::exists(dir.path / "state" / "abc123.json.tmp"));
  std::ofstream(dir.path / "state" / "abc123.json") << "{ half";  // corrupt: treated as none
  CHECK_FALSE(store.load("abc123"));
}
