// Issue 16, fault injection: the disk under a pod's log directory fills up
// (a 64 KiB tmpfs). A container's output goes to Docker's own log first and
// the shim copies it into the CRI file, so a full disk never blocks the
// container and costs no line: the shim keeps serving, says why the copy
// waits (a warning per retry, at most one every 5 s per container), and once
// space returns the copy resumes where it stopped, each line exactly once.
#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "tests/integration/pod_fixture.h"
#include "tests/integration/state_support.h"
#include "tests/support/tmpfs_dir.h"

using namespace itest;

namespace {

constexpr int kLines = 5000;  // about 220 KiB of CRI records: more than the disk holds

int line_count(const std::string& path) { return static_cast<int>(state::lines_of(state::read_file(path)).size()); }

}  // namespace

TEST_CASE("log_disk_full_test: a full log disk blocks no container and loses no line once space returns") {
  support::TmpfsDir disk("cri-shim-itest-full-logs", "64k");
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  pod.config().set_log_directory(disk.path());
  std::filesystem::create_directories(disk.path() + "/printer");
  pod.run();
  const auto id = pod.create(pod.container_config("printer", "seq 1 " + std::to_string(kLines)));
  pod.start(id);
  const std::string path = disk.path() + "/printer/0.log";

  // The container writes all its lines and exits 0 while the disk is full.
  const auto exited = pod.wait_exited(id, 60);
  CHECK(exited.exit_code() == 0);
  const int while_full = line_count(path);
  CHECK(while_full > 0);
  CHECK(while_full < kLines);
  const auto log_has = [&](const std::string& what) { return shim.log().find(what) != std::string::npos; };
  for (int i = 0; i < 50 && !log_has("No space left on device"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK_MESSAGE(log_has("No space left on device"), shim.log());

  // The shim serves meanwhile: another pod's container runs, its log (on
  // another disk) is written.
  Pod other(*runtime);
  other.run();
  const auto other_id = other.create_and_start("echo", "echo 1; echo 2");
  other.wait_exited(other_id, 30);
  const std::string other_path = other.log_directory() + "/echo/0.log";
  for (int i = 0; i < 50 && line_count(other_path) < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(state::check_numbered_log(other_path) == 2);

  // Space returns: the copy resumes from where it stopped (the retry
  // backoff is at most 5 s) and every line is there exactly once.
  disk.resize("4m");
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (line_count(path) < kLines && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(state::check_numbered_log(path) == kLines);
  MESSAGE(while_full << " of " << kLines << " lines fitted the full disk; all " << kLines
                     << " once space returned");
}
