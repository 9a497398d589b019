// Pod sandboxes through the real cri-shim on the real dockerd: what CRI
// reports, what Docker shows, and the calls' idempotence and errors.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "tests/integration/pod_fixture.h"

using namespace itest;

namespace {

std::vector<cri::PodSandbox> list_sandboxes(cri::RuntimeService::Stub& runtime,
                                            const cri::PodSandboxFilter& filter) {
  cri::ListPodSandboxRequest request;
  *request.mutable_filter() = filter;
  cri::ListPodSandboxResponse response;
  auto status = runtime.ListPodSandbox(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return {response.items().begin(), response.items().end()};
}

grpc::Status sandbox_status(cri::RuntimeService::Stub& runtime, const std::string& id,
                            cri::PodSandboxStatusResponse* response, bool verbose = false) {
  cri::PodSandboxStatusRequest request;
  request.set_pod_sandbox_id(id);
  request.set_verbose(verbose);
  return runtime.PodSandboxStatus(context().get(), request, response);
}

}  // namespace

TEST_CASE("RunPodSandbox: status, list, Docker's view, stop and remove") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "web_server");  // '_' must survive: metadata lives in labels
  (*pod.config().mutable_annotations())["note"] = "kept verbatim";
  (*pod.config().mutable_labels())["tier"] = "front";
  const std::string id = pod.run();

  cri::PodSandboxStatusResponse response;
  auto status = sandbox_status(*runtime, id, &response, true);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  const auto& s = response.status();
  CHECK(s.id() == id);
  CHECK(s.metadata().name() == "web_server");
  CHECK(s.metadata().namespace_() == "itest");
  CHECK(s.metadata().uid() == pod.config().metadata().uid());
  CHECK(s.state() == cri::SANDBOX_READY);
  CHECK(s.labels().at("tier") == "front");
  CHECK(s.annotations().at("note") == "kept verbatim");
  CHECK(s.labels().count("io.kubernetes.docker.type") == 0);
  CHECK(!s.network().ip().empty());
  CHECK(s.linux().namespaces().options().network() == cri::POD);
  CHECK(s.created_at() > 1'600'000'000'000'000'000);
  CHECK(response.info().count("info") == 1);

  // Docker shows the dockershim name and cri-dockerd's labels.
  const auto inspect = docker_client().inspect_container(id);
  CHECK(inspect.name == "k8s_POD_web_server_itest_" + pod.config().metadata().uid() + "_0");
  CHECK(inspect.config.labels.at("io.kubernetes.docker.type") == "podsandbox");
  CHECK(inspect.config.labels.at("annotation.note") == "kept verbatim");
  CHECK(inspect.config.hostname == "itest-host");
  CHECK(inspect.host_config.ipc_mode == "shareable");

  SUBCASE("list by id, prefix, state and labels; created_at equals the status'") {
    cri::PodSandboxFilter filter;
    filter.set_id(id);
    auto items = list_sandboxes(*runtime, filter);
    REQUIRE(items.size() == 1);
    CHECK(items[0].created_at() == s.created_at());
    CHECK(items[0].metadata().name() == "web_server");
    filter.set_id(id.substr(0, 12));
    CHECK(list_sandboxes(*runtime, filter).size() == 1);
    filter.Clear();
    (*filter.mutable_label_selector())["io.kubernetes.pod.uid"] = pod.config().metadata().uid();
    CHECK(list_sandboxes(*runtime, filter).size() == 1);
    (*filter.mutable_label_selector())["tier"] = "back";
    CHECK(list_sandboxes(*runtime, filter).empty());
    filter.Clear();
    filter.set_id(id);
    filter.mutable_state()->set_state(cri::SANDBOX_NOTREADY);
    CHECK(list_sandboxes(*runtime, filter).empty());
  }

  SUBCASE("stop is idempotent, remove is idempotent, then NOT_FOUND") {
    REQUIRE(stop_sandbox(*runtime, id).ok());
    REQUIRE(stop_sandbox(*runtime, id).ok());
    cri::PodSandboxStatusResponse stopped;
    REQUIRE(sandbox_status(*runtime, id, &stopped).ok());
    CHECK(stopped.status().state() == cri::SANDBOX_NOTREADY);
    CHECK(stopped.status().network().ip().empty());
    REQUIRE(remove_sandbox(*runtime, id).ok());
    REQUIRE(remove_sandbox(*runtime, id).ok());
    cri::PodSandboxStatusResponse gone;
    CHECK(sandbox_status(*runtime, id, &gone).error_code() == grpc::StatusCode::NOT_FOUND);
    CHECK(stop_sandbox(*runtime, id).ok());
  }
}

TEST_CASE("RunPodSandbox twice with the same metadata: ALREADY_EXISTS, one pod") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  pod.run();
  cri::RunPodSandboxRequest request;
  *request.mutable_config() = pod.config();
  cri::RunPodSandboxResponse response;
  auto status = runtime->RunPodSandbox(context().get(), request, &response);
  CHECK(status.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(docker_containers_with_label("io.kubernetes.pod.uid", pod.config().metadata().uid()) == 1);
}

TEST_CASE("RunPodSandbox: bad input is INVALID_ARGUMENT naming the field; nothing is created") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  SUBCASE("unknown runtime handler") {
    auto status = pod.try_run("kata");
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().find("docker") != std::string::npos);
  }
  SUBCASE("missing name") {
    pod.config().mutable_metadata()->clear_name();
    auto status = pod.try_run();
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().find("config.metadata.name") != std::string::npos);
  }
  SUBCASE("bad port mapping") {
    pod.config().add_port_mappings()->set_container_port(70000);
    auto status = pod.try_run();
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().find("port_mappings[0].container_port") != std::string::npos);
  }
  SUBCASE("a sysctl the kernel refuses fails at start: the container is removed") {
    (*pod.config().mutable_linux()->mutable_sysctls())["net.ipv4.no_such_sysctl"] = "1";
    auto status = pod.try_run();
    CHECK(!status.ok());
  }
  CHECK(docker_containers_with_label("io.kubernetes.pod.uid", pod.config().metadata().uid()) == 0);
}

TEST_CASE("PodSandboxStatus of unknown or non-sandbox IDs is NOT_FOUND") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  cri::PodSandboxStatusResponse response;
  CHECK(sandbox_status(*runtime, std::string(64, 'a'), &response).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  CHECK(sandbox_status(*runtime, "k8s_POD_x", &response).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(sandbox_status(*runtime, "", &response).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  Pod pod(*runtime);
  pod.run();
  const auto container = pod.create_and_start("c", "sleep 60");
  CHECK(sandbox_status(*runtime, container, &response).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(remove_sandbox(*runtime, std::string(64, 'b')).ok());
}

TEST_CASE("Sandbox settings: DNS, port mappings, host network, OOM score clamp") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  auto* dns = pod.config().mutable_dns_config();
  dns->add_servers("10.0.0.10");
  dns->add_searches("itest.svc.cluster.local");
  dns->add_options("ndots:5");
  auto* port = pod.config().add_port_mappings();
  port->set_container_port(80);
  port->set_host_port(0);
  pod.run();
  const auto c = pod.create_and_start("dns", "sleep 60");
  auto result = pod.exec(c, "cat /etc/resolv.conf; hostname");
  REQUIRE(result.status.ok());
  CHECK(result.out ==
        "search itest.svc.cluster.local\nnameserver 10.0.0.10\noptions ndots:5\nitest-host\n");

  const auto inspect = docker_client().inspect_container(pod.id());
  std::ifstream own("/proc/self/oom_score_adj");
  int own_adj = 0;
  own >> own_adj;
  REQUIRE(inspect.host_config.oom_score_adj.has_value());
  CHECK(*inspect.host_config.oom_score_adj == std::max(-998, own_adj));
  CHECK(inspect.state.running);

  SUBCASE("host network: no pod IP, the node's namespaces") {
    Pod host_pod(*runtime);
    host_pod.config().mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(cri::NODE);
    host_pod.run();
    auto s = host_pod.sandbox_status();
    CHECK(s.linux().namespaces().options().network() == cri::NODE);
    CHECK(s.network().ip().empty());
    CHECK(docker_client().inspect_container(host_pod.id()).host_config.network_mode == "host");
  }
}

TEST_CASE("The infra image: built in by default, another one pulled when absent") {
  const std::string registry = required_env("CRI_SHIM_TEST_REGISTRY");
  {
    ShimProcess shim;  // the built-in pause image is imported when a pod needs it
    auto runtime = shim.runtime();
    Pod pod(*runtime);
    pod.run();
    CHECK(docker_client().inspect_container(pod.id()).config.image == "cri-shim.local/pause:1");
  }
  // The same program under another name, only in the registry.
  const std::string repo = registry + "/itest/pause-" + unique_suffix();
  REQUIRE(run("docker tag cri-shim.local/pause:1 " + repo + ":1 && docker push -q " + repo +
              ":1 >/dev/null && docker rmi " + repo + ":1 >/dev/null") == 0);
  ShimProcess shim({"--pod-infra-container-image", repo + ":1"});
  auto runtime = shim.runtime();
  {
    Pod pod(*runtime);
    pod.run();
    const auto inspect = docker_client().inspect_container(pod.id());
    CHECK(inspect.config.image == repo + ":1");
    CHECK(inspect.state.running);
  }  // the pod goes before its image
  run("docker rmi -f " + repo + ":1 >/dev/null 2>&1");
}
