#include "shim/security/security_options.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "shim/security/capabilities.h"
#include "shim/server/call.h"

namespace shim::security {
namespace {

constexpr std::string_view kLocalhostPrefix = "localhost/";

bool is_all(std::string_view name) {
  return name.size() == 3 && std::toupper(static_cast<unsigned char>(name[0])) == 'A' &&
         std::toupper(static_cast<unsigned char>(name[1])) == 'L' &&
         std::toupper(static_cast<unsigned char>(name[2])) == 'L';
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

void push_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

// A profile choice, with the field it came from (for error messages).
struct Profile {
  enum Kind { kDefault, kUnconfined, kLocalhost } kind = kDefault;
  std::string ref;    // Localhost: the file (seccomp) or profile name (AppArmor)
  std::string field;  // "security_context.seccomp", ...
};

// The new SecurityProfile field, checked as containerd checks it.
Profile from_security_profile(const cri::SecurityProfile& sp, const std::string& field) {
  Profile p{Profile::kDefault, sp.localhost_ref(), field};
  switch (sp.profile_type()) {
    case cri::SecurityProfile::RuntimeDefault: p.kind = Profile::kDefault; break;
    case cri::SecurityProfile::Unconfined: p.kind = Profile::kUnconfined; break;
    case cri::SecurityProfile::Localhost: p.kind = Profile::kLocalhost; break;
    default:
      throw invalid_argument(field + ": unknown profile_type " + std::to_string(sp.profile_type()));
  }
  if (p.kind != Profile::kLocalhost && !p.ref.empty())
    throw invalid_argument(field + ": localhost_ref \"" + p.ref + "\" set for a profile_type other than Localhost");
  if (p.kind == Profile::kLocalhost) {
    // Older clients may still send the "localhost/" form in the new field.
    if (starts_with(p.ref, kLocalhostPrefix)) p.ref.erase(0, kLocalhostPrefix.size());
    if (p.ref.empty()) throw invalid_argument(field + ": Localhost profile without localhost_ref");
  }
  return p;
}

// The deprecated string form: "runtime/default", "docker/default" (seccomp
// only), "unconfined", "localhost/<ref>".
Profile from_deprecated(const std::string& value, const std::string& field, bool docker_default_ok) {
  if (value == "runtime/default" || (docker_default_ok && value == "docker/default"))
    return {Profile::kDefault, "", field};
  if (value == "unconfined") return {Profile::kUnconfined, "", field};
  if (starts_with(value, kLocalhostPrefix) && value.size() > kLocalhostPrefix.size())
    return {Profile::kLocalhost, value.substr(kLocalhostPrefix.size()), field};
  throw invalid_argument(field + ": unknown profile \"" + value + "\"");
}

std::string read_seccomp_profile(const Profile& p) {
  if (p.ref.empty() || p.ref.front() != '/')
    throw invalid_argument(p.field + ": localhost profile path \"" + p.ref + "\" is not absolute");
  std::ifstream in(p.ref, std::ios::binary);
  if (!in) throw invalid_argument(p.field + ": cannot read localhost profile " + p.ref + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  // Docker would refuse bad JSON too, but without naming the file.
  nlohmann::json profile = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (profile.is_discarded() || !profile.is_object())
    throw invalid_argument(p.field + ": localhost profile " + p.ref + " is not a JSON object");
  return profile.dump();
}

// seccomp from the new field, else the deprecated path, else unconfined.
void apply_seccomp(const cri::SecurityProfile* sp, const std::string& deprecated_path,
                   const HostSecurity& host, docker::HostConfig& hc) {
  Profile p = sp ? from_security_profile(*sp, "security_context.seccomp")
              : !deprecated_path.empty()
                  ? from_deprecated(deprecated_path, "security_context.seccomp_profile_path", true)
                  : Profile{Profile::kUnconfined, "", "security_context.seccomp"};
  if (!host.seccomp_enabled) {
    if (p.kind == Profile::kLocalhost)
      throw invalid_argument(p.field + ": seccomp is not supported by the host kernel; cannot apply " + p.ref);
    return;
  }
  switch (p.kind) {
    case Profile::kDefault: break;  // Docker applies its default profile
    case Profile::kUnconfined: push_unique(hc.security_opt, "seccomp=unconfined"); break;
    case Profile::kLocalhost: hc.security_opt.push_back("seccomp=" + read_seccomp_profile(p)); break;
  }
}

// AppArmor from the new field, else the deprecated name, else the default.
void apply_apparmor(const cri::SecurityProfile* sp, const std::string& deprecated_name,
                    const HostSecurity& host, docker::HostConfig& hc) {
  Profile p = sp ? from_security_profile(*sp, "security_context.apparmor")
              : !deprecated_name.empty()
                  ? from_deprecated(deprecated_name, "security_context.apparmor_profile", false)
                  : Profile{Profile::kDefault, "", "security_context.apparmor"};
  if (!host.apparmor_enabled) {
    if (p.kind == Profile::kLocalhost)
      throw invalid_argument(p.field + ": apparmor is not supported by the host; cannot apply profile " + p.ref);
    return;
  }
  switch (p.kind) {
    case Profile::kDefault: break;  // Docker applies docker-default
    case Profile::kUnconfined: push_unique(hc.security_opt, "apparmor=unconfined"); break;
    case Profile::kLocalhost: push_unique(hc.security_opt, "apparmor=" + p.ref); break;
  }
}

// Capability numbers of `names`; sets `all` for "ALL". Unknown: INVALID_ARGUMENT.
std::vector<int> capability_numbers(const google::protobuf::RepeatedPtrField<std::string>& names,
                                    const char* field, bool& all) {
  std::vector<int> numbers;
  for (const std::string& name : names) {
    if (is_all(name)) {
      all = true;
      continue;
    }
    auto n = capability_number(name);
    if (!n)
      throw invalid_argument(std::string("security_context.capabilities.") + field + ": unknown capability \"" +
                             name + "\"");
    numbers.push_back(*n);
  }
  return numbers;
}

// The deprecated string fields, still sent by older clients; read in one
// place so the deprecation warning is silenced only here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
const std::string& deprecated_seccomp(const cri::LinuxContainerSecurityContext& sc) {
  return sc.seccomp_profile_path();
}
const std::string& deprecated_seccomp(const cri::LinuxSandboxSecurityContext& sc) {
  return sc.seccomp_profile_path();
}
const std::string& deprecated_apparmor(const cri::LinuxContainerSecurityContext& sc) {
  return sc.apparmor_profile();
}
#pragma GCC diagnostic pop

}  // namespace

void apply_capabilities(const cri::Capability& caps, const HostSecurity& host, docker::HostConfig& hc) {
  bool add_all = false, drop_all = false;
  const std::vector<int> add = capability_numbers(caps.add_capabilities(), "add_capabilities", add_all);
  const std::vector<int> drop = capability_numbers(caps.drop_capabilities(), "drop_capabilities", drop_all);
  if (caps.add_ambient_capabilities_size() > 0)
    spdlog::warn("security context: add_ambient_capabilities ignored, Docker has no ambient capabilities");

  auto dropped = [&](int c) { return std::find(drop.begin(), drop.end(), c) != drop.end(); };
  if (drop_all) {
    // Docker: with CapDrop ALL the container gets exactly CapAdd.
    push_unique(hc.cap_drop, "ALL");
  } else {
    for (int c : drop)
      if (c <= host.grantable_last_cap()) push_unique(hc.cap_drop, std::string(capability_name(c)));
  }
  if (add_all) {
    // Drops still win over add ALL (Docker: all but CapDrop), unless drop ALL too.
    for (int c = 0; c <= host.grantable_last_cap(); ++c)
      if (host.allows(c) && (drop_all || !dropped(c))) push_unique(hc.cap_add, std::string(capability_name(c)));
    return;
  }
  for (int c : add) {
    if (!host.allows(c)) {
      spdlog::warn("security context: capability {} left out: not in the shim's bounding set or unknown to Docker",
                   capability_name(c));
      continue;
    }
    push_unique(hc.cap_add, std::string(capability_name(c)));
  }
}

void apply_selinux_options(const cri::SELinuxOption& o, docker::HostConfig& hc) {
  if (!o.user().empty()) hc.security_opt.push_back("label=user:" + o.user());
  if (!o.role().empty()) hc.security_opt.push_back("label=role:" + o.role());
  if (!o.type().empty()) hc.security_opt.push_back("label=type:" + o.type());
  if (!o.level().empty()) hc.security_opt.push_back("label=level:" + o.level());
}

void apply_privileged(const HostSecurity& host, docker::HostConfig& hc, const std::string& dev_root) {
  if (host.has_all_capabilities()) {
    hc.privileged = true;
    return;
  }
  hc.cap_add = host.allowed_capabilities();
  hc.cap_drop.clear();
  for (auto& device : host_devices(dev_root)) hc.resources.devices.push_back(std::move(device));
  push_unique(hc.device_cgroup_rules, "c *:* rwm");
  push_unique(hc.device_cgroup_rules, "b *:* rwm");
  if (host.seccomp_enabled) push_unique(hc.security_opt, "seccomp=unconfined");
  if (host.apparmor_enabled) push_unique(hc.security_opt, "apparmor=unconfined");
  push_unique(hc.security_opt, "label=disable");
  hc.masked_paths.clear();
  hc.readonly_paths.clear();
  hc.set_masked_paths = hc.set_readonly_paths = true;
  // A user mount at /sys replaces Docker's read-only sysfs. It is the host's
  // sysfs (rbind), so it shows the host's network devices and cgroup tree.
  hc.mounts.push_back({"bind", "/sys", "/sys", /*read_only=*/false, ""});
}

void apply_container_security(const cri::LinuxContainerSecurityContext& sc, const HostSecurity& host,
                              docker::HostConfig& hc) {
  hc.readonly_rootfs = sc.readonly_rootfs();
  if (sc.no_new_privs()) push_unique(hc.security_opt, "no-new-privileges");
  if (sc.privileged()) {
    apply_privileged(host, hc);
    return;
  }
  apply_capabilities(sc.capabilities(), host, hc);
  apply_selinux_options(sc.selinux_options(), hc);
  hc.masked_paths.assign(sc.masked_paths().begin(), sc.masked_paths().end());
  hc.readonly_paths.assign(sc.readonly_paths().begin(), sc.readonly_paths().end());
  hc.set_masked_paths = hc.set_readonly_paths = true;
  apply_seccomp(sc.has_seccomp() ? &sc.seccomp() : nullptr, deprecated_seccomp(sc), host, hc);
  apply_apparmor(sc.has_apparmor() ? &sc.apparmor() : nullptr, deprecated_apparmor(sc), host, hc);
}

void apply_sandbox_security(const cri::LinuxSandboxSecurityContext& sc, const HostSecurity& host,
                            docker::HostConfig& hc) {
  hc.readonly_rootfs = sc.readonly_rootfs();
  if (sc.privileged()) {
    apply_privileged(host, hc);
    return;
  }
  apply_selinux_options(sc.selinux_options(), hc);
  apply_seccomp(sc.has_seccomp() ? &sc.seccomp() : nullptr, deprecated_seccomp(sc), host, hc);
  apply_apparmor(sc.has_apparmor() ? &sc.apparmor() : nullptr, "", host, hc);
}

}  // namespace shim::security
