// The pure parts of the log follower: Docker message -> CRI record, TTY
// stream splitting, the resume position from a file tail, the skip logic and
// the position state file.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/rfc3339.h"
#include "shim/logs/docker_log_message.h"
#include "shim/logs/log_position.h"

using namespace shim;

namespace {

UnixNanos t(const char* text) { return common::parse_rfc3339_nanos(text); }

std::string temp_dir() {
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path() /
             ("log-follow-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_all(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

std::string rec(const char* time, const char* stream, const char* tag, const char* content) {
  return std::string(time) + " " + stream + " " + tag + " " + content + "\n";
}

}  // namespace

TEST_CASE("a Docker message maps to one CRI record") {
  const auto m = parse_docker_log_message("2026-11-29T03:37:40.876870910Z hello\n");
  REQUIRE(m);
  CHECK(m->time == t("2026-11-29T03:37:40.876870910Z"));
  CHECK(m->content == "hello\n");

  CHECK(to_cri_record(*m, LogStream::kStderr) ==
        CriLogRecord{m->time, LogStream::kStderr, LogTag::kFull, "hello"});
  CHECK(to_cri_record({1, "a\r\n"}, LogStream::kStdout).content == "a");
  CHECK(to_cri_record({1, "a\r"}, LogStream::kStdout) ==
        CriLogRecord{1, LogStream::kStdout, LogTag::kPartial, "a\r"});
  CHECK(to_cri_record({1, "\n"}, LogStream::kStdout) ==
        CriLogRecord{1, LogStream::kStdout, LogTag::kFull, ""});
  CHECK(to_cri_record({1, "tail"}, LogStream::kStdout).tag == LogTag::kPartial);
  CHECK(to_cri_record({1, ""}, LogStream::kStdout).tag == LogTag::kPartial);

  const auto empty = parse_docker_log_message("2026-11-29T03:37:40.876870910Z ");
  REQUIRE(empty);
  CHECK(empty->content.empty());
  CHECK_FALSE(parse_docker_log_message("hello world\n"));
  CHECK_FALSE(parse_docker_log_message("2026-11-29T03:37:40.876870910Z"));
}

TEST_CASE("Docker's fixed-width timestamp is recognised") {
  CHECK(starts_with_docker_timestamp("2026-11-29T03:37:40.876870910Z x"));
  CHECK_FALSE(starts_with_docker_timestamp("2026-11-29T03:37:40.87687091Z x"));
  CHECK_FALSE(starts_with_docker_timestamp("2026-11-29T03:37:40.876870910Z"));
  CHECK_FALSE(starts_with_docker_timestamp("hello"));
}

TEST_CASE("TTY stream: lines are cut at '\\n' whatever the chunks") {
  const std::string stream =
      "2026-11-29T03:37:40.000000001Z one\r\n"
      "2026-11-29T03:37:40.000000002Z two\r\n"
      "2026-11-29T03:37:40.000000003Z rest";
  for (std::size_t step : {1u, 7u, 1000u}) {
    CAPTURE(step);
    TtyLogSplitter splitter;
    std::vector<CriLogRecord> records;
    for (std::size_t i = 0; i < stream.size(); i += step) {
      splitter.feed(std::string_view(stream).substr(i, step));
      while (auto r = splitter.next()) records.push_back(*r);
    }
    if (auto r = splitter.finish()) records.push_back(*r);
    REQUIRE(records.size() == 3);
    CHECK(records[0] == CriLogRecord{t("2026-11-29T03:37:40.000000001Z"), LogStream::kStdout,
                                     LogTag::kFull, "one"});
    CHECK(records[1].content == "two");
    CHECK(records[2] == CriLogRecord{t("2026-11-29T03:37:40.000000003Z"), LogStream::kStdout,
                                     LogTag::kPartial, "rest"});
  }
}

TEST_CASE("TTY stream: Docker's 16 KiB pieces become P records") {
  const std::string ts = "2026-11-29T03:37:40.000000001Z ";
  const std::string piece(kDockerPieceBytes, 'a');
  const std::string stream = ts + piece + ts + piece + ts + "bbb\r\n";
  TtyLogSplitter splitter;
  splitter.feed(stream);
  std::vector<CriLogRecord> records;
  while (auto r = splitter.next()) records.push_back(*r);
  CHECK_FALSE(splitter.finish());
  REQUIRE(records.size() == 3);
  CHECK(records[0].tag == LogTag::kPartial);
  CHECK(records[0].content == piece);
  CHECK(records[1].tag == LogTag::kPartial);
  CHECK(records[2] == CriLogRecord{t("2026-11-29T03:37:40.000000001Z"), LogStream::kStdout,
                                   LogTag::kFull, "bbb"});
}

TEST_CASE("position from a file's tail: per stream, runs of equal time") {
  const std::string text =
      rec("2026-11-29T03:37:40.000000001Z", "stdout", "F", "a") +
      rec("2026-11-29T03:37:40.000000002Z", "stderr", "F", "b") +
      rec("2026-11-29T03:37:40.000000005Z", "stdout", "P", "c1") +
      rec("2026-11-29T03:37:40.000000003Z", "stderr", "F", "late stderr") +
      rec("2026-11-29T03:37:40.000000005Z", "stdout", "P", "c2") +
      rec("2026-11-29T03:37:40.000000005Z", "stdout", "F", "c3");
  const auto p = position_from_text(text);
  CHECK(p[LogStream::kStdout] == StreamPosition{t("2026-11-29T03:37:40.000000005Z"), 3});
  CHECK(p[LogStream::kStderr] == StreamPosition{t("2026-11-29T03:37:40.000000003Z"), 1});
  CHECK(position_from_text("").empty());
  CHECK(position_from_text("not a record\n").empty());
}

TEST_CASE("position from a file: a torn last line is cut off") {
  const auto dir = temp_dir();
  const auto path = dir + "/0.log";
  const std::string whole = rec("2026-11-29T03:37:40.000000001Z", "stdout", "F", "a") +
                            rec("2026-11-29T03:37:40.000000001Z", "stdout", "F", "b");
  write_all(path, whole + "2026-11-29T03:37:40.000000009Z stdout F tor");
  const auto p = position_from_file(path);
  CHECK(p[LogStream::kStdout] == StreamPosition{t("2026-11-29T03:37:40.000000001Z"), 2});
  CHECK_FALSE(p[LogStream::kStderr].seen());
  CHECK(read_all(path) == whole);

  write_all(path, "torn only");
  CHECK(position_from_file(path).empty());
  CHECK(read_all(path).empty());

  CHECK(position_from_file(dir + "/missing.log").empty());

  // The scan window starts mid-line: that line is not misread.
  write_all(path, whole);
  CHECK(position_from_file(path, whole.size() - 3)[LogStream::kStdout].count == 1);

  // cri-dockerd's symlink to a json-file is never read nor truncated.
  write_all(dir + "/json.log", "{\"log\":\"x\"}");
  std::filesystem::create_symlink(dir + "/json.log", dir + "/link.log");
  CHECK(position_from_file(dir + "/link.log").empty());
  CHECK(read_all(dir + "/json.log") == "{\"log\":\"x\"}");
  std::filesystem::remove_all(dir);
}

TEST_CASE("skip logic: older dropped, the first n at the position's time dropped") {
  LogPosition start;
  start[LogStream::kStdout] = {100, 2};
  start[LogStream::kStderr] = {90, 1};
  ResumeFilter filter(start);
  CHECK_FALSE(filter.admit(LogStream::kStdout, 99));
  CHECK_FALSE(filter.admit(LogStream::kStdout, 100));
  CHECK_FALSE(filter.admit(LogStream::kStdout, 100));
  CHECK(filter.admit(LogStream::kStdout, 100));  // a third piece at 100 is new
  CHECK(filter.admit(LogStream::kStdout, 101));
  // stderr stamped earlier than stdout's position but after its own: new.
  CHECK_FALSE(filter.admit(LogStream::kStderr, 90));
  CHECK(filter.admit(LogStream::kStderr, 95));

  ResumeFilter fresh{LogPosition{}};
  CHECK(fresh.admit(LogStream::kStdout, 1));
}

TEST_CASE("resume since: low enough for the other stream's late messages") {
  LogPosition p;
  CHECK(p.resume_since() == 0);
  p[LogStream::kStdout] = {50 * 1'000'000'000LL, 1};
  // stderr never written: it may still deliver messages stamped a little earlier.
  CHECK(p.resume_since() == 50 * 1'000'000'000LL - kReorderMargin);
  p[LogStream::kStderr] = {45 * 1'000'000'000LL, 1};
  CHECK(p.resume_since() == 45 * 1'000'000'000LL);
  p[LogStream::kStderr] = {1 * 1'000'000'000LL, 1};  // old: do not re-read it all
  CHECK(p.resume_since() == 40 * 1'000'000'000LL);
  CHECK(format_docker_since(1'700'000'000'000'000'042LL) == "1700000000.000000042");
  CHECK(format_docker_since(0) == "0.000000000");
}

TEST_CASE("later position per stream") {
  LogPosition a, b;
  a[LogStream::kStdout] = {10, 1};
  b[LogStream::kStdout] = {10, 3};
  a[LogStream::kStderr] = {20, 1};
  const auto l = LogPosition::later(a, b);
  CHECK(l[LogStream::kStdout] == StreamPosition{10, 3});
  CHECK(l[LogStream::kStderr] == StreamPosition{20, 1});
}

TEST_CASE("position state file round trip, atomically replaced; damage is no state") {
  const auto dir = temp_dir();
  const auto path = dir + "/logs/abc";
  CHECK_FALSE(load_position(path));
  LogPosition p;
  p[LogStream::kStdout] = {1'700'000'000'123'456'789LL, 3};
  p[LogStream::kStderr] = {5, 1};
  save_position(path, p);
  CHECK(load_position(path) == p);
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  p[LogStream::kStdout].count = 4;
  save_position(path, p);
  CHECK(load_position(path) == p);
  write_all(path, "{\"stdout\":");
  CHECK_FALSE(load_position(path));
  std::filesystem::remove_all(dir);
}
