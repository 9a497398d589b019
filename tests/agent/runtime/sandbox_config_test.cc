#include <doctest/doctest.h>

#include "agent/runtime/cri_configs.h"
#include "agent/runtime/runtime_labels.h"
#include "pod_fixture.h"

using namespace agent;
using namespace agent::runtime;

namespace {

const AgentPaths kPaths{"/var/lib/na"};

NodeContext node() {
  NodeContext n;
  n.node_name = "node-a";
  n.cluster_dns = {"10.96.0.10"};
  n.host_nameservers = {"192.168.1.1"};
  return n;
}

}  // namespace

TEST_CASE("AgentPaths lay files out as kubelet does") {
  pod::Pod pod = test::basic_pod();
  CHECK(kPaths.pod_log_dir(pod) == "/var/lib/na/pods/shop_web_0123-uid");
  CHECK(kPaths.termination_message_file(pod, "app", 2) == "/var/lib/na/pods/0123-uid/containers/app/2");
  CHECK(AgentPaths{}.pod_log_dir(pod) == "/var/lib/node-agent/pods/shop_web_0123-uid");
}

TEST_CASE("sandbox config: metadata, hostname, log directory, labels, annotations") {
  pod::Pod pod = test::basic_pod();
  pod.metadata.labels = {{"app", "web"}};
  pod.metadata.annotations = {{"note", "x"}};
  auto config = make_sandbox_config(pod, 2, kPaths, node());
  CHECK(config.metadata().name() == "web");
  CHECK(config.metadata().namespace_() == "shop");
  CHECK(config.metadata().uid() == "0123-uid");
  CHECK(config.metadata().attempt() == 2);
  CHECK(config.hostname() == "web");
  CHECK(config.log_directory() == "/var/lib/na/pods/shop_web_0123-uid");
  CHECK(config.labels().at("app") == "web");
  CHECK(config.labels().at(kManagedByLabel) == "true");
  CHECK(config.labels().at(kPodUidLabel) == "0123-uid");
  CHECK(config.annotations().at("note") == "x");
  CHECK(config.dns_config().servers(0) == "10.96.0.10");
  CHECK(config.linux().cgroup_parent().empty());
  CHECK(config.linux().sysctls().empty());
  CHECK(config.linux().security_context().namespace_options().network() == cri::POD);
  CHECK(config.linux().security_context().seccomp().profile_type() == cri::SecurityProfile::RuntimeDefault);
  CHECK(config.port_mappings_size() == 0);
}

TEST_CASE("hostname: spec.hostname first, cut to 63 characters, none on the host network") {
  pod::Pod pod = test::basic_pod();
  pod.spec.hostname = "front";
  pod.spec.subdomain = "sub";
  CHECK(make_sandbox_config(pod, 0, kPaths, node()).hostname() == "front");

  pod.spec.hostname.clear();
  pod.metadata.name = std::string(62, 'a') + "-b.c";
  CHECK(make_sandbox_config(pod, 0, kPaths, node()).hostname() == std::string(62, 'a'));

  pod.spec.host_network = true;
  auto config = make_sandbox_config(pod, 0, kPaths, node());
  CHECK(config.hostname().empty());
  CHECK(config.linux().security_context().namespace_options().network() == cri::NODE);
}

TEST_CASE("port mappings from the app containers' ports") {
  pod::Pod pod = test::basic_pod();
  pod.spec.containers[0].ports = {{"http", 80, 8080, "", pod::Protocol::TCP},
                                  {"dns", 53, 5353, "127.0.0.1", pod::Protocol::UDP},
                                  {"", 9090, 0, "", pod::Protocol::TCP},
                                  {"", 9090, 0, "", pod::Protocol::TCP},        // exact duplicate: dropped
                                  {"http", 81, 8081, "", pod::Protocol::TCP}};  // name reused: dropped
  pod::Container side = pod.spec.containers[0];
  side.name = "side";
  side.ports = {{"sctp", 3868, 3868, "", pod::Protocol::SCTP}};
  pod.spec.containers.push_back(side);
  pod::Container init = side;
  init.name = "init";
  init.ports = {{"init", 7000, 7000, "", pod::Protocol::TCP}};  // init containers publish nothing
  pod.spec.init_containers.push_back(init);

  auto config = make_sandbox_config(pod, 0, kPaths, node());
  REQUIRE(config.port_mappings_size() == 4);
  CHECK(config.port_mappings(0).container_port() == 80);
  CHECK(config.port_mappings(0).host_port() == 8080);
  CHECK(config.port_mappings(0).protocol() == cri::TCP);
  CHECK(config.port_mappings(1).protocol() == cri::UDP);
  CHECK(config.port_mappings(1).host_ip() == "127.0.0.1");
  CHECK(config.port_mappings(2).container_port() == 9090);
  CHECK(config.port_mappings(2).host_port() == 0);  // exposed only
  CHECK(config.port_mappings(3).protocol() == cri::SCTP);
}

TEST_CASE("sandbox: privileged when any container is, pod user and groups") {
  pod::Pod pod = test::basic_pod();
  pod.spec.security_context.run_as_user = 1000;
  pod.spec.security_context.fs_group = 2000;
  pod.spec.containers[0].security_context = pod::SecurityContext{};
  pod.spec.containers[0].security_context->privileged = true;
  pod.spec.host_pid = true;
  auto sc = make_sandbox_config(pod, 0, kPaths, node()).linux().security_context();
  CHECK(sc.privileged());
  CHECK(sc.run_as_user().value() == 1000);
  CHECK(sc.supplemental_groups(0) == 2000);
  CHECK(sc.namespace_options().pid() == cri::NODE);
  CHECK_FALSE(sc.readonly_rootfs());
}

TEST_CASE("sandbox: the pod's cgroup parent from the node (cm/), none without pod cgroups") {
  pod::Pod pod = test::basic_pod();
  NodeContext n = node();
  n.cgroup_parent = [](const pod::Pod& p) { return "/kubepods/burstable/pod" + p.metadata.uid; };
  CHECK(make_sandbox_config(pod, 0, kPaths, n).linux().cgroup_parent() == "/kubepods/burstable/pod0123-uid");
  n.cgroup_parent = [](const pod::Pod&) { return std::string(); };
  CHECK(make_sandbox_config(pod, 0, kPaths, n).linux().cgroup_parent().empty());
}
