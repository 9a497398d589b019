// A temporary directory laid out as a cgroup v1 /sys/fs/cgroup, for the
// cm/ tests: one directory per hierarchy, each with its cgroup.procs.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/agent/support/temp_dir.h"

namespace agent::cm::testing {

// The cpu, memory, pids and cpuset hierarchies, and the named systemd one.
inline void lay_out_v1(const agent::testing::TempDir& root) {
  for (const char* h : {"cpu", "memory", "pids", "cpuset", "systemd"}) {
    std::filesystem::create_directories(root.file(h));
    root.write_in_place(std::string(h) + "/cgroup.procs", "");
  }
}

// The first line of a cgroup file ("" when missing).
inline std::string read_value(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  return text;
}

}  // namespace agent::cm::testing
