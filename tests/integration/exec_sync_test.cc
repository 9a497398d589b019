// ExecSync through the real cri-shim on the real dockerd: exact output and
// exit codes, the output cap, timeouts that leave nothing of the command
// running (its children included), and the errors for containers it cannot
// run in.
#include <doctest/doctest.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "shim/exec_sync/exec_output.h"
#include "tests/integration/pod_fixture.h"
#include "tests/support/sanitizer_run.h"

using namespace itest;
using Clock = std::chrono::steady_clock;

namespace {

cri::ExecSyncRequest exec_request(const std::string& container_id, std::vector<std::string> cmd,
                                  int timeout_seconds) {
  cri::ExecSyncRequest request;
  request.set_container_id(container_id);
  for (auto& arg : cmd) request.add_cmd(std::move(arg));
  request.set_timeout(timeout_seconds);
  return request;
}

ExecResult exec_sync(cri::RuntimeService::Stub& runtime, const cri::ExecSyncRequest& request,
                     std::chrono::milliseconds client_deadline = std::chrono::seconds(60)) {
  cri::ExecSyncResponse response;
  ExecResult result;
  result.status = runtime.ExecSync(context(client_deadline).get(), request, &response);
  result.out = response.stdout();
  result.err = response.stderr();
  result.exit_code = response.exit_code();
  return result;
}

// The container's processes whose command line holds `needle`, as
// "<stat> <args>" lines of the container's own ps.
std::vector<std::string> processes_matching(Pod& pod, const std::string& container_id,
                                            const std::string& needle) {
  auto ps = pod.exec(container_id, "ps -o stat,args");
  REQUIRE_MESSAGE(ps.status.ok(), ps.status.error_message());
  std::vector<std::string> lines;
  std::istringstream in(ps.out);
  std::string line;
  while (std::getline(in, line))
    if (line.find(needle) != std::string::npos && line.find("ps -o") == std::string::npos)
      lines.push_back(line);
  return lines;
}

bool any_alive(const std::vector<std::string>& ps_lines) {
  for (const auto& line : ps_lines)
    if (line.find('Z') != 0) return true;  // stat column first: Z = zombie
  return false;
}

// Zombies are reaped by the container's init; waits for that (a few seconds).
bool gone_within(Pod& pod, const std::string& container_id, const std::string& needle,
                 std::chrono::seconds patience) {
  const auto give_up = Clock::now() + patience;
  while (!processes_matching(pod, container_id, needle).empty()) {
    if (Clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

// A container whose init is a shell waiting on its jobs, so that it reaps
// orphans (a plain `sleep` init would leave them zombies forever).
std::string reaping_container(Pod& pod, const std::string& name) {
  return pod.create_and_start(name, "while true; do sleep 1; done");
}

}  // namespace

TEST_CASE("exec_sync: exit codes, stdout and stderr apart, bytes exactly as made") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "exec_sync_out");
  pod.run();
  const std::string id = pod.create_and_start("c", "exec sleep 600");

  for (int code : {0, 1, 3, 255}) {
    auto result = pod.exec(id, "exit " + std::to_string(code));
    REQUIRE_MESSAGE(result.status.ok(), result.status.error_message());
    CHECK(result.exit_code == code);
  }

  auto separated = pod.exec(id, "echo out1; echo err1 >&2; echo out2; printf err2 >&2; exit 7");
  REQUIRE(separated.status.ok());
  CHECK(separated.out == "out1\nout2\n");
  CHECK(separated.err == "err1\nerr2");
  CHECK(separated.exit_code == 7);

  // NUL, high bytes, CR, no trailing newline, trailing blank lines: untouched.
  auto binary = pod.exec(id, R"(printf '\000\001\377\r\n\n\n'; printf 'x\000' >&2)");
  REQUIRE(binary.status.ok());
  CHECK(binary.out == std::string("\0\1\377\r\n\n\n", 7));
  CHECK(binary.err == std::string("x\0", 2));
  auto bare = pod.exec(id, "printf abc");
  CHECK(bare.out == "abc");
  CHECK(bare.err.empty());

  // A process that closes its output and runs on: the call waits for its exit code.
  auto closed = exec_sync(*runtime, exec_request(id, {"sh", "-c", "exec >&- 2>&-; sleep 1; exit 5"}, 20));
  REQUIRE_MESSAGE(closed.status.ok(), closed.status.error_message());
  CHECK(closed.exit_code == 5);

  // The argv goes as given: no shell in between.
  auto argv = exec_sync(*runtime, exec_request(id, {"echo", "a  b", "$HOME", "*"}, 10));
  REQUIRE(argv.status.ok());
  CHECK(argv.out == "a  b $HOME *\n");
}

TEST_CASE("exec_sync: output up to the 16 MiB reply is whole; beyond it the call fails, having read to the end") {
  ShimProcess shim;
  // This client accepts replies as large as kubelet does (16 MiB) and more.
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  auto channel = grpc::CreateCustomChannel("unix:" + shim.socket_path(), grpc::InsecureChannelCredentials(), args);
  auto runtime = cri::RuntimeService::NewStub(channel);
  Pod pod(*runtime, "exec_sync_big");
  pod.run();
  const std::string id = pod.create_and_start("c", "exec sleep 600");

  SUBCASE("15 MiB of stdout and 1000 bytes of stderr arrive intact") {
    auto result = exec_sync(*runtime, exec_request(id, {"sh", "-c",
        "yes 0123456789abcdef | head -c 15728640; head -c 1000 /dev/zero >&2; exit 2"}, 60));
    REQUIRE_MESSAGE(result.status.ok(), result.status.error_message());
    CHECK(result.exit_code == 2);
    std::string expected;
    while (expected.size() < 15728640) expected += "0123456789abcdef\n";
    expected.resize(15728640);
    CHECK(result.out.size() == expected.size());
    CHECK(result.out == expected);
    CHECK(result.err == std::string(1000, '\0'));
  }
  SUBCASE("10 MiB on each stream cannot fit one reply: capped, with the exit code") {
    auto result = exec_sync(*runtime, exec_request(id, {"sh", "-c",
        "head -c 10485760 /dev/zero; sleep 0.2; head -c 10485760 /dev/zero | tr '\\0' e >&2; exit 4"}, 60));
    REQUIRE_MESSAGE(result.status.ok(), result.status.error_message());
    CHECK(result.exit_code == 4);
    CHECK(result.out == std::string(10485760, '\0'));  // stdout came first, whole
    CHECK(result.out.size() + result.err.size() == shim::exec::kMaxExecSyncOutputBytes);
    CHECK(result.err == std::string(result.err.size(), 'e'));
  }
  SUBCASE("200 MiB: read on without keeping it, the process is never blocked, the call returns") {
    const auto start = Clock::now();
    auto result = exec_sync(*runtime, exec_request(id, {"sh", "-c",
        "head -c 209715200 /dev/zero; echo done >&2; exit 9"}, 120));
    REQUIRE_MESSAGE(result.status.ok(), result.status.error_message());
    CHECK(result.exit_code == 9);
    CHECK(result.out.size() == shim::exec::kMaxExecSyncOutputBytes);
    CHECK(result.err.empty());  // no room was left for it
    CHECK(Clock::now() - start < std::chrono::seconds(60));
    if (!support::sanitizer_run()) CHECK(shim.rss_kib() < 200 * 1024);  // 200 MiB were never held
  }
}

TEST_CASE("exec_sync with timeout: DEADLINE_EXCEEDED, and nothing of the command left running") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "exec_sync_timeout");
  pod.run();
  const std::string id = reaping_container(pod, "c");

  SUBCASE("a plain command (critest's case)") {
    const auto start = Clock::now();
    auto result = exec_sync(*runtime, exec_request(id, {"sleep", "987"}, 1));
    const auto took = Clock::now() - start;
    CHECK(result.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
    CHECK(result.status.error_message().find("timed out after 1 s") != std::string::npos);
    CHECK(took >= std::chrono::seconds(1));
    // Not the 987 s of the command; 20 s (was 5 s) leaves room for a loaded
    // machine's docker exec create, start, kill and inspect.
    CHECK(took < std::chrono::seconds(20));
    CHECK(processes_matching(pod, id, "sleep 987").empty());  // not even a zombie
  }
  SUBCASE("a shell with a foreground child, a background job and a job in a session of its own") {
    auto result = exec_sync(*runtime, exec_request(id, {"sh", "-c",
        "sleep 654 & setsid sleep 653 & sleep 652; echo never"}, 1));
    CHECK(result.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
    // Nothing alive the moment the call returns; zombies at most, until reaped.
    CHECK_FALSE(any_alive(processes_matching(pod, id, "sleep 65")));
    CHECK(gone_within(pod, id, "sleep 65", std::chrono::seconds(30)));  // polled; was 5 s, tight under load
  }
  SUBCASE("the command's own output does not keep the call from timing out") {
    auto result = exec_sync(*runtime, exec_request(id, {"sh", "-c", "yes spam"}, 1));
    CHECK(result.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
    CHECK_FALSE(any_alive(processes_matching(pod, id, "yes spam")));
  }
  SUBCASE("the client's own deadline, with no timeout in the request") {
    auto result = exec_sync(*runtime, exec_request(id, {"sh", "-c", "sleep 876; echo never"}, 0),
                            std::chrono::milliseconds(1500));
    CHECK(result.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
    // The shim sees the deadline when the client does; give it a moment to kill.
    const auto give_up = Clock::now() + std::chrono::seconds(30);  // polled; was 5 s, tight under load
    while (any_alive(processes_matching(pod, id, "sleep 876")) && Clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK_FALSE(any_alive(processes_matching(pod, id, "sleep 876")));
  }
  SUBCASE("the client cancels") {
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    auto request = exec_request(id, {"sh", "-c", "sleep 765; echo never"}, 0);
    cri::ExecSyncResponse response;
    grpc::Status status;
    std::thread caller([&] { status = runtime->ExecSync(&call, request, &response); });
    // It did start: polled for (a fixed 1 s sleep could end before a loaded
    // machine's docker exec had started it).
    const auto started_by = Clock::now() + std::chrono::seconds(30);
    while (!any_alive(processes_matching(pod, id, "sleep 765")) && Clock::now() < started_by)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(any_alive(processes_matching(pod, id, "sleep 765")));
    call.TryCancel();
    caller.join();
    CHECK(status.error_code() == grpc::StatusCode::CANCELLED);
    const auto give_up = Clock::now() + std::chrono::seconds(30);  // polled; was 5 s, tight under load
    while (any_alive(processes_matching(pod, id, "sleep 765")) && Clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK_FALSE(any_alive(processes_matching(pod, id, "sleep 765")));
  }
  // The container itself is untouched.
  CHECK(pod.status(id).state() == cri::CONTAINER_RUNNING);
}

TEST_CASE("exec_sync into a stopped, unknown or wrong-kind container: a clear error") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "exec_sync_errors");
  pod.run();

  const std::string exited = pod.create_and_start("done", "exit 0");
  pod.wait_exited(exited);
  auto stopped = pod.exec(exited, "echo hi");
  CHECK(stopped.status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(stopped.status.error_message().find(exited) != std::string::npos);
  CHECK(stopped.status.error_message().find("not running") != std::string::npos);

  const std::string created = pod.create(pod.container_config("created", "sleep 600"));
  CHECK(pod.exec(created, "echo hi").status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);

  const std::string unknown(64, 'e');
  auto missing = pod.exec(unknown, "echo hi");
  CHECK(missing.status.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(missing.status.error_message().find(unknown) != std::string::npos);

  // A sandbox is not a container.
  CHECK(pod.exec(pod.id(), "echo hi").status.error_code() == grpc::StatusCode::NOT_FOUND);

  const std::string running = pod.create_and_start("running", "exec sleep 600");
  CHECK(exec_sync(*runtime, exec_request(running, {}, 10)).status.error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(exec_sync(*runtime, exec_request(running, {"true"}, -1)).status.error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(exec_sync(*runtime, exec_request("", {"true"}, 1)).status.error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  // A command that does not exist: Docker's exec fails to start it (exit 126/127).
  auto no_such = exec_sync(*runtime, exec_request(running, {"/no/such/command"}, 10));
  REQUIRE_MESSAGE(no_such.status.ok(), no_such.status.error_message());
  CHECK(no_such.exit_code >= 126);
  // Prefixes work as everywhere in CRI.
  auto by_prefix = exec_sync(*runtime, exec_request(running.substr(0, 12), {"echo", "p"}, 10));
  REQUIRE_MESSAGE(by_prefix.status.ok(), by_prefix.status.error_message());
  CHECK(by_prefix.out == "p\n");
}
