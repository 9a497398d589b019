#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "shim/container/hugepages.h"

namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("hugepage limits: label text round trip") {
  const shim::HugepageLimits limits{{"2MB", 4194304}, {"1GB", 0}};
  CHECK(shim::format_hugepage_limits(limits) == "1GB=0,2MB=4194304");
  CHECK(shim::parse_hugepage_limits("1GB=0,2MB=4194304") == limits);
  CHECK(shim::parse_hugepage_limits("")->empty());
  CHECK_FALSE(shim::parse_hugepage_limits("2MB"));
  CHECK_FALSE(shim::parse_hugepage_limits("2MB=-1"));
  CHECK_FALSE(shim::parse_hugepage_limits("2MB=12x"));
}

TEST_CASE("hugepage limits go to the process's hugetlb cgroup, v1 and v2") {
  const fs::path root = fs::temp_directory_path() / ("cri-shim-hugetlb-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "proc/7");
  fs::create_directories(root / "proc/8");
  std::ofstream(root / "proc/7/cgroup") << "5:hugetlb:/docker/abc\n3:memory:/docker/abc\n0::/\n";
  std::ofstream(root / "proc/8/cgroup") << "0::/system.slice/docker-abc.scope\n";
  fs::create_directories(root / "sys/fs/cgroup/hugetlb/docker/abc");
  std::ofstream(root / "sys/fs/cgroup/hugetlb/docker/abc/hugetlb.2MB.limit_in_bytes") << "max";
  fs::create_directories(root / "sys/fs/cgroup/system.slice/docker-abc.scope");
  std::ofstream(root / "sys/fs/cgroup/system.slice/docker-abc.scope/hugetlb.2MB.max") << "max";

  CHECK(shim::write_hugepage_limits(7, {{"2MB", 2097152}}, root.string()).empty());
  CHECK(slurp(root / "sys/fs/cgroup/hugetlb/docker/abc/hugetlb.2MB.limit_in_bytes") == "2097152");
  CHECK(shim::write_hugepage_limits(8, {{"2MB", 4194304}}, root.string()).empty());
  CHECK(slurp(root / "sys/fs/cgroup/system.slice/docker-abc.scope/hugetlb.2MB.max") == "4194304");
  // No such page size (or no controller at all): said, not ignored; the
  // sizes the host has are still written.
  CHECK(shim::write_hugepage_limits(7, {{"1GB", 0}, {"2MB", 0}}, root.string()) ==
        std::vector<std::string>{"1GB"});
  CHECK(slurp(root / "sys/fs/cgroup/hugetlb/docker/abc/hugetlb.2MB.limit_in_bytes") == "0");
  CHECK(shim::write_hugepage_limits(9, {{"2MB", 0}}, root.string()) == std::vector<std::string>{"2MB"});
  CHECK_FALSE(shim::hugetlb_limit_file(9, "2MB", root.string()));
  fs::remove_all(root);
}

TEST_CASE("hugepage warnings: only limits that were asked for, once per page size") {
  shim::HugepageWarnings warnings;
  // kubelet's default: a 0 for every size the node has. Nothing asked, nothing lost.
  CHECK(warnings.to_warn({{"2MB", 0}, {"1GB", 0}}, {"2MB", "1GB"}).empty());
  CHECK(warnings.to_warn({{"2MB", 4194304}, {"1GB", 0}}, {"2MB", "1GB"}) == std::vector<std::string>{"2MB"});
  // The next container asking the same: said already.
  CHECK(warnings.to_warn({{"2MB", 2097152}}, {"2MB"}).empty());
  CHECK(warnings.to_warn({{"2MB", 2097152}, {"1GB", 1073741824}}, {"2MB", "1GB"}) ==
        std::vector<std::string>{"1GB"});
  // A size that was applied is never warned about.
  CHECK(warnings.to_warn({{"64KB", 65536}}, {}).empty());
}
