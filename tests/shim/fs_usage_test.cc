#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "shim/stats/fs_usage.h"

namespace fs = std::filesystem;

TEST_CASE("disk usage counts inodes once per hard link and sums blocks") {
  char pattern[] = "/tmp/cri-shim-fsusage-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  const fs::path root = pattern;
  fs::create_directories(root / "a" / "b");
  std::ofstream(root / "a" / "file") << std::string(10000, 'x');
  fs::create_hard_link(root / "a" / "file", root / "a" / "b" / "link");
  fs::create_symlink("file", root / "a" / "symlink");

  auto usage = shim::stats::measure_disk_usage({root.string()});
  // root, a, a/b, file (counted once), symlink
  CHECK(usage.inodes_used == 5);
  CHECK(usage.used_bytes >= 10000);
  CHECK(usage.timestamp_ns > 0);

  auto missing = shim::stats::measure_disk_usage({(root / "missing").string()});
  CHECK(missing.inodes_used == 0);

  shim::stats::FsUsageCache cache(std::chrono::seconds(60));
  auto first = cache.get({root.string()});
  std::ofstream(root / "new") << "y";
  auto second = cache.get({root.string()});
  CHECK(second.inodes_used == first.inodes_used);  // within max_age: the same walk
  CHECK(second.timestamp_ns == first.timestamp_ns);

  fs::remove_all(root);
}
