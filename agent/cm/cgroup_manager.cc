#include "agent/cm/cgroup_manager.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace agent::cm {

namespace fs = std::filesystem;

namespace {

// The v1 controllers a cgroup is made in (a hierarchy naming none of them,
// such as name=systemd or the hybrid unified one, is left to the runtime).
const std::set<std::string> kV1Controllers = {"cpu",     "cpuacct", "cpuset",     "memory",   "devices",
                                              "freezer", "net_cls", "blkio",      "perf_event", "net_prio",
                                              "hugetlb", "pids",    "rdma",       "misc"};
// What a v2 cgroup's children may use, enabled in its parent's subtree_control.
const char* const kV2Controllers[] = {"cpu", "cpuset", "io", "memory", "pids", "hugetlb"};

std::string error_text(int err) { return std::strerror(err); }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

void write_text(const std::string& path, const std::string& value) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + error_text(errno));
  const ssize_t n = ::write(fd, value.data(), value.size());
  const int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size()))
    throw std::runtime_error("cannot write " + value + " to " + path + ": " + error_text(n < 0 ? err : EIO));
}

void make_directory(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create cgroup " + path + ": " + error_text(errno));
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, sep))
    if (!part.empty()) parts.push_back(part);
  return parts;
}

// Removes `dir` and the directories below it, deepest first; false when one
// stays (tasks inside). On cgroupfs rmdir takes a cgroup's files with it;
// on a plain directory (tests) they are removed here, unless cgroup.procs
// names a task.
bool remove_tree(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return true;
  bool all = true;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_directory(ec) && !entry.is_symlink(ec)) all = remove_tree(entry.path()) && all;
  if (!all) return false;
  if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return true;
  if (errno == EBUSY) return false;
  if (errno != ENOTEMPTY) throw std::runtime_error("cannot remove cgroup " + dir.string() + ": " + error_text(errno));
  if (!read_text((dir / "cgroup.procs").string()).empty()) return false;
  for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove(entry.path(), ec);
  if (::rmdir(dir.c_str()) == 0) return true;
  throw std::runtime_error("cannot remove cgroup " + dir.string() + ": " + error_text(errno));
}

}  // namespace

int64_t shares_to_weight(int64_t shares) {
  if (shares == 0) return 0;
  return 1 + ((shares - 2) * 9999) / 262142;
}

CgroupManager::CgroupManager(std::string fs_root, CgroupDriver driver) : fs_root_(std::move(fs_root)), driver_(driver) {
  while (fs_root_.size() > 1 && fs_root_.back() == '/') fs_root_.pop_back();
  if (fs::exists(fs_root_ + "/cgroup.controllers")) {
    version_ = CgroupVersion::V2;
    return;
  }
  std::error_code ec;
  std::set<std::string> seen;
  for (const auto& entry : fs::directory_iterator(fs_root_, ec)) {
    if (!fs::exists(entry.path() / "cgroup.procs", ec)) continue;
    const std::string canonical = fs::canonical(entry.path(), ec).string();
    if (ec || !seen.insert(canonical).second) continue;
    all_hierarchies_.push_back(canonical);
    bool controller = false;
    for (const auto& name : split(fs::path(canonical).filename().string(), ',')) {
      if (!kV1Controllers.count(name)) continue;
      controllers_.emplace(name, canonical);
      controller = true;
    }
    if (controller) controller_hierarchies_.push_back(canonical);
  }
  if (ec) throw std::runtime_error("cannot read the cgroup filesystem at " + fs_root_ + ": " + ec.message());
  if (controller_hierarchies_.empty())
    throw std::runtime_error("no cgroup v1 controller and no cgroup v2 under " + fs_root_);
}

std::string CgroupManager::relative(const CgroupName& name) const {
  const std::string path = to_path(driver_, name);
  return path == "/" ? "" : path;
}

std::string CgroupManager::directory(const std::string& controller, const CgroupName& name) const {
  if (version_ == CgroupVersion::V2) return fs_root_ + relative(name);
  const auto it = controllers_.find(controller);
  if (it == controllers_.end()) throw std::runtime_error("no cgroup v1 hierarchy for " + controller + " under " + fs_root_);
  return it->second + relative(name);
}

bool CgroupManager::exists(const CgroupName& name) const {
  std::error_code ec;
  if (version_ == CgroupVersion::V2) return fs::is_directory(fs_root_ + relative(name), ec);
  // Present in every controller hierarchy (kubelet's Exists checks the ones it needs).
  for (const auto& hierarchy : controller_hierarchies_)
    if (!fs::is_directory(hierarchy + relative(name), ec)) return false;
  return true;
}

void CgroupManager::create(const CgroupName& name, const ResourceConfig& config) {
  if (version_ == CgroupVersion::V2) make_v2(name);
  else make_v1(name);
  update(name, config);
}

void CgroupManager::make_v1(const CgroupName& name) {
  for (const auto& hierarchy : controller_hierarchies_) {
    const bool cpuset = controllers_.count("cpuset") && controllers_.at("cpuset") == hierarchy;
    std::string dir = hierarchy;
    CgroupName prefix;
    for (const auto& part : name) {
      prefix.push_back(part);
      const std::string parent = dir;
      dir = hierarchy + relative(prefix);
      make_directory(dir);
      if (!cpuset) continue;
      // The kernel leaves a new cpuset empty; a task could not join it.
      for (const char* file : {"/cpuset.cpus", "/cpuset.mems"})
        if (fs::exists(dir + file) && read_text(dir + file).empty()) write_text(dir + file, read_text(parent + file));
    }
  }
}

void CgroupManager::make_v2(const CgroupName& name) {
  std::string dir = fs_root_;
  CgroupName prefix;
  for (const auto& part : name) {
    // Children of `dir` may use its controllers only once enabled there.
    const auto available = split(read_text(dir + "/cgroup.controllers"), ' ');
    const auto enabled = split(read_text(dir + "/cgroup.subtree_control"), ' ');
    for (const char* controller : kV2Controllers) {
      if (std::find(available.begin(), available.end(), controller) == available.end()) continue;
      if (std::find(enabled.begin(), enabled.end(), controller) != enabled.end()) continue;
      try {
        write_text(dir + "/cgroup.subtree_control", std::string("+") + controller);
      } catch (const std::runtime_error&) {
        // Not delegated to us (or the cgroup has tasks, the no-internal-
        // process rule): the limits of that controller then fail on update.
      }
    }
    prefix.push_back(part);
    dir = fs_root_ + relative(prefix);
    make_directory(dir);
  }
}

void CgroupManager::update(const CgroupName& name, const ResourceConfig& config) {
  if (version_ == CgroupVersion::V2) update_v2(name, config);
  else update_v1(name, config);
}

void CgroupManager::update_v1(const CgroupName& name, const ResourceConfig& config) {
  if (config.cpu_shares) write_text(directory("cpu", name) + "/cpu.shares", std::to_string(*config.cpu_shares));
  // The period first: a quota is checked against the period it is set with.
  if (config.cpu_period_us)
    write_text(directory("cpu", name) + "/cpu.cfs_period_us", std::to_string(*config.cpu_period_us));
  if (config.cpu_quota_us)
    write_text(directory("cpu", name) + "/cpu.cfs_quota_us", std::to_string(*config.cpu_quota_us));
  if (config.memory_limit_bytes)
    write_text(directory("memory", name) + "/memory.limit_in_bytes", std::to_string(*config.memory_limit_bytes));
  if (config.pids_limit && controllers_.count("pids"))
    write_text(directory("pids", name) + "/pids.max",
               *config.pids_limit < 0 ? "max" : std::to_string(*config.pids_limit));
}

void CgroupManager::update_v2(const CgroupName& name, const ResourceConfig& config) {
  const std::string dir = fs_root_ + relative(name);
  if (config.cpu_shares) write_text(dir + "/cpu.weight", std::to_string(shares_to_weight(*config.cpu_shares)));
  if (config.cpu_quota_us || config.cpu_period_us) {
    const int64_t period = config.cpu_period_us.value_or(kQuotaPeriodUs);
    const int64_t quota = config.cpu_quota_us.value_or(-1);
    write_text(dir + "/cpu.max", (quota < 0 ? std::string("max") : std::to_string(quota)) + " " +
                                     std::to_string(period));
  }
  if (config.memory_limit_bytes) write_text(dir + "/memory.max", std::to_string(*config.memory_limit_bytes));
  if (config.pids_limit)
    write_text(dir + "/pids.max", *config.pids_limit < 0 ? "max" : std::to_string(*config.pids_limit));
}

bool CgroupManager::destroy(const CgroupName& name) {
  if (name.empty()) throw std::invalid_argument("the root cgroup cannot be removed");
  if (version_ == CgroupVersion::V2) return remove_tree(fs_root_ + relative(name));
  bool all = true;
  for (const auto& hierarchy : all_hierarchies_) all = remove_tree(hierarchy + relative(name)) && all;
  return all;
}

std::set<std::string> CgroupManager::children(const CgroupName& name) const {
  std::set<std::string> names;
  std::error_code ec;
  const std::vector<std::string> roots = version_ == CgroupVersion::V2 ? std::vector<std::string>{fs_root_}
                                                                       : controller_hierarchies_;
  for (const auto& root : roots)
    for (const auto& entry : fs::directory_iterator(root + relative(name), ec))
      if (entry.is_directory(ec) && !entry.is_symlink(ec)) names.insert(entry.path().filename().string());
  return names;
}

}  // namespace agent::cm
