// Volumes, volumeMounts, envFrom and env object refs in manifests: the
// API server's validation and defaults, and the one refusal for what needs
// a control plane.
#include "agent/pod/manifest_parser.h"

#include <doctest/doctest.h>

using namespace agent::pod;

namespace {

const PodSource kApi{PodSource::Kind::Api, "api", "node-a"};

// A pod with container "app" (whose extra keys are `container`) and the
// given spec.volumes (YAML indented for the spec's keys).
std::string manifest(const std::string& container, const std::string& volumes) {
  return R"(
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: busybox
)" + container + volumes;
}

ManifestDocument parse(const std::string& container, const std::string& volumes) {
  auto docs = parse_manifest(manifest(container, volumes), kApi);
  REQUIRE(docs.size() == 1);
  return docs[0];
}

PodSpec spec(const std::string& container, const std::string& volumes) {
  auto doc = parse(container, volumes);
  INFO(doc.error);
  REQUIRE(doc.pod.has_value());
  return doc.pod->spec;
}

std::string error(const std::string& container, const std::string& volumes) {
  auto doc = parse(container, volumes);
  REQUIRE_FALSE(doc.pod.has_value());
  return doc.error;
}

}  // namespace

TEST_CASE("every supported volume type is read with its defaults") {
  const PodSpec s = spec("", R"(
  securityContext:
    fsGroup: 2000
  volumes:
  - name: scratch
    emptyDir: {}
  - name: cache
    emptyDir:
      medium: Memory
      sizeLimit: 64Mi
  - name: logs
    hostPath:
      path: /var/log
      type: Directory
  - name: config
    configMap:
      name: app-config
      defaultMode: 0640
      items:
      - key: app.conf
        path: conf/app.conf
        mode: 0600
  - name: creds
    secret:
      secretName: app-secret
      optional: true
  - name: info
    downwardAPI:
      items:
      - path: labels
        fieldRef:
          fieldPath: metadata.labels
      - path: mem
        resourceFieldRef:
          containerName: app
          resource: limits.memory
          divisor: 1Mi
  - name: all
    projected:
      defaultMode: 420
      sources:
      - configMap:
          name: app-config
      - secret:
          name: app-secret
      - downwardAPI:
          items:
          - path: name
            fieldRef:
              fieldPath: metadata.name
)");
  REQUIRE(s.volumes.size() == 7);
  CHECK(std::get<EmptyDirVolume>(s.volumes[0].source) == EmptyDirVolume{});
  const auto& memory = std::get<EmptyDirVolume>(s.volumes[1].source);
  CHECK(memory.memory);
  CHECK(memory.size_limit_bytes == 64 * 1024 * 1024);
  CHECK(std::get<HostPathVolume>(s.volumes[2].source) == HostPathVolume{"/var/log", HostPathType::Directory});
  const auto& config = std::get<ObjectVolume>(s.volumes[3].source);
  CHECK_FALSE(config.source.secret);
  CHECK(config.default_mode == 0640);  // YAML 1.1 octal
  REQUIRE(config.source.items.size() == 1);
  CHECK(config.source.items[0].path == "conf/app.conf");
  CHECK(config.source.items[0].mode == 0600);
  const auto& creds = std::get<ObjectVolume>(s.volumes[4].source);
  CHECK(creds.source.secret);
  CHECK(creds.source.name == "app-secret");
  CHECK(creds.source.optional);
  CHECK(creds.default_mode == 0644);
  const auto& info = std::get<DownwardApiVolume>(s.volumes[5].source);
  REQUIRE(info.source.items.size() == 2);
  CHECK(info.source.items[0].field_path == "metadata.labels");
  CHECK(info.source.items[1].resource_field_ref->divisor == 1024 * 1024);
  const auto& all = std::get<ProjectedVolume>(s.volumes[6].source);
  CHECK(all.default_mode == 420);  // decimal, as JSON writes it
  REQUIRE(all.sources.size() == 3);
  CHECK(std::get<ObjectVolumeSource>(all.sources[1]).secret);
  CHECK(std::holds_alternative<DownwardApiSource>(all.sources[2]));
  CHECK(s.security_context.fs_group == 2000);
}

TEST_CASE("a disk-backed emptyDir keeps its sizeLimit, and downwardAPI reads ephemeral-storage in bytes") {
  const PodSpec s = spec("", R"(
  volumes:
  - name: scratch
    emptyDir:
      sizeLimit: 4Mi
  - name: info
    downwardAPI:
      items:
      - path: storage-limit
        resourceFieldRef:
          containerName: app
          resource: limits.ephemeral-storage
          divisor: 1Mi
      - path: storage-request
        resourceFieldRef:
          containerName: app
          resource: requests.ephemeral-storage
)");
  REQUIRE(s.volumes.size() == 2);
  const auto& scratch = std::get<EmptyDirVolume>(s.volumes[0].source);
  CHECK_FALSE(scratch.memory);
  CHECK(scratch.size_limit_bytes == 4 * 1024 * 1024);
  const auto& info = std::get<DownwardApiVolume>(s.volumes[1].source);
  REQUIRE(info.source.items.size() == 2);
  CHECK(info.source.items[0].resource_field_ref->resource == "limits.ephemeral-storage");
  CHECK(info.source.items[0].resource_field_ref->divisor == 1024 * 1024);
  CHECK(info.source.items[1].resource_field_ref->resource == "requests.ephemeral-storage");
  CHECK(info.source.items[1].resource_field_ref->divisor == 1);  // "1": one byte
  CHECK(error("", "  volumes:\n  - name: d\n    downwardAPI:\n      items:\n      - path: c\n        resourceFieldRef:\n          containerName: app\n          resource: limits.ephemeral-storage\n          divisor: 1m\n")
            .find("\"1m\" is not a valid divisor for limits.ephemeral-storage") != std::string::npos);
  CHECK(error("", "  volumes:\n  - name: d\n    downwardAPI:\n      items:\n      - path: c\n        resourceFieldRef:\n          containerName: app\n          resource: limits.hugepages-2Mi\n")
            .find("is not supported by node-agent (limits.cpu, limits.memory, limits.ephemeral-storage,") !=
        std::string::npos);
}

TEST_CASE("volumeMounts envFrom and object key refs are read") {
  const PodSpec s = spec(R"(    volumeMounts:
    - name: data
      mountPath: /data
      readOnly: true
      subPath: app
      mountPropagation: HostToContainer
    - name: data
      mountPath: var/per-pod
      subPathExpr: $(POD_NAME)
    envFrom:
    - prefix: CFG_
      configMapRef:
        name: app-config
    - secretRef:
        name: app-secret
        optional: true
    env:
    - name: LEVEL
      valueFrom:
        configMapKeyRef:
          name: app-config
          key: level
    - name: TOKEN
      valueFrom:
        secretKeyRef:
          name: app-secret
          key: token
          optional: true
)",
                         R"(  volumes:
  - name: data
    emptyDir: {}
)");
  const Container& c = s.containers[0];
  REQUIRE(c.volume_mounts.size() == 2);
  CHECK(c.volume_mounts[0] == VolumeMount{"data", "/data", true, "app", "", MountPropagation::HostToContainer});
  CHECK(c.volume_mounts[1].mount_path == "/var/per-pod");  // kubelet roots a relative path
  CHECK(c.volume_mounts[1].sub_path_expr == "$(POD_NAME)");
  REQUIRE(c.env_from.size() == 2);
  CHECK(c.env_from[0] == EnvFromSource{"CFG_", false, "app-config", false});
  CHECK(c.env_from[1] == EnvFromSource{"", true, "app-secret", true});
  REQUIRE(c.env.size() == 2);
  CHECK(c.env[0].config_map_key_ref == ObjectKeyRef{"app-config", "level", false});
  CHECK(c.env[1].secret_key_ref == ObjectKeyRef{"app-secret", "token", true});
}

TEST_CASE("bad volumes and mounts are refused with the field that is wrong") {
  const std::string data = "  volumes:\n  - name: data\n    emptyDir: {}\n";
  CHECK(error("    volumeMounts:\n    - name: nope\n      mountPath: /x\n", data)
            .find("spec.containers[0].volumeMounts[0].name: no volume named \"nope\"") != std::string::npos);
  CHECK(error("    volumeMounts:\n    - name: data\n      mountPath: /x\n    - name: data\n      mountPath: /x\n", data)
            .find("mounted twice") != std::string::npos);
  CHECK(error("    volumeMounts:\n    - name: data\n      mountPath: /x\n      subPath: ../etc\n", data)
            .find("subPath: must not contain '..'") != std::string::npos);
  CHECK(error("    volumeMounts:\n    - name: data\n      mountPath: /x\n      subPath: /etc\n", data)
            .find("subPath: must be a relative path") != std::string::npos);
  CHECK(error("    volumeMounts:\n    - name: data\n      mountPath: /x\n      subPath: a\n      subPathExpr: b\n", data)
            .find("mutually exclusive") != std::string::npos);
  CHECK(error("    volumeMounts:\n    - name: data\n      mountPath: /x\n      mountPropagation: Bidirectional\n", data)
            .find("only in privileged containers") != std::string::npos);
  CHECK(error("", "  volumes:\n  - name: data\n    emptyDir: {}\n  - name: data\n    emptyDir: {}\n")
            .find("duplicate volume name") != std::string::npos);
  CHECK(error("", "  volumes:\n  - name: d\n    emptyDir: {}\n    hostPath:\n      path: /x\n")
            .find("exactly one volume type") != std::string::npos);
  CHECK(error("", "  volumes:\n  - name: d\n    hostPath:\n      path: relative\n")
            .find("must be an absolute path") != std::string::npos);
  CHECK(error("", "  volumes:\n  - name: d\n    hostPath:\n      path: /x\n      type: Fifo\n")
            .find("unknown hostPath type \"Fifo\"") != std::string::npos);
  CHECK(error("", "  volumes:\n  - name: d\n    emptyDir:\n      medium: HugePages\n")
            .find("medium: \"HugePages\" is not supported") != std::string::npos);
  CHECK(error("", "  volumes:\n  - name: d\n    configMap:\n      name: c\n      defaultMode: 01000\n")
            .find("defaultMode: must be a file mode") != std::string::npos);
  CHECK(error("", "  volumes:\n  - name: d\n    configMap:\n      name: c\n      items:\n      - key: k\n        path: ..x\n")
            .find("must not start with '..'") != std::string::npos);
  CHECK(error("", "  volumes:\n  - name: d\n    downwardAPI:\n      items:\n      - path: ip\n        fieldRef:\n          fieldPath: status.podIP\n")
            .find("not supported in a downwardAPI volume") != std::string::npos);
  CHECK(error("", "  volumes:\n  - name: d\n    downwardAPI:\n      items:\n      - path: c\n        resourceFieldRef:\n          containerName: other\n          resource: limits.cpu\n")
            .find("no container named \"other\"") != std::string::npos);
  CHECK(error("    env:\n    - name: A\n      valueFrom:\n        configMapKeyRef:\n          name: c\n", "")
            .find("valueFrom.configMapKeyRef.key: required") != std::string::npos);
  CHECK(error("    envFrom:\n    - configMapRef:\n        name: c\n      secretRef:\n        name: s\n", "")
            .find("exactly one of configMapRef and secretRef") != std::string::npos);
}

TEST_CASE("volumes that need a control plane are refused with one clear message") {
  for (const std::string volume :
       {"persistentVolumeClaim:\n      claimName: data", "csi:\n      driver: x", "nfs:\n      server: s\n      path: /"}) {
    const std::string message = error("", "  volumes:\n  - name: d\n    " + volume + "\n");
    CHECK(message.find("is not supported by node-agent: persistent volumes, CSI") != std::string::npos);
  }
  CHECK(error("", "  volumes:\n  - name: d\n    projected:\n      sources:\n      - serviceAccountToken:\n          path: token\n")
            .find("sources[0].serviceAccountToken: is not supported by node-agent") != std::string::npos);
}
