// Container logs through CRI: the file at <log_directory>/<log_path> is in
// the CRI format while the container runs and complete once it exited;
// ReopenContainerLog moves new output to a new file.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/pod_fixture.h"
#include "tests/integration/state_support.h"
#include "tests/support/wait_for.h"

using namespace itest;
using itest::state::lines_of;
using itest::state::read_file;

namespace {

// "<time> <stream> <tag> <content>" -> "<stream> <tag> <content>", checking the time.
std::string without_time(const std::string& line) {
  const auto space = line.find(' ');
  REQUIRE(space != std::string::npos);
  const std::string time = line.substr(0, space);
  CHECK_MESSAGE(time.size() >= 20, line);
  CHECK_MESSAGE(time.back() == 'Z', line);
  CHECK_MESSAGE(time[10] == 'T', line);
  return line.substr(space + 1);
}

// Long enough for a log copy's first lines under a loaded machine.
constexpr auto kPatience = std::chrono::seconds(20);

}  // namespace

TEST_CASE("a container's stdout and stderr land in its CRI log file, complete when it exited") {
  const ScratchDir root("cri-shim-itest-root");
  ShimProcess shim({"--root-dir", root.path()});
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  pod.run();
  const auto id = pod.create_and_start(
      "logger", "echo one; echo two >&2; printf 'tab\\there\\r\\n'; echo; printf 'no newline'");
  const auto status = pod.wait_exited(id);
  // A client that sees EXITED finds the whole output.
  std::vector<std::string> records;
  for (const auto& line : lines_of(read_file(status.log_path()))) records.push_back(without_time(line));
  std::sort(records.begin(), records.end());  // the two streams interleave by time only
  std::vector<std::string> expected = {"stdout F one", "stderr F two", "stdout F tab\there",
                                       "stdout F ", "stdout P no newline"};
  std::sort(expected.begin(), expected.end());
  CHECK(records == expected);
}

TEST_CASE("the log grows while the container runs; ReopenContainerLog after a rotation") {
  const ScratchDir root("cri-shim-itest-root");
  ShimProcess shim({"--root-dir", root.path()});
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  pod.run();
  const auto id = pod.create_and_start(
      "ticker", "i=0; while true; do i=$((i+1)); echo line $i; sleep 0.05; done");
  const std::string path = pod.status(id).log_path();
  REQUIRE(support::wait_for([&] { return lines_of(read_file(path)).size() >= 3; }, kPatience));

  std::filesystem::rename(path, path + ".1");
  cri::ReopenContainerLogRequest request;
  request.set_container_id(id);
  cri::ReopenContainerLogResponse response;
  auto reopened = runtime->ReopenContainerLog(context().get(), request, &response);
  REQUIRE_MESSAGE(reopened.ok(), reopened.error_message());
  const auto rotated_size = std::filesystem::file_size(path + ".1");
  REQUIRE(support::wait_for([&] { return lines_of(read_file(path)).size() >= 3; }, kPatience));
  CHECK(std::filesystem::file_size(path + ".1") == rotated_size);  // the old file stopped growing

  cri::StopContainerRequest stop;
  stop.set_container_id(id);
  cri::StopContainerResponse stopped;
  REQUIRE(runtime->StopContainer(context().get(), stop, &stopped).ok());
  pod.wait_exited(id);
  // Every number once, in order, across both files.
  int expected = 1;
  for (const auto& file : {path + ".1", path})
    for (const auto& line : lines_of(read_file(file))) {
      CHECK(without_time(line) == "stdout F line " + std::to_string(expected));
      ++expected;
    }
  CHECK(expected > 6);

  auto again = runtime->ReopenContainerLog(context().get(), request, &response);
  CHECK(again.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  request.set_container_id(std::string(64, 'e'));
  CHECK(runtime->ReopenContainerLog(context().get(), request, &response).error_code() ==
        grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("TTY containers: lines without their \\r") {
  const ScratchDir root("cri-shim-itest-root");
  ShimProcess shim({"--root-dir", root.path()});
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  pod.run();
  auto config = pod.container_config("tty", "echo hello; echo world");
  config.set_tty(true);
  const auto id = pod.create(config);
  pod.start(id);
  const auto status = pod.wait_exited(id);
  std::vector<std::string> records;
  for (const auto& line : lines_of(read_file(status.log_path()))) records.push_back(without_time(line));
  CHECK(records == std::vector<std::string>{"stdout F hello", "stdout F world"});
}
