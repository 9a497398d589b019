// Hugepage limits: CRI has them, Docker's API has no field for them, so the
// shim writes them into the container's hugetlb cgroup itself, right after
// the container starts (and again on UpdateContainerResources). The limits
// asked at create time travel in a label (label::kHugepageLimits), so a
// restarted shim still knows them.
//
// cgroup v1: <root>/sys/fs/cgroup/hugetlb/<path>/hugetlb.<size>.limit_in_bytes
// cgroup v2: <root>/sys/fs/cgroup/<path>/hugetlb.<size>.max
// where <path> is the process's entry in /proc/<pid>/cgroup. A host without
// the hugetlb controller (this CI machine) cannot limit hugepages: the call
// then reports so and the caller logs it, as runc skips what is absent.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace shim {

using HugepageLimits = std::map<std::string, std::int64_t>;  // "2MB" -> bytes

// "2MB=1048576,1GB=0" and back; nullopt for text that is not that form.
std::string format_hugepage_limits(const HugepageLimits& limits);
std::optional<HugepageLimits> parse_hugepage_limits(const std::string& text);

// The file that holds the limit of `page_size` for process `pid`; nullopt
// when the host has no hugetlb controller for it. `root` is "/" but for tests.
std::optional<std::string> hugetlb_limit_file(int pid, const std::string& page_size,
                                              const std::string& root = "/");

// Writes every limit. Throws std::runtime_error naming the file or saying
// that the controller is missing.
void write_hugepage_limits(int pid, const HugepageLimits& limits, const std::string& root = "/");

}  // namespace shim
