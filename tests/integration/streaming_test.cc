// The streaming server through the real cri-shim binary, held against
// clients not written here: CRI Exec, Attach and PortForward hand out URLs,
// and Node's spdy-transport (SPDY/3.1) and ws (WebSocket) open them the way
// kubectl and client-go do (tests/shim/streaming/interop/cri_stream_client.js),
// then report what they received as JSON for these checks.
//
// After every case whose client left normally, nothing the exec started is
// still running in the container.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/integration/pod_fixture.h"
#include "tests/integration/streaming_interop_paths.h"

using namespace itest;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string kClientScript = std::string(STREAMING_INTEROP_DIR) + "/cri_stream_client.js";
constexpr const char* kSuccess = R"({"metadata":{},"status":"Success"})";

// Why the Node clients cannot run here, or nullopt when they can.
std::optional<std::string> node_missing() {
  if (std::system("command -v node >/dev/null 2>&1") != 0) return "node is not installed";
  for (const char* module : {"spdy-transport", "ws"}) {
    const std::string dir = std::string(STREAMING_INTEROP_DIR) + "/node_modules/" + module;
    if (!std::filesystem::exists(dir))
      return dir + " is missing (scripts/install-deps.sh installs it)";
  }
  return std::nullopt;
}

#define SKIP_WITHOUT_NODE()                                                          \
  if (const auto why = node_missing()) {                                             \
    MESSAGE("skipped: the streaming tests need Node and its interop clients: " << *why); \
    return;                                                                          \
  }

// One run of cri_stream_client.js with a plan; started at construction, so
// several can run at once. Its stdout and stderr go to files (a report may
// be large; nobody has to drain a pipe meanwhile).
class NodeClient {
 public:
  explicit NodeClient(json plan) {
    if (!plan.contains("timeoutMs")) plan["timeoutMs"] = 60000;
    limit_ = std::chrono::milliseconds(plan["timeoutMs"].get<int>()) + 15s;
    char dir[] = "/tmp/cri-shim-stream-client-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    dir_ = dir;
    // The plan goes in a file: it may be larger than one argument may be.
    const std::string out = dir_ + "/out", err = dir_ + "/err", plan_path = dir_ + "/plan.json";
    std::ofstream(plan_path) << plan.dump();
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(out_fd, 1);
      ::dup2(err_fd, 2);
      ::execlp("node", "node", kClientScript.c_str(), plan_path.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~NodeClient() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  NodeClient(const NodeClient&) = delete;
  NodeClient& operator=(const NodeClient&) = delete;

  // Waits for the client; REQUIREs that it finished and reported.
  json report() {
    int status = 0;
    const auto give_up = std::chrono::steady_clock::now() + limit_;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > give_up) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        FAIL("the Node client did not end: " << slurp("err"));
      }
      std::this_thread::sleep_for(20ms);
    }
    pid_ = -1;
    const std::string out = slurp("out");
    REQUIRE_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0),
                    "the Node client failed (wait status " << status << "): " << slurp("err") << out);
    try {
      return json::parse(out);
    } catch (const json::exception& e) {
      FAIL("the Node client's report is not JSON (" << e.what() << "): " << out << slurp("err"));
    }
    return {};
  }

 private:
  std::string slurp(const char* name) const {
    std::ifstream in(dir_ + "/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  pid_t pid_ = -1;
  std::string dir_;
  std::chrono::milliseconds limit_{};
};

json run_client(const json& plan) { return NodeClient(plan).report(); }

// How a client reaches the URL: the transport and the protocols it offers
// (client-go's order: newest first).
struct Transport {
  std::string name;  // for messages
  std::string transport;
  json protocols;
};
const Transport kSpdy{"SPDY/3.1 v4", "spdy", {"v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"}};
const Transport kWsV5{"WebSocket v5", "ws", {"v5.channel.k8s.io", "v4.channel.k8s.io"}};
const Transport kWsV4{"WebSocket v4", "ws", {"v4.channel.k8s.io"}};

json remote_command_plan(const Transport& t, const std::string& url, json streams, json steps = json::array()) {
  return {{"kind", "remote-command"}, {"transport", t.transport}, {"url", url},
          {"protocols", t.protocols}, {"streams", std::move(streams)}, {"steps", std::move(steps)}};
}

// The negotiated protocol, and a clean end of the session.
void check_session(const Transport& t, const json& report) {
  CHECK(report.value("httpStatus", 0) == 101);
  CHECK(report.value("protocol", "") == t.protocols[0]);
  if (t.transport == "ws") CHECK(report.value("closeCode", 0) == 1000);
  else CHECK(report.value("errorEnded", false));
}

// A pod with a container that only sleeps (PID 1), so that every other
// process in it is one an exec started.
struct StreamingPod {
  ShimProcess shim;
  std::unique_ptr<cri::RuntimeService::Stub> runtime = shim.runtime();
  Pod pod{*runtime, "streaming_pod"};
  std::string container;

  std::set<std::string> baseline;  // the PIDs of the container's own processes

  explicit StreamingPod(const std::string& command = "exec sleep 3600") {
    pod.run();
    container = pod.create_and_start("main", command);
    settle();
  }

  // Takes what runs now as the container's own (call once it settled).
  void settle() {
    for (const auto& [pid, line] : processes()) baseline.insert(pid);
  }

  // PID -> "<pid> <stat> <args>" for every process but the ps asking.
  std::map<std::string, std::string> processes() {
    const auto ps = pod.exec(container, "ps -o pid,stat,args");
    REQUIRE_MESSAGE(ps.status.ok(), ps.status.error_message());
    std::map<std::string, std::string> found;
    std::istringstream lines(ps.out);
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::string pid;
      fields >> pid;
      if (line.find("ps -o pid,stat,args") == std::string::npos) found[pid] = line;
    }
    return found;
  }

  std::string exec_url(const std::string& shell_command, bool in, bool tty) {
    return exec_url_in(container, shell_command, in, tty);
  }
  std::string exec_url_in(const std::string& container_id, const std::string& shell_command, bool in,
                          bool tty) {
    cri::ExecRequest request;
    request.set_container_id(container_id);
    for (const char* arg : {"sh", "-c"}) request.add_cmd(arg);
    request.add_cmd(shell_command);
    request.set_stdin(in);
    request.set_stdout(true);
    request.set_stderr(!tty);
    request.set_tty(tty);
    cri::ExecResponse response;
    const auto status = runtime->Exec(context().get(), request, &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    return response.url();
  }
  std::string attach_url(const std::string& container_id) {
    cri::AttachRequest request;
    request.set_container_id(container_id);
    request.set_stdin(true);
    request.set_stdout(true);
    request.set_stderr(true);
    cri::AttachResponse response;
    const auto status = runtime->Attach(context().get(), request, &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    return response.url();
  }
  std::string port_forward_url(const std::vector<int>& ports) {
    cri::PortForwardRequest request;
    request.set_pod_sandbox_id(pod.id());
    for (int port : ports) request.add_port(port);
    cri::PortForwardResponse response;
    const auto status = runtime->PortForward(context().get(), request, &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    return response.url();
  }

  // The processes that were not there at settle(), as ps lines; waits a
  // moment for ones that are exiting.
  // Only lines holding `needle`, when given.
  std::string leftover_processes(const std::string& needle = "") {
    std::string left;
    // Up to 30 s (was 50 polls of 100 ms): each poll is an exec, and exiting
    // processes take longer to go on a loaded machine.
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    while (true) {
      left.clear();
      for (const auto& [pid, line] : processes())
        if (!baseline.contains(pid) && line.find(needle) != std::string::npos) left += line + "\n";
      if (left.empty() || std::chrono::steady_clock::now() > give_up) return left;
      std::this_thread::sleep_for(100ms);
    }
  }
};

void check_nothing_left(StreamingPod& p, const std::string& needle = "") {
  REQUIRE_MESSAGE(!p.baseline.empty(), "settle() was not called");
  const std::string left = p.leftover_processes(needle);
  CHECK_MESSAGE(left.empty(), "exec processes still running in the container:\n" << left);
}

json parse_status(const json& report) {
  try {
    return json::parse(report.value("error", ""));
  } catch (const json::exception&) {
    FAIL_CHECK("the error stream holds no Status: " << report.dump());
    return json::object();
  }
}

}  // namespace

TEST_CASE("streaming_test: exec without TTY: stdout and stderr apart, exit codes as the v4 Status") {
  SKIP_WITHOUT_NODE();
  StreamingPod p;
  const json streams = {{"stdout", true}, {"stderr", true}};
  for (const Transport& t : {kSpdy, kWsV5, kWsV4}) {
    CAPTURE(t.name);
    auto report = run_client(remote_command_plan(
        t, p.exec_url("echo out; echo err >&2; printf '\\001\\177 end'; exit 3", false, false), streams));
    check_session(t, report);
    CHECK(report["stdout"] == "out\n\x01\x7f end");
    CHECK(report["stderr"] == "err\n");
    const json status = parse_status(report);
    CHECK(status["status"] == "Failure");
    CHECK(status["reason"] == "NonZeroExitCode");
    CHECK(status["details"]["causes"][0]["reason"] == "ExitCode");
    CHECK(status["details"]["causes"][0]["message"] == "3");

    report = run_client(remote_command_plan(t, p.exec_url("echo fine", false, false), streams));
    check_session(t, report);
    CHECK(report["stdout"] == "fine\n");
    CHECK(report["stderr"] == "");
    CHECK(report["error"] == kSuccess);
    check_nothing_left(p);
  }
}

TEST_CASE("streaming_test: exec with stdin: cat echoes, closing stdin (SPDY FIN, WebSocket v5 close) ends it") {
  SKIP_WITHOUT_NODE();
  StreamingPod p;
  for (const Transport& t : {kSpdy, kWsV5}) {
    CAPTURE(t.name);
    std::string sent;
    json steps = json::array();
    for (int i = 0; i < 20; ++i) {
      const std::string line = "line " + std::to_string(i) + " \x01\x02\x7f\n";
      steps.push_back({{"stdin", line}});
      sent += line;
    }
    steps.push_back({{"until", "line 19"}});  // an interactive client: cat answered, stdin still open
    steps.push_back({{"closeStdin", true}});
    const auto report = run_client(remote_command_plan(
        t, p.exec_url("exec cat", true, false), {{"stdin", true}, {"stdout", true}, {"stderr", true}}, steps));
    check_session(t, report);
    CHECK(report["stdout"] == sent);
    CHECK(report["error"] == kSuccess);
    check_nothing_left(p);
  }
}

TEST_CASE("streaming_test: exec with TTY: a resize sent before the command runs shows in stty size, stderr merged") {
  SKIP_WITHOUT_NODE();
  StreamingPod p;
  const std::string command =
      // Up to 30 s (was 5 s) for the size to show: it breaks out at once when it does.
      "for i in $(seq 1 300); do s=$(stty size); [ \"$s\" = '40 100' ] && break; sleep 0.1; done; "
      "echo size=$s; echo to-stderr >&2";
  for (const Transport& t : {kSpdy, kWsV5}) {
    CAPTURE(t.name);
    const auto report = run_client(remote_command_plan(t, p.exec_url(command, false, true),
                                                       {{"stdout", true}, {"tty", true}},
                                                       {{{"resize", {100, 40}}}}));
    check_session(t, report);
    const std::string out = report["stdout"];
    CHECK(out.find("size=40 100\r\n") != std::string::npos);
    CHECK(out.find("to-stderr\r\n") != std::string::npos);
    CHECK(report["stderr"] == "");
    CHECK(report["error"] == kSuccess);
    check_nothing_left(p);
  }
}

TEST_CASE("streaming_test: 100 MiB through stdout intact over SPDY and WebSocket") {
  SKIP_WITHOUT_NODE();
  StreamingPod p;
  const std::string produce = "yes abcdefghijklmnopqrstuvwxyz0123456789 | head -c " + std::to_string(100u << 20);
  const auto expected = p.pod.exec(p.container, produce + " | sha256sum");
  REQUIRE(expected.status.ok());
  const std::string sha256 = expected.out.substr(0, 64);
  for (const Transport& t : {kSpdy, kWsV5}) {
    CAPTURE(t.name);
    auto plan = remote_command_plan(t, p.exec_url(produce, false, false), {{"stdout", true}, {"stderr", true}});
    plan["digest"] = true;
    const auto report = run_client(plan);
    check_session(t, report);
    CHECK(report.value("stdoutBytes", 0u) == 100u << 20);
    CHECK(report.value("stdoutSha256", "") == sha256);
    CHECK(report["stderr"] == "");
    CHECK(report["error"] == kSuccess);
    check_nothing_left(p);
  }
}

TEST_CASE("streaming_test: attach to a container running sh with stdin open") {
  SKIP_WITHOUT_NODE();
  StreamingPod p;
  auto config = p.pod.container_config("shell", "exec sh");
  config.set_stdin(true);
  const std::string shell = p.pod.create(config);
  p.pod.start(shell);
  for (const Transport& t : {kSpdy, kWsV5}) {
    CAPTURE(t.name);
    // Closing stdin ends an attach whose container is not stdin_once
    // (Docker's rule); the shell itself keeps running.
    const auto report = run_client(remote_command_plan(
        t, p.attach_url(shell), {{"stdin", true}, {"stdout", true}, {"stderr", true}},
        // Both outputs arrived before stdin closes (was: "hi" then a fixed
        // 200 ms sleep, which a loaded machine's stderr could outlast: the
        // two streams are not ordered, and the close ends the attach).
        {{{"stdin", "echo hi; echo oops >&2\n"}}, {{"until", "hi\n"}}, {{"untilStderr", "oops\n"}},
         {{"closeStdin", true}}}));
    check_session(t, report);
    CHECK(report["stdout"] == "hi\n");
    CHECK(report["stderr"] == "oops\n");
    CHECK(report["error"] == kSuccess);
    CHECK(p.pod.status(shell).state() == cri::CONTAINER_RUNNING);
  }
}

TEST_CASE("streaming_test: port-forward to httpd in the pod, and to a port nothing listens on") {
  SKIP_WITHOUT_NODE();
  StreamingPod p(
      "mkdir -p /www && echo hello-from-pod > /www/index.html && httpd -p 127.0.0.1:8080 -h /www && "
      "exec sleep 3600");
  // httpd listening: polled for up to 30 s, then required (a refused 8080
  // would otherwise fail the forwarding checks below).
  const auto listening_by = std::chrono::steady_clock::now() + 30s;
  while (p.pod.exec(p.container, "netstat -ltn | grep -q ':8080 '").exit_code != 0 &&
         std::chrono::steady_clock::now() < listening_by)
    std::this_thread::sleep_for(100ms);
  REQUIRE(p.pod.exec(p.container, "netstat -ltn | grep -q ':8080 '").exit_code == 0);
  p.settle();  // httpd is one of the container's own
  const std::string get = "GET / HTTP/1.0\r\nHost: pod\r\n\r\n";
  const std::string refused_prefix = "error forwarding port 9 to pod " + p.pod.id() + ", uid : ";

  {  // SPDY: two concurrent connections and a refused one in one session
    const auto report = run_client({{"kind", "port-forward"},
                                    {"transport", "spdy"},
                                    {"url", p.port_forward_url({})},
                                    {"protocols", {"portforward.k8s.io"}},
                                    {"connections",
                                     {{{"port", 8080}, {"send", get}},
                                      {{"port", 8080}, {"send", get}},
                                      {{"port", 9}, {"send", get}}}}});
    CHECK(report.value("protocol", "") == "portforward.k8s.io");
    const auto& c = report["connections"];
    REQUIRE(c.size() == 3);
    for (int i : {0, 1}) {
      CAPTURE(i);
      CHECK(c[i]["data"].get<std::string>().find("hello-from-pod") != std::string::npos);
      CHECK(c[i]["error"] == "");
    }
    const std::string error = c[2]["error"];
    CHECK(error.find(refused_prefix) == 0);
    CHECK(error.find("Connection refused") != std::string::npos);
    CHECK(c[2]["data"] == "");
  }
  {  // WebSocket: the ports of the CRI request
    const auto report = run_client({{"kind", "port-forward"},
                                    {"transport", "ws"},
                                    {"url", p.port_forward_url({8080, 9})},
                                    {"protocols", {"v4.channel.k8s.io"}},
                                    {"sends", {get, get}},
                                    // The client closes once it has both answers: WebSocket
                                    // channels have no half-close.
                                    {"expect", {"hello-from-pod", "Connection refused"}}});
    CHECK(report.value("protocol", "") == "v4.channel.k8s.io");
    const auto& c = report["connections"];
    REQUIRE(c.size() == 2);
    CHECK(c[0]["port"] == 8080);
    CHECK(c[0]["errorPort"] == 8080);
    CHECK(c[0]["data"].get<std::string>().find("hello-from-pod") != std::string::npos);
    CHECK(c[0]["error"] == "");
    CHECK(c[1]["port"] == 9);
    const std::string error = c[1]["error"];
    CHECK(error.find(refused_prefix) == 0);
    CHECK(error.find("Connection refused") != std::string::npos);
    CHECK(c[1]["data"] == "");
  }
  check_nothing_left(p);
}

TEST_CASE("streaming_test: a URL serves once; a container stopped meanwhile gives an error status, not a hang") {
  SKIP_WITHOUT_NODE();
  StreamingPod p;
  const json streams = {{"stdout", true}, {"stderr", true}};
  for (const Transport& t : {kSpdy, kWsV5}) {
    CAPTURE(t.name);
    const std::string url = p.exec_url("echo once", false, false);
    auto report = run_client(remote_command_plan(t, url, streams));
    CHECK(report["stdout"] == "once\n");
    CHECK(report["error"] == kSuccess);
    for (const Transport& again : {kSpdy, kWsV5}) {
      CAPTURE(again.name);
      report = run_client(remote_command_plan(again, url, streams));
      CHECK(report.value("httpStatus", 0) == 404);
    }
  }

  const std::string doomed = p.pod.create_and_start("doomed", "exec sleep 3600");
  const std::string spdy_url = p.exec_url_in(doomed, "echo never", false, false);
  const std::string ws_url = p.exec_url_in(doomed, "echo never", false, false);
  cri::StopContainerRequest stop;
  stop.set_container_id(doomed);
  stop.set_timeout(0);
  cri::StopContainerResponse stopped;
  REQUIRE(p.runtime->StopContainer(context().get(), stop, &stopped).ok());
  for (const auto& [t, url] : {std::pair{kSpdy, spdy_url}, std::pair{kWsV5, ws_url}}) {
    CAPTURE(t.name);
    auto plan = remote_command_plan(t, url, streams);
    plan["timeoutMs"] = 20000;
    const auto report = run_client(plan);
    check_session(t, report);
    CHECK(report["stdout"] == "");
    const json status = parse_status(report);
    CHECK(status["status"] == "Failure");
    CHECK(status["reason"] == "InternalError");
    CHECK(status["code"] == 500);
    CHECK(status["message"].get<std::string>().find("error executing command in container") != std::string::npos);
  }
  check_nothing_left(p);
}

TEST_CASE("streaming_test: bad input ends its own stream or session; an exec running meanwhile is served") {
  SKIP_WITHOUT_NODE();
  StreamingPod p;
  const json streams = {{"stdout", true}, {"stderr", true}};
  // Sessions that run while the bad clients come and go, until the test
  // lets them finish.
  const std::string slow = "while [ ! -e /tmp/go ]; do sleep 0.1; done; echo still-serving";
  NodeClient concurrent_spdy(remote_command_plan(kSpdy, p.exec_url(slow, false, false), streams));
  NodeClient concurrent_ws(remote_command_plan(kWsV5, p.exec_url(slow, false, false), streams));

  {  // a malformed SPDY frame: GOAWAY(PROTOCOL_ERROR), the connection closes
    const auto report = run_client({{"kind", "malformed-frame"},
                                    {"transport", "spdy"},
                                    {"url", p.exec_url("echo never", false, false)},
                                    {"protocols", {"v4.channel.k8s.io"}}});
    CHECK(report.value("httpStatus", 0) == 101);
    CHECK(report.value("goaway", -1) == 1);  // PROTOCOL_ERROR
    CHECK(report.value("closed", false));
  }
  {  // a malformed frame in the middle of a running exec: that session ends, and so does its command
    auto plan = remote_command_plan(kSpdy, p.exec_url("exec cat", true, false),
                                    {{"stdin", true}, {"stdout", true}, {"stderr", true}},
                                    {{{"stdin", "before\n"}}, {{"until", "before\n"}},
                                     {{"rawBytes", "8003000100000002" "0001"}}});
    plan["waitClose"] = true;
    const auto report = run_client(plan);
    CHECK(report["stdout"] == "before\n");
    CHECK(report.value("goaway", "") == "PROTOCOL_ERROR");
    CHECK(report.value("closed", false));
    CHECK(report["error"] == "");  // the session ended before any status
    check_nothing_left(p, " cat");  // it read EOF when the shim closed Docker's connection
  }
  {  // a header block above 256 KiB decompressed: the session ends
    auto plan = remote_command_plan(kSpdy, p.exec_url("echo never", false, false), streams);
    plan["headers"] = {{"x-padding", std::string(300 * 1024, 'a')}};  // compresses to a few hundred bytes
    plan["waitClose"] = true;
    const auto report = run_client(plan);
    CHECK(report.value("httpStatus", 0) == 101);
    CHECK(report.value("goaway", "") == "PROTOCOL_ERROR");
    CHECK(report.value("closed", false));
    CHECK(report.value("errorEnded", false) == false);  // nothing ran
  }
  {  // an unknown sub-protocol: 403 over SPDY, 400 over WebSocket
    auto plan = remote_command_plan(kSpdy, p.exec_url("echo never", false, false), streams);
    plan["protocols"] = {"v9.channel.k8s.io"};
    auto report = run_client(plan);
    CHECK(report.value("httpStatus", 0) == 403);
    CHECK(report.value("acceptedProtocols", "").find("v4.channel.k8s.io") != std::string::npos);
    plan = remote_command_plan(kWsV5, p.exec_url("echo never", false, false), streams);
    plan["protocols"] = {"v9.channel.k8s.io"};
    report = run_client(plan);
    CHECK(report.value("httpStatus", 0) == 400);
  }
  {  // resizes without a TTY, and a malformed one with a TTY, are ignored; the command runs
    // kubelet's behaviour: a resize stream or channel is read only for a TTY,
    // and resizing stops at the first message it cannot decode.
    for (const Transport& t : {kSpdy, kWsV5}) {
      CAPTURE(t.name);
      auto no_tty = remote_command_plan(t, p.exec_url("sleep 0.3; echo fine", false, false),
                                        {{"stdout", true}, {"stderr", true}, {"resize", true}},
                                        {{{"resize", {80, 24}}}, {{"rawResize", "not json"}}});
      auto report = run_client(no_tty);
      check_session(t, report);
      CHECK(report["stdout"] == "fine\n");
      CHECK(report["error"] == kSuccess);

      auto bad_tty = remote_command_plan(t, p.exec_url("sleep 0.3; stty size", false, true),
                                         {{"stdout", true}, {"tty", true}},
                                         {{{"rawResize", "{\"Width\": oops}"}}, {{"resize", {100, 40}}}});
      report = run_client(bad_tty);
      check_session(t, report);
      CHECK(report["stdout"].get<std::string>().find("40 100") == std::string::npos);
      CHECK(report["error"] == kSuccess);
    }
  }

  REQUIRE(p.pod.exec(p.container, "touch /tmp/go").exit_code == 0);
  for (NodeClient* client : {&concurrent_spdy, &concurrent_ws}) {
    const auto report = client->report();
    CHECK(report["stdout"] == "still-serving\n");
    CHECK(report["error"] == kSuccess);
  }
  // And a new session after the bad ones.
  const auto report = run_client(remote_command_plan(kSpdy, p.exec_url("echo after", false, false), streams));
  CHECK(report["stdout"] == "after\n");
  check_nothing_left(p);
}
