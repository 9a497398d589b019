#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "shim/security/security_options.h"
#include "shim/server/call.h"

using namespace shim::security;
namespace fs = std::filesystem;

// The deprecated seccomp_profile_path and apparmor_profile are tested on purpose.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace {

// This machine: every capability but CAP_SYS_RESOURCE, Docker 20.10.
HostSecurity partial_host() {
  HostSecurity host;
  host.bounding_set = 0x1fffeffffffull;
  host.last_cap = 40;
  host.docker_last_cap = 37;
  return host;
}

HostSecurity full_host() {
  HostSecurity host;
  host.bounding_set = ~0ull;
  host.last_cap = 40;
  host.docker_last_cap = 37;
  return host;
}

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The message of the CriError `f` throws, checking it is INVALID_ARGUMENT.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const shim::CriError& e) {
    CHECK(e.code() == grpc::StatusCode::INVALID_ARGUMENT);
    return e.what();
  }
  FAIL("no CriError thrown");
  return {};
}

// A seccomp profile's JSON text for a Localhost profile.
struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& text) {
    std::string tmpl = (fs::temp_directory_path() / "shim-seccomp-XXXXXX").string();
    int fd = mkstemp(tmpl.data());
    REQUIRE(fd >= 0);
    close(fd);
    path = tmpl;
    std::ofstream(path) << text;
  }
  ~TempFile() { fs::remove(path); }
};

}  // namespace

TEST_CASE("capabilities: names normalised for Docker, add and drop as given") {
  cri::LinuxContainerSecurityContext sc;
  sc.mutable_capabilities()->add_add_capabilities("net_admin");
  sc.mutable_capabilities()->add_add_capabilities("CAP_SYS_TIME");
  sc.mutable_capabilities()->add_drop_capabilities("MKNOD");
  docker::HostConfig hc;
  apply_container_security(sc, partial_host(), hc);
  CHECK(hc.cap_add == std::vector<std::string>{"CAP_NET_ADMIN", "CAP_SYS_TIME"});
  CHECK(hc.cap_drop == std::vector<std::string>{"CAP_MKNOD"});
  CHECK_FALSE(hc.privileged);
}

TEST_CASE("capabilities: unknown names are INVALID_ARGUMENT naming the field") {
  cri::LinuxContainerSecurityContext sc;
  sc.mutable_capabilities()->add_add_capabilities("FOO");
  docker::HostConfig hc;
  CHECK(error_of([&] { apply_container_security(sc, partial_host(), hc); }) ==
        "security_context.capabilities.add_capabilities: unknown capability \"FOO\"");
  cri::LinuxContainerSecurityContext drop;
  drop.mutable_capabilities()->add_drop_capabilities("CAP_BAR");
  CHECK(error_of([&] { apply_container_security(drop, partial_host(), hc); }) ==
        "security_context.capabilities.drop_capabilities: unknown capability \"CAP_BAR\"");
}

TEST_CASE("capabilities: add ALL is every capability the host allows, minus the drops") {
  cri::LinuxContainerSecurityContext sc;
  sc.mutable_capabilities()->add_add_capabilities("all");
  sc.mutable_capabilities()->add_drop_capabilities("NET_RAW");
  docker::HostConfig hc;
  apply_container_security(sc, partial_host(), hc);
  CHECK_FALSE(has(hc.cap_add, "ALL"));
  CHECK_FALSE(has(hc.cap_add, "CAP_SYS_RESOURCE"));  // not in the bounding set
  CHECK_FALSE(has(hc.cap_add, "CAP_BPF"));           // unknown to Docker 20.10
  CHECK_FALSE(has(hc.cap_add, "CAP_NET_RAW"));       // dropped
  CHECK(has(hc.cap_add, "CAP_SYS_ADMIN"));
  CHECK(hc.cap_add.size() == 36);
  CHECK(hc.cap_drop == std::vector<std::string>{"CAP_NET_RAW"});
}

TEST_CASE("capabilities: drop ALL then the explicit adds") {
  cri::LinuxContainerSecurityContext sc;
  sc.mutable_capabilities()->add_drop_capabilities("ALL");
  sc.mutable_capabilities()->add_add_capabilities("NET_BIND_SERVICE");
  docker::HostConfig hc;
  apply_container_security(sc, partial_host(), hc);
  CHECK(hc.cap_drop == std::vector<std::string>{"ALL"});
  CHECK(hc.cap_add == std::vector<std::string>{"CAP_NET_BIND_SERVICE"});
}

TEST_CASE("capabilities the host does not allow are left out; their drops too") {
  cri::LinuxContainerSecurityContext sc;
  sc.mutable_capabilities()->add_add_capabilities("SYS_RESOURCE");  // not in the bounding set
  sc.mutable_capabilities()->add_add_capabilities("BPF");           // Docker 20.10 refuses it
  sc.mutable_capabilities()->add_add_capabilities("NET_ADMIN");
  sc.mutable_capabilities()->add_drop_capabilities("PERFMON");
  docker::HostConfig hc;
  apply_container_security(sc, partial_host(), hc);
  CHECK(hc.cap_add == std::vector<std::string>{"CAP_NET_ADMIN"});
  CHECK(hc.cap_drop.empty());

  HostSecurity new_docker = full_host();
  new_docker.docker_last_cap = 40;
  docker::HostConfig hc2;
  apply_container_security(sc, new_docker, hc2);
  CHECK(hc2.cap_add == std::vector<std::string>{"CAP_SYS_RESOURCE", "CAP_BPF", "CAP_NET_ADMIN"});
  CHECK(hc2.cap_drop == std::vector<std::string>{"CAP_PERFMON"});
}

TEST_CASE("privileged with every capability: Docker's own privileged, nothing else") {
  cri::LinuxContainerSecurityContext sc;
  sc.set_privileged(true);
  sc.mutable_capabilities()->add_drop_capabilities("ALL");  // ignored under privileged
  sc.add_masked_paths("/proc/kcore");
  sc.mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);
  sc.mutable_selinux_options()->set_type("spc_t");
  sc.set_readonly_rootfs(true);
  docker::HostConfig hc;
  apply_container_security(sc, full_host(), hc);
  CHECK(hc.privileged);
  CHECK(hc.readonly_rootfs);
  CHECK(hc.cap_add.empty());
  CHECK(hc.cap_drop.empty());
  CHECK(hc.security_opt.empty());
  CHECK(hc.masked_paths.empty());
  CHECK_FALSE(hc.set_masked_paths);
  CHECK(hc.mounts.empty());
  CHECK(hc.resources.devices.empty());
}

TEST_CASE("privileged on a host missing a capability: built from its parts") {
  cri::LinuxContainerSecurityContext sc;
  sc.set_privileged(true);
  sc.mutable_capabilities()->add_add_capabilities("NOT_CHECKED_UNDER_PRIVILEGED");
  sc.add_masked_paths("/proc/kcore");
  sc.mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);
  docker::HostConfig hc;
  HostSecurity host = partial_host();
  host.apparmor_enabled = true;
  apply_container_security(sc, host, hc);
  CHECK_FALSE(hc.privileged);
  CHECK(hc.cap_add == host.allowed_capabilities());
  CHECK(hc.cap_add.size() == 37);
  CHECK(hc.cap_drop.empty());
  CHECK(hc.device_cgroup_rules == std::vector<std::string>{"c *:* rwm", "b *:* rwm"});
  CHECK(hc.security_opt == std::vector<std::string>{"seccomp=unconfined", "apparmor=unconfined", "label=disable"});
  CHECK(hc.masked_paths.empty());
  CHECK(hc.readonly_paths.empty());
  CHECK(hc.set_masked_paths);
  CHECK(hc.set_readonly_paths);
  REQUIRE(hc.mounts.size() == 1);
  CHECK(hc.mounts[0].type == "bind");
  CHECK(hc.mounts[0].source == "/sys");
  CHECK(hc.mounts[0].target == "/sys");
  CHECK_FALSE(hc.mounts[0].read_only);
  // /dev/null exists on every Linux machine.
  CHECK(std::any_of(hc.resources.devices.begin(), hc.resources.devices.end(),
                    [](const auto& d) { return d.path_on_host == "/dev/null" && d.cgroup_permissions == "rwm"; }));
}

TEST_CASE("privileged from parts without AppArmor or seccomp leaves those options out") {
  HostSecurity host = partial_host();
  host.seccomp_enabled = false;
  docker::HostConfig hc;
  apply_privileged(host, hc, "/nonexistent-dev");
  CHECK(hc.security_opt == std::vector<std::string>{"label=disable"});
  CHECK(hc.resources.devices.empty());
}

TEST_CASE("selinux, readonly rootfs, no_new_privs") {
  cri::LinuxContainerSecurityContext sc;
  auto* se = sc.mutable_selinux_options();
  se->set_user("system_u");
  se->set_role("system_r");
  se->set_type("container_t");
  se->set_level("s0:c1,c2");
  sc.set_readonly_rootfs(true);
  sc.set_no_new_privs(true);
  sc.mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);
  docker::HostConfig hc;
  apply_container_security(sc, partial_host(), hc);
  CHECK(hc.readonly_rootfs);
  CHECK(hc.security_opt == std::vector<std::string>{"no-new-privileges", "label=user:system_u", "label=role:system_r",
                                                    "label=type:container_t", "label=level:s0:c1,c2"});
  cri::SELinuxOption partial;
  partial.set_level("s0");
  docker::HostConfig hc2;
  apply_selinux_options(partial, hc2);
  CHECK(hc2.security_opt == std::vector<std::string>{"label=level:s0"});
}

TEST_CASE("masked and readonly paths are sent exactly as given, even empty") {
  cri::LinuxContainerSecurityContext sc;
  sc.add_masked_paths("/proc/kcore");
  sc.add_readonly_paths("/proc/sys");
  docker::HostConfig hc;
  apply_container_security(sc, partial_host(), hc);
  CHECK(hc.masked_paths == std::vector<std::string>{"/proc/kcore"});
  CHECK(hc.readonly_paths == std::vector<std::string>{"/proc/sys"});

  cri::LinuxContainerSecurityContext unmasked;
  docker::HostConfig hc2;
  apply_container_security(unmasked, partial_host(), hc2);
  CHECK(hc2.masked_paths.empty());
  CHECK(hc2.set_masked_paths);
  CHECK(hc2.set_readonly_paths);
}

TEST_CASE("seccomp: unset is unconfined, RuntimeDefault is Docker's, Unconfined is explicit") {
  docker::HostConfig unset;
  apply_container_security(cri::LinuxContainerSecurityContext{}, partial_host(), unset);
  CHECK(unset.security_opt == std::vector<std::string>{"seccomp=unconfined"});

  cri::LinuxContainerSecurityContext sc;
  sc.mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);
  docker::HostConfig def;
  apply_container_security(sc, partial_host(), def);
  CHECK(def.security_opt.empty());

  sc.mutable_seccomp()->set_profile_type(cri::SecurityProfile::Unconfined);
  docker::HostConfig unc;
  apply_container_security(sc, partial_host(), unc);
  CHECK(unc.security_opt == std::vector<std::string>{"seccomp=unconfined"});

  sc.mutable_seccomp()->set_localhost_ref("/x");  // only with Localhost
  docker::HostConfig bad;
  CHECK(error_of([&] { apply_container_security(sc, partial_host(), bad); }).find("security_context.seccomp:") == 0);
}

TEST_CASE("seccomp Localhost: the file's JSON is sent as the option's value") {
  TempFile profile(R"({ "defaultAction": "SCMP_ACT_ALLOW",
                        "syscalls": [ { "names": ["mkdir"], "action": "SCMP_ACT_ERRNO" } ] })");
  cri::LinuxContainerSecurityContext sc;
  sc.mutable_seccomp()->set_profile_type(cri::SecurityProfile::Localhost);
  sc.mutable_seccomp()->set_localhost_ref(profile.path.string());
  docker::HostConfig hc;
  apply_container_security(sc, partial_host(), hc);
  REQUIRE(hc.security_opt.size() == 1);
  CHECK(hc.security_opt[0] ==
        R"(seccomp={"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"action":"SCMP_ACT_ERRNO","names":["mkdir"]}]})");

  sc.mutable_seccomp()->set_localhost_ref("/nonexistent/profile.json");
  docker::HostConfig missing;
  CHECK(error_of([&] { apply_container_security(sc, partial_host(), missing); }) ==
        "security_context.seccomp: cannot read localhost profile /nonexistent/profile.json: No such file or directory");

  TempFile garbage("not json");
  sc.mutable_seccomp()->set_localhost_ref(garbage.path.string());
  CHECK(error_of([&] { apply_container_security(sc, partial_host(), missing); }).find("is not a JSON object") !=
        std::string::npos);

  sc.mutable_seccomp()->set_localhost_ref("relative.json");
  CHECK(error_of([&] { apply_container_security(sc, partial_host(), missing); }).find("not absolute") !=
        std::string::npos);

  HostSecurity no_seccomp = partial_host();
  no_seccomp.seccomp_enabled = false;
  sc.mutable_seccomp()->set_localhost_ref(profile.path.string());
  CHECK(error_of([&] { apply_container_security(sc, no_seccomp, missing); }).find("not supported") !=
        std::string::npos);
  sc.mutable_seccomp()->set_profile_type(cri::SecurityProfile::Unconfined);
  sc.mutable_seccomp()->clear_localhost_ref();
  docker::HostConfig skipped;
  apply_container_security(sc, no_seccomp, skipped);
  CHECK(skipped.security_opt.empty());
}

TEST_CASE("seccomp: the deprecated profile path, when the new field is unset") {
  auto opts = [](const std::string& path) {
    cri::LinuxContainerSecurityContext sc;
    sc.set_seccomp_profile_path(path);
    docker::HostConfig hc;
    apply_container_security(sc, partial_host(), hc);
    return hc.security_opt;
  };
  CHECK(opts("runtime/default").empty());
  CHECK(opts("docker/default").empty());
  CHECK(opts("unconfined") == std::vector<std::string>{"seccomp=unconfined"});
  CHECK(opts("") == std::vector<std::string>{"seccomp=unconfined"});
  TempFile profile(R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  CHECK(opts("localhost/" + profile.path.string()) ==
        std::vector<std::string>{R"(seccomp={"defaultAction":"SCMP_ACT_ALLOW"})"});
  CHECK(error_of([&] { opts("bogus"); }) == "security_context.seccomp_profile_path: unknown profile \"bogus\"");

  cri::LinuxContainerSecurityContext both;  // the new field wins
  both.set_seccomp_profile_path("unconfined");
  both.mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);
  docker::HostConfig hc;
  apply_container_security(both, partial_host(), hc);
  CHECK(hc.security_opt.empty());
}

TEST_CASE("apparmor: only where the host has it") {
  HostSecurity aa = partial_host();
  aa.apparmor_enabled = true;
  auto opts = [](const cri::LinuxContainerSecurityContext& base, const HostSecurity& host) {
    cri::LinuxContainerSecurityContext sc = base;
    sc.mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);  // keep seccomp out
    docker::HostConfig hc;
    apply_container_security(sc, host, hc);
    return hc.security_opt;
  };
  cri::LinuxContainerSecurityContext sc;
  CHECK(opts(sc, aa).empty());  // unset: docker-default
  sc.mutable_apparmor()->set_profile_type(cri::SecurityProfile::Unconfined);
  CHECK(opts(sc, aa) == std::vector<std::string>{"apparmor=unconfined"});
  CHECK(opts(sc, partial_host()).empty());  // no AppArmor: ignored
  sc.mutable_apparmor()->set_profile_type(cri::SecurityProfile::Localhost);
  sc.mutable_apparmor()->set_localhost_ref("my-profile");
  CHECK(opts(sc, aa) == std::vector<std::string>{"apparmor=my-profile"});
  CHECK(error_of([&] { opts(sc, partial_host()); }).find("security_context.apparmor: apparmor is not supported") == 0);

  cri::LinuxContainerSecurityContext old;
  old.set_apparmor_profile("localhost/old-profile");
  CHECK(opts(old, aa) == std::vector<std::string>{"apparmor=old-profile"});
  old.set_apparmor_profile("unconfined");
  CHECK(opts(old, aa) == std::vector<std::string>{"apparmor=unconfined"});
  old.set_apparmor_profile("runtime/default");
  CHECK(opts(old, aa).empty());
  old.set_apparmor_profile("weird");
  CHECK(error_of([&] { opts(old, aa); }) == "security_context.apparmor_profile: unknown profile \"weird\"");
}

TEST_CASE("sandbox: privileged, selinux, readonly rootfs, seccomp, apparmor") {
  cri::LinuxSandboxSecurityContext sc;
  sc.set_readonly_rootfs(true);
  sc.mutable_selinux_options()->set_level("s0:c5");
  sc.set_seccomp_profile_path("runtime/default");
  docker::HostConfig hc;
  apply_sandbox_security(sc, partial_host(), hc);
  CHECK(hc.readonly_rootfs);
  CHECK(hc.security_opt == std::vector<std::string>{"label=level:s0:c5"});
  CHECK_FALSE(hc.set_masked_paths);  // the pause container keeps Docker's defaults

  cri::LinuxSandboxSecurityContext unset;
  docker::HostConfig hc2;
  apply_sandbox_security(unset, partial_host(), hc2);
  CHECK(hc2.security_opt == std::vector<std::string>{"seccomp=unconfined"});

  cri::LinuxSandboxSecurityContext priv;
  priv.set_privileged(true);
  docker::HostConfig full;
  apply_sandbox_security(priv, full_host(), full);
  CHECK(full.privileged);
  docker::HostConfig parts;
  apply_sandbox_security(priv, partial_host(), parts);
  CHECK_FALSE(parts.privileged);
  CHECK(parts.cap_add.size() == 37);
  CHECK(has(parts.security_opt, "seccomp=unconfined"));
  CHECK(parts.set_masked_paths);
}
