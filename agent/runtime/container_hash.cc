// container_hash (runtime_labels.h): FNV-1a 64 over a canonical text of the
// whole Container, so the hash is the same in every build and run (unlike
// std::hash) and any change of the spec changes it.
//
// The canonical text is unambiguous: every field is tagged, every string
// length-prefixed, every list counted, every optional marked present or
// absent. Changing this text changes every hash, which makes a restarted
// agent recreate every container (kubelet has the same property): bump the
// version tag only on purpose.
#include <cstdio>
#include <string>

#include "agent/runtime/runtime_labels.h"

namespace agent::runtime {
namespace {

class Canon {
 public:
  Canon& str(const char* tag, const std::string& s) {
    out_ += tag;
    out_ += '=';
    out_ += std::to_string(s.size());
    out_ += ':';
    out_ += s;
    out_ += ';';
    return *this;
  }
  Canon& num(const char* tag, int64_t n) { return str(tag, std::to_string(n)); }
  Canon& flag(const char* tag, const std::optional<bool>& b) { return str(tag, !b ? "-" : *b ? "1" : "0"); }
  Canon& opt_num(const char* tag, const std::optional<int64_t>& n) { return str(tag, n ? std::to_string(*n) : "-"); }
  Canon& list(const char* tag, const std::vector<std::string>& items) {
    num(tag, static_cast<int64_t>(items.size()));
    for (const auto& item : items) str("-", item);
    return *this;
  }
  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

void resource_list(Canon& c, const char* tag, const pod::ResourceList& r) {
  c.str(tag, "{").opt_num("cpu", r.cpu_milli).opt_num("memory", r.memory_bytes);
  // Only when set: the hashes of containers without it (every container
  // before ephemeral-storage was accepted) stay what they were.
  if (r.ephemeral_storage_bytes) c.opt_num("ephemeral-storage", r.ephemeral_storage_bytes);
  c.str("}", "");
}

void seccomp(Canon& c, const std::optional<pod::SeccompProfile>& s) {
  if (!s) {
    c.str("seccomp", "-");
    return;
  }
  c.num("seccomp", static_cast<int>(s->type)).str("localhostProfile", s->localhost_profile);
}

std::string canonical_text(const pod::Container& ctr) {
  Canon c;
  c.str("container", "v1");
  c.str("name", ctr.name).str("image", ctr.image).num("imagePullPolicy", static_cast<int>(ctr.image_pull_policy));
  c.list("command", ctr.command).list("args", ctr.args);
  c.num("env", static_cast<int64_t>(ctr.env.size()));
  for (const auto& e : ctr.env) {
    c.str("name", e.name).str("value", e.value);
    c.str("fieldPath", e.field_path ? "+" + *e.field_path : "-");
  }
  c.num("ports", static_cast<int64_t>(ctr.ports.size()));
  for (const auto& p : ctr.ports)
    c.str("name", p.name).num("containerPort", p.container_port).num("hostPort", p.host_port)
        .str("hostIP", p.host_ip).num("protocol", static_cast<int>(p.protocol));
  c.str("workingDir", ctr.working_dir);
  resource_list(c, "requests", ctr.resources.requests);
  resource_list(c, "limits", ctr.resources.limits);
  if (!ctr.security_context) {
    c.str("securityContext", "-");
  } else {
    const pod::SecurityContext& s = *ctr.security_context;
    c.str("securityContext", "+");
    c.opt_num("runAsUser", s.run_as_user).opt_num("runAsGroup", s.run_as_group).flag("runAsNonRoot", s.run_as_non_root);
    if (s.capabilities) c.str("capabilities", "+").list("add", s.capabilities->add).list("drop", s.capabilities->drop);
    else c.str("capabilities", "-");
    c.flag("privileged", s.privileged).flag("readOnlyRootFilesystem", s.read_only_root_filesystem)
        .flag("allowPrivilegeEscalation", s.allow_privilege_escalation);
    seccomp(c, s.seccomp_profile);
  }
  c.str("terminationMessagePath", ctr.termination_message_path);
  // Fields added after v1 are written only when set, so that a container
  // made before them keeps its hash (and is not recreated by an upgrade).
  for (const auto& e : ctr.env)
    for (const auto* ref : {&e.config_map_key_ref, &e.secret_key_ref})
      if (*ref)
        c.str(ref == &e.config_map_key_ref ? "configMapKeyRef" : "secretKeyRef", e.name)
            .str("name", (*ref)->name).str("key", (*ref)->key).flag("optional", (*ref)->optional);
  if (!ctr.env_from.empty()) {
    c.num("envFrom", static_cast<int64_t>(ctr.env_from.size()));
    for (const auto& e : ctr.env_from)
      c.str("prefix", e.prefix).flag("secret", e.secret).str("name", e.name).flag("optional", e.optional);
  }
  if (!ctr.volume_mounts.empty()) {
    c.num("volumeMounts", static_cast<int64_t>(ctr.volume_mounts.size()));
    for (const auto& m : ctr.volume_mounts)
      c.str("name", m.name).str("mountPath", m.mount_path).flag("readOnly", m.read_only).str("subPath", m.sub_path)
          .str("subPathExpr", m.sub_path_expr).num("mountPropagation", static_cast<int>(m.propagation));
  }
  return c.text();
}

}  // namespace

std::string container_hash(const pod::Container& container) {
  uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64 offset basis
  for (unsigned char byte : canonical_text(container)) {
    hash ^= byte;
    hash *= 1099511628211ULL;  // FNV 64 prime
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

}  // namespace agent::runtime
