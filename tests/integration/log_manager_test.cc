// LogManager against the real dockerd: every container's output in its CRI
// log file exactly once, across a "killed" shim, a rotation and a start-up
// that finds containers which ran while no shim was there.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <memory>
#include <sstream>
#include <thread>

#include "docker-client/client.h"
#include "common/rfc3339.h"
#include "shim/logs/cri_log_record.h"
#include "shim/logs/log_manager.h"
#include "shim/server/call.h"
#include "shim/state/labels.h"
#include "tests/integration/fault_proxy.h"
#include "tests/integration/harness.h"

using namespace itest;
using namespace std::chrono_literals;
using shim::CriLogRecord;
using shim::LogStream;
using shim::LogTag;

namespace {

bool have_docker() { return std::getenv("CRI_SHIM_TEST_DOCKER_ENDPOINT") != nullptr; }

std::string test_image() { return env_or("CRI_SHIM_TEST_IMAGE", "cri-shim-test/busybox:latest"); }

// A temporary directory, removed with its contents at the end of the scope.
struct TempDir {
  std::string path;
  TempDir() {
    path = (std::filesystem::temp_directory_path() / ("cri-shim-logs-" + unique_suffix())).string();
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

// A Docker container running `script` under sh, removed at the end of the scope.
struct Container {
  std::string id;
  explicit Container(const std::string& script, bool tty = false, docker::Labels labels = {}) {
    docker::ContainerCreateRequest request;
    request.name = "cri-shim-logtest-" + unique_suffix();
    request.image = test_image();
    request.cmd = {"sh", "-c", script};
    request.tty = tty;
    request.labels = std::move(labels);
    request.host_config.network_mode = "none";
    id = docker_client().create_container(request).id;
  }
  void start() { docker_client().start_container(id); }
  void wait() { docker_client().wait_container(id); }
  ~Container() {
    try {
      docker_client().remove_container(id, true);
    } catch (...) {
    }
  }
};

std::vector<CriLogRecord> read_records(const std::string& path) {
  std::ifstream in(path);
  std::vector<CriLogRecord> records;
  std::string line;
  while (std::getline(in, line)) {
    auto record = shim::parse_cri_log_line(line);
    REQUIRE_MESSAGE(record, "not a CRI record: " << line);
    records.push_back(*record);
  }
  return records;
}

// The complete lines (records) in `path` so far: safe on a file still being
// written, where read_records could meet a torn last line.
std::size_t complete_lines(const std::string& path) {
  std::ifstream in(path);
  return static_cast<std::size_t>(
      std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n'));
}

// Polls until `path` holds at least `n` complete lines; false after `timeout`.
// Tests wait for this instead of sleeping a fixed time, which a loaded
// machine can outlast before the follower has written anything.
bool wait_lines(const std::string& path, std::size_t n, std::chrono::milliseconds timeout = 30s) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (complete_lines(path) < n) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// Docker's own view: (time, stream, content) of each message.
struct DockerMessage {
  std::int64_t time;
  LogStream stream;
  std::string content;
};
std::vector<DockerMessage> docker_messages(const std::string& id) {
  std::vector<DockerMessage> out;
  docker::LogOptions options;
  options.timestamps = true;
  docker_client().container_logs(id, options, [&](const docker::OutputChunk& chunk) {
    const auto space = chunk.data.find(' ');
    out.push_back({common::parse_rfc3339_nanos(chunk.data.substr(0, space)),
                   chunk.stream == docker::StreamKind::Stderr ? LogStream::kStderr
                                                              : LogStream::kStdout,
                   chunk.data.substr(space + 1)});
    return true;
  });
  return out;
}

// The numbers in the F records of `stream`, in file order.
std::vector<int> numbers(const std::vector<CriLogRecord>& records, LogStream stream) {
  std::vector<int> out;
  for (const auto& r : records)
    if (r.stream == stream && r.tag == LogTag::kFull) out.push_back(std::stoi(r.content));
  return out;
}

std::vector<int> iota_vector(int n) {
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i) v[i] = i;
  return v;
}

auto deadline(std::chrono::seconds s = 60s) { return std::chrono::steady_clock::now() + s; }

}  // namespace

TEST_CASE("logs: stdout and stderr lines land as F records with Docker's timestamps") {
  if (!have_docker()) return;
  TempDir dir;
  const auto log = dir.path + "/0.log";
  Container c("echo out1; echo err1 >&2; echo out2; printf 'crlf\\r\\n'");
  c.start();
  shim::LogManager manager(docker_client(), dir.path + "/state");
  manager.follow(c.id, log, false);
  REQUIRE(manager.wait_drained(c.id, deadline()));
  CHECK((std::filesystem::status(log).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
         std::filesystem::perms::group_read));

  const auto records = read_records(log);
  const auto messages = docker_messages(c.id);
  REQUIRE(records.size() == 4);
  REQUIRE(messages.size() == 4);
  std::map<std::string, LogStream> want = {{"out1", LogStream::kStdout},
                                           {"err1", LogStream::kStderr},
                                           {"out2", LogStream::kStdout},
                                           {"crlf", LogStream::kStdout}};
  for (std::size_t i = 0; i < records.size(); ++i) {
    CHECK(records[i].tag == LogTag::kFull);
    CHECK(records[i].time == messages[i].time);
    CHECK(records[i].stream == messages[i].stream);
    CHECK(records[i].stream == want.at(records[i].content));
  }
  // Following again finds nothing new: the file is the same.
  manager.follow(c.id, log, false);
  REQUIRE(manager.wait_drained(c.id, deadline()));
  CHECK(read_records(log).size() == 4);
}

TEST_CASE("logs: a 40 KiB line is P,P,F pieces; output left without newline is P") {
  if (!have_docker()) return;
  TempDir dir;
  const auto log = dir.path + "/0.log";
  Container c("head -c 40960 /dev/zero | tr '\\0' x; echo; printf 'no newline'");
  c.start();
  shim::LogManager manager(docker_client(), dir.path + "/state");
  manager.follow(c.id, log, false);
  REQUIRE(manager.wait_drained(c.id, deadline()));
  const auto records = read_records(log);
  REQUIRE(records.size() == 4);
  CHECK(records[0].tag == LogTag::kPartial);
  CHECK(records[1].tag == LogTag::kPartial);
  CHECK(records[2].tag == LogTag::kFull);
  CHECK(records[0].content.size() == 16384);
  CHECK(records[0].content + records[1].content + records[2].content == std::string(40960, 'x'));
  CHECK(records[3] == CriLogRecord{records[3].time, LogStream::kStdout, LogTag::kPartial,
                                   "no newline"});
}

TEST_CASE("logs: a TTY container's lines, '\\r\\n' dropped") {
  if (!have_docker()) return;
  TempDir dir;
  const auto log = dir.path + "/0.log";
  Container c("echo one; echo two >&2; head -c 20000 /dev/zero | tr '\\0' y; echo; printf end",
              true);
  c.start();
  shim::LogManager manager(docker_client(), dir.path + "/state");
  manager.follow(c.id, log, true);
  REQUIRE(manager.wait_drained(c.id, deadline()));
  const auto records = read_records(log);
  REQUIRE(records.size() == 5);
  CHECK(records[0].content == "one");
  CHECK(records[0].tag == LogTag::kFull);
  CHECK(records[1].content == "two");
  CHECK(records[2].tag == LogTag::kPartial);
  CHECK(records[2].content.size() == 16384);
  CHECK(records[3].tag == LogTag::kFull);
  CHECK(records[2].content + records[3].content == std::string(20000, 'y'));
  CHECK(records[4] == CriLogRecord{records[4].time, LogStream::kStdout, LogTag::kPartial, "end"});
}

TEST_CASE("logs: a shim killed mid-stream resumes with every line exactly once") {
  if (!have_docker()) return;
  TempDir dir;
  const auto log = dir.path + "/0.log";
  const auto state = dir.path + "/state";
  constexpr int kLines = 3000;
  // Both streams, so that Docker's cross-stream reordering is exercised.
  Container c("i=0; while [ $i -lt " + std::to_string(kLines) +
              " ]; do echo $i; echo $i >&2; i=$((i+1)); "
              "[ $((i % 50)) = 0 ] && sleep 0.05; done");
  c.start();
  {
    shim::LogManager first(docker_client(), state);
    first.follow(c.id, log, false);
    std::this_thread::sleep_for(700ms);
  }  // destroyed mid-stream, like a killed shim
  std::this_thread::sleep_for(300ms);
  {
    // Only the file tells where we were, and a crash tore its last line.
    std::filesystem::remove_all(state);
    std::ofstream(log, std::ios::app) << "2026-11-29T03:37:40.000000001Z stdout F 99";
    shim::LogManager second(docker_client(), state);
    second.follow(c.id, log, false);
    std::this_thread::sleep_for(700ms);
  }
  std::this_thread::sleep_for(300ms);
  shim::LogManager third(docker_client(), state);
  third.follow(c.id, log, false);
  REQUIRE(third.wait_drained(c.id, deadline(120s)));
  const auto records = read_records(log);
  CHECK(numbers(records, LogStream::kStdout) == iota_vector(kLines));
  CHECK(numbers(records, LogStream::kStderr) == iota_vector(kLines));
  CHECK(records.size() == 2 * kLines);
}

TEST_CASE("logs: reopen after a rotation sends new lines to the new file") {
  if (!have_docker()) return;
  TempDir dir;
  const auto log = dir.path + "/0.log";
  // About 6 s of output: reopen() needs the container still running, and
  // lines must be left for the new file.
  Container c("i=0; while [ $i -lt 60 ]; do echo $i; i=$((i+1)); sleep 0.1; done");
  c.start();
  shim::LogManager manager(docker_client(), dir.path + "/state");
  manager.follow(c.id, log, false);
  // Rotated once the follower has written a few lines (was a fixed 1 s
  // sleep: under load the file could still be missing or empty).
  REQUIRE(wait_lines(log, 3));
  std::filesystem::rename(log, log + ".1");
  manager.reopen(c.id);
  const auto rotated_size = std::filesystem::file_size(log + ".1");
  REQUIRE(manager.wait_drained(c.id, deadline()));
  CHECK(std::filesystem::file_size(log + ".1") == rotated_size);  // stopped growing
  auto all = numbers(read_records(log + ".1"), LogStream::kStdout);
  const auto fresh = numbers(read_records(log), LogStream::kStdout);
  CHECK(!all.empty());
  CHECK(!fresh.empty());
  all.insert(all.end(), fresh.begin(), fresh.end());
  CHECK(all == iota_vector(60));

  // The container has exited: no reopen (containerd says the same).
  try {
    manager.reopen(c.id);
    FAIL("reopen of an exited container succeeded");
  } catch (const shim::CriError& e) {
    CHECK(e.code() == grpc::StatusCode::FAILED_PRECONDITION);
  }
  try {
    manager.reopen("no-such-container");
    FAIL("reopen of an unknown container succeeded");
  } catch (const shim::CriError& e) {
    CHECK(e.code() == grpc::StatusCode::NOT_FOUND);
  }
  manager.forget(c.id);
  CHECK_FALSE(std::filesystem::exists(dir.path + "/state/logs/" + c.id));
}

TEST_CASE("logs: a second shim on the same dockerd leaves a log being written alone") {
  // Every shim adopts every container with a log path (resume_all); two on
  // one dockerd (a test's beside a running one) wrote each line twice, and
  // the second kept writing into a file the first had rotated away
  // (critest's "reopening container log" saw the old file grow).
  if (!have_docker()) return;
  TempDir dir;
  const auto log = dir.path + "/0.log";
  // About 12 s of output: "other" must be seen to give up well before the
  // container ends, and the owner's reopen needs it still running.
  Container c("i=0; while [ $i -lt 60 ]; do echo $i; i=$((i+1)); sleep 0.2; done");
  c.start();
  shim::LogManager owner(docker_client(), dir.path + "/state");
  owner.follow(c.id, log, false);
  // The owner holds the file's lock once it has written (was a fixed 300 ms
  // sleep: under load "other" could open the file first and own it).
  REQUIRE(wait_lines(log, 1));
  shim::LogManager other(docker_client(), dir.path + "/other-state");
  other.follow(c.id, log, false);
  // It gives up at once, while the container still runs (6 s of slack for
  // a loaded machine, half the container's life; was 2 s).
  CHECK(other.wait_drained(c.id, deadline(6s)));
  std::this_thread::sleep_for(500ms);
  std::filesystem::rename(log, log + ".1");
  owner.reopen(c.id);
  REQUIRE(owner.wait_drained(c.id, deadline()));
  auto all = numbers(read_records(log + ".1"), LogStream::kStdout);
  const auto fresh = numbers(read_records(log), LogStream::kStdout);
  CHECK(!fresh.empty());
  all.insert(all.end(), fresh.begin(), fresh.end());
  CHECK(all == iota_vector(60));  // each line once, none in the rotated file after the reopen
}

TEST_CASE("logs: resume_all copies what a container wrote while no shim ran") {
  if (!have_docker()) return;
  TempDir dir;
  const auto log = dir.path + "/0.log";
  std::filesystem::create_directories(dir.path + "/state/logs");
  std::ofstream(dir.path + "/state/logs/removed-meanwhile") << "{}";
  Container c("echo before; echo gone >&2", false,
              {{std::string(shim::label::kDockerType), std::string(shim::label::kDockerTypeContainer)},
               {std::string(shim::label::kLogPath), log}});
  c.start();
  c.wait();
  shim::LogManager manager(docker_client(), dir.path + "/state");
  manager.resume_all();
  REQUIRE(manager.wait_drained(c.id, deadline()));
  manager.stop_all();  // leave other tests' containers alone
  CHECK(std::filesystem::exists(dir.path + "/state/logs/" + c.id));
  CHECK_FALSE(std::filesystem::exists(dir.path + "/state/logs/removed-meanwhile"));
  const auto records = read_records(log);
  REQUIRE(records.size() == 2);
  for (const auto& r : records)  // the two streams' order is Docker's race
    CHECK(r.content == (r.stream == LogStream::kStdout ? "before" : "gone"));
  CHECK(records[0].stream != records[1].stream);
}

TEST_CASE("logs: cri-dockerd's symlink to the json-file becomes a CRI log file") {
  if (!have_docker()) return;
  TempDir dir;
  const auto log = dir.path + "/0.log";
  const auto json = dir.path + "/json.log";
  std::ofstream(json) << "{\"log\":\"old\\n\"}\n";
  std::filesystem::create_symlink(json, log);
  Container c("echo migrated");
  c.start();
  shim::LogManager manager(docker_client(), dir.path + "/state");
  manager.follow(c.id, log, false);
  REQUIRE(manager.wait_drained(c.id, deadline()));
  CHECK_FALSE(std::filesystem::is_symlink(log));
  const auto records = read_records(log);
  REQUIRE(records.size() == 1);
  CHECK(records[0].content == "migrated");
  std::ifstream in(json);
  std::string first;
  std::getline(in, first);
  CHECK(first == "{\"log\":\"old\\n\"}");
}

TEST_CASE("logs: figures: 100k lines drained, and how fast stop_all() returns mid-stream") {
  if (!have_docker()) return;
  TempDir dir;
  const auto log = dir.path + "/0.log";
  Container c("seq 1 100000; sleep 30");
  c.start();
  shim::LogManager manager(docker_client(), dir.path + "/state");
  const auto start = std::chrono::steady_clock::now();
  manager.follow(c.id, log, false);
  std::size_t lines = 0;
  while (lines < 100000 && std::chrono::steady_clock::now() < deadline(60s)) {
    std::this_thread::sleep_for(20ms);
    std::ifstream in(log);
    lines = std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n');
  }
  const auto copied = std::chrono::steady_clock::now() - start;
  CHECK(lines == 100000);
  const auto stop_start = std::chrono::steady_clock::now();
  manager.stop_all();
  const auto stopped = std::chrono::steady_clock::now() - stop_start;
  MESSAGE("100000 lines in the CRI file after "
          << std::chrono::duration_cast<std::chrono::milliseconds>(copied).count()
          << " ms; stop_all() took "
          << std::chrono::duration_cast<std::chrono::milliseconds>(stopped).count() << " ms");
  CHECK(stopped < 10s);  // not the container's 30 s; was 2 s, tight on a loaded machine
}

namespace {
long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}
}  // namespace

TEST_CASE("logs: figures: resident memory of 20 live followers") {
  if (!have_docker()) return;
  TempDir dir;
  std::vector<std::unique_ptr<Container>> containers;
  for (int i = 0; i < 20; ++i) {
    containers.push_back(std::make_unique<Container>("echo hello; sleep 60"));
    containers.back()->start();
  }
  shim::LogManager manager(docker_client(), dir.path + "/state");
  manager.follow(containers[0]->id, dir.path + "/warm.log", false);  // first-use costs
  std::this_thread::sleep_for(300ms);
  const long before = rss_kib();
  for (int i = 1; i < 20; ++i)
    manager.follow(containers[i]->id, dir.path + "/" + std::to_string(i) + ".log", false);
  std::this_thread::sleep_for(1s);
  const long after = rss_kib();
  MESSAGE("19 more followers: RSS +" << (after - before) << " KiB ("
          << (after - before) / 19 << " KiB each)");
  // Each follower's line, polled for (the 1 s above need not suffice on a
  // loaded machine), then read once complete.
  for (int i = 1; i < 20; ++i) {
    const std::string path = dir.path + "/" + std::to_string(i) + ".log";
    CHECK(wait_lines(path, 1));
    CHECK(read_records(path).size() == 1);
  }
  manager.stop_all();
}

TEST_CASE("logs: a broken Docker connection is resumed from the position, exactly once") {
  if (!have_docker()) return;
  const auto endpoint = docker::Endpoint::parse(
      env_or("CRI_SHIM_TEST_DOCKER_ENDPOINT", "unix:///var/run/docker.sock"));
  if (endpoint.kind != docker::Endpoint::Kind::Unix) return;
  TempDir dir;
  const auto log = dir.path + "/0.log";
  FaultProxy proxy(dir.path + "/docker.sock", endpoint.path);
  docker::Client through_proxy(docker::Endpoint::parse("unix://" + dir.path + "/docker.sock"));
  constexpr int kLines = 1500;
  Container c("i=0; while [ $i -lt " + std::to_string(kLines) +
              " ]; do echo $i; echo $i >&2; i=$((i+1)); "
              "[ $((i % 50)) = 0 ] && sleep 0.05; done");
  c.start();
  shim::LogManager manager(through_proxy, dir.path + "/state");
  manager.follow(c.id, log, false);
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(400ms);
    proxy.cut();
  }
  REQUIRE(manager.wait_drained(c.id, deadline(120s)));
  const auto records = read_records(log);
  CHECK(numbers(records, LogStream::kStdout) == iota_vector(kLines));
  CHECK(numbers(records, LogStream::kStderr) == iota_vector(kLines));
}
