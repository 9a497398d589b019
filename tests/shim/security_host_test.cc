#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "shim/security/host_security.h"

using namespace shim::security;
namespace fs = std::filesystem;

namespace {

// This machine's status: every capability up to 40 but CAP_SYS_RESOURCE (24).
constexpr const char* kStatus =
    "Name:\tcat\nUmask:\t0022\nState:\tR (running)\n"
    "CapInh:\t0000000000000000\nCapPrm:\t000001fffeffffff\nCapEff:\t000001fffeffffff\n"
    "CapBnd:\t000001fffeffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\n"
    "Seccomp:\t0\nSeccomp_filters:\t0\nSpeculation_Store_Bypass:\tvulnerable\n";

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "shim-security-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << text;
  }
};

}  // namespace

TEST_CASE("parsing /proc/self/status: CapBnd and Seccomp") {
  CHECK(parse_cap_bnd(kStatus) == 0x1fffeffffffull);
  CHECK(parse_cap_bnd("CapBnd:\t000001ffffffffff") == 0x1ffffffffffull);  // last line, no newline
  CHECK_FALSE(parse_cap_bnd("Name:\tx\n"));
  CHECK_FALSE(parse_cap_bnd("CapBnd:\tzz\n"));
  CHECK_FALSE(parse_cap_bnd("CapBnd:\t\n"));
  CHECK_FALSE(parse_cap_bnd("XCapBnd:\t1\n"));
  CHECK(parse_seccomp_supported(kStatus));
  CHECK_FALSE(parse_seccomp_supported("Name:\tx\nSeccomp_filters:\t0\n"));  // a prefix is not the field
}

TEST_CASE("parsing one-number files and the AppArmor switch") {
  CHECK(parse_int("40\n") == 40);
  CHECK(parse_int("-998\n") == -998);
  CHECK(parse_int("0") == 0);
  CHECK_FALSE(parse_int(""));
  CHECK_FALSE(parse_int("\n"));
  CHECK_FALSE(parse_int("4x\n"));
  CHECK(parse_apparmor_enabled("Y\n"));
  CHECK_FALSE(parse_apparmor_enabled("N\n"));
  CHECK_FALSE(parse_apparmor_enabled(""));
}

TEST_CASE("the capabilities Docker accepts depend on its API version") {
  CHECK(docker_last_cap_for_api("1.41") == 37);  // Docker 20.10: no PERFMON, BPF, CHECKPOINT_RESTORE
  CHECK(docker_last_cap_for_api("1.40") == 37);
  CHECK(docker_last_cap_for_api("1.42") == 40);
  CHECK(docker_last_cap_for_api("1.47") == 40);
  CHECK(docker_last_cap_for_api("2.0") == 40);
  CHECK(docker_last_cap_for_api("") == 37);
  CHECK(docker_last_cap_for_api("x.y") == 37);
}

TEST_CASE("a bounding set without CAP_SYS_RESOURCE: not all capabilities, the others allowed") {
  HostSecurity host;
  host.bounding_set = 0x1fffeffffffull;
  host.last_cap = 40;
  host.docker_last_cap = 37;
  CHECK(host.grantable_last_cap() == 37);
  CHECK_FALSE(host.has_all_capabilities());
  CHECK_FALSE(host.allows(24));
  CHECK(host.allows(21));
  CHECK_FALSE(host.allows(39));  // in the set, but Docker 20.10 refuses it
  auto allowed = host.allowed_capabilities();
  CHECK(allowed.size() == 37);
  CHECK(allowed.front() == "CAP_CHOWN");
  CHECK(allowed.back() == "CAP_AUDIT_READ");
  CHECK(std::find(allowed.begin(), allowed.end(), "CAP_SYS_RESOURCE") == allowed.end());

  host.docker_last_cap = 40;
  CHECK(host.allowed_capabilities().size() == 40);
  CHECK(host.allowed_capabilities().back() == "CAP_CHECKPOINT_RESTORE");
}

TEST_CASE("all capabilities: only what the kernel and Docker know must be in the set") {
  HostSecurity host;
  host.bounding_set = 0x3fffffffffull;  // 0..37
  host.last_cap = 40;
  host.docker_last_cap = 37;
  CHECK(host.has_all_capabilities());  // Docker 20.10's privileged asks for 0..37 only
  host.docker_last_cap = 40;
  CHECK_FALSE(host.has_all_capabilities());
  host.last_cap = 37;  // an older kernel
  CHECK(host.has_all_capabilities());
  CHECK(HostSecurity{}.has_all_capabilities());
}

TEST_CASE("probe reads a fake tree, and falls back to defaults where files are missing") {
  TempDir root;
  root.write("proc/self/status", kStatus);
  root.write("proc/sys/kernel/cap_last_cap", "40\n");
  root.write("proc/self/oom_score_adj", "-500\n");
  root.write("sys/module/apparmor/parameters/enabled", "Y\n");
  HostSecurity host = HostSecurity::probe(root.path.string());
  CHECK(host.bounding_set == 0x1fffeffffffull);
  CHECK(host.last_cap == 40);
  CHECK(host.own_oom_score_adj == -500);
  CHECK(host.apparmor_enabled);
  CHECK(host.seccomp_enabled);

  TempDir empty;
  HostSecurity d = HostSecurity::probe(empty.path.string());
  CHECK(d.bounding_set == ~0ull);
  CHECK(d.last_cap == 40);
  CHECK(d.own_oom_score_adj == 0);
  CHECK_FALSE(d.apparmor_enabled);
}

TEST_CASE("probe of this machine does not throw") {
  HostSecurity host = HostSecurity::probe();
  CHECK(host.last_cap >= 0);
  CHECK(host.own_oom_score_adj >= -1000);
  CHECK(host.own_oom_score_adj <= 1000);
}

TEST_CASE("OOM score clamp: never below the shim's own, within [-1000, 1000]") {
  HostSecurity host;
  host.own_oom_score_adj = 0;
  CHECK(clamp_oom_score_adj(-998, host) == 0);
  CHECK(clamp_oom_score_adj(500, host) == 500);
  CHECK(clamp_oom_score_adj(5000, host) == 1000);
  host.own_oom_score_adj = -999;
  CHECK(clamp_oom_score_adj(-998, host) == -998);
  CHECK(clamp_oom_score_adj(-1000, host) == -999);
  host.own_oom_score_adj = -1000;
  CHECK(clamp_oom_score_adj(-5000, host) == -1000);
}

TEST_CASE("host devices: char and block devices, recursively, without symlinks or per-container dirs") {
  TempDir dev;
  auto node = [&](const std::string& rel, mode_t type, int major, int minor) {
    fs::create_directories((dev.path / rel).parent_path());
    return mknod((dev.path / rel).c_str(), type | 0600, makedev(major, minor)) == 0;
  };
  if (!node("null", S_IFCHR, 1, 3)) {
    MESSAGE("mknod not permitted here; skipping");
    return;
  }
  CHECK(node("loop0", S_IFBLK, 7, 0));
  CHECK(node("net/tun", S_IFCHR, 10, 200));
  CHECK(node("pts/0", S_IFCHR, 136, 0));
  CHECK(node("shm/x", S_IFCHR, 1, 3));
  CHECK(node("mqueue/x", S_IFCHR, 1, 3));
  CHECK(node("console", S_IFCHR, 5, 1));
  dev.write("regular", "x");
  fs::create_symlink(dev.path / "null", dev.path / "link");
  fs::create_directory_symlink(dev.path / "net", dev.path / "linked-dir");

  auto devices = host_devices(dev.path.string());
  REQUIRE(devices.size() == 3);
  CHECK(devices[0].path_on_host == (dev.path / "loop0").string());
  CHECK(devices[1].path_on_host == (dev.path / "net/tun").string());
  CHECK(devices[2].path_on_host == (dev.path / "null").string());
  for (const auto& d : devices) {
    CHECK(d.path_in_container == d.path_on_host);
    CHECK(d.cgroup_permissions == "rwm");
  }
  CHECK(host_devices((dev.path / "absent").string()).empty());
}
