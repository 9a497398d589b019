#include <doctest/doctest.h>

#include <map>

#include "agent/pod/manifest_parser.h"
#include "agent/runtime/cri_configs.h"
#include "agent/runtime/runtime_labels.h"
#include "pod_fixture.h"

using namespace agent;
using namespace agent::runtime;

namespace {

const AgentPaths kPaths{"/var/lib/na"};
constexpr int64_t Mi = 1024 * 1024;

PodEnvContext env_ctx() {
  PodEnvContext e;
  e.pod_ip = "10.1.0.7";
  e.pod_ips = {"10.1.0.7"};
  e.host_ip = "192.168.1.2";
  e.node_name = "node-a";
  e.node_memory_bytes = 1024 * Mi;
  return e;
}

std::map<std::string, std::string> env_map(const cri::ContainerConfig& config) {
  std::map<std::string, std::string> m;
  for (const auto& kv : config.envs()) m[kv.key()] = kv.value();
  return m;
}

pod::Pod from_manifest(const std::string& text) {
  auto docs = pod::parse_manifest(text, {pod::PodSource::Kind::File, "/etc/pods/t.yaml", "node-a"});
  REQUIRE(docs.size() == 1);
  INFO(docs[0].error);
  REQUIRE(docs[0].pod.has_value());
  return *docs[0].pod;
}

}  // namespace

TEST_CASE("container config: metadata, image, log path, termination message mount") {
  pod::Pod pod = test::basic_pod();
  const auto& c = pod.spec.containers[0];
  auto config = make_container_config(pod, c, 4, false, "sha256:abc", kPaths, env_ctx());
  CHECK(config.metadata().name() == "app");
  CHECK(config.metadata().attempt() == 4);
  CHECK(config.image().image() == "sha256:abc");
  CHECK(config.image().user_specified_image() == "busybox:1.36");
  CHECK(config.log_path() == "app/4.log");
  REQUIRE(config.mounts_size() == 1);
  CHECK(config.mounts(0).container_path() == "/dev/termination-log");
  CHECK(config.mounts(0).host_path() == "/var/lib/na/pods/0123-uid/containers/app/4");
  CHECK_FALSE(config.mounts(0).readonly());
  CHECK_FALSE(config.stdin());
  CHECK_FALSE(config.tty());
  CHECK(config.labels().at(kContainerNameLabel) == "app");
  CHECK(config.labels().at(kManagedByLabel) == "true");
  CHECK(config.annotations().at(kRestartCountAnnotation) == "4");
  CHECK(config.annotations().at(kContainerHashAnnotation) == container_hash(c));
  CHECK(config.annotations().at(kContainerTypeAnnotation) == "app");
  // BestEffort.
  CHECK(config.linux().resources().oom_score_adj() == 1000);
  CHECK(config.linux().resources().cpu_shares() == 2);

  // Without a resolved image, the spec's.
  CHECK(make_container_config(pod, c, 0, true, "", kPaths, env_ctx()).image().image() == "busybox:1.36");
  CHECK(make_container_config(pod, c, 0, true, "", kPaths, env_ctx()).annotations().at(kContainerTypeAnnotation) ==
        "init");
}

TEST_CASE("container config from a manifest: env, expansion, resources, security") {
  pod::Pod pod = from_manifest(R"yaml(
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: prod
  uid: u-1
spec:
  securityContext:
    runAsUser: 1000
    runAsNonRoot: true
    fsGroup: 2000
  containers:
  - name: server
    image: busybox
    command: ["sh", "-c"]
    args: ["echo $(GREETING) from $(POD_NAME) at $(POD_IP); echo $$(POD_NAME)"]
    workingDir: /srv
    env:
    - name: GREETING
      value: hello
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: POD_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
    - name: NODE
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    - name: WHO
      value: $(POD_NAME).$(NODE)
    resources:
      requests:
        cpu: 100m
        memory: 256Mi
      limits:
        cpu: 500m
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop: ["ALL"]
    terminationMessagePath: /tmp/msg
)yaml");
  auto config = make_container_config(pod, pod.spec.containers[0], 0, false, "busybox", kPaths, env_ctx());
  CHECK(std::vector<std::string>(config.command().begin(), config.command().end()) ==
        std::vector<std::string>{"sh", "-c"});
  CHECK(config.args(0) == "echo hello from api-node-a at 10.1.0.7; echo $(POD_NAME)");  // a static pod: named after its node
  CHECK(config.working_dir() == "/srv");
  auto env = env_map(config);
  CHECK(env["NODE"] == "node-a");
  CHECK(env["WHO"] == "api-node-a.node-a");
  CHECK(config.envs(0).key() == "GREETING");  // spec order

  const auto& r = config.linux().resources();
  CHECK(r.cpu_shares() == 102);
  CHECK(r.cpu_quota() == 50000);
  CHECK(r.cpu_period() == 100000);
  CHECK(r.memory_limit_in_bytes() == 0);
  CHECK(r.oom_score_adj() == 750);  // Burstable, 256Mi of 1Gi

  const auto& sc = config.linux().security_context();
  CHECK(sc.run_as_user().value() == 1000);
  CHECK(sc.no_new_privs());
  CHECK(sc.capabilities().drop_capabilities(0) == "ALL");
  CHECK(sc.supplemental_groups(0) == 2000);
  CHECK(config.mounts(0).container_path() == "/tmp/msg");
}

TEST_CASE("runAsNonRoot with runAsUser 0 is refused by make_container_config") {
  pod::Pod pod = test::basic_pod();
  pod.spec.security_context.run_as_non_root = true;
  pod.spec.security_context.run_as_user = 0;
  CHECK_THROWS_WITH_AS(make_container_config(pod, pod.spec.containers[0], 0, false, "", kPaths, env_ctx()),
                       doctest::Contains("container's runAsUser breaks non-root policy"), std::invalid_argument);
}

TEST_CASE("a Guaranteed container gets -997 and its memory limit") {
  pod::Pod pod = test::basic_pod();
  auto& res = pod.spec.containers[0].resources;
  res.requests = {1000, 128 * Mi};
  res.limits = {1000, 128 * Mi};
  auto r = make_container_config(pod, pod.spec.containers[0], 0, false, "", kPaths, env_ctx()).linux().resources();
  CHECK(r.oom_score_adj() == -997);
  CHECK(r.memory_limit_in_bytes() == 128 * Mi);
  CHECK(r.cpu_shares() == 1024);
  CHECK(r.cpu_quota() == 100000);
}

TEST_CASE("the image's user reaches the config") {
  pod::Pod pod = test::basic_pod();
  auto config = make_container_config(pod, pod.spec.containers[0], 0, false, "", kPaths, env_ctx(), ImageUser{65534, ""});
  CHECK(config.linux().security_context().run_as_user().value() == 65534);
}
