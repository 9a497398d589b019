#include "shim/stats/cgroup_paths.h"

#include <sstream>
#include "common/string_helpers.h"

namespace shim::stats {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      const std::string digits = field.substr(i + 1, 3);
      if (digits.size() == 3 && digits.find_first_not_of("01234567") == std::string::npos) {
        out.push_back(static_cast<char>(std::stoi(digits, nullptr, 8)));
        i += 3;
        continue;
      }
    }
    out.push_back(field[i]);
  }
  return out;
}

// `path` (in the hierarchy) under a mount of `root` at `mount_point`; ""
// when the mount does not show that path.
std::string dir_under(const CgroupMount& mount, const std::string& path) {
  if (mount.root == "/") return path == "/" ? mount.mount_point : mount.mount_point + path;
  if (path == mount.root) return mount.mount_point;
  if (path.compare(0, mount.root.size(), mount.root) == 0 && path.size() > mount.root.size() &&
      path[mount.root.size()] == '/')
    return mount.mount_point + path.substr(mount.root.size());
  return "";
}

}  // namespace

std::map<std::string, std::string> parse_proc_cgroup(std::string_view content) {
  std::map<std::string, std::string> out;
  for (const auto& line : common::split(content, '\n')) {
    const auto first = line.find(':');
    if (first == std::string::npos) continue;
    const auto second = line.find(':', first + 1);
    if (second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (controllers.empty()) {
      out[""] = path;
      continue;
    }
    for (const auto& controller : common::split(controllers, ',')) out[controller] = path;
  }
  return out;
}

std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo) {
  std::vector<CgroupMount> mounts;
  for (const auto& line : common::split(mountinfo, '\n')) {
    // id parent major:minor root mount-point options [optional...] - fstype source super-options
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream before(line.substr(0, dash)), after(line.substr(dash + 3));
    std::string id, parent, device, root, mount_point;
    before >> id >> parent >> device >> root >> mount_point;
    std::string fstype, source, super_options;
    after >> fstype >> source >> super_options;
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    CgroupMount mount;
    mount.root = unescape_octal(root);
    mount.mount_point = unescape_octal(mount_point);
    mount.v2 = fstype == "cgroup2";
    if (!mount.v2)
      for (const auto& option : common::split(super_options, ','))
        if (option != "rw" && option != "ro" && !option.empty()) mount.controllers.push_back(option);
    mounts.push_back(std::move(mount));
  }
  return mounts;
}

std::string CgroupDirs::dir(const std::string& controller) const {
  if (v2) return unified;
  const auto it = v1.find(controller);
  return it == v1.end() ? "" : it->second;
}

std::optional<CgroupDirs> resolve_cgroup_dirs(const std::map<std::string, std::string>& proc_cgroup,
                                              const std::vector<CgroupMount>& mounts) {
  CgroupDirs dirs;
  for (const auto& mount : mounts) {
    if (mount.v2) continue;
    for (const auto& controller : mount.controllers) {
      const auto path = proc_cgroup.find(controller);
      if (path == proc_cgroup.end() || dirs.v1.count(controller)) continue;
      const std::string dir = dir_under(mount, path->second);
      if (!dir.empty()) dirs.v1[controller] = dir;
    }
  }
  if (dirs.v1.count("memory")) return dirs;
  const auto unified = proc_cgroup.find("");
  if (unified == proc_cgroup.end()) return std::nullopt;
  for (const auto& mount : mounts) {
    if (!mount.v2) continue;
    const std::string dir = dir_under(mount, unified->second);
    if (dir.empty()) continue;
    dirs.v2 = true;
    dirs.unified = dir;
    dirs.v1.clear();
    return dirs;
  }
  return std::nullopt;
}

}  // namespace shim::stats
