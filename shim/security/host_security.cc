#include "shim/security/host_security.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <spdlog/spdlog.h>

#include "shim/security/capabilities.h"

namespace shim::security {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(out).str();
}

// The value of "<key>:\t<value>" in /proc/<pid>/status text, or nullopt.
std::optional<std::string_view> status_field(std::string_view text, std::string_view key) {
  while (!text.empty()) {
    auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':') {
      line.remove_prefix(key.size() + 1);
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
      return line;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> parse_cap_bnd(std::string_view status_text) {
  auto value = status_field(status_text, "CapBnd");
  if (!value || value->empty()) return std::nullopt;
  std::uint64_t mask = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), mask, 16);
  if (ec != std::errc{} || end != value->data() + value->size()) return std::nullopt;
  return mask;
}

bool parse_seccomp_supported(std::string_view status_text) {
  return status_field(status_text, "Seccomp").has_value();
}

std::optional<int> parse_int(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r'))
    text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool parse_apparmor_enabled(std::string_view text) { return !text.empty() && text.front() == 'Y'; }

int docker_last_cap_for_api(std::string_view api_version) {
  int major = 0, minor = 0;
  auto dot = api_version.find('.');
  if (dot == std::string_view::npos) return 37;
  auto a = std::from_chars(api_version.data(), api_version.data() + dot, major);
  auto b = std::from_chars(api_version.data() + dot + 1, api_version.data() + api_version.size(), minor);
  if (a.ec != std::errc{} || b.ec != std::errc{}) return 37;
  return (major > 1 || (major == 1 && minor >= 42)) ? 40 : 37;
}

HostSecurity HostSecurity::probe(const std::string& root) {
  HostSecurity host;
  const fs::path base(root);
  auto warn = [](const fs::path& path, const char* what) {
    spdlog::warn("host security: cannot read {} ({}); assuming the default", path.string(), what);
  };

  const fs::path status = base / "proc/self/status";
  if (auto text = read_file(status)) {
    if (auto bnd = parse_cap_bnd(*text)) host.bounding_set = *bnd;
    else warn(status, "no CapBnd line");
    host.seccomp_enabled = parse_seccomp_supported(*text);
  } else {
    warn(status, "unreadable");
  }

  const fs::path last_cap = base / "proc/sys/kernel/cap_last_cap";
  if (auto text = read_file(last_cap); text && parse_int(*text)) host.last_cap = *parse_int(*text);
  else warn(last_cap, "unreadable or not a number");

  const fs::path oom = base / "proc/self/oom_score_adj";
  if (auto text = read_file(oom); text && parse_int(*text)) host.own_oom_score_adj = *parse_int(*text);
  else warn(oom, "unreadable or not a number");

  // Absent when the kernel has no AppArmor: that is an answer, not a failure.
  if (auto text = read_file(base / "sys/module/apparmor/parameters/enabled"))
    host.apparmor_enabled = parse_apparmor_enabled(*text);

  spdlog::info("host security: CapBnd {:#x}, cap_last_cap {}, oom_score_adj {}, apparmor {}, seccomp {}",
               host.bounding_set, host.last_cap, host.own_oom_score_adj, host.apparmor_enabled,
               host.seccomp_enabled);
  return host;
}

int HostSecurity::grantable_last_cap() const {
  return std::min({last_cap, docker_last_cap, kMaxKnownCapability});
}

bool HostSecurity::allows(int capability) const {
  return capability >= 0 && capability <= grantable_last_cap() && capability < 64 &&
         ((bounding_set >> capability) & 1u) != 0;
}

bool HostSecurity::has_all_capabilities() const {
  for (int c = 0; c <= grantable_last_cap(); ++c)
    if (!allows(c)) return false;
  return true;
}

std::vector<std::string> HostSecurity::allowed_capabilities() const {
  std::vector<std::string> names;
  for (int c = 0; c <= grantable_last_cap(); ++c)
    if (allows(c)) names.emplace_back(capability_name(c));
  return names;
}

std::vector<docker::DeviceMapping> host_devices(const std::string& dev_root) {
  static constexpr std::string_view kSkippedDirs[] = {"pts", "shm", "mqueue", "fd",
                                                      ".lxc", ".lxd-mounts", ".udev"};
  std::vector<docker::DeviceMapping> devices;
  std::error_code ec;
  fs::recursive_directory_iterator it(dev_root, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    spdlog::warn("host devices: cannot list {}: {}", dev_root, ec.message());
    return devices;
  }
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {  // an entry vanished or cannot be read: skip it, keep walking
      ec.clear();
      continue;
    }
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    std::error_code sec;
    const fs::file_status st = entry.symlink_status(sec);
    if (sec || fs::is_symlink(st)) continue;  // the iterator never follows them either
    if (fs::is_directory(st)) {
      if (std::find(std::begin(kSkippedDirs), std::end(kSkippedDirs), name) != std::end(kSkippedDirs))
        it.disable_recursion_pending();
      continue;
    }
    if (name == "console") continue;
    if (!fs::is_character_file(st) && !fs::is_block_file(st)) continue;
    const std::string path = entry.path().string();
    devices.push_back({path, path, "rwm"});
  }
  std::sort(devices.begin(), devices.end(),
            [](const auto& a, const auto& b) { return a.path_on_host < b.path_on_host; });
  return devices;
}

int clamp_oom_score_adj(int wanted, const HostSecurity& host) {
  return std::clamp(std::max(wanted, host.own_oom_score_adj), -1000, 1000);
}

}  // namespace shim::security
