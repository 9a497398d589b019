#include <doctest/doctest.h>

#include "agent/status/status_manager.h"

using namespace agent;
using namespace agent::status;
using nlohmann::json;

namespace {

pod::Pod full_pod() {
  pod::Pod p;
  p.metadata.name = "web";
  p.metadata.uid = "1234";
  p.metadata.labels = {{"app", "web"}};
  pod::Container init;
  init.name = "setup";
  init.image = "busybox";
  init.command = {"sh", "-c", "true"};
  p.spec.init_containers.push_back(init);
  pod::Container c;
  c.name = "app";
  c.image = "busybox:1.36";
  c.image_pull_policy = pod::PullPolicy::Never;
  c.args = {"httpd", "-f"};
  c.env = {{"A", "1", std::nullopt}, {"POD_IP", "", std::string("status.podIP")}};
  c.ports = {{"http", 80, 8080, "", pod::Protocol::TCP}};
  c.working_dir = "/srv";
  c.resources.requests = {100, 64LL << 20};
  c.resources.limits = {2000, 64LL << 20, 1LL << 30};
  pod::SecurityContext sc;
  sc.run_as_user = 1000;
  sc.capabilities = pod::Capabilities{{"NET_ADMIN"}, {"ALL"}};
  c.security_context = sc;
  p.spec.containers.push_back(c);
  p.spec.restart_policy = pod::RestartPolicy::OnFailure;
  p.spec.host_network = true;
  p.spec.hostname = "h";
  p.spec.dns_config = pod::DnsConfig{{"1.1.1.1"}, {}, {{"ndots", std::string("2")}}};
  p.spec.node_name = "node-a";
  return p;
}

PodStatus full_status() {
  PodStatus s;
  s.phase = "Running";
  s.conditions = {{"Ready", "True", "", "", 1795953600}, {"Initialized", "False", "ContainersNotInitialized", "m", 0}};
  s.host_ip = "192.168.1.10";
  s.pod_ip = "10.0.0.2";
  s.pod_ips = {"10.0.0.2"};
  s.start_time = 1795953600;
  ContainerStatus init;
  init.name = "setup";
  init.state.terminated = ContainerStateTerminated{0, 0, "Completed", "", 1795953600, 1795953601, "docker://i"};
  init.ready = true;
  init.image = "busybox";
  init.image_id = "sha256:1";
  init.container_id = "docker://i";
  init.started = false;
  s.init_container_statuses = {init};
  ContainerStatus app;
  app.name = "app";
  app.state.waiting = ContainerStateWaiting{"ContainerCreating", ""};
  app.image = "busybox:1.36";
  s.container_statuses = {app};
  s.qos_class = "Burstable";
  return s;
}

}  // namespace

TEST_CASE("pod_to_json: metadata and spec in the API's shape") {
  json j = pod_to_json(full_pod(), full_status());
  CHECK(j["apiVersion"] == "v1");
  CHECK(j["kind"] == "Pod");
  CHECK(j["metadata"] == json{{"name", "web"}, {"namespace", "default"}, {"uid", "1234"}, {"labels", {{"app", "web"}}}});
  const json& spec = j["spec"];
  CHECK(spec["restartPolicy"] == "OnFailure");
  CHECK(spec["terminationGracePeriodSeconds"] == 30);
  CHECK(spec["dnsPolicy"] == "ClusterFirst");
  CHECK(spec["hostNetwork"] == true);
  CHECK_FALSE(spec.contains("hostPID"));
  CHECK(spec["hostname"] == "h");
  CHECK_FALSE(spec.contains("subdomain"));
  CHECK(spec["nodeName"] == "node-a");
  CHECK(spec["securityContext"] == json::object());
  CHECK(spec["dnsConfig"] == json::parse(R"({"nameservers":["1.1.1.1"],"options":[{"name":"ndots","value":"2"}]})"));
  CHECK(spec["initContainers"][0]["command"] == json::parse(R"(["sh","-c","true"])"));
  CHECK(spec["initContainers"][0]["resources"] == json::object());

  const json& c = spec["containers"][0];
  CHECK(c["name"] == "app");
  CHECK(c["imagePullPolicy"] == "Never");
  CHECK_FALSE(c.contains("command"));
  CHECK(c["args"] == json::parse(R"(["httpd","-f"])"));
  CHECK(c["env"] == json::parse(
                        R"([{"name":"A","value":"1"},{"name":"POD_IP","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"status.podIP"}}}])"));
  CHECK(c["ports"] == json::parse(R"([{"name":"http","containerPort":80,"hostPort":8080,"protocol":"TCP"}])"));
  CHECK(c["workingDir"] == "/srv");
  CHECK(c["resources"] == json::parse(R"({"requests":{"cpu":"100m","memory":"67108864"},"limits":{"cpu":"2","memory":"67108864","ephemeral-storage":"1073741824"}})"));
  CHECK(c["securityContext"] == json::parse(R"({"runAsUser":1000,"capabilities":{"add":["NET_ADMIN"],"drop":["ALL"]}})"));
  CHECK(c["terminationMessagePath"] == "/dev/termination-log");
}

TEST_CASE("pod_to_json: status, RFC 3339 times, omitted empties") {
  json s = pod_to_json(full_pod(), full_status())["status"];
  CHECK(s["phase"] == "Running");
  CHECK(s["startTime"] == "2026-11-29T12:00:00Z");
  CHECK(s["hostIP"] == "192.168.1.10");
  CHECK(s["hostIPs"] == json::parse(R"([{"ip":"192.168.1.10"}])"));
  CHECK(s["podIP"] == "10.0.0.2");
  CHECK(s["podIPs"] == json::parse(R"([{"ip":"10.0.0.2"}])"));
  CHECK(s["qosClass"] == "Burstable");
  CHECK_FALSE(s.contains("message"));
  CHECK_FALSE(s.contains("reason"));

  CHECK(s["conditions"][0] == json::parse(R"({"type":"Ready","status":"True","lastProbeTime":null,
                                                "lastTransitionTime":"2026-11-29T12:00:00Z"})"));
  CHECK(s["conditions"][1] == json::parse(R"({"type":"Initialized","status":"False","lastProbeTime":null,
                                                "reason":"ContainersNotInitialized","message":"m"})"));

  CHECK(s["initContainerStatuses"][0] == json::parse(R"({
    "name":"setup",
    "state":{"terminated":{"exitCode":0,"reason":"Completed","startedAt":"2026-11-29T12:00:00Z",
                           "finishedAt":"2026-11-29T12:00:01Z","containerID":"docker://i"}},
    "lastState":{}, "ready":true, "restartCount":0, "image":"busybox", "imageID":"sha256:1",
    "containerID":"docker://i", "started":false})"));
  CHECK(s["containerStatuses"][0] == json::parse(R"({
    "name":"app", "state":{"waiting":{"reason":"ContainerCreating"}}, "lastState":{},
    "ready":false, "restartCount":0, "image":"busybox:1.36", "imageID":""})"));
}

TEST_CASE("pod_list_to_json: a PodList whose items have no kind") {
  std::vector<PodRecord> pods{{full_pod(), full_status()}};
  json list = pod_list_to_json(pods);
  CHECK(list["apiVersion"] == "v1");
  CHECK(list["kind"] == "PodList");
  CHECK(list["metadata"] == json::object());
  REQUIRE(list["items"].size() == 1);
  CHECK_FALSE(list["items"][0].contains("kind"));
  CHECK(list["items"][0]["metadata"]["name"] == "web");
  CHECK(pod_list_to_json({})["items"] == json::array());
}

TEST_CASE("a rejected manifest in the list: phase Failed, reason and message, nothing else") {
  StatusManager m;
  pod::Pod bad;
  bad.metadata.name = "broken";
  PodRecord r{bad, {}};
  r.status.message = "/etc/pods/broken.yaml: spec.containers: at least one container is required";
  m.set_rejected("/etc/pods/broken.yaml", {r});
  json list = pod_list_to_json(m.list());
  REQUIRE(list["items"].size() == 1);
  const json& item = list["items"][0];
  CHECK(item["metadata"] == json{{"name", "broken"}, {"namespace", "default"}});
  CHECK(item["status"] == json{{"phase", "Failed"},
                               {"reason", "InvalidManifest"},
                               {"message", "/etc/pods/broken.yaml: spec.containers: at least one container is required"}});
}
