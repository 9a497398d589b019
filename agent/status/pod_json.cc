// pod_to_json / pod_list_to_json (declared in status_manager.h): the Pod in
// the shape the Kubernetes API serialises it. Field names, which fields are
// always present and which are omitted when empty follow core/v1's JSON
// tags (`omitempty`), so tools that read a kubelet's /pods read ours.
#include "agent/status/status_manager.h"
#include "common/rfc3339.h"

namespace agent::status {
namespace {

using nlohmann::json;

void put_string(json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}
void put_time(json& j, const char* key, int64_t unix_seconds) {
  // Whole seconds print without a fraction: RFC 3339 as metav1.Time marshals.
  if (unix_seconds != 0) j[key] = common::format_rfc3339_nanos(unix_seconds * 1'000'000'000);
}
template <typename T>
void put_optional(json& j, const char* key, const std::optional<T>& value) {
  if (value) j[key] = *value;
}
void put_strings(json& j, const char* key, const std::vector<std::string>& values) {
  if (!values.empty()) j[key] = values;
}

// A CPU quantity in its canonical text: whole cores plain, else millicores.
std::string cpu_text(int64_t milli) {
  return milli % 1000 == 0 ? std::to_string(milli / 1000) : std::to_string(milli) + "m";
}

json resource_list(const pod::ResourceList& r) {
  json j = json::object();
  if (r.cpu_milli) j["cpu"] = cpu_text(*r.cpu_milli);
  if (r.memory_bytes) j["memory"] = std::to_string(*r.memory_bytes);
  if (r.ephemeral_storage_bytes) j["ephemeral-storage"] = std::to_string(*r.ephemeral_storage_bytes);
  return j;
}

json seccomp_json(const pod::SeccompProfile& p) {
  json j = {{"type", pod::to_string(p.type)}};
  put_string(j, "localhostProfile", p.localhost_profile);
  return j;
}

json security_context_json(const pod::SecurityContext& sc) {
  json j = json::object();
  if (sc.capabilities) {
    json caps = json::object();
    put_strings(caps, "add", sc.capabilities->add);
    put_strings(caps, "drop", sc.capabilities->drop);
    j["capabilities"] = caps;
  }
  put_optional(j, "privileged", sc.privileged);
  put_optional(j, "runAsUser", sc.run_as_user);
  put_optional(j, "runAsGroup", sc.run_as_group);
  put_optional(j, "runAsNonRoot", sc.run_as_non_root);
  put_optional(j, "readOnlyRootFilesystem", sc.read_only_root_filesystem);
  put_optional(j, "allowPrivilegeEscalation", sc.allow_privilege_escalation);
  if (sc.seccomp_profile) j["seccompProfile"] = seccomp_json(*sc.seccomp_profile);
  return j;
}

json container_json(const pod::Container& c) {
  json j = {{"name", c.name}, {"image", c.image}};
  put_strings(j, "command", c.command);
  put_strings(j, "args", c.args);
  put_string(j, "workingDir", c.working_dir);
  if (!c.ports.empty()) {
    json ports = json::array();
    for (const auto& p : c.ports) {
      json port = json::object();
      put_string(port, "name", p.name);
      if (p.host_port != 0) port["hostPort"] = p.host_port;
      port["containerPort"] = p.container_port;
      port["protocol"] = pod::to_string(p.protocol);
      put_string(port, "hostIP", p.host_ip);
      ports.push_back(std::move(port));
    }
    j["ports"] = std::move(ports);
  }
  if (!c.env.empty()) {
    json env = json::array();
    for (const auto& e : c.env) {
      json var = {{"name", e.name}};
      if (e.field_path)
        var["valueFrom"] = {{"fieldRef", {{"apiVersion", "v1"}, {"fieldPath", *e.field_path}}}};
      else
        put_string(var, "value", e.value);
      env.push_back(std::move(var));
    }
    j["env"] = std::move(env);
  }
  json resources = json::object();  // the API always writes it, {} when empty
  if (json l = resource_list(c.resources.limits); !l.empty()) resources["limits"] = std::move(l);
  if (json r = resource_list(c.resources.requests); !r.empty()) resources["requests"] = std::move(r);
  j["resources"] = std::move(resources);
  put_string(j, "terminationMessagePath", c.termination_message_path);
  j["imagePullPolicy"] = pod::to_string(c.image_pull_policy);
  if (c.security_context) j["securityContext"] = security_context_json(*c.security_context);
  return j;
}

json containers_json(const std::vector<pod::Container>& containers) {
  json j = json::array();
  for (const auto& c : containers) j.push_back(container_json(c));
  return j;
}

json pod_security_context_json(const pod::PodSecurityContext& sc) {
  json j = json::object();  // the API always writes it, {} when empty
  put_optional(j, "runAsUser", sc.run_as_user);
  put_optional(j, "runAsGroup", sc.run_as_group);
  put_optional(j, "runAsNonRoot", sc.run_as_non_root);
  if (!sc.supplemental_groups.empty()) j["supplementalGroups"] = sc.supplemental_groups;
  put_optional(j, "fsGroup", sc.fs_group);
  if (sc.seccomp_profile) j["seccompProfile"] = seccomp_json(*sc.seccomp_profile);
  return j;
}

json spec_json(const pod::PodSpec& s) {
  json j = json::object();
  if (!s.init_containers.empty()) j["initContainers"] = containers_json(s.init_containers);
  j["containers"] = containers_json(s.containers);
  j["restartPolicy"] = pod::to_string(s.restart_policy);
  j["terminationGracePeriodSeconds"] = s.termination_grace_period_seconds;
  j["dnsPolicy"] = pod::to_string(s.dns_policy);
  put_string(j, "nodeName", s.node_name);
  if (s.host_network) j["hostNetwork"] = true;
  if (s.host_pid) j["hostPID"] = true;
  if (s.host_ipc) j["hostIPC"] = true;
  j["securityContext"] = pod_security_context_json(s.security_context);
  put_string(j, "hostname", s.hostname);
  put_string(j, "subdomain", s.subdomain);
  put_string(j, "priorityClassName", s.priority_class_name);
  if (s.priority) j["priority"] = *s.priority;
  if (s.dns_config) {
    json dns = json::object();
    put_strings(dns, "nameservers", s.dns_config->nameservers);
    put_strings(dns, "searches", s.dns_config->searches);
    if (!s.dns_config->options.empty()) {
      json options = json::array();
      for (const auto& o : s.dns_config->options) {
        json opt = {{"name", o.name}};
        put_optional(opt, "value", o.value);
        options.push_back(std::move(opt));
      }
      dns["options"] = std::move(options);
    }
    j["dnsConfig"] = std::move(dns);
  }
  return j;
}

json metadata_json(const pod::ObjectMeta& m) {
  json j = {{"name", m.name}, {"namespace", m.namespace_}};
  put_string(j, "uid", m.uid);
  if (!m.labels.empty()) j["labels"] = m.labels;
  if (!m.annotations.empty()) j["annotations"] = m.annotations;
  return j;
}

json state_json(const ContainerState& s) {
  json j = json::object();  // an empty state is {} (the API's lastState before any restart)
  if (s.waiting) {
    json w = json::object();
    put_string(w, "reason", s.waiting->reason);
    put_string(w, "message", s.waiting->message);
    j["waiting"] = std::move(w);
  } else if (s.running) {
    json r = json::object();
    put_time(r, "startedAt", s.running->started_at);
    j["running"] = std::move(r);
  } else if (s.terminated) {
    const auto& t = *s.terminated;
    json x = {{"exitCode", t.exit_code}};
    if (t.signal != 0) x["signal"] = t.signal;
    put_string(x, "reason", t.reason);
    put_string(x, "message", t.message);
    put_time(x, "startedAt", t.started_at);
    put_time(x, "finishedAt", t.finished_at);
    put_string(x, "containerID", t.container_id);
    j["terminated"] = std::move(x);
  }
  return j;
}

json container_status_json(const ContainerStatus& s) {
  json j = {{"name", s.name},
            {"state", state_json(s.state)},
            {"lastState", state_json(s.last_state)},
            {"ready", s.ready},
            {"restartCount", s.restart_count},
            {"image", s.image},
            {"imageID", s.image_id}};
  put_string(j, "containerID", s.container_id);
  put_optional(j, "started", s.started);
  return j;
}

json status_json(const PodStatus& s) {
  json j = {{"phase", s.phase}};
  if (!s.conditions.empty()) {
    json conditions = json::array();
    for (const auto& c : s.conditions) {
      json cj = {{"type", c.type}, {"status", c.status}, {"lastProbeTime", nullptr}};
      put_time(cj, "lastTransitionTime", c.last_transition_time);
      put_string(cj, "reason", c.reason);
      put_string(cj, "message", c.message);
      conditions.push_back(std::move(cj));
    }
    j["conditions"] = std::move(conditions);
  }
  put_string(j, "message", s.message);
  put_string(j, "reason", s.reason);
  put_string(j, "hostIP", s.host_ip);
  if (!s.host_ip.empty()) {
    json host_ip = {{"ip", s.host_ip}};
    j["hostIPs"] = json::array({host_ip});
  }
  put_string(j, "podIP", s.pod_ip);
  if (!s.pod_ips.empty()) {
    json ips = json::array();
    for (const auto& ip : s.pod_ips) ips.push_back(json{{"ip", ip}});
    j["podIPs"] = std::move(ips);
  }
  put_time(j, "startTime", s.start_time);
  if (!s.init_container_statuses.empty()) {
    json a = json::array();
    for (const auto& c : s.init_container_statuses) a.push_back(container_status_json(c));
    j["initContainerStatuses"] = std::move(a);
  }
  if (!s.container_statuses.empty()) {
    json a = json::array();
    for (const auto& c : s.container_statuses) a.push_back(container_status_json(c));
    j["containerStatuses"] = std::move(a);
  }
  put_string(j, "qosClass", s.qos_class);
  return j;
}

}  // namespace

nlohmann::json pod_to_json(const pod::Pod& pod, const PodStatus& status) {
  return json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", metadata_json(pod.metadata)},
              {"spec", spec_json(pod.spec)},
              {"status", status_json(status)}};
}

nlohmann::json pod_list_to_json(const std::vector<PodRecord>& pods) {
  json items = json::array();
  for (const auto& r : pods) {
    // List items carry no apiVersion/kind of their own, as the API server writes them.
    json item = pod_to_json(r.pod, r.status);
    item.erase("apiVersion");
    item.erase("kind");
    items.push_back(std::move(item));
  }
  return json{{"apiVersion", "v1"}, {"kind", "PodList"}, {"metadata", json::object()}, {"items", std::move(items)}};
}

}  // namespace agent::status
