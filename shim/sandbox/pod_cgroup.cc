#include "shim/sandbox/pod_cgroup.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/small_file.h"
#include "shim/stats/cgroup_paths.h"

namespace shim {
namespace {

namespace fs = std::filesystem;

class LimitWriter {
 public:
  explicit LimitWriter(stats::CgroupDirs dirs) : dirs_(std::move(dirs)) {}

  // The pod cgroup is the parent of the process's own, in each hierarchy.
  void write(const std::string& controller, const std::string& v1_file, const std::string& v2_file,
             const std::string& value) {
    const std::string own = dirs_.dir(controller);
    if (own.empty()) throw std::runtime_error("no " + controller + " cgroup controller for the pod on this host");
    const fs::path file = fs::path(own).parent_path() / (dirs_.v2 ? v2_file : v1_file);
    std::ofstream out(file);
    out << value;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + value + " to " + file.string());
    written_.push_back(file.string());
  }

  bool v2() const { return dirs_.v2; }
  std::vector<std::string> written() && { return std::move(written_); }

 private:
  stats::CgroupDirs dirs_;
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

std::vector<std::string> write_pod_cgroup_limits(int pid, const PodCgroupLimits& limits, const std::string& proc_root,
                                                 const std::string& mountinfo) {
  const std::string cgroup_file = proc_root + "/" + std::to_string(pid) + "/cgroup";
  const auto proc_cgroup = common::read_small_file(cgroup_file);
  if (!proc_cgroup) throw std::runtime_error("cannot read " + cgroup_file);
  const auto mounts = common::read_small_file(mountinfo);
  if (!mounts) throw std::runtime_error("cannot read " + mountinfo);
  auto dirs = stats::resolve_cgroup_dirs(stats::parse_proc_cgroup(*proc_cgroup), stats::parse_cgroup_mounts(*mounts));
  if (!dirs) throw std::runtime_error("no cgroup mount on this host holds the cgroups of process " + std::to_string(pid));
  LimitWriter writer(std::move(*dirs));
  const bool v2 = writer.v2();
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
