#include "agent/pod/manifest_parser.h"

#include <doctest/doctest.h>

using namespace agent::pod;

namespace {

const PodSource kFile{PodSource::Kind::File, "/etc/pods/web.yaml", "node-a"};

Pod one_pod(const std::string& text, const PodSource& source = kFile) {
  auto docs = parse_manifest(text, source);
  REQUIRE(docs.size() == 1);
  INFO(docs[0].error);
  REQUIRE(docs[0].pod.has_value());
  return *docs[0].pod;
}

std::string one_error(const std::string& text) {
  auto docs = parse_manifest(text, kFile);
  REQUIRE(docs.size() == 1);
  REQUIRE_FALSE(docs[0].pod.has_value());
  return docs[0].error;
}

const char* kMinimal = R"(
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: busybox
)";

// A manifest that sets every field the model knows; the values are not defaults.
const char* kFull = R"(
apiVersion: v1
kind: Pod
metadata:
  name: full
  namespace: team
  uid: 0b6a5d6e-1111-2222-3333-444455556666
  labels: {app: full, tier: "1"}
  annotations: {note: hello}
spec:
  restartPolicy: OnFailure
  terminationGracePeriodSeconds: 5
  hostNetwork: true
  hostPID: true
  hostIPC: true
  hostname: h1
  subdomain: sub
  dnsPolicy: None
  dnsConfig:
    nameservers: [1.1.1.1]
    searches: [example.com]
    options: [{name: ndots, value: "2"}, {name: edns0}]
  nodeName: node-a
  securityContext:
    runAsUser: 1000
    runAsGroup: 3000
    runAsNonRoot: true
    fsGroup: 2000
    supplementalGroups: [4000, 5000]
    seccompProfile: {type: RuntimeDefault}
  initContainers:
  - name: init
    image: registry.local:5000/tools:1.2
    command: [sh, -c, "echo init"]
  containers:
  - name: app
    image: nginx:1.25
    imagePullPolicy: Never
    command: [nginx]
    args: ["-g", "daemon off;"]
    workingDir: /srv
    terminationMessagePath: /tmp/msg
    env:
    - {name: MODE, value: prod}
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: POD_IP
      valueFrom: {fieldRef: {apiVersion: v1, fieldPath: status.podIP}}
    ports:
    - {name: http, containerPort: 8080, hostPort: 8080, protocol: TCP}
    - {containerPort: 53, protocol: UDP}
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {cpu: "0.5", memory: 128Mi}
    securityContext:
      runAsUser: 1001
      runAsGroup: 1002
      runAsNonRoot: true
      privileged: false
      readOnlyRootFilesystem: true
      allowPrivilegeEscalation: false
      capabilities: {add: [NET_ADMIN], drop: [ALL]}
      seccompProfile: {type: Localhost, localhostProfile: profiles/audit.json}
)";

}  // namespace

TEST_CASE("manifest: defaults as Kubernetes applies them") {
  Pod p = one_pod(kMinimal);
  CHECK(p.metadata.name == "web-node-a");  // a static pod is named after its node too
  CHECK(p.metadata.namespace_ == "default");
  CHECK(p.spec.restart_policy == RestartPolicy::Always);
  CHECK(p.spec.termination_grace_period_seconds == 30);
  CHECK(p.spec.dns_policy == DnsPolicy::ClusterFirst);
  CHECK(p.spec.node_name == "node-a");
  CHECK_FALSE(p.spec.host_network);
  REQUIRE(p.spec.containers.size() == 1);
  const Container& c = p.spec.containers[0];
  CHECK(c.image_pull_policy == PullPolicy::Always);  // no tag means :latest
  CHECK(c.termination_message_path == "/dev/termination-log");
  CHECK_FALSE(c.resources.requests.cpu_milli.has_value());
  CHECK_FALSE(c.security_context.has_value());
}

TEST_CASE("manifest: imagePullPolicy default follows the tag") {
  auto policy = [](const std::string& image) {
    std::string text = std::string(kMinimal);
    text.replace(text.find("busybox"), 7, image);
    return one_pod(text).spec.containers[0].image_pull_policy;
  };
  CHECK(policy("busybox:latest") == PullPolicy::Always);
  CHECK(policy("busybox:1.36") == PullPolicy::IfNotPresent);
  CHECK(policy("localhost:5000/busybox") == PullPolicy::Always);  // the port is not a tag
  CHECK(policy("localhost:5000/busybox:1.36") == PullPolicy::IfNotPresent);
  CHECK(policy("busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") ==
        PullPolicy::IfNotPresent);
}

TEST_CASE("manifest: every modelled field is read") {
  Pod p = one_pod(kFull);
  CHECK(p.metadata.namespace_ == "team");
  CHECK(p.metadata.uid == "0b6a5d6e-1111-2222-3333-444455556666");
  CHECK(p.metadata.labels.at("tier") == "1");
  CHECK(p.metadata.annotations.at("note") == "hello");
  CHECK(p.spec.restart_policy == RestartPolicy::OnFailure);
  CHECK(p.spec.termination_grace_period_seconds == 5);
  CHECK(p.spec.host_network);
  CHECK(p.spec.host_pid);
  CHECK(p.spec.host_ipc);
  CHECK(p.spec.hostname == "h1");
  CHECK(p.spec.subdomain == "sub");
  CHECK(p.spec.dns_policy == DnsPolicy::None);
  REQUIRE(p.spec.dns_config.has_value());
  CHECK(p.spec.dns_config->nameservers == std::vector<std::string>{"1.1.1.1"});
  CHECK(p.spec.dns_config->searches == std::vector<std::string>{"example.com"});
  REQUIRE(p.spec.dns_config->options.size() == 2);
  CHECK(p.spec.dns_config->options[0].value == "2");
  CHECK_FALSE(p.spec.dns_config->options[1].value.has_value());
  CHECK(p.spec.security_context.run_as_user == 1000);
  CHECK(p.spec.security_context.run_as_group == 3000);
  CHECK(p.spec.security_context.run_as_non_root == true);
  CHECK(p.spec.security_context.fs_group == 2000);
  CHECK(p.spec.security_context.supplemental_groups == std::vector<int64_t>{4000, 5000});
  REQUIRE(p.spec.security_context.seccomp_profile.has_value());
  CHECK(p.spec.security_context.seccomp_profile->type == SeccompType::RuntimeDefault);

  REQUIRE(p.spec.init_containers.size() == 1);
  CHECK(p.spec.init_containers[0].image_pull_policy == PullPolicy::IfNotPresent);
  CHECK(p.spec.init_containers[0].command == std::vector<std::string>{"sh", "-c", "echo init"});

  const Container& c = p.spec.containers[0];
  CHECK(c.image_pull_policy == PullPolicy::Never);
  CHECK(c.args == std::vector<std::string>{"-g", "daemon off;"});
  CHECK(c.working_dir == "/srv");
  CHECK(c.termination_message_path == "/tmp/msg");
  REQUIRE(c.env.size() == 3);
  CHECK(c.env[0].value == "prod");
  CHECK_FALSE(c.env[0].field_path.has_value());
  CHECK(c.env[1].field_path == "metadata.name");
  CHECK(c.env[2].field_path == "status.podIP");
  REQUIRE(c.ports.size() == 2);
  CHECK(c.ports[0].name == "http");
  CHECK(c.ports[0].container_port == 8080);
  CHECK(c.ports[0].host_port == 8080);
  CHECK(c.ports[1].protocol == Protocol::UDP);
  CHECK(c.ports[1].host_port == 53);  // defaulted on the host network
  CHECK(c.resources.requests.cpu_milli == 100);
  CHECK(c.resources.requests.memory_bytes == 64LL << 20);
  CHECK(c.resources.limits.cpu_milli == 500);
  CHECK(c.resources.limits.memory_bytes == 128LL << 20);
  REQUIRE(c.security_context.has_value());
  const SecurityContext& sc = *c.security_context;
  CHECK(sc.run_as_user == 1001);
  CHECK(sc.run_as_group == 1002);
  CHECK(sc.run_as_non_root == true);
  CHECK(sc.privileged == false);
  CHECK(sc.read_only_root_filesystem == true);
  CHECK(sc.allow_privilege_escalation == false);
  REQUIRE(sc.capabilities.has_value());
  CHECK(sc.capabilities->add == std::vector<std::string>{"NET_ADMIN"});
  CHECK(sc.capabilities->drop == std::vector<std::string>{"ALL"});
  REQUIRE(sc.seccomp_profile.has_value());
  CHECK(sc.seccomp_profile->type == SeccompType::Localhost);
  CHECK(sc.seccomp_profile->localhost_profile == "profiles/audit.json");
}

TEST_CASE("manifest: requests default to limits") {
  Pod p = one_pod(R"(
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: busybox
    resources: {limits: {cpu: 1, memory: 1G}}
)");
  CHECK(p.spec.containers[0].resources.requests.cpu_milli == 1000);
  CHECK(p.spec.containers[0].resources.requests.memory_bytes == 1'000'000'000LL);
}

TEST_CASE("manifest: ephemeral-storage requests and limits are quantities of bytes, the request defaulted from the limit") {
  Pod p = one_pod(R"(
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: busybox
    resources: {requests: {ephemeral-storage: 1G}, limits: {ephemeral-storage: 2Gi}}
  - name: side
    image: busybox
    resources: {limits: {ephemeral-storage: 500Mi}}
)");
  const auto& app = p.spec.containers[0].resources;
  CHECK(app.requests.ephemeral_storage_bytes == 1'000'000'000LL);
  CHECK(app.limits.ephemeral_storage_bytes == 2LL << 30);
  const auto& side = p.spec.containers[1].resources;
  CHECK(side.requests.ephemeral_storage_bytes == 500LL << 20);
  CHECK(side.limits.ephemeral_storage_bytes == 500LL << 20);
  CHECK_FALSE(side.requests.cpu_milli.has_value());

  const std::string prefix = "/etc/pods/web.yaml document 1: ";
  const auto error = [](const std::string& resources) {
    return one_error("apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: a, image: b, resources: " +
                     resources + "}]\n");
  };
  CHECK(error("{requests: {ephemeral-storage: 2Gi}, limits: {ephemeral-storage: 1Gi}}") ==
        prefix + "spec.containers[0].resources.requests.ephemeral-storage: must be less than or equal to the "
                 "ephemeral-storage limit");
  CHECK(error("{limits: {ephemeral-storage: -1Gi}}") ==
        prefix + "spec.containers[0].resources.limits.ephemeral-storage: must not be negative");
  CHECK(error("{limits: {ephemeral-storage: lots}}") ==
        prefix + "spec.containers[0].resources.limits.ephemeral-storage: invalid quantity \"lots\": expected a number");
}

TEST_CASE("manifest: several documents, good ones survive a bad one") {
  std::string text = std::string(kMinimal) + "---\n" +
                     "apiVersion: v1\nkind: Pod\nmetadata: {name: broken}\nspec: {containers: []}\n" +
                     "---\n" + std::string(kFull) + "---\n";
  auto docs = parse_manifest(text, kFile);
  REQUIRE(docs.size() == 3);  // the trailing empty document is skipped
  CHECK(docs[0].index == 1);
  REQUIRE(docs[0].pod.has_value());
  CHECK(docs[0].pod->metadata.name == "web-node-a");
  CHECK_FALSE(docs[1].pod.has_value());
  CHECK(docs[1].index == 2);
  CHECK(docs[1].error ==
        "/etc/pods/web.yaml document 2: spec.containers: at least one container is required");
  REQUIRE(docs[2].pod.has_value());
  CHECK(docs[2].pod->metadata.name == "full-node-a");
}

TEST_CASE("manifest: a PodList gives one result per item") {
  auto docs = parse_manifest(R"(
apiVersion: v1
kind: PodList
items:
- {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: busybox}]}}
- {apiVersion: v1, kind: Pod, metadata: {name: b}, spec: {containers: [{name: c}]}}
- not-a-pod
- {apiVersion: v1, kind: Pod, metadata: {name: d}, spec: {containers: [{name: c, image: busybox}]}}
)", kFile);
  REQUIRE(docs.size() == 4);
  REQUIRE(docs[0].pod.has_value());
  CHECK(docs[0].pod->metadata.name == "a-node-a");
  CHECK(docs[1].error == "/etc/pods/web.yaml document 1: items[1].spec.containers[0].image: required");
  CHECK(docs[2].error == "/etc/pods/web.yaml document 1: items[2]: expected a Pod object");
  REQUIRE(docs[3].pod.has_value());
  CHECK(docs[3].pod->metadata.uid != docs[0].pod->metadata.uid);
  for (const auto& d : docs) CHECK(d.index == 1);
  CHECK(one_error("apiVersion: v2\nkind: List\nitems: []\n") ==
        "/etc/pods/web.yaml document 1: apiVersion: expected \"v1\", got \"v2\"");
}

TEST_CASE("manifest: kubelet's config annotations are set") {
  Pod p = one_pod(kMinimal);
  CHECK(p.metadata.annotations.at("kubernetes.io/config.source") == "file");
  CHECK(p.metadata.annotations.at("kubernetes.io/config.hash") == p.metadata.uid);
  Pod u = one_pod(kMinimal, PodSource{PodSource::Kind::Url, "http://h/p.yaml", "node-a"});
  CHECK(u.metadata.annotations.at("kubernetes.io/config.source") == "http");
}

TEST_CASE("manifest: hostNetwork ties hostPort to containerPort") {
  auto with_spec = [](const std::string& spec) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  hostNetwork: true\n" + spec;
  };
  Pod p = one_pod(with_spec("  containers: [{name: a, image: b, ports: [{containerPort: 8080}]}]\n"));
  CHECK(p.spec.containers[0].ports[0].host_port == 8080);
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, ports: [{containerPort: 80}, {containerPort: 81, hostPort: 9090}]}]\n")) ==
        "/etc/pods/web.yaml document 1: spec.containers[0].ports[1].hostPort: must equal containerPort when hostNetwork is true");
}

TEST_CASE("manifest: JSON, compact and multi-document") {
  std::string json =
      R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"j","namespace":"ns"},)"
      R"("spec":{"restartPolicy":"Never","terminationGracePeriodSeconds":0,)"
      R"("containers":[{"name":"c","image":"busybox:1.36","command":["sleep","1"],)"
      R"("resources":{"limits":{"cpu":"250m","memory":"32Mi"}},"ports":[{"containerPort":8080}]}]}})";
  auto docs = parse_manifest(json + "\n---\n" + json, kFile);
  REQUIRE(docs.size() == 2);
  for (const auto& d : docs) {
    INFO(d.error);
    REQUIRE(d.pod.has_value());
    CHECK(d.pod->metadata.namespace_ == "ns");
    CHECK(d.pod->spec.restart_policy == RestartPolicy::Never);
    CHECK(d.pod->spec.termination_grace_period_seconds == 0);
    CHECK(d.pod->spec.containers[0].resources.limits.cpu_milli == 250);
    CHECK(d.pod->spec.containers[0].ports[0].container_port == 8080);
  }
}

TEST_CASE("manifest: static pod uid is derived, stable, and content-sensitive") {
  Pod a = one_pod(kMinimal);
  Pod b = one_pod(kMinimal);
  CHECK(a.metadata.uid.size() == 32);
  CHECK(a.metadata.uid == b.metadata.uid);
  // The same pod from JSON (keys reordered) is the same pod.
  Pod j = one_pod(R"({"spec":{"containers":[{"image":"busybox","name":"app"}]},)"
                  R"("metadata":{"name":"web"},"kind":"Pod","apiVersion":"v1"})");
  CHECK(j.metadata.uid == a.metadata.uid);
  std::string edited = kMinimal;
  edited.replace(edited.find("busybox"), 7, "busybox:1.36");
  CHECK(one_pod(edited).metadata.uid != a.metadata.uid);
  CHECK(one_pod(kMinimal, PodSource{PodSource::Kind::File, "/other.yaml", "node-a"}).metadata.uid != a.metadata.uid);
  CHECK(one_pod(kMinimal, PodSource{PodSource::Kind::Url, "http://x/p", "node-a"}).metadata.uid != a.metadata.uid);
}

TEST_CASE("manifest: errors name the document and the field") {
  auto with_spec = [](const std::string& spec) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n" + spec;
  };
  const std::string prefix = "/etc/pods/web.yaml document 1: ";
  CHECK(one_error("apiVersion: v2\nkind: Pod\n") == prefix + "apiVersion: expected \"v1\", got \"v2\"");
  CHECK(one_error("apiVersion: v1\nkind: Deployment\n") == prefix + "kind: expected \"Pod\", got \"Deployment\"");
  CHECK(one_error("kind: Pod\n") == prefix + "apiVersion: required");
  CHECK(one_error("- a\n- b\n") == prefix + "expected a Pod object");
  CHECK(one_error("apiVersion: v1\nkind: Pod\nspec: {}\n") == prefix + "metadata: required");
  CHECK(one_error("apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n") == prefix + "spec: required");
  CHECK(one_error(with_spec("  containers: [{name: a}]\n")) == prefix + "spec.containers[0].image: required");
  CHECK(one_error(with_spec("  containers: [{image: busybox}]\n")) == prefix + "spec.containers[0].name: required");
  CHECK(one_error(with_spec("  restartPolicy: Sometimes\n  containers: [{name: a, image: b}]\n")) ==
        prefix + "spec.restartPolicy: unknown policy \"Sometimes\" (Always, OnFailure, Never)");
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, imagePullPolicy: Maybe}]\n")) ==
        prefix + "spec.containers[0].imagePullPolicy: unknown policy \"Maybe\" (Always, IfNotPresent, Never)");
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, resources: {limits: {cpu: lots}}}]\n")) ==
        prefix + "spec.containers[0].resources.limits.cpu: invalid quantity \"lots\": expected a number");
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, resources: {limits: {nvidia.com/gpu: 1}}}]\n")) ==
        prefix + "spec.containers[0].resources.limits.nvidia.com/gpu: resource not supported by node-agent (cpu, memory, ephemeral-storage)");
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, resources: {requests: {cpu: 2}, limits: {cpu: 1}}}]\n")) ==
        prefix + "spec.containers[0].resources.requests.cpu: must be less than or equal to the cpu limit");
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, ports: [{containerPort: 70000}]}]\n")) ==
        prefix + "spec.containers[0].ports[0].containerPort: must be between 1 and 65535");
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, ports: [{containerPort: \"80\"}]}]\n")) ==
        prefix + "spec.containers[0].ports[0].containerPort: expected an integer");
  CHECK(one_error(with_spec("  hostNetwork: yes-please\n  containers: [{name: a, image: b}]\n")) ==
        prefix + "spec.hostNetwork: expected true or false");
  CHECK(one_error(with_spec("  initContainers: [{name: a, image: b}]\n  containers: [{name: a, image: b}]\n")) ==
        prefix + "spec.containers: duplicate container name \"a\"");
  CHECK(one_error(with_spec("  dnsPolicy: None\n  containers: [{name: a, image: b}]\n")) ==
        prefix + "spec.dnsConfig: required when dnsPolicy is None");
  CHECK(one_error(with_spec("  nodeName: node-b\n  containers: [{name: a, image: b}]\n")) ==
        prefix + "spec.nodeName: \"node-b\" is not this node (\"node-a\")");
  CHECK(one_error(with_spec("  terminationGracePeriodSeconds: -1\n  containers: [{name: a, image: b}]\n")) ==
        prefix + "spec.terminationGracePeriodSeconds: must not be negative");
}

TEST_CASE("manifest: names must fit DNS-1123, ids the Linux range") {
  auto with_spec = [](const std::string& spec) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n" + spec;
  };
  const std::string prefix = "/etc/pods/web.yaml document 1: ";
  CHECK(one_error("apiVersion: v1\nkind: Pod\nmetadata: {name: my_pod}\nspec: {containers: [{name: a, image: b}]}\n") ==
        prefix + "metadata.name: \"my_pod\" must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253)");
  CHECK(one_error("apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: Team}\nspec: {containers: [{name: a, image: b}]}\n") ==
        prefix + "metadata.namespace: \"Team\" must be a DNS-1123 label (lower-case letters, digits and '-', at most 63)");
  CHECK(one_error(with_spec("  containers: [{name: app_1, image: b}]\n")) ==
        prefix + "spec.containers[0].name: \"app_1\" must be a DNS-1123 label (lower-case letters, digits and '-', at most 63)");
  CHECK(one_error(with_spec("  hostname: -bad\n  containers: [{name: a, image: b}]\n")).find("spec.hostname: \"-bad\"") !=
        std::string::npos);
  CHECK(one_error(with_spec("  securityContext: {runAsUser: -1}\n  containers: [{name: a, image: b}]\n")) ==
        prefix + "spec.securityContext.runAsUser: must be between 0 and 2147483647");
  CHECK(one_error(with_spec("  securityContext: {supplementalGroups: [1, 4294967296]}\n  containers: [{name: a, image: b}]\n")) ==
        prefix + "spec.securityContext.supplementalGroups[1]: must be between 0 and 2147483647");
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, securityContext: {runAsGroup: 2147483648}}]\n")) ==
        prefix + "spec.containers[0].securityContext.runAsGroup: must be between 0 and 2147483647");
  // Dotted pod names are fine; YAML 1.1 booleans read as Kubernetes reads them.
  Pod p = one_pod("apiVersion: v1\nkind: Pod\nmetadata: {name: web.v2}\nspec: {hostNetwork: yes, hostPID: True, containers: [{name: a, image: b}]}\n");
  CHECK(p.metadata.name == "web.v2-node-a");
  CHECK(p.spec.host_network);
  CHECK(p.spec.host_pid);
  CHECK(one_error(with_spec("  hostNetwork: \"true\"\n  containers: [{name: a, image: b}]\n")) ==
        prefix + "spec.hostNetwork: expected true or false");
}

TEST_CASE("manifest: fields node-agent cannot honour are rejected, not dropped") {
  auto with_spec = [](const std::string& spec) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n" + spec;
  };
  const std::string prefix = "/etc/pods/web.yaml document 1: ";
  CHECK(one_error(with_spec("  volumes: [{name: v, persistentVolumeClaim: {claimName: c}}]\n  containers: [{name: a, image: b}]\n"))
            .starts_with(prefix + "spec.volumes[0].persistentVolumeClaim: is not supported by node-agent"));
  CHECK(one_error(with_spec("  affinity: {}\n  containers: [{name: a, image: b}]\n")) ==
        prefix + "spec.affinity: field not supported by node-agent");
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, volumeDevices: [{name: v, devicePath: /dev/v}]}]\n")) ==
        prefix + "spec.containers[0].volumeDevices: field not supported by node-agent");
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, env: [{name: X, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}]}]\n")) ==
        prefix + "spec.containers[0].env[0].valueFrom.resourceFieldRef: field not supported by node-agent");
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, env: [{name: X, valueFrom: {fieldRef: {fieldPath: spec.serviceAccountName}}}]}]\n")) ==
        prefix + "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: \"spec.serviceAccountName\" is not supported by node-agent");
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, securityContext: {privileged: true, allowPrivilegeEscalation: false}}]\n")) ==
        prefix + "spec.containers[0].securityContext.allowPrivilegeEscalation: cannot be false when privileged is true");
  CHECK(one_error(with_spec("  containers: [{name: a, image: b, securityContext: {seccompProfile: {type: Localhost}}}]\n")) ==
        prefix + "spec.containers[0].securityContext.seccompProfile.localhostProfile: required with type Localhost");
  // An empty volumes list and server-written fields are harmless.
  CHECK(parse_manifest(with_spec("  volumes: []\n  containers: [{name: a, image: b}]\n"), kFile)[0].pod.has_value());
  CHECK(parse_manifest("apiVersion: v1\nkind: Pod\nmetadata: {name: w, creationTimestamp: null}\n"
                       "spec: {containers: [{name: a, image: b}]}\nstatus: {}\n",
                       kFile)[0]
            .pod.has_value());
}

TEST_CASE("manifest: a syntax error is reported with its position") {
  auto docs = parse_manifest("apiVersion: v1\nkind: [Pod\n", kFile);
  REQUIRE(docs.size() == 1);
  CHECK_FALSE(docs[0].pod.has_value());
  CHECK(docs[0].error.rfind("/etc/pods/web.yaml: not valid YAML or JSON: line ", 0) == 0);
}

TEST_CASE("manifest: an empty file has no documents") {
  CHECK(parse_manifest("", kFile).empty());
  CHECK(parse_manifest("# nothing here\n---\n", kFile).empty());
}

TEST_CASE("manifest: a rejected document still names its pod") {
  auto docs = parse_manifest(R"(
apiVersion: v1
kind: Pod
metadata:
  name: broken
  namespace: team
spec:
  containers:
  - name: app
    image: busybox
    bogusField: 1
---
apiVersion: v1
kind: Pod
metadata:
  name: good
spec:
  containers:
  - name: app
    image: busybox
---
kind: Pod
metadata: [not, a, map]
---
apiVersion: v1
kind: PodList
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: in-list}
  spec: {}
)",
                             kFile);
  REQUIRE(docs.size() == 4);
  CHECK_FALSE(docs[0].pod.has_value());
  CHECK(docs[0].namespace_ == "team");
  CHECK(docs[0].name == "broken-node-a");
  REQUIRE(docs[1].pod.has_value());
  CHECK(docs[1].namespace_ == "default");
  CHECK(docs[1].name == "good-node-a");
  CHECK_FALSE(docs[2].pod.has_value());
  CHECK(docs[2].namespace_ == "default");
  CHECK(docs[2].name == "");
  CHECK_FALSE(docs[3].pod.has_value());
  CHECK(docs[3].name == "in-list-node-a");
}

TEST_CASE("manifest: unparseable text names no pod") {
  auto docs = parse_manifest("metadata: {name: x\n", kFile);
  REQUIRE(docs.size() == 1);
  CHECK_FALSE(docs[0].pod.has_value());
  CHECK(docs[0].name == "");
  CHECK(docs[0].namespace_ == "default");
}

TEST_CASE("manifest: static pods are named after their node, API pods keep their name") {
  CHECK(one_pod(kMinimal, PodSource{PodSource::Kind::File, "/p.yaml", "Node-A"}).metadata.name == "web-node-a");
  CHECK(one_pod(kMinimal, PodSource{PodSource::Kind::Url, "http://h/p", "n1"}).metadata.name == "web-n1");
  CHECK(one_pod(kMinimal, PodSource{PodSource::Kind::Api, "api", "n1"}).metadata.name == "web");
  // The UID hashes the document as written, not the new name.
  CHECK(one_pod(kMinimal).metadata.uid == one_pod(kMinimal).metadata.uid);
  // The node suffix can push a name past the 253 a name may have.
  std::string text = std::string(kMinimal);
  text.replace(text.find("name: web"), 9, "name: " + std::string(250, 'w'));
  auto docs = parse_manifest(text, kFile);
  REQUIRE(docs.size() == 1);
  CHECK_FALSE(docs[0].pod.has_value());
  CHECK(docs[0].error.find("metadata.name") != std::string::npos);
}

// Found by fuzzing (tests/fuzz/corpus/manifest/crash-null-key-map): a map
// with a null key (":") made yaml-cpp's lookup of "kind" an invalid node,
// and is_pod_list's IsScalar() on it threw out of parse_manifest.
TEST_CASE("manifest: a map with a null key is a failed document, not an exception") {
  std::vector<ManifestDocument> docs;
  REQUIRE_NOTHROW(docs = parse_manifest(":", kFile));
  REQUIRE(docs.size() == 1);
  CHECK_FALSE(docs[0].pod.has_value());
  CHECK_FALSE(docs[0].error.empty());
}

// Found by fuzzing (tests/fuzz/corpus/agent_api_body/crash-non-utf8-arg):
// bytes that are not UTF-8 made a pod that nlohmann's dump() refused: its
// GET /pods answer and its saved copy threw. Kubernetes refuses such text;
// so does the agent, per document.
TEST_CASE("manifest: a document that is not UTF-8 text is refused, the others kept") {
  const std::string bad_arg = std::string(kMinimal) + "    args: [\"\xff\xfe\"]\n";
  auto docs = parse_manifest(bad_arg + "---\n" + kMinimal, kFile);
  REQUIRE(docs.size() == 2);
  CHECK_FALSE(docs[0].pod.has_value());
  CHECK(docs[0].error == "/etc/pods/web.yaml document 1: spec.containers[0].args[0]: not valid UTF-8 text");
  CHECK(docs[1].pod.has_value());
  // An escaped surrogate is yaml-cpp's own error already.
  CHECK(one_error(std::string(kMinimal) + "    args: [\"\\ud800\"]\n").find("not valid YAML") != std::string::npos);
  CHECK(one_error("apiVersion: v1\nkind: Pod\n\"\xc3\":  x\n").find("the document (a key): not valid UTF-8") !=
        std::string::npos);
  // Valid multi-byte text is fine.
  CHECK(one_pod(std::string(kMinimal) + "    args: [\"h\xc3\xa9llo \xe2\x82\xac\"]\n").spec.containers[0].args[0] ==
        "h\xc3\xa9llo \xe2\x82\xac");
}

// An alias names its tree again at every use: a small text can name an
// exponential one, which the UTF-8 walk bounds.
TEST_CASE("manifest: a document of more than 100000 nodes through aliases is refused") {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 5; ++i)
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + std::string("*a") + std::to_string(i - 1) +
            ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) +
            ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) +
            ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + "]\n";
  CHECK(one_error(text).find("more than 100000 YAML nodes") != std::string::npos);
}

// Found by fuzzing (tests/fuzz/corpus/manifest/crash-comma-endless-loop):
// yaml-cpp 0.7's LoadAll loops forever on "," (its issue #1040), adding a
// null document per turn until memory runs out.
TEST_CASE("manifest: text yaml-cpp would loop on is not valid YAML") {
  for (const char* text : {",", ",lun;", "a: 1\n---\n,\n"}) {
    CAPTURE(text);
    const auto docs = parse_manifest(text, kFile);
    REQUIRE(docs.size() == 1);
    CHECK(docs[0].error.find("not valid YAML or JSON") != std::string::npos);
  }
}
