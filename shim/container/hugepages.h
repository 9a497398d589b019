// Hugepage limits: CRI has them, Docker's API has no field for them, so the
// shim writes them into the container's hugetlb cgroup itself, right after
// the container starts (and again on UpdateContainerResources). The limits
// asked at create time travel in a label (label::kHugepageLimits), so a
// restarted shim still knows them.
//
// cgroup v1: <root>/sys/fs/cgroup/hugetlb/<path>/hugetlb.<size>.limit_in_bytes
// cgroup v2: <root>/sys/fs/cgroup/<path>/hugetlb.<size>.max
// where <path> is the process's entry in /proc/<pid>/cgroup. A host without
// the hugetlb controller (this CI machine) cannot limit hugepages: the sizes
// it could not limit are returned, and HugepageWarnings decides what to say.
// kubelet sends a limit for every page size the node has, 0 unless the pod
// asked for hugepages; a 0 that cannot be applied takes nothing from anyone
// (no pod asked), so only a non-zero one is worth a warning, once per size.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace shim {

using HugepageLimits = std::map<std::string, std::int64_t>;  // "2MB" -> bytes

// "2MB=1048576,1GB=0" and back; nullopt for text that is not that form.
std::string format_hugepage_limits(const HugepageLimits& limits);
std::optional<HugepageLimits> parse_hugepage_limits(const std::string& text);

// The file that holds the limit of `page_size` for process `pid`; nullopt
// when the host has no hugetlb controller for it. `root` is "/" but for tests.
std::optional<std::string> hugetlb_limit_file(int pid, const std::string& page_size,
                                              const std::string& root = "/");

// Writes every limit the host has a hugetlb cgroup file for; returns the
// page sizes it had none for (no controller, or no such page size), in
// order. Throws std::runtime_error naming a file that cannot be written.
std::vector<std::string> write_hugepage_limits(int pid, const HugepageLimits& limits,
                                               const std::string& root = "/");

// Which limits that could not be applied deserve a warning: the non-zero
// ones, the first time their page size is met. Thread-safe.
class HugepageWarnings {
 public:
  // The sizes among `missing` to warn about now (each once per process).
  std::vector<std::string> to_warn(const HugepageLimits& limits, const std::vector<std::string>& missing);

 private:
  std::mutex mutex_;
  std::set<std::string> warned_;
};

}  // namespace shim
