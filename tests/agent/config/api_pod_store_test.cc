// ApiPodStore: a posted pod survives a restart unchanged (parse -> JSON -> parse).
#include <doctest/doctest.h>

#include <filesystem>

#include "agent/config/api_pod_store.h"
#include "agent/pod/manifest_parser.h"

using namespace agent;

namespace {

const char* kManifest = R"(
apiVersion: v1
kind: Pod
metadata:
  name: rich
  namespace: team
  labels: {app: rich}
  annotations: {note: "kept"}
spec:
  restartPolicy: OnFailure
  terminationGracePeriodSeconds: 5
  hostname: h1
  subdomain: sub
  dnsPolicy: None
  dnsConfig:
    nameservers: [10.0.0.10]
    searches: [a.example]
    options: [{name: ndots, value: "2"}]
  securityContext: {runAsUser: 1000, fsGroup: 2000, supplementalGroups: [3000]}
  initContainers:
  - name: init
    image: busybox
    command: [sh, -c, "true"]
  containers:
  - name: web
    image: busybox
    imagePullPolicy: Never
    command: [httpd]
    args: [-f, -p, "8080"]
    workingDir: /www
    env:
    - {name: A, value: "1"}
    - name: IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    ports: [{containerPort: 8080, hostPort: 18080, protocol: TCP}]
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {cpu: "2", memory: 128Mi}
    securityContext:
      readOnlyRootFilesystem: true
      allowPrivilegeEscalation: false
      capabilities: {add: [NET_ADMIN], drop: [ALL]}
      seccompProfile: {type: RuntimeDefault}
    terminationMessagePath: /tmp/msg
)";

std::string temp_dir() {
  char tmpl[] = "/tmp/api-pod-store-XXXXXX";
  return ::mkdtemp(tmpl);
}

}  // namespace

TEST_CASE("a stored API pod reads back with the same UID and spec") {
  pod::PodSource source{pod::PodSource::Kind::Api, "api", "node1"};
  auto docs = pod::parse_manifest(kManifest, source);
  REQUIRE(docs.size() == 1);
  REQUIRE_MESSAGE(docs[0].pod, docs[0].error);
  const pod::Pod& original = *docs[0].pod;
  CHECK(pod::came_from(original, pod::PodSource::Kind::Api));

  const std::string dir = temp_dir();
  config::ApiPodStore store(dir);
  store.save(original);
  auto loaded = store.load("node1");
  REQUIRE(loaded.size() == 1);
  const pod::Pod& back = loaded[0];
  CHECK(back.metadata.uid == original.metadata.uid);
  CHECK(back.metadata.name == "rich");
  CHECK(back.metadata.namespace_ == "team");
  CHECK(back.metadata.labels == original.metadata.labels);
  CHECK(back.metadata.annotations == original.metadata.annotations);
  CHECK(back.spec.restart_policy == pod::RestartPolicy::OnFailure);
  CHECK(back.spec.termination_grace_period_seconds == 5);
  CHECK(back.spec.hostname == "h1");
  CHECK(back.spec.dns_policy == pod::DnsPolicy::None);
  REQUIRE(back.spec.dns_config);
  CHECK(back.spec.dns_config->options.size() == 1);
  CHECK(back.spec.security_context.fs_group == 2000);
  REQUIRE(back.spec.init_containers.size() == 1);
  REQUIRE(back.spec.containers.size() == 1);
  const auto& c = back.spec.containers[0];
  const auto& o = original.spec.containers[0];
  CHECK(c.image_pull_policy == pod::PullPolicy::Never);
  CHECK(c.command == o.command);
  CHECK(c.args == o.args);
  CHECK(c.working_dir == "/www");
  REQUIRE(c.env.size() == 2);
  CHECK(c.env[1].field_path == std::optional<std::string>("status.podIP"));
  REQUIRE(c.ports.size() == 1);
  CHECK(c.ports[0].host_port == 18080);
  CHECK(c.resources.requests.cpu_milli == o.resources.requests.cpu_milli);
  CHECK(c.resources.limits.cpu_milli == 2000);
  CHECK(c.resources.limits.memory_bytes == o.resources.limits.memory_bytes);
  REQUIRE(c.security_context);
  CHECK(c.security_context->read_only_root_filesystem == true);
  CHECK(c.security_context->allow_privilege_escalation == false);
  REQUIRE(c.security_context->capabilities);
  CHECK(c.security_context->capabilities->add == o.security_context->capabilities->add);
  CHECK(c.termination_message_path == "/tmp/msg");

  store.remove(original.metadata.uid);
  CHECK(store.load("node1").empty());
  std::filesystem::remove_all(dir);
}
