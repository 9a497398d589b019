#include "shim/sandbox/pod_cgroup.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace shim {
namespace {

namespace fs = std::filesystem;

// /proc/<pid>/cgroup: v1 hierarchies by controller name, and the v2 path.
struct ProcessCgroups {
  std::map<std::string, fs::path> v1;  // "memory" -> /sys/fs/cgroup/memory/<path>
  std::optional<fs::path> unified;     // /sys/fs/cgroup/<path>
};

fs::path under(const fs::path& base, const std::string& path) {
  return base / (path.empty() || path.front() != '/' ? path : path.substr(1));
}

ProcessCgroups read_process_cgroups(int pid, const fs::path& root) {
  std::ifstream file(root / "proc" / std::to_string(pid) / "cgroup");
  if (!file) throw std::runtime_error("cannot read /proc/" + std::to_string(pid) + "/cgroup");
  ProcessCgroups cgroups;
  for (std::string line; std::getline(file, line);) {
    // "<id>:<controllers>:<path>"
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (controllers.empty()) {
      cgroups.unified = under(root / "sys/fs/cgroup", path);
      continue;
    }
    // A v1 hierarchy is mounted under the name of all its controllers
    // ("cpu,cpuacct"), each also reachable by its own name.
    std::istringstream names(controllers);
    for (std::string name; std::getline(names, name, ',');)
      cgroups.v1[name] = under(root / "sys/fs/cgroup" / controllers, path);
  }
  return cgroups;
}

class LimitWriter {
 public:
  explicit LimitWriter(ProcessCgroups cgroups) : cgroups_(std::move(cgroups)) {}

  // v1: <controller's pod dir>/<v1_file>; v2: <pod dir>/<v2_file>.
  void write(const std::string& controller, const std::string& v1_file, const std::string& v2_file,
             const std::string& value) {
    fs::path file;
    if (const auto it = cgroups_.v1.find(controller); it != cgroups_.v1.end()) {
      file = it->second.parent_path() / v1_file;
    } else if (cgroups_.unified) {
      file = cgroups_.unified->parent_path() / v2_file;
    } else {
      throw std::runtime_error("no " + controller + " cgroup controller for the pod on this host");
    }
    std::ofstream out(file);
    out << value;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + value + " to " + file.string());
    written_.push_back(file.string());
  }

  bool unified_only() const { return cgroups_.v1.empty(); }
  std::vector<std::string> written() && { return std::move(written_); }

 private:
  ProcessCgroups cgroups_;
  std::vector<std::string> written_;
};

}  // namespace

PodCgroupLimits pod_cgroup_limits(const docker::Resources& resources, const docker::Resources& overhead) {
  PodCgroupLimits limits;
  if (resources.cpu_shares > 0 || overhead.cpu_shares > 0)
    limits.cpu_shares = resources.cpu_shares + overhead.cpu_shares;
  limits.cpu_period = resources.cpu_period;
  if (resources.cpu_quota > 0) limits.cpu_quota = resources.cpu_quota + std::max<std::int64_t>(overhead.cpu_quota, 0);
  if (resources.memory > 0) limits.memory = resources.memory + std::max<std::int64_t>(overhead.memory, 0);
  limits.cpuset_cpus = resources.cpuset_cpus;
  limits.cpuset_mems = resources.cpuset_mems;
  return limits;
}

std::uint64_t cpu_weight_for_shares(std::uint64_t shares) {
  if (shares == 0) return 0;
  if (shares < 2) shares = 2;
  if (shares > 262144) shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

std::vector<std::string> write_pod_cgroup_limits(int pid, const PodCgroupLimits& limits, const std::string& root) {
  LimitWriter writer(read_process_cgroups(pid, root));
  const bool v2 = writer.unified_only();
  if (limits.cpu_shares > 0) {
    const std::string value = v2 ? std::to_string(cpu_weight_for_shares(static_cast<std::uint64_t>(limits.cpu_shares)))
                                 : std::to_string(limits.cpu_shares);
    writer.write("cpu", "cpu.shares", "cpu.weight", value);
  }
  if (v2) {
    if (limits.cpu_quota > 0 || limits.cpu_period > 0) {
      const std::string quota = limits.cpu_quota > 0 ? std::to_string(limits.cpu_quota) : "max";
      const std::string period = std::to_string(limits.cpu_period > 0 ? limits.cpu_period : 100000);
      writer.write("cpu", "", "cpu.max", quota + " " + period);
    }
  } else {
    // The period first: a quota is checked against the period in force.
    if (limits.cpu_period > 0) writer.write("cpu", "cpu.cfs_period_us", "", std::to_string(limits.cpu_period));
    if (limits.cpu_quota > 0) writer.write("cpu", "cpu.cfs_quota_us", "", std::to_string(limits.cpu_quota));
  }
  if (limits.memory > 0) writer.write("memory", "memory.limit_in_bytes", "memory.max", std::to_string(limits.memory));
  if (!limits.cpuset_cpus.empty()) writer.write("cpuset", "cpuset.cpus", "cpuset.cpus", limits.cpuset_cpus);
  if (!limits.cpuset_mems.empty()) writer.write("cpuset", "cpuset.mems", "cpuset.mems", limits.cpuset_mems);
  return std::move(writer).written();
}

}  // namespace shim
