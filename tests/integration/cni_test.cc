// Pod networking through the real cri-shim: Docker's bridge network (the
// default) and --network-plugin=cni with Debian's real plugins (bridge +
// host-local + portmap from /usr/lib/cni) on a private bridge and subnet,
// host-local's leases in a temporary dir. Checked from the host: the pod IP
// answers, the host port answers, and after the pod is removed nothing is
// left (veth, lease, nat rules).
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/integration/harness.h"
#include "tests/integration/pod_fixture.h"

namespace itest {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBridge = "cni-shim-t0";
constexpr const char* kSubnet = "10.99.0.0/24";
constexpr const char* kNetworkName = "cri-shim-itest";

std::string command_output(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  ::pclose(pipe);
  return out;
}

// One HTTP/1.0 GET over a plain socket; "" when nothing answers.
std::string http_get_once(const std::string& ip, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET /index.html HTTP/1.0\r\n\r\n";
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      ssize_t r;
      while ((r = ::read(fd, buffer, sizeof buffer)) > 0) reply.append(buffer, static_cast<std::size_t>(r));
    }
  }
  ::close(fd);
  return reply;
}

// Retries while httpd starts: for up to 30 s (was 50 tries, about 5 s,
// which a loaded machine's container start can outlast).
std::string http_get(const std::string& ip, int port) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    auto reply = http_get_once(ip, port);
    if (!reply.empty() || std::chrono::steady_clock::now() > give_up) return reply;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

int free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t length = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A pod serving "hello from <marker>" with busybox httpd on port 80.
std::string start_web_server(Pod& pod, const std::string& marker) {
  return pod.create_and_start(
      "web", "mkdir -p /www && echo 'hello from " + marker + "' > /www/index.html && exec httpd -f -p 80 -h /www");
}

cri::StatusResponse runtime_status(cri::RuntimeService::Stub& runtime, bool verbose = false) {
  cri::StatusRequest request;
  request.set_verbose(verbose);
  cri::StatusResponse response;
  auto status = runtime.Status(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return response;
}

const cri::RuntimeCondition* condition(const cri::StatusResponse& response, const std::string& type) {
  for (const auto& c : response.status().conditions())
    if (c.type() == type) return &c;
  return nullptr;
}

grpc::Status update_pod_cidr(cri::RuntimeService::Stub& runtime, const std::string& cidr) {
  cri::UpdateRuntimeConfigRequest request;
  request.mutable_runtime_config()->mutable_network_config()->set_pod_cidr(cidr);
  cri::UpdateRuntimeConfigResponse response;
  return runtime.UpdateRuntimeConfig(context().get(), request, &response);
}

// A conf dir, a state root and host-local's lease dir of this test's own;
// the bridge is deleted at the end (the bridge plugin never deletes it).
struct CniEnvironment {
  fs::path dir;
  CniEnvironment() {
    char pattern[] = "/tmp/cri-shim-cni-itest-XXXXXX";
    dir = ::mkdtemp(pattern);
    fs::create_directories(conf_dir());
  }
  ~CniEnvironment() {
    run(std::string("ip link del ") + kBridge + " 2>/dev/null");
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  std::string conf_dir() const { return (dir / "net.d").string(); }
  std::string root_dir() const { return (dir / "root").string(); }
  std::string lease_dir() const { return (dir / "leases").string(); }
  fs::path lease_file(const std::string& ip) const { return fs::path(lease_dir()) / kNetworkName / ip; }

  // `static_range` false: host-local's ranges come only from the pod CIDR
  // (host-local adds runtimeConfig.ipRanges to the config's own ranges and
  // refuses overlapping sets, so a pod-CIDR config names none).
  // `middle_plugin`: a plugin run between the bridge and portmap (a test's own).
  void write_chain(const std::string& first_plugin = "bridge", bool static_range = true,
                   const std::string& middle_plugin = "") const {
    std::ofstream(conf_dir() + "/10-itest.conflist") << R"({
      "cniVersion": "1.0.0", "name": ")" << kNetworkName << R"(",
      "plugins": [
        {"type": ")" << first_plugin << R"(", "bridge": ")" << kBridge << R"(",
         "isGateway": true, "ipMasq": false, "hairpinMode": true,
         "capabilities": {"ipRanges": true},
         "ipam": {"type": "host-local", )"
        << (static_range ? std::string(R"("ranges": [[{"subnet": ")") + kSubnet + R"("}]],)" : "")
        << R"( "dataDir": ")" << lease_dir() << R"("}},)"
        << (middle_plugin.empty() ? std::string() : R"({"type": ")" + middle_plugin + R"("},)") << R"(
        {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true}
      ]})";
  }

  std::string bin_dir() const { return (dir / "bin").string(); }  // the tests' own plugins

  std::vector<std::string> shim_args() const {
    return {"--network-plugin", "cni", "--cni-conf-dir", conf_dir(), "--cni-bin-dir",
            bin_dir() + ":/opt/cni/bin:/usr/lib/cni", "--root-dir", root_dir()};
  }

  // A plugin that fails on purpose, driven by files in dir: ADD records
  // what it "allocated" (allocated-<sandbox id>, as an IPAM plugin keeps a
  // lease), then crashes with SIGSEGV, or hangs while the file "hang"
  // exists. DEL fails while the file "del-failures" holds a count above 0
  // (counted down), then releases the allocation. Its odd sleep is one no
  // test container runs, so the hang test can look for it on the host.
  void write_fault_plugin() const {
    fs::create_directories(bin_dir());
    const auto path = bin_dir() + "/cri-shim-fault";
    std::ofstream(path) << "#!/bin/sh\ncat >/dev/null\nd='" << dir.string() << R"('
if [ "$CNI_COMMAND" = ADD ]; then
  touch "$d/allocated-$CNI_CONTAINERID"
  if [ -e "$d/hang" ]; then exec sleep 4517; fi
  kill -SEGV $$
fi
if [ "$CNI_COMMAND" = DEL ]; then
  n=$(cat "$d/del-failures" 2>/dev/null || echo 0)
  if [ "$n" -gt 0 ]; then
    echo $((n - 1)) > "$d/del-failures"
    echo '{"cniVersion": "1.0.0", "code": 11, "msg": "injected DEL failure"}'
    exit 1
  fi
  rm -f "$d/allocated-$CNI_CONTAINERID"
fi
exit 0
)";
    fs::permissions(path, fs::perms::owner_all);
  }
  bool allocated(const std::string& sandbox_id) const { return fs::exists(dir / ("allocated-" + sandbox_id)); }
  // host-local's leases of this network (its lock and last-reserved files aside).
  std::vector<std::string> leases() const {
    std::vector<std::string> ips;
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(fs::path(lease_dir()) / kNetworkName, ignored)) {
      const auto name = entry.path().filename().string();
      if (name.rfind("10.", 0) == 0) ips.push_back(name);
    }
    return ips;
  }
};

// The sandboxes of the pod with `uid`, as ListPodSandbox shows them.
std::vector<cri::PodSandbox> sandboxes_of(cri::RuntimeService::Stub& runtime, const std::string& uid) {
  cri::ListPodSandboxRequest request;
  cri::ListPodSandboxResponse response;
  const auto status = runtime.ListPodSandbox(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  std::vector<cri::PodSandbox> found;
  for (const auto& sandbox : response.items())
    if (sandbox.metadata().uid() == uid) found.push_back(sandbox);
  return found;
}

// What must be gone once a CNI pod is removed.
void check_nothing_left(const CniEnvironment& env, const std::string& sandbox_id, const std::string& ip) {
  CHECK(command_output(std::string("ip -o link show master ") + kBridge + " 2>/dev/null").empty());
  CHECK_FALSE(fs::exists(env.lease_file(ip)));
  const auto nat = command_output("iptables-save -t nat");
  CHECK_MESSAGE(nat.find(ip + "/") == std::string::npos, nat);
  CHECK_MESSAGE(nat.find(ip + ":") == std::string::npos, nat);
  CHECK_MESSAGE(nat.find(sandbox_id) == std::string::npos, nat);
  CHECK_FALSE(fs::exists(env.root_dir() + "/network/" + sandbox_id + ".json"));
}

}  // namespace

TEST_CASE("cni_test: Docker's bridge (default): pod IP and host port reachable from the host") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  const int host_port = free_tcp_port();
  auto* mapping = pod.config().add_port_mappings();
  mapping->set_container_port(80);
  mapping->set_host_port(host_port);
  const auto run_start = std::chrono::steady_clock::now();
  pod.run();
  MESSAGE("RunPodSandbox on Docker's bridge with a host port: "
          << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - run_start).count()
          << " ms");
  start_web_server(pod, "docker-bridge");
  const auto status = pod.sandbox_status();
  REQUIRE_FALSE(status.network().ip().empty());
  CHECK(http_get(status.network().ip(), 80).find("hello from docker-bridge") != std::string::npos);
  CHECK(http_get("127.0.0.1", host_port).find("hello from docker-bridge") != std::string::npos);

  // UpdateRuntimeConfig is accepted and remembered; Docker keeps its ranges.
  REQUIRE(update_pod_cidr(*runtime, "10.98.0.0/24").ok());
  const auto verbose = runtime_status(*runtime, true);
  CHECK(verbose.info().at("config").find("\"podCIDR\":\"10.98.0.0/24\"") != std::string::npos);
  const auto bad = update_pod_cidr(*runtime, "10.98.0.0");
  CHECK(bad.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(bad.error_message().find("not a CIDR") != std::string::npos);
}

TEST_CASE("cni_test: bridge + host-local + portmap: pod IP and host port, two stops, nothing left") {
  CniEnvironment env;
  env.write_chain();
  ShimProcess shim(env.shim_args());
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  const int host_port = free_tcp_port();
  auto* mapping = pod.config().add_port_mappings();
  mapping->set_container_port(80);
  mapping->set_host_port(host_port);
  const auto run_start = std::chrono::steady_clock::now();
  pod.run();
  MESSAGE("RunPodSandbox with CNI ADD (bridge, host-local, portmap): "
          << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - run_start).count()
          << " ms");
  CHECK(docker_client().inspect_container(pod.id()).host_config.network_mode == "none");
  start_web_server(pod, "cni");

  const auto status = pod.sandbox_status();
  const std::string ip = status.network().ip();
  REQUIRE_MESSAGE(ip.rfind("10.99.0.", 0) == 0, "pod IP '" << ip << "'");
  CHECK(fs::exists(env.lease_file(ip)));
  CHECK(fs::exists(env.root_dir() + "/network/" + pod.id() + ".json"));
  CHECK(command_output(std::string("ip -o link show master ") + kBridge).find("veth") != std::string::npos);
  // The pod sees its own address on eth0.
  const auto inside = pod.exec(pod.create_and_start("probe", "sleep 60"), "ip -4 -o addr show eth0");
  CHECK(inside.out.find(ip + "/24") != std::string::npos);

  CHECK(http_get(ip, 80).find("hello from cni") != std::string::npos);
  // portmap's DNAT for locally made connections (OUTPUT, dst-type LOCAL):
  // the gateway address on the bridge is one of the host's own.
  CHECK(http_get("10.99.0.1", host_port).find("hello from cni") != std::string::npos);
  CHECK(command_output("iptables-save -t nat").find(pod.id()) != std::string::npos);

  const auto stop_start = std::chrono::steady_clock::now();
  REQUIRE(stop_sandbox(*runtime, pod.id()).ok());
  MESSAGE("StopPodSandbox with CNI DEL: "
          << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - stop_start).count()
          << " ms");
  CHECK_FALSE(fs::exists(env.lease_file(ip)));
  CHECK(http_get_once(ip, 80).empty());
  CHECK(stop_sandbox(*runtime, pod.id()).ok());  // the second stop: nothing to DEL, success
  REQUIRE(remove_sandbox(*runtime, pod.id()).ok());
  check_nothing_left(env, pod.id(), ip);
}

TEST_CASE("cni_test: a stop after the shim restarted DELs from the stored attachment") {
  CniEnvironment env;
  env.write_chain();
  std::string id, ip;
  auto shim = std::make_unique<ShimProcess>(env.shim_args());
  auto runtime = shim->runtime();
  Pod pod(*runtime);
  auto* mapping = pod.config().add_port_mappings();
  mapping->set_container_port(80);
  mapping->set_host_port(free_tcp_port());
  id = pod.run();
  ip = pod.sandbox_status().network().ip();
  REQUIRE_FALSE(ip.empty());
  shim->stop(SIGKILL);

  ShimProcess restarted(env.shim_args());
  auto runtime2 = restarted.runtime();
  cri::PodSandboxStatusRequest request;
  request.set_pod_sandbox_id(id);
  cri::PodSandboxStatusResponse response;
  REQUIRE(runtime2->PodSandboxStatus(context().get(), request, &response).ok());
  CHECK(response.status().network().ip() == ip);  // from the stored result
  request.set_verbose(true);
  REQUIRE(runtime2->PodSandboxStatus(context().get(), request, &response).ok());
  const auto info = response.info().at("info");
  CHECK(info.find(std::string("\"cniNetwork\":\"") + kNetworkName + "\"") != std::string::npos);
  CHECK(info.find(ip + "/24") != std::string::npos);
  REQUIRE(stop_sandbox(*runtime2, id).ok());
  CHECK(stop_sandbox(*runtime2, id).ok());
  REQUIRE(remove_sandbox(*runtime2, id).ok());
  check_nothing_left(env, id, ip);
}

TEST_CASE("cni_test: remove without stop DELs too; a killed pause process (netns gone) still stops") {
  CniEnvironment env;
  env.write_chain();
  ShimProcess shim(env.shim_args());
  auto runtime = shim.runtime();
  {
    Pod pod(*runtime);
    pod.run();
    const std::string ip = pod.sandbox_status().network().ip();
    REQUIRE_FALSE(ip.empty());
    REQUIRE(remove_sandbox(*runtime, pod.id()).ok());
    check_nothing_left(env, pod.id(), ip);
  }
  {
    Pod pod(*runtime);
    pod.run();
    const std::string ip = pod.sandbox_status().network().ip();
    REQUIRE_FALSE(ip.empty());
    docker_client().kill_container(pod.id(), "SIGKILL");
    for (int i = 0; i < 300 && docker_client().inspect_container(pod.id()).state.running; ++i)  // 30 s, was 5 s
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(stop_sandbox(*runtime, pod.id()).ok());
    CHECK_FALSE(fs::exists(env.lease_file(ip)));
    REQUIRE(remove_sandbox(*runtime, pod.id()).ok());
    check_nothing_left(env, pod.id(), ip);
  }
}

TEST_CASE("cni_test: UpdateRuntimeConfig's pod CIDR reaches host-local (ipRanges)") {
  CniEnvironment env;
  env.write_chain("bridge", false);
  ShimProcess shim(env.shim_args());
  auto runtime = shim.runtime();
  // Before kubelet hands the CIDR over, this config has no range at all:
  // ADD fails, and so does the rollback's DEL (host-local cannot read the
  // config either), so the sandbox stays NOTREADY with its attachment.
  Pod early(*runtime);
  CHECK_FALSE(early.try_run().ok());
  const auto kept = sandboxes_of(*runtime, early.config().metadata().uid());
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].state() == cri::SANDBOX_NOTREADY);
  // The bridge plugin (1.1.1) cannot reuse a bridge it made in a failed ADD
  // that never got an address ("could not set bridge's mac"): start afresh.
  run(std::string("ip link del ") + kBridge + " 2>/dev/null");
  REQUIRE(update_pod_cidr(*runtime, "10.99.0.128/25").ok());
  // The kept sandbox's DEL runs with the inputs its ADD had (no range), so
  // it keeps failing, clearly, and the sandbox stays, as containerd keeps
  // one; the operator's way out is to delete its attachment file.
  const auto removal = remove_sandbox(*runtime, kept[0].id());
  CHECK_FALSE(removal.ok());
  CHECK_MESSAGE(removal.error_message().find("CNI DEL for sandbox " + kept[0].id()) != std::string::npos,
                removal.error_message());
  fs::remove(env.root_dir() + "/network/" + kept[0].id() + ".json");
  REQUIRE(remove_sandbox(*runtime, kept[0].id()).ok());
  CHECK(docker_containers_with_label("io.kubernetes.pod.uid", early.config().metadata().uid()) == 0);
  Pod pod(*runtime);
  pod.run();
  const std::string ip = pod.sandbox_status().network().ip();
  REQUIRE(ip.rfind("10.99.0.", 0) == 0);
  CHECK(std::stoi(ip.substr(8)) > 128);
  REQUIRE(remove_sandbox(*runtime, pod.id()).ok());
  check_nothing_left(env, pod.id(), ip);
}

TEST_CASE("cni_test: a missing plugin fails RunPodSandbox clearly and leaves nothing") {
  CniEnvironment env;
  env.write_chain("cri-shim-no-such-plugin");
  ShimProcess shim(env.shim_args());
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  const auto status = pod.try_run();
  REQUIRE_FALSE(status.ok());
  CHECK(status.error_message().find("CNI ADD") != std::string::npos);
  CHECK(status.error_message().find("\"cri-shim-no-such-plugin\" not found in " + env.bin_dir() +
                                    ", /opt/cni/bin, /usr/lib/cni") != std::string::npos);
  CHECK(docker_containers_with_label("io.kubernetes.pod.uid", pod.config().metadata().uid()) == 0);
  CHECK((!fs::exists(env.root_dir() + "/network") || fs::is_empty(env.root_dir() + "/network")));
}

TEST_CASE("cni_test: a plugin that crashes half-way through ADD: the call fails, the IP is released") {
  CniEnvironment env;
  env.write_fault_plugin();
  env.write_chain("bridge", true, "cri-shim-fault");
  ShimProcess shim(env.shim_args());
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  const auto status = pod.try_run();
  REQUIRE_FALSE(status.ok());
  CHECK(status.error_code() == grpc::StatusCode::UNKNOWN);
  CHECK_MESSAGE(status.error_message().find("was killed by signal 11") != std::string::npos, status.error_message());
  // The rollback DELeted the whole chain: host-local's lease and the
  // fault plugin's own allocation are gone with the sandbox.
  CHECK(env.leases().empty());
  CHECK(docker_containers_with_label("io.kubernetes.pod.uid", pod.config().metadata().uid()) == 0);
  CHECK((!fs::exists(env.root_dir() + "/network") || fs::is_empty(env.root_dir() + "/network")));
  for (const auto& entry : fs::directory_iterator(env.dir))
    CHECK_MESSAGE(entry.path().filename().string().rfind("allocated-", 0) != 0, entry.path());
}

TEST_CASE("cni_test: a hanging plugin is killed at --cni-plugin-timeout-seconds; nothing is left") {
  CniEnvironment env;
  env.write_fault_plugin();
  env.write_chain("bridge", true, "cri-shim-fault");
  std::ofstream(env.dir / "hang");
  auto args = env.shim_args();
  args.insert(args.end(), {"--cni-plugin-timeout-seconds", "2"});
  ShimProcess shim(args);
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  const auto started = std::chrono::steady_clock::now();
  const auto status = pod.try_run();
  const auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(status.ok());
  CHECK_MESSAGE(status.error_message().find("and was killed") != std::string::npos, status.error_message());
  CHECK(took < std::chrono::seconds(30));  // not the plugin's 4517 s
  CHECK(env.leases().empty());
  CHECK(docker_containers_with_label("io.kubernetes.pod.uid", pod.config().metadata().uid()) == 0);
  CHECK((!fs::exists(env.root_dir() + "/network") || fs::is_empty(env.root_dir() + "/network")));
  CHECK(run("pgrep -x -f 'sleep 4517' >/dev/null") != 0);  // its process group was killed
}

TEST_CASE("cni_test: a rollback whose DEL fails keeps the sandbox NOTREADY; RemovePodSandbox DELs again") {
  CniEnvironment env;
  env.write_fault_plugin();
  env.write_chain("bridge", true, "cri-shim-fault");
  std::ofstream(env.dir / "del-failures") << 1;  // the rollback's DEL fails, the next succeeds
  ShimProcess shim(env.shim_args());
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  const auto status = pod.try_run();
  REQUIRE_FALSE(status.ok());
  CHECK(status.error_message().find("CNI ADD") != std::string::npos);

  // Kept, stopped, with its attachment: kubelet's garbage collection sees
  // a NOTREADY sandbox, and the fault plugin's allocation is not forgotten.
  const auto kept = sandboxes_of(*runtime, pod.config().metadata().uid());
  REQUIRE(kept.size() == 1);
  const std::string id = kept[0].id();
  CHECK(kept[0].state() == cri::SANDBOX_NOTREADY);
  CHECK(env.allocated(id));
  CHECK(fs::exists(env.root_dir() + "/network/" + id + ".json"));

  REQUIRE(stop_sandbox(*runtime, id).ok());  // DEL again: now it succeeds
  CHECK_FALSE(env.allocated(id));
  CHECK(env.leases().empty());
  REQUIRE(remove_sandbox(*runtime, id).ok());
  CHECK(docker_containers_with_label("io.kubernetes.pod.uid", pod.config().metadata().uid()) == 0);
  CHECK_FALSE(fs::exists(env.root_dir() + "/network/" + id + ".json"));
}

TEST_CASE("cni_test: Status: NetworkReady false without a config, true once one is dropped in") {
  CniEnvironment env;
  ShimProcess shim(env.shim_args());
  auto runtime = shim.runtime();
  auto response = runtime_status(*runtime);
  const auto* network = condition(response, "NetworkReady");
  REQUIRE(network);
  CHECK_FALSE(network->status());
  CHECK(network->reason() == "NetworkPluginNotReady");
  CHECK(network->message().find(env.conf_dir()) != std::string::npos);
  // Without a config RunPodSandbox fails and leaves nothing.
  Pod pod(*runtime);
  const auto run_status = pod.try_run();
  CHECK(run_status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(docker_containers_with_label("io.kubernetes.pod.uid", pod.config().metadata().uid()) == 0);

  env.write_chain();
  response = runtime_status(*runtime);
  network = condition(response, "NetworkReady");
  REQUIRE(network);
  CHECK(network->status());
  CHECK(network->reason().empty());
}

}  // namespace itest
