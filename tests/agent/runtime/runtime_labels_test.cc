#include <doctest/doctest.h>

#include <functional>
#include <set>

#include "agent/runtime/runtime_labels.h"
#include "pod_fixture.h"

using namespace agent;
using namespace agent::runtime;

TEST_CASE("sandbox labels: the pod's labels plus identity and the managed mark") {
  pod::Pod pod = test::basic_pod();
  pod.metadata.labels = {{"app", "web"}, {kPodNameLabel, "impostor"}};
  auto labels = sandbox_labels(pod);
  CHECK(labels["app"] == "web");
  CHECK(labels[kPodNameLabel] == "web");  // the pod's own label cannot override identity
  CHECK(labels[kPodNamespaceLabel] == "shop");
  CHECK(labels[kPodUidLabel] == "0123-uid");
  CHECK(labels[kManagedByLabel] == "true");
  CHECK(labels[kNodeNameLabel] == "node-a");
  CHECK(labels.count(kContainerNameLabel) == 0);

  pod.metadata.annotations = {{"note", "x"}};
  CHECK(sandbox_annotations(pod) == std::map<std::string, std::string>{{"note", "x"}});
}

TEST_CASE("container labels: identity only") {
  pod::Pod pod = test::basic_pod();
  pod.metadata.labels = {{"app", "web"}};
  auto labels = container_labels(pod, pod.spec.containers[0]);
  CHECK(labels == std::map<std::string, std::string>{{kPodNameLabel, "web"},
                                                     {kPodNamespaceLabel, "shop"},
                                                     {kPodUidLabel, "0123-uid"},
                                                     {kContainerNameLabel, "app"},
                                                     {kManagedByLabel, "true"},
                                                     {kNodeNameLabel, "node-a"}});
}

TEST_CASE("container annotations") {
  pod::Pod pod = test::basic_pod();
  pod.spec.termination_grace_period_seconds = 45;
  auto& c = pod.spec.containers[0];
  auto a = container_annotations(pod, c, 3, false);
  CHECK(a[kContainerHashAnnotation] == container_hash(c));
  CHECK(a[kRestartCountAnnotation] == "3");
  CHECK(a[kTerminationMessagePathAnnotation] == "/dev/termination-log");
  CHECK(a[kTerminationGraceAnnotation] == "45");
  CHECK(a[kContainerTypeAnnotation] == "app");
  CHECK(a.count(kContainerPortsAnnotation) == 0);
  CHECK(container_annotations(pod, c, 0, true)[kContainerTypeAnnotation] == "init");
}

TEST_CASE("ports annotation is kubelet's JSON of the ContainerPort list") {
  pod::Pod pod = test::basic_pod();
  auto& c = pod.spec.containers[0];
  c.ports = {{"http", 80, 8080, "", pod::Protocol::TCP}, {"", 53, 0, "127.0.0.1", pod::Protocol::UDP}};
  CHECK(container_annotations(pod, c, 0, false)[kContainerPortsAnnotation] ==
        R"([{"name":"http","hostPort":8080,"containerPort":80,"protocol":"TCP"},)"
        R"({"containerPort":53,"protocol":"UDP","hostIP":"127.0.0.1"}])");
}

TEST_CASE("container hash: stable, hex, and changed by any field") {
  pod::Container base = test::basic_pod().spec.containers[0];
  const std::string h = container_hash(base);
  CHECK(h.size() == 16);
  CHECK(h.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(container_hash(base) == h);
  pod::Container copy = base;
  CHECK(container_hash(copy) == h);

  using Edit = std::function<void(pod::Container&)>;
  const std::vector<std::pair<const char*, Edit>> edits = {
      {"name", [](auto& c) { c.name = "app2"; }},
      {"image", [](auto& c) { c.image = "busybox:1.37"; }},
      {"pull policy", [](auto& c) { c.image_pull_policy = pod::PullPolicy::Always; }},
      {"command", [](auto& c) { c.command = {"sh"}; }},
      {"command split", [](auto& c) { c.command = {"s", "h"}; }},
      {"args", [](auto& c) { c.args = {"-c", "true"}; }},
      {"command vs args", [](auto& c) { c.args = {"sh"}; }},
      {"env value", [](auto& c) { c.env = {{"A", "1", std::nullopt}}; }},
      {"env fieldRef", [](auto& c) { c.env = {{"A", "", std::string("metadata.name")}}; }},
      {"env empty", [](auto& c) { c.env = {{"A", "", std::nullopt}}; }},
      {"port", [](auto& c) { c.ports = {{"", 80, 0, "", pod::Protocol::TCP}}; }},
      {"port protocol", [](auto& c) { c.ports = {{"", 80, 0, "", pod::Protocol::UDP}}; }},
      {"host port", [](auto& c) { c.ports = {{"", 80, 8080, "", pod::Protocol::TCP}}; }},
      {"workingDir", [](auto& c) { c.working_dir = "/srv"; }},
      {"cpu request", [](auto& c) { c.resources.requests.cpu_milli = 100; }},
      {"cpu limit", [](auto& c) { c.resources.limits.cpu_milli = 100; }},
      {"memory request", [](auto& c) { c.resources.requests.memory_bytes = 1 << 20; }},
      {"memory limit", [](auto& c) { c.resources.limits.memory_bytes = 1 << 20; }},
      {"ephemeral-storage request", [](auto& c) { c.resources.requests.ephemeral_storage_bytes = 1 << 20; }},
      {"ephemeral-storage limit", [](auto& c) { c.resources.limits.ephemeral_storage_bytes = 1 << 20; }},
      {"empty securityContext", [](auto& c) { c.security_context = pod::SecurityContext{}; }},
      {"runAsUser", [](auto& c) { c.security_context = pod::SecurityContext{}; c.security_context->run_as_user = 1; }},
      {"runAsGroup", [](auto& c) { c.security_context = pod::SecurityContext{}; c.security_context->run_as_group = 1; }},
      {"runAsNonRoot", [](auto& c) { c.security_context = pod::SecurityContext{}; c.security_context->run_as_non_root = true; }},
      {"caps", [](auto& c) { c.security_context = pod::SecurityContext{}; c.security_context->capabilities = pod::Capabilities{{"NET_ADMIN"}, {}}; }},
      {"caps drop", [](auto& c) { c.security_context = pod::SecurityContext{}; c.security_context->capabilities = pod::Capabilities{{}, {"NET_ADMIN"}}; }},
      {"privileged", [](auto& c) { c.security_context = pod::SecurityContext{}; c.security_context->privileged = false; }},
      {"readOnlyRootFilesystem", [](auto& c) { c.security_context = pod::SecurityContext{}; c.security_context->read_only_root_filesystem = true; }},
      {"allowPrivilegeEscalation", [](auto& c) { c.security_context = pod::SecurityContext{}; c.security_context->allow_privilege_escalation = false; }},
      {"seccomp", [](auto& c) { c.security_context = pod::SecurityContext{}; c.security_context->seccomp_profile = pod::SeccompProfile{}; }},
      {"seccomp localhost", [](auto& c) { c.security_context = pod::SecurityContext{}; c.security_context->seccomp_profile = pod::SeccompProfile{pod::SeccompType::Localhost, "a.json"}; }},
      {"terminationMessagePath", [](auto& c) { c.termination_message_path = "/tmp/msg"; }},
  };
  std::set<std::string> seen = {h};
  for (const auto& [what, edit] : edits) {
    pod::Container changed = base;
    edit(changed);
    INFO(what);
    CHECK(container_hash(changed) != h);
    CHECK(seen.insert(container_hash(changed)).second);  // and differs from every other edit
  }
}

TEST_CASE("container hash: a known value, so that it never drifts between builds") {
  // FNV-1a 64 of the canonical text, computed independently (by hand, in
  // Python) from:
  //   container=2:v1;name=3:app;image=7:busybox;imagePullPolicy=1:1;command=1:0;args=1:0;
  //   env=1:0;ports=1:0;workingDir=0:;requests=1:{;cpu=1:-;memory=1:-;}=0:;limits=1:{;
  //   cpu=1:-;memory=1:-;}=0:;securityContext=1:-;terminationMessagePath=20:/dev/termination-log;
  // If this fails, every running container would be recreated after an agent
  // upgrade: change the canonical text only on purpose.
  pod::Container c;
  c.name = "app";
  c.image = "busybox";
  CHECK(container_hash(c) == "7d02646ce1156a9e");
}
