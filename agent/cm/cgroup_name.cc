#include "agent/cm/cgroup_name.h"

#include <algorithm>
#include <stdexcept>

namespace agent::cm {

namespace {

constexpr std::string_view kPodPrefix = "pod";
constexpr std::string_view kSliceSuffix = ".slice";

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(sep, start), text.size());
    if (end > start) parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// systemd slice names use '-' as the hierarchy separator, so a component
// cannot carry one (kubelet's escapeSystemdCgroupName).
std::string escape_systemd(std::string part) {
  std::replace(part.begin(), part.end(), '-', '_');
  return part;
}

std::string unescape_systemd(std::string part) {
  std::replace(part.begin(), part.end(), '_', '-');
  return part;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

const char* to_string(CgroupDriver driver) { return driver == CgroupDriver::Systemd ? "systemd" : "cgroupfs"; }

CgroupDriver parse_cgroup_driver(std::string_view text) {
  if (text == "cgroupfs") return CgroupDriver::Cgroupfs;
  if (text == "systemd") return CgroupDriver::Systemd;
  throw std::invalid_argument("cgroup driver \"" + std::string(text) + "\": must be cgroupfs or systemd");
}

std::string to_path(CgroupDriver driver, const CgroupName& name) {
  if (name.empty()) return "/";
  std::string path;
  if (driver == CgroupDriver::Cgroupfs) {
    for (const auto& part : name) path += "/" + part;
    return path;
  }
  // systemd: every prefix of the name is a slice (ExpandSlice).
  std::string prefix;
  for (const auto& part : name) {
    prefix += (prefix.empty() ? "" : "-") + escape_systemd(part);
    path += "/" + prefix + std::string(kSliceSuffix);
  }
  return path;
}

CgroupLayout CgroupLayout::make(CgroupDriver driver, std::string_view cgroup_root) {
  CgroupLayout layout;
  layout.driver = driver;
  if (driver == CgroupDriver::Systemd && ends_with(cgroup_root, kSliceSuffix)) {
    // A slice path or name: its last slice names every component.
    std::string_view base = cgroup_root.substr(cgroup_root.rfind('/') + 1);
    base.remove_suffix(kSliceSuffix.size());
    if (base != "-")
      for (auto& part : split(base, '-')) layout.root.push_back(unescape_systemd(part));
    return layout;
  }
  if (cgroup_root.empty() || cgroup_root.front() != '/')
    throw std::invalid_argument("--cgroup-root \"" + std::string(cgroup_root) + "\": must be an absolute path");
  for (auto& part : split(cgroup_root, '/')) {
    if (part == "." || part == "..")
      throw std::invalid_argument("--cgroup-root \"" + std::string(cgroup_root) + "\": must not contain . or ..");
    layout.root.push_back(std::move(part));
  }
  return layout;
}

CgroupName CgroupLayout::kubepods() const {
  CgroupName name = root;
  name.push_back("kubepods");
  return name;
}

CgroupName CgroupLayout::qos_cgroup(QosClass qos) const {
  CgroupName name = kubepods();
  if (qos == QosClass::Burstable) name.push_back("burstable");
  if (qos == QosClass::BestEffort) name.push_back("besteffort");
  return name;
}

CgroupName CgroupLayout::pod_cgroup(QosClass qos, const std::string& uid) const {
  CgroupName name = qos_cgroup(qos);
  name.push_back(std::string(kPodPrefix) + uid);
  return name;
}

std::string CgroupLayout::cgroup_parent(const pod::Pod& pod) const {
  return path(pod_cgroup(pod_qos_class(pod), pod.metadata.uid));
}

std::optional<std::string> pod_uid_of(std::string_view component) {
  if (ends_with(component, kSliceSuffix)) {
    // systemd: the last '-' separated part of the slice name.
    component.remove_suffix(kSliceSuffix.size());
    const auto dash = component.rfind('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto uid = pod_uid_of(component.substr(dash + 1));
    if (uid) return unescape_systemd(*uid);
    return std::nullopt;
  }
  if (component.size() <= kPodPrefix.size() || component.substr(0, kPodPrefix.size()) != kPodPrefix)
    return std::nullopt;
  return std::string(component.substr(kPodPrefix.size()));
}

}  // namespace agent::cm
