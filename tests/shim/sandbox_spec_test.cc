// The pure translations of PodSandboxConfig and DNSConfig.
#include <doctest/doctest.h>

#include "shim/sandbox/resolv_conf.h"
#include "shim/sandbox/sandbox_spec.h"
#include "shim/server/call.h"

namespace {
cri::PodSandboxConfig pod_config() {
  cri::PodSandboxConfig config;
  config.mutable_metadata()->set_name("web_1");
  config.mutable_metadata()->set_namespace_("default");
  config.mutable_metadata()->set_uid("u1");
  config.mutable_metadata()->set_attempt(2);
  config.set_hostname("web");
  config.set_log_directory("/var/log/pods/default_web_1_u1");
  return config;
}

shim::SandboxSpecInputs inputs() {
  shim::SandboxSpecInputs in;
  in.image = "cri-shim.local/pause:1";
  in.oom_score_adj = -500;
  in.created_at = 1234;
  return in;
}

grpc::StatusCode code_of(const cri::PodSandboxConfig& config, std::string* message = nullptr) {
  try {
    shim::sandbox_create_request(config, inputs());
  } catch (const shim::CriError& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return grpc::StatusCode::OK;
}
}  // namespace

TEST_CASE("a pod's infra container: name, labels, namespaces, OOM score, ports") {
  auto config = pod_config();
  auto* port = config.add_port_mappings();
  port->set_container_port(80);
  port->set_host_port(8080);
  port->set_host_ip("127.0.0.1");
  port->set_protocol(cri::UDP);
  config.add_port_mappings()->set_container_port(443);
  (*config.mutable_linux()->mutable_sysctls())["net.ipv4.ip_forward"] = "1";
  config.mutable_linux()->set_cgroup_parent("/kubepods/besteffort/podu1");
  const auto request = shim::sandbox_create_request(config, inputs());
  CHECK(request.name == "k8s_POD_web_1_default_u1_2");
  CHECK(request.image == "cri-shim.local/pause:1");
  CHECK(request.hostname == "web");
  CHECK(request.labels.at("io.kubernetes.docker.type") == "podsandbox");
  CHECK(request.labels.at("io.cri-shim.created") == "1234");
  CHECK(request.labels.at("io.cri-shim.log-directory") == "/var/log/pods/default_web_1_u1");
  CHECK(request.host_config.network_mode == "default");
  CHECK(request.host_config.ipc_mode == "shareable");
  CHECK(request.host_config.pid_mode.empty());
  CHECK(*request.host_config.oom_score_adj == -500);
  CHECK(request.host_config.sysctls.at("net.ipv4.ip_forward") == "1");
  CHECK(request.host_config.resources.cgroup_parent == "/kubepods/besteffort/podu1");
  CHECK(request.exposed_ports == std::vector<std::string>{"80/udp", "443/tcp"});
  REQUIRE(request.host_config.port_bindings.count("80/udp") == 1);
  CHECK(request.host_config.port_bindings.at("80/udp")[0].host_ip == "127.0.0.1");
  CHECK(request.host_config.port_bindings.at("80/udp")[0].host_port == "8080");
  CHECK(request.host_config.port_bindings.count("443/tcp") == 0);  // no host port asked
}

TEST_CASE("host namespaces, the systemd cgroup driver, the user") {
  auto config = pod_config();
  auto* security = config.mutable_linux()->mutable_security_context();
  security->mutable_namespace_options()->set_network(cri::NODE);
  security->mutable_namespace_options()->set_pid(cri::NODE);
  security->mutable_namespace_options()->set_ipc(cri::NODE);
  security->mutable_run_as_user()->set_value(65534);
  security->mutable_run_as_group()->set_value(65534);
  security->add_supplemental_groups(5);
  config.add_port_mappings()->set_container_port(80);
  config.mutable_linux()->set_cgroup_parent("/kubepods.slice/kubepods-pod1.slice");
  auto in = inputs();
  in.cgroup_driver = "systemd";
  const auto request = shim::sandbox_create_request(config, in);
  CHECK(request.host_config.network_mode == "host");
  CHECK(request.host_config.uts_mode == "host");
  CHECK(request.hostname.empty());
  CHECK(request.host_config.pid_mode == "host");
  CHECK(request.host_config.ipc_mode == "host");
  CHECK(request.exposed_ports.empty());  // ports mean nothing on the host network
  CHECK(request.host_config.resources.cgroup_parent == "kubepods-pod1.slice");
  CHECK(request.user == "65534:65534");
  CHECK(request.host_config.group_add == std::vector<std::string>{"5"});
  CHECK(request.labels.at("io.cri-shim.pid-mode") == "NODE");
}

TEST_CASE("bad sandbox configs name their field") {
  std::string message;
  auto config = pod_config();
  config.mutable_metadata()->clear_uid();
  CHECK(code_of(config, &message) == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(message.find("config.metadata.uid") != std::string::npos);

  config = pod_config();
  config.clear_metadata();
  CHECK(code_of(config) == grpc::StatusCode::INVALID_ARGUMENT);

  config = pod_config();
  config.add_port_mappings()->set_container_port(0);
  CHECK(code_of(config, &message) == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(message.find("port_mappings[0].container_port") != std::string::npos);

  config = pod_config();
  config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(cri::TARGET);
  CHECK(code_of(config, &message) == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(message.find("namespace_options.network") != std::string::npos);

  config = pod_config();
  config.mutable_linux()->mutable_security_context()->mutable_run_as_group()->set_value(1);
  CHECK(code_of(config, &message) == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(message.find("run_as_group") != std::string::npos);
}

TEST_CASE("resolv.conf from a DNSConfig") {
  cri::DNSConfig dns;
  CHECK_FALSE(shim::has_dns_settings(dns));
  dns.add_servers("10.0.0.10");
  dns.add_servers("10.0.0.11");
  dns.add_searches("ns.svc.cluster.local");
  dns.add_searches("svc.cluster.local");
  dns.add_options("ndots:5");
  dns.add_options("edns0");
  CHECK(shim::has_dns_settings(dns));
  CHECK(shim::resolv_conf_text(dns) ==
        "search ns.svc.cluster.local svc.cluster.local\n"
        "nameserver 10.0.0.10\nnameserver 10.0.0.11\n"
        "options ndots:5 edns0\n");
}

TEST_CASE("CNI mode: network none, no Docker port bindings (portmap does them); host network stays host") {
  auto config = pod_config();
  auto* port = config.add_port_mappings();
  port->set_container_port(80);
  port->set_host_port(8080);
  auto in = inputs();
  in.cni_network = true;
  const auto request = shim::sandbox_create_request(config, in);
  CHECK(request.host_config.network_mode == "none");
  CHECK(request.host_config.port_bindings.empty());
  CHECK(request.hostname == "web");
  // Bad port mappings are refused in CNI mode too.
  config.mutable_port_mappings(0)->set_container_port(70000);
  CHECK_THROWS_AS(shim::sandbox_create_request(config, in), shim::CriError);

  auto host = pod_config();
  host.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(cri::NODE);
  CHECK(shim::sandbox_create_request(host, in).host_config.network_mode == "host");
}
