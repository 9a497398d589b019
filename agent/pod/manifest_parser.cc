#include "agent/pod/manifest_parser.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <regex>
#include <optional>
#include <set>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "agent/pod/quantity.h"
#include "agent/pod/object_parser.h"
#include "agent/pod/probe_parser.h"
#include "agent/pod/static_uid.h"
#include "agent/pod/volume_parser.h"
#include "agent/pod/yaml_documents.h"
#include "agent/pod/yaml_fields.h"
#include "common/utf8.h"

namespace agent::pod {

const char* to_string(PullPolicy p) {
  switch (p) {
    case PullPolicy::Always: return "Always";
    case PullPolicy::IfNotPresent: return "IfNotPresent";
    case PullPolicy::Never: return "Never";
  }
  return "?";
}
const char* to_string(RestartPolicy p) {
  switch (p) {
    case RestartPolicy::Always: return "Always";
    case RestartPolicy::OnFailure: return "OnFailure";
    case RestartPolicy::Never: return "Never";
  }
  return "?";
}
const char* to_string(DnsPolicy p) {
  switch (p) {
    case DnsPolicy::ClusterFirst: return "ClusterFirst";
    case DnsPolicy::ClusterFirstWithHostNet: return "ClusterFirstWithHostNet";
    case DnsPolicy::Default: return "Default";
    case DnsPolicy::None: return "None";
  }
  return "?";
}

const char* to_string(Protocol p) {
  switch (p) {
    case Protocol::TCP: return "TCP";
    case Protocol::UDP: return "UDP";
    case Protocol::SCTP: return "SCTP";
  }
  return "TCP";
}
const char* to_string(SeccompType t) {
  switch (t) {
    case SeccompType::Unconfined: return "Unconfined";
    case SeccompType::RuntimeDefault: return "RuntimeDefault";
    case SeccompType::Localhost: return "Localhost";
  }
  return "RuntimeDefault";
}

namespace {

// Nodes a document may have, counting an alias's tree each time it is used.
constexpr std::size_t kMaxYamlNodes = 100000;

using namespace yaml_fields;

SeccompProfile seccomp(const YAML::Node& n, const std::string& path) {
  expect_map(n, path);
  check_keys(n, path, {"type", "localhostProfile"});
  SeccompProfile p;
  std::string type = str(n["type"], join(path, "type"));
  if (type == "RuntimeDefault") p.type = SeccompType::RuntimeDefault;
  else if (type == "Unconfined") p.type = SeccompType::Unconfined;
  else if (type == "Localhost") p.type = SeccompType::Localhost;
  else fail(join(path, "type"), "unknown seccomp profile type \"" + type + "\" (RuntimeDefault, Unconfined, Localhost)");
  if (present(n["localhostProfile"])) {
    if (p.type != SeccompType::Localhost) fail(join(path, "localhostProfile"), "only allowed with type Localhost");
    p.localhost_profile = str(n["localhostProfile"], join(path, "localhostProfile"));
  } else if (p.type == SeccompType::Localhost) {
    fail(join(path, "localhostProfile"), "required with type Localhost");
  }
  return p;
}

SecurityContext security_context(const YAML::Node& n, const std::string& path) {
  expect_map(n, path);
  check_keys(n, path, {"runAsUser", "runAsGroup", "runAsNonRoot", "capabilities", "privileged",
                       "readOnlyRootFilesystem", "allowPrivilegeEscalation", "seccompProfile"});
  SecurityContext sc;
  sc.run_as_user = opt<int64_t>(n, "runAsUser", path, id);
  sc.run_as_group = opt<int64_t>(n, "runAsGroup", path, id);
  sc.run_as_non_root = opt<bool>(n, "runAsNonRoot", path, boolean);
  sc.privileged = opt<bool>(n, "privileged", path, boolean);
  sc.read_only_root_filesystem = opt<bool>(n, "readOnlyRootFilesystem", path, boolean);
  sc.allow_privilege_escalation = opt<bool>(n, "allowPrivilegeEscalation", path, boolean);
  sc.seccomp_profile = opt<SeccompProfile>(n, "seccompProfile", path, seccomp);
  if (present(n["capabilities"])) {
    std::string cpath = join(path, "capabilities");
    expect_map(n["capabilities"], cpath);
    check_keys(n["capabilities"], cpath, {"add", "drop"});
    Capabilities caps;
    caps.add = strings(n["capabilities"]["add"], join(cpath, "add"));
    caps.drop = strings(n["capabilities"]["drop"], join(cpath, "drop"));
    sc.capabilities = caps;
  }
  // Kubernetes validation: privileged implies escalation; both at once is a contradiction.
  if (sc.privileged.value_or(false) && sc.allow_privilege_escalation == false)
    fail(join(path, "allowPrivilegeEscalation"), "cannot be false when privileged is true");
  return sc;
}

ResourceList resource_list(const YAML::Node& n, const std::string& path) {
  ResourceList out;
  if (!present(n)) return out;
  expect_map(n, path);
  for (const auto& kv : n) {
    std::string name = kv.first.Scalar();
    std::string fpath = join(path, name);
    if (name != "cpu" && name != "memory" && name != "ephemeral-storage")
      fail(fpath, "resource not supported by node-agent (cpu, memory, ephemeral-storage)");
    if (!kv.second.IsScalar()) fail(fpath, "expected a quantity");
    try {
      Quantity q = Quantity::parse(kv.second.Scalar());
      if (q.negative()) fail(fpath, "must not be negative");
      if (name == "cpu") out.cpu_milli = q.milli();
      else if (name == "memory") out.memory_bytes = q.value();
      else out.ephemeral_storage_bytes = q.value();
    } catch (const QuantityError& e) {
      fail(fpath, e.what());
    }
  }
  return out;
}

ResourceRequirements resources(const YAML::Node& n, const std::string& path) {
  ResourceRequirements r;
  if (!present(n)) return r;
  expect_map(n, path);
  check_keys(n, path, {"requests", "limits"});
  r.requests = resource_list(n["requests"], join(path, "requests"));
  r.limits = resource_list(n["limits"], join(path, "limits"));
  // The API server defaults a missing request to its limit.
  if (!r.requests.cpu_milli) r.requests.cpu_milli = r.limits.cpu_milli;
  if (!r.requests.memory_bytes) r.requests.memory_bytes = r.limits.memory_bytes;
  if (!r.requests.ephemeral_storage_bytes) r.requests.ephemeral_storage_bytes = r.limits.ephemeral_storage_bytes;
  if (r.limits.cpu_milli && *r.requests.cpu_milli > *r.limits.cpu_milli)
    fail(join(path, "requests.cpu"), "must be less than or equal to the cpu limit");
  if (r.limits.memory_bytes && *r.requests.memory_bytes > *r.limits.memory_bytes)
    fail(join(path, "requests.memory"), "must be less than or equal to the memory limit");
  if (r.limits.ephemeral_storage_bytes && *r.requests.ephemeral_storage_bytes > *r.limits.ephemeral_storage_bytes)
    fail(join(path, "requests.ephemeral-storage"), "must be less than or equal to the ephemeral-storage limit");
  return r;
}

// fieldRef paths node-agent can resolve itself (issue 6: name, namespace, IP, node name).
const std::set<std::string> kFieldPaths = {"metadata.name", "metadata.namespace", "metadata.uid",
                                           "spec.nodeName", "status.podIP", "status.podIPs",
                                           "status.hostIP"};

EnvVar env_var(const YAML::Node& n, const std::string& path) {
  expect_map(n, path);
  check_keys(n, path, {"name", "value", "valueFrom"});
  EnvVar e;
  if (!present(n["name"])) fail(join(path, "name"), "required");
  e.name = str(n["name"], join(path, "name"));
  if (present(n["value"])) e.value = str(n["value"], join(path, "value"));
  if (present(n["valueFrom"])) {
    std::string vpath = join(path, "valueFrom");
    if (present(n["value"])) fail(vpath, "may not be set together with value");
    expect_map(n["valueFrom"], vpath);
    check_keys(n["valueFrom"], vpath, {"fieldRef", "configMapKeyRef", "secretKeyRef"});
    if (n["valueFrom"].size() != 1) fail(vpath, "exactly one of fieldRef, configMapKeyRef and secretKeyRef is required");
    if (present(n["valueFrom"]["configMapKeyRef"])) {
      e.config_map_key_ref = parse_object_key_ref(n["valueFrom"]["configMapKeyRef"], join(vpath, "configMapKeyRef"));
      return e;
    }
    if (present(n["valueFrom"]["secretKeyRef"])) {
      e.secret_key_ref = parse_object_key_ref(n["valueFrom"]["secretKeyRef"], join(vpath, "secretKeyRef"));
      return e;
    }
    YAML::Node ref = n["valueFrom"]["fieldRef"];
    std::string rpath = join(vpath, "fieldRef");
    if (!present(ref)) fail(rpath, "required");
    expect_map(ref, rpath);
    check_keys(ref, rpath, {"fieldPath", "apiVersion"});
    std::string fp = str(ref["fieldPath"], join(rpath, "fieldPath"));
    if (!kFieldPaths.count(fp)) fail(join(rpath, "fieldPath"), "\"" + fp + "\" is not supported by node-agent");
    e.field_path = fp;
  }
  return e;
}

ContainerPort port(const YAML::Node& n, const std::string& path) {
  expect_map(n, path);
  check_keys(n, path, {"name", "containerPort", "hostPort", "hostIP", "protocol"});
  ContainerPort p;
  if (present(n["name"])) p.name = str(n["name"], join(path, "name"));
  if (!present(n["containerPort"])) fail(join(path, "containerPort"), "required");
  int64_t cp = integer(n["containerPort"], join(path, "containerPort"));
  if (cp < 1 || cp > 65535) fail(join(path, "containerPort"), "must be between 1 and 65535");
  p.container_port = static_cast<int32_t>(cp);
  if (present(n["hostPort"])) {
    int64_t hp = integer(n["hostPort"], join(path, "hostPort"));
    if (hp < 0 || hp > 65535) fail(join(path, "hostPort"), "must be between 0 and 65535");
    p.host_port = static_cast<int32_t>(hp);
  }
  if (present(n["hostIP"])) p.host_ip = str(n["hostIP"], join(path, "hostIP"));
  if (present(n["protocol"])) {
    std::string proto = str(n["protocol"], join(path, "protocol"));
    if (proto == "TCP") p.protocol = Protocol::TCP;
    else if (proto == "UDP") p.protocol = Protocol::UDP;
    else if (proto == "SCTP") p.protocol = Protocol::SCTP;
    else fail(join(path, "protocol"), "unknown protocol \"" + proto + "\" (TCP, UDP, SCTP)");
  }
  return p;
}

// Kubernetes: Always when the tag is "latest" or there is neither tag nor digest.
PullPolicy default_pull_policy(const std::string& image) {
  std::string ref = image;
  if (ref.find('@') != std::string::npos) return PullPolicy::IfNotPresent;
  size_t slash = ref.rfind('/');
  size_t colon = ref.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return PullPolicy::Always;
  return ref.substr(colon + 1) == "latest" ? PullPolicy::Always : PullPolicy::IfNotPresent;
}

Container container(const YAML::Node& n, const std::string& path, bool init) {
  expect_map(n, path);
  check_keys(n, path,
             {"name", "image", "imagePullPolicy", "command", "args", "env", "envFrom", "ports", "workingDir",
              "resources", "securityContext", "terminationMessagePath", "livenessProbe", "readinessProbe",
              "startupProbe", "lifecycle", "volumeMounts"},
             // Written by the API server; harmless to carry, nothing to honour.
             {"terminationMessagePolicy"});
  Container c;
  if (!present(n["name"])) fail(join(path, "name"), "required");
  c.name = str(n["name"], join(path, "name"));
  if (c.name.empty()) fail(join(path, "name"), "required");
  check_dns_label(c.name, join(path, "name"));
  if (!present(n["image"])) fail(join(path, "image"), "required");
  c.image = str(n["image"], join(path, "image"));
  if (c.image.empty()) fail(join(path, "image"), "required");
  c.image_pull_policy = default_pull_policy(c.image);
  if (present(n["imagePullPolicy"])) {
    std::string p = str(n["imagePullPolicy"], join(path, "imagePullPolicy"));
    if (p == "Always") c.image_pull_policy = PullPolicy::Always;
    else if (p == "IfNotPresent") c.image_pull_policy = PullPolicy::IfNotPresent;
    else if (p == "Never") c.image_pull_policy = PullPolicy::Never;
    else fail(join(path, "imagePullPolicy"), "unknown policy \"" + p + "\" (Always, IfNotPresent, Never)");
  }
  c.command = strings(n["command"], join(path, "command"));
  c.args = strings(n["args"], join(path, "args"));
  if (present(n["env"])) {
    expect_seq(n["env"], join(path, "env"));
    for (size_t i = 0; i < n["env"].size(); ++i) c.env.push_back(env_var(n["env"][i], at(join(path, "env"), i)));
  }
  c.env_from = parse_env_from(n["envFrom"], join(path, "envFrom"));
  c.volume_mounts = parse_volume_mounts(n["volumeMounts"], join(path, "volumeMounts"));
  if (present(n["ports"])) {
    expect_seq(n["ports"], join(path, "ports"));
    for (size_t i = 0; i < n["ports"].size(); ++i) c.ports.push_back(port(n["ports"][i], at(join(path, "ports"), i)));
  }
  if (present(n["workingDir"])) c.working_dir = str(n["workingDir"], join(path, "workingDir"));
  c.resources = resources(n["resources"], join(path, "resources"));
  c.security_context = opt<SecurityContext>(n, "securityContext", path, security_context);
  if (present(n["terminationMessagePath"]))
    c.termination_message_path = str(n["terminationMessagePath"], join(path, "terminationMessagePath"));
  const std::pair<const char*, ProbeKind> probes[] = {
      {"livenessProbe", ProbeKind::Liveness}, {"readinessProbe", ProbeKind::Readiness}, {"startupProbe", ProbeKind::Startup}};
  for (const auto& [key, kind] : probes) {
    if (!present(n[key])) continue;
    if (init) fail(join(path, key), "must not be set for init containers");
    std::optional<Probe>& slot = kind == ProbeKind::Liveness    ? c.liveness_probe
                                 : kind == ProbeKind::Readiness ? c.readiness_probe
                                                                : c.startup_probe;
    slot = parse_probe(n[key], join(path, key), kind, c.ports);
  }
  if (present(n["lifecycle"])) {
    const std::string lpath = join(path, "lifecycle");
    if (init) fail(lpath, "must not be set for init containers");
    expect_map(n["lifecycle"], lpath);
    check_keys(n["lifecycle"], lpath, {"postStart", "preStop"});
    if (present(n["lifecycle"]["postStart"]))
      c.post_start = parse_lifecycle_handler(n["lifecycle"]["postStart"], join(lpath, "postStart"), c.ports);
    if (present(n["lifecycle"]["preStop"]))
      c.pre_stop = parse_lifecycle_handler(n["lifecycle"]["preStop"], join(lpath, "preStop"), c.ports);
  }
  return c;
}

std::vector<Container> containers(const YAML::Node& n, const std::string& path, bool init) {
  std::vector<Container> out;
  if (!present(n)) return out;
  expect_seq(n, path);
  for (size_t i = 0; i < n.size(); ++i) out.push_back(container(n[i], at(path, i), init));
  return out;
}

PodSecurityContext pod_security_context(const YAML::Node& n, const std::string& path) {
  PodSecurityContext sc;
  if (!present(n)) return sc;
  expect_map(n, path);
  check_keys(n, path, {"runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup", "supplementalGroups",
                       "seccompProfile"});
  sc.run_as_user = opt<int64_t>(n, "runAsUser", path, id);
  sc.run_as_group = opt<int64_t>(n, "runAsGroup", path, id);
  sc.run_as_non_root = opt<bool>(n, "runAsNonRoot", path, boolean);
  sc.fs_group = opt<int64_t>(n, "fsGroup", path, id);
  sc.seccomp_profile = opt<SeccompProfile>(n, "seccompProfile", path, seccomp);
  if (present(n["supplementalGroups"])) {
    std::string gpath = join(path, "supplementalGroups");
    expect_seq(n["supplementalGroups"], gpath);
    for (size_t i = 0; i < n["supplementalGroups"].size(); ++i)
      sc.supplemental_groups.push_back(id(n["supplementalGroups"][i], at(gpath, i)));
  }
  return sc;
}

DnsConfig dns_config(const YAML::Node& n, const std::string& path) {
  expect_map(n, path);
  check_keys(n, path, {"nameservers", "searches", "options"});
  DnsConfig d;
  d.nameservers = strings(n["nameservers"], join(path, "nameservers"));
  d.searches = strings(n["searches"], join(path, "searches"));
  if (present(n["options"])) {
    std::string opath = join(path, "options");
    expect_seq(n["options"], opath);
    for (size_t i = 0; i < n["options"].size(); ++i) {
      const YAML::Node o = n["options"][i];
      std::string ipath = at(opath, i);
      expect_map(o, ipath);
      check_keys(o, ipath, {"name", "value"});
      DnsOption opt_;
      opt_.name = str(o["name"], join(ipath, "name"));
      if (present(o["value"])) opt_.value = str(o["value"], join(ipath, "value"));
      d.options.push_back(opt_);
    }
  }
  return d;
}

// spec.priority and spec.priorityClassName. Without an API server only
// the two built-in classes resolve (scheduling.k8s.io's values); another
// class needs spec.priority beside it.
void pod_priority(const YAML::Node& n, PodSpec& s) {
  if (present(n["priorityClassName"])) s.priority_class_name = str(n["priorityClassName"], "spec.priorityClassName");
  if (present(n["priority"])) {
    const int64_t value = integer(n["priority"], "spec.priority");
    if (value < INT32_MIN || value > INT32_MAX) fail("spec.priority", "must fit in 32 bits");
    s.priority = static_cast<int32_t>(value);
  } else if (s.priority_class_name == "system-node-critical") {
    s.priority = 2000001000;
  } else if (s.priority_class_name == "system-cluster-critical") {
    s.priority = 2000000000;
  } else if (!s.priority_class_name.empty()) {
    fail("spec.priorityClassName", "\"" + s.priority_class_name +
                                       "\" is not a built-in class (system-node-critical, system-cluster-critical): "
                                       "give spec.priority with it");
  }
}

PodSpec pod_spec(const YAML::Node& n, const PodSource& source) {
  const std::string path = "spec";
  if (!present(n)) fail(path, "required");
  expect_map(n, path);
  check_keys(n, path,
             {"containers", "initContainers", "restartPolicy", "terminationGracePeriodSeconds", "hostNetwork",
              "hostPID", "hostIPC", "hostname", "subdomain", "dnsPolicy", "dnsConfig", "securityContext",
              "nodeName", "volumes", "priority", "priorityClassName"},
             {"schedulerName"});
  PodSpec s;
  s.volumes = parse_volumes(n["volumes"], "spec.volumes");
  s.init_containers = containers(n["initContainers"], "spec.initContainers", true);
  s.containers = containers(n["containers"], "spec.containers", false);
  if (s.containers.empty()) fail("spec.containers", "at least one container is required");
  std::set<std::string> names;
  for (const auto* list : {&s.init_containers, &s.containers})
    for (const auto& c : *list)
      if (!names.insert(c.name).second) fail("spec.containers", "duplicate container name \"" + c.name + "\"");

  if (present(n["restartPolicy"])) {
    std::string p = str(n["restartPolicy"], "spec.restartPolicy");
    if (p == "Always") s.restart_policy = RestartPolicy::Always;
    else if (p == "OnFailure") s.restart_policy = RestartPolicy::OnFailure;
    else if (p == "Never") s.restart_policy = RestartPolicy::Never;
    else fail("spec.restartPolicy", "unknown policy \"" + p + "\" (Always, OnFailure, Never)");
  }
  if (present(n["terminationGracePeriodSeconds"])) {
    s.termination_grace_period_seconds = integer(n["terminationGracePeriodSeconds"], "spec.terminationGracePeriodSeconds");
    if (s.termination_grace_period_seconds < 0) fail("spec.terminationGracePeriodSeconds", "must not be negative");
  }
  s.host_network = opt<bool>(n, "hostNetwork", path, boolean).value_or(false);
  s.host_pid = opt<bool>(n, "hostPID", path, boolean).value_or(false);
  s.host_ipc = opt<bool>(n, "hostIPC", path, boolean).value_or(false);
  if (s.host_network) {
    // Kubernetes defaults hostPort to containerPort on the host network, and
    // nothing else can be honoured there: no NAT sits between the two.
    for (auto* list : {&s.init_containers, &s.containers})
      for (size_t ci = 0; ci < list->size(); ++ci)
        for (size_t pi = 0; pi < (*list)[ci].ports.size(); ++pi) {
          ContainerPort& port_ = (*list)[ci].ports[pi];
          if (port_.host_port == 0) port_.host_port = port_.container_port;
          if (port_.host_port != port_.container_port)
            fail(at(at(list == &s.containers ? "spec.containers" : "spec.initContainers", ci) + ".ports", pi) + ".hostPort",
                 "must equal containerPort when hostNetwork is true");
        }
  }
  if (present(n["hostname"])) {
    s.hostname = str(n["hostname"], "spec.hostname");
    check_dns_label(s.hostname, "spec.hostname");
  }
  if (present(n["subdomain"])) {
    s.subdomain = str(n["subdomain"], "spec.subdomain");
    check_dns_label(s.subdomain, "spec.subdomain");
  }
  if (present(n["dnsPolicy"])) {
    std::string p = str(n["dnsPolicy"], "spec.dnsPolicy");
    if (p == "ClusterFirst") s.dns_policy = DnsPolicy::ClusterFirst;
    else if (p == "ClusterFirstWithHostNet") s.dns_policy = DnsPolicy::ClusterFirstWithHostNet;
    else if (p == "Default") s.dns_policy = DnsPolicy::Default;
    else if (p == "None") s.dns_policy = DnsPolicy::None;
    else fail("spec.dnsPolicy", "unknown policy \"" + p + "\" (ClusterFirst, ClusterFirstWithHostNet, Default, None)");
  }
  s.dns_config = opt<DnsConfig>(n, "dnsConfig", path, dns_config);
  if (s.dns_policy == DnsPolicy::None && !s.dns_config)
    fail("spec.dnsConfig", "required when dnsPolicy is None");
  check_volume_references(s);
  s.security_context = pod_security_context(n["securityContext"], "spec.securityContext");
  pod_priority(n, s);
  s.node_name = present(n["nodeName"]) ? str(n["nodeName"], "spec.nodeName") : source.node_name;
  if (!source.node_name.empty() && s.node_name != source.node_name)
    fail("spec.nodeName", "\"" + s.node_name + "\" is not this node (\"" + source.node_name + "\")");
  return s;
}

ObjectMeta metadata(const YAML::Node& n) {
  if (!present(n)) fail("metadata", "required");
  expect_map(n, "metadata");
  // Server-populated and informational fields are accepted and dropped.
  check_keys(n, "metadata", {"name", "namespace", "uid", "labels", "annotations"},
             {"creationTimestamp", "resourceVersion", "generation", "selfLink", "managedFields"});
  ObjectMeta m;
  if (!present(n["name"])) fail("metadata.name", "required");
  m.name = str(n["name"], "metadata.name");
  if (m.name.empty()) fail("metadata.name", "required");
  if (present(n["namespace"])) m.namespace_ = str(n["namespace"], "metadata.namespace");
  if (m.namespace_.empty()) m.namespace_ = "default";
  check_dns_subdomain(m.name, "metadata.name");
  check_dns_label(m.namespace_, "metadata.namespace");
  if (present(n["uid"])) m.uid = str(n["uid"], "metadata.uid");
  m.labels = string_map(n["labels"], "metadata.labels");
  m.annotations = string_map(n["annotations"], "metadata.annotations");
  return m;
}

const char* source_name(PodSource::Kind kind) {
  switch (kind) {
    case PodSource::Kind::File: return "file";
    case PodSource::Kind::Url: return "http";
    case PodSource::Kind::Api: return "api";
  }
  return "file";
}

bool is_static(const PodSource& source) { return source.kind != PodSource::Kind::Api && !source.node_name.empty(); }

// kubelet's generatePodName: a pod from a file or URL is named after its
// node too, so that the same manifest on many nodes gives distinct pods.
std::string static_pod_name(const std::string& name, const PodSource& source) {
  std::string node = source.node_name;
  std::transform(node.begin(), node.end(), node.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return name + "-" + node;
}

Pod pod(const YAML::Node& doc, const PodSource& source) {
  if (!doc.IsMap()) fail("", "expected a Pod object");
  check_keys(doc, "", {"apiVersion", "kind", "metadata", "spec"}, {"status"});
  if (!present(doc["apiVersion"])) fail("apiVersion", "required");
  if (!present(doc["kind"])) fail("kind", "required");
  std::string api = str(doc["apiVersion"], "apiVersion");
  std::string kind = str(doc["kind"], "kind");
  if (api != "v1") fail("apiVersion", "expected \"v1\", got \"" + api + "\"");
  if (kind != "Pod") fail("kind", "expected \"Pod\", got \"" + kind + "\"");
  Pod p;
  p.metadata = metadata(doc["metadata"]);
  p.spec = pod_spec(doc["spec"], source);
  // The UID hashes the document as written, then the name gets its node (as
  // kubelet's applyDefaults orders them); the result must still be a name.
  if (p.metadata.uid.empty()) p.metadata.uid = static_pod_uid(doc, source);
  if (is_static(source)) {
    p.metadata.name = static_pod_name(p.metadata.name, source);
    check_dns_subdomain(p.metadata.name, "metadata.name");
  }
  // As kubelet's config sources do: where a pod came from, and its identity
  // under the key kubelet uses to match mirror and static pods.
  p.metadata.annotations["kubernetes.io/config.source"] = source_name(source.kind);
  p.metadata.annotations["kubernetes.io/config.hash"] = p.metadata.uid;
  return p;
}

bool is_pod_list(const YAML::Node& doc) {
  // present() first: a lookup in a map yaml-cpp cannot search (a null key,
  // as in ":") gives an invalid node, whose IsScalar() throws.
  if (!doc.IsMap() || !present(doc["kind"]) || !doc["kind"].IsScalar()) return false;
  return doc["kind"].Scalar() == "PodList" || doc["kind"].Scalar() == "List";
}

// kubelet's file source also accepts a v1 PodList (or List) of Pods; each
// item is its own pod with its own derived UID.
std::vector<YAML::Node> list_items(const YAML::Node& doc) {
  check_keys(doc, "", {"apiVersion", "kind", "items"}, {"metadata"});
  std::string api = present(doc["apiVersion"]) ? str(doc["apiVersion"], "apiVersion") : "";
  if (api != "v1") fail("apiVersion", "expected \"v1\", got \"" + api + "\"");
  std::vector<YAML::Node> items;
  if (!present(doc["items"])) return items;
  expect_seq(doc["items"], "items");
  for (const auto& item : doc["items"]) items.push_back(item);
  return items;
}

// What a document says its pod (or object) is called, without validating
// anything: a rejected manifest is still reported under the name its author
// gave it, with its node for a static pod.
void best_effort_identity(const YAML::Node& doc, const PodSource& source, ManifestDocument& d) {
  try {
    if (!doc.IsMap()) return;
    if (doc["kind"].IsScalar()) d.kind = doc["kind"].Scalar();
    const YAML::Node meta = doc["metadata"];
    if (!meta.IsMap()) return;
    const bool renamed = is_static(source) && !config_object_kind(doc);
    if (meta["name"].IsScalar() && !meta["name"].Scalar().empty())
      d.name = renamed ? static_pod_name(meta["name"].Scalar(), source) : meta["name"].Scalar();
    if (meta["namespace"].IsScalar() && !meta["namespace"].Scalar().empty()) d.namespace_ = meta["namespace"].Scalar();
  } catch (const YAML::Exception&) {
    // Best effort only: the document's own error says what is wrong.
  }
}

// Why the document cannot be read as Kubernetes text: where its first key
// or scalar that is not UTF-8 is (the path holds only keys already
// checked); nullopt when all are. Kubernetes refuses such
// a document (the API server; kubelet's YAML reader for files and URLs),
// and the agent could neither keep it nor serve it as JSON. `budget` bounds
// the nodes visited: aliases let a small text name a huge tree.
std::optional<std::string> first_non_utf8(const YAML::Node& node, const std::string& path, std::size_t& budget) {
  if (budget == 0) return "more than " + std::to_string(kMaxYamlNodes) + " YAML nodes (aliases included)";
  --budget;
  const std::string here = path.empty() ? "the document" : path;
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      if (!common::is_utf8(node.Scalar())) return here + ": not valid UTF-8 text";
      return std::nullopt;
    case YAML::NodeType::Sequence:
      for (std::size_t i = 0; i < node.size(); ++i)
        if (auto bad = first_non_utf8(node[i], path + "[" + std::to_string(i) + "]", budget)) return bad;
      return std::nullopt;
    case YAML::NodeType::Map:
      for (const auto& entry : node) {
        if (auto bad = first_non_utf8(entry.first, here + " (a key)", budget)) return bad;
        const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "?";
        if (auto bad = first_non_utf8(entry.second, path.empty() ? key : path + "." + key, budget)) return bad;
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::string describe(const PodSource& source) {
  switch (source.kind) {
    case PodSource::Kind::File: return source.location;
    case PodSource::Kind::Url: return source.location;
    case PodSource::Kind::Api: return "api";
  }
  return source.location;
}

}  // namespace

std::vector<ManifestDocument> parse_manifest(std::string_view text, const PodSource& source) {
  std::vector<ManifestDocument> out;
  std::vector<YAML::Node> docs;
  try {
    docs = load_yaml_documents(std::string(text));
  } catch (const YAML::Exception& e) {
    // yaml-cpp stops at the first syntax error; the documents before it are
    // lost too, so report the whole text as one failed document.
    ManifestDocument d;
    d.index = 1;
    d.error = describe(source) + ": not valid YAML or JSON: line " + std::to_string(e.mark.line + 1) + ", column " +
              std::to_string(e.mark.column + 1) + ": " + e.msg;
    out.push_back(std::move(d));
    return out;
  }
  int index = 0;
  for (const auto& doc : docs) {
    ++index;
    if (!present(doc)) continue;  // "---" with nothing after it
    const std::string where = describe(source) + " document " + std::to_string(index) + ": ";
    std::size_t budget = kMaxYamlNodes;
    if (const auto bad = first_non_utf8(doc, "", budget)) {
      ManifestDocument d;
      d.index = index;
      d.error = where + *bad;
      out.push_back(std::move(d));
      continue;
    }
    auto one = [&](const YAML::Node& node, const std::string& prefix) {
      ManifestDocument d;
      d.index = index;
      try {
        if (config_object_kind(node)) {
          d.object = parse_config_object(node);
          d.kind = to_string(d.object->kind);
          d.namespace_ = d.object->namespace_;
          d.name = d.object->name;
        } else {
          d.pod = pod(node, source);
          d.kind = "Pod";
          d.namespace_ = d.pod->metadata.namespace_;
          d.name = d.pod->metadata.name;
        }
      } catch (const std::exception& e) {  // FieldError, YAML::Exception
        d.error = where + prefix + e.what();
        best_effort_identity(node, source, d);
      }
      out.push_back(std::move(d));
    };
    if (!is_pod_list(doc)) {
      one(doc, "");
      continue;
    }
    std::vector<YAML::Node> items;
    try {
      items = list_items(doc);
    } catch (const std::exception& e) {
      ManifestDocument d;
      d.index = index;
      d.error = where + e.what();
      out.push_back(std::move(d));
      continue;
    }
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string item = "items[" + std::to_string(i) + "]";
      if (items[i].IsMap()) {
        one(items[i], item + ".");
      } else {
        ManifestDocument d;
        d.index = index;
        d.error = where + item + ": expected a Pod object";
        out.push_back(std::move(d));
      }
    }
  }
  return out;
}

bool came_from(const Pod& pod, PodSource::Kind kind) {
  auto it = pod.metadata.annotations.find("kubernetes.io/config.source");
  return it != pod.metadata.annotations.end() && it->second == source_name(kind);
}

}  // namespace agent::pod
