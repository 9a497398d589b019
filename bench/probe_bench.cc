// Benchmarks node-agent's prober: what 100 containers, each probed once a
// second, cost the agent, beside what the probes themselves take.
//
// Three phases, each with its own 100 containers posted through the agent's
// HTTP API (POST /pods), measured over a window once all are Ready and have
// settled, then deleted (DELETE /pods/{ns}/{name}) before the next phase:
// - "idle": no probes (the baseline: relists, resyncs, events);
// - "httpGet": a readinessProbe httpGet /ok on the container's own port,
//   periodSeconds 1 (busybox `httpd -f` serves it);
// - "exec": a readinessProbe exec ["true"], periodSeconds 1 (CRI ExecSync).
// Every container runs the same httpd in every phase: only the probes differ.
//
// Per phase: node-agent's CPU (utime + stime, /proc/<pid>/stat) as % of one
// core over the window, its VmRSS at the end (anonymous and file, threads),
// the CPU of cri-shim, dockerd, and containerd with these pods' shims (and
// the runc calls they waited for: an exec's real cost), the whole machine's
// busy time, and the probes that ran: httpGet probes
// counted by the kernel (TCP PassiveOpens of each pod's network namespace,
// /proc/<pause pid>/net/snmp: nothing in the pods but the probes connects),
// exec probes by the agent's own ExecSync count (/metrics).
// Beside them, in the same run, while the probes go on:
// - httpGet: the same number of GETs from the bench process, one after the
//   other, (a) over a plain socket (connect, one send, the answer read to
//   its Content-Length, close: the floor)
//   and (b) through cpp-httplib set up as the prober sets it up (a Client
//   from a URL per GET, no keep-alive, the same timeouts and headers): the
//   library's own cost. Wall p50/p99 per GET and the bench thread's CPU per
//   GET (getrusage RUSAGE_THREAD).
// - exec: ExecSync ["true"] called directly on cri-shim for a sample of the
//   containers (p50/p99), and the agent's own ExecSync time from its
//   node_agent_cri_call_duration_seconds (mean).
// Goals (issue 14): node-agent at most 5 % of one core with 100 httpGet
// probes per second, and its RSS under 20 MiB with them.
//
// Pod shape: 20 pods of 5 containers by default, each container serving on
// its own port (8080 + its index) in the pod's network namespace: the same
// 100 probe workers and 100 GETs or ExecSyncs a second as 100 one-container
// pods, with 20 pause containers, shims and network namespaces for dockerd
// to make and remove in each phase instead of 100. Measured on the 2-core
// VM: 20 x 5 was up and Ready in 24-27 s, 100 x 1 in 54-73 s; in one run
// each, 100 x 1 cost more per probe on both sides of the socket (a plain
// GET 316 us of CPU against 212 us, with 100 veths on docker0 instead of 20;
// the agent 590 us against 440 us), so it is the harder case and worth a
// run too: CRI_SHIM_BENCH_PROBE_PODS=100 CRI_SHIM_BENCH_PROBE_CONTAINERS=1.
//
// Settings: argv[1] the cri-shim binary (scripts/bench.sh passes it),
// NODE_AGENT_BINARY (default: agent/app/node-agent beside the shim's build
// dir), CRI_SHIM_BENCH_PROBE_SECONDS (the window, default 60),
// CRI_SHIM_BENCH_PROBE_PODS (20), CRI_SHIM_BENCH_PROBE_CONTAINERS (5),
// CRI_SHIM_BENCH_PROBE_EXEC_SAMPLES (direct ExecSync calls, 100),
// CRI_SHIM_BENCH_PROBE_PHASES (comma-separated, default idle,httpGet,exec).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "bench/bench_run.h"
#include "bench/bench_util.h"
#include "bench/cri_call.h"
#include "tests/support/agent_http.h"
#include "tests/support/agent_process.h"
#include "tests/support/shim_process.h"
#include "tests/support/wait_for.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr double kCpuGoalPercent = 5;
constexpr double kRssGoalMiB = 20;
constexpr int kFirstPort = 8080;
constexpr auto kSettle = std::chrono::seconds(5);
const char* const kCriCount = "node_agent_cri_call_duration_seconds_count";
const char* const kCriSum = "node_agent_cri_call_duration_seconds_sum";

enum class ProbeKind { None, HttpGet, Exec };

const char* name_of(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::None: return "idle";
    case ProbeKind::HttpGet: return "httpGet";
    case ProbeKind::Exec: return "exec";
  }
  return "?";
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// utime + stime + cutime + cstime of process `pid`: its own CPU and that of
// the children it waited for (a containerd shim's runc calls).
double cpu_with_children_of(pid_t pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; fields >> field && i <= 17; ++i)
    if (i >= 14) ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Docker's containerd and the containerd shims of the containers `ids`
// (sandboxes included): where an exec's runc and process start go.
std::vector<pid_t> runtime_pids(const std::set<std::string>& ids) {
  std::vector<pid_t> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::vector<std::string> args;
    std::istringstream cmdline(read_file(entry.path() / "cmdline"));
    for (std::string arg; std::getline(cmdline, arg, '\0');) args.push_back(arg);
    if (args.empty()) continue;
    const std::string program = std::filesystem::path(args[0]).filename();
    bool ours = program == "containerd";
    if (program.rfind("containerd-shim", 0) == 0)
      for (std::size_t i = 0; i + 1 < args.size(); ++i) ours = ours || (args[i] == "-id" && ids.count(args[i + 1]));
    if (ours) pids.push_back(std::stoi(name));
  }
  return pids;
}

double runtime_cpu_seconds(const std::vector<pid_t>& pids) {
  double total = 0;
  for (pid_t pid : pids) total += cpu_with_children_of(pid);
  return total;
}

// The machine's busy and total CPU seconds, all cores (/proc/stat).
struct MachineCpu {
  double busy = 0, total = 0;
};

MachineCpu machine_cpu() {
  std::istringstream line(read_file("/proc/stat"));
  std::string cpu;
  line >> cpu;
  std::vector<double> v;
  double x;
  for (int i = 0; i < 8 && line >> x; ++i) v.push_back(x);
  MachineCpu m;
  for (double t : v) m.total += t;
  m.busy = m.total - (v.size() > 3 ? v[3] : 0) - (v.size() > 4 ? v[4] : 0);  // idle, iowait
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  m.busy /= tick;
  m.total /= tick;
  return m;
}

// TCP PassiveOpens of the network namespace process `pid` is in.
long passive_opens(pid_t pid) {
  std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/net/snmp"));
  std::string header, values, line;
  while (std::getline(in, line)) {
    if (line.rfind("Tcp:", 0) != 0) continue;
    if (header.empty()) header = line;
    else values = line;
  }
  std::istringstream names(header), numbers(values);
  std::string name, number;
  while (names >> name && numbers >> number)
    if (name == "PassiveOpens") return std::stol(number);
  throw std::runtime_error("no Tcp PassiveOpens in /proc/" + std::to_string(pid) + "/net/snmp");
}

// One method's series of a Prometheus family (e.g. method="ExecSync").
double metric_of(const std::string& text, const std::string& family, const std::string& method) {
  double total = 0;
  std::istringstream in(text);
  std::string line;
  const std::string want = "method=\"" + method + "\"";
  while (std::getline(in, line)) {
    if (line.compare(0, family.size(), family) != 0 || line.size() <= family.size() || line[family.size()] != '{')
      continue;
    if (line.find(want) == std::string::npos) continue;
    total += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return total;
}

// Fields of /proc/<pid>/status in kB or counts (VmRSS, RssAnon, RssFile, Threads).
std::map<std::string, long> proc_status(pid_t pid) {
  std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::map<std::string, long> fields;
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = line.substr(0, colon);
    if (name == "VmRSS" || name == "RssAnon" || name == "RssFile" || name == "Threads")
      fields[name] = std::stol(line.substr(colon + 1));
  }
  return fields;
}

double thread_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

// A probe target: a container's port at its pod's IP, and its runtime ID.
struct Target {
  std::string ip;
  int port = 0;
  std::string container_id;
};

// GET /ok over a plain socket: one send, the answer read to its
// Content-Length, close. The floor of an HTTP probe.
void raw_get(const Target& t) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(t.port));
  inet_pton(AF_INET, t.ip.c_str(), &address.sin_addr);
  std::string failure;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    failure = std::string("connect: ") + std::strerror(errno);
  } else {
    const std::string request = "GET /ok HTTP/1.1\r\nHost: " + t.ip + ":" + std::to_string(t.port) +
                                "\r\nUser-Agent: probe-bench\r\nAccept: */*\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
      failure = std::string("send: ") + std::strerror(errno);
    } else {
      // Read the head, then Content-Length bytes of body, and close first,
      // as httplib and Go's client do (the server's own close can come later).
      std::string answer;
      char buffer[4096];
      std::size_t want = std::string::npos;
      for (ssize_t n; answer.size() < want && (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
        answer.append(buffer, n);
        const auto head_end = answer.find("\r\n\r\n");
        if (want != std::string::npos || head_end == std::string::npos) continue;
        const auto length = answer.find("Content-Length:");
        if (length != std::string::npos && length < head_end)
          want = head_end + 4 + std::stoul(answer.substr(length + 15));
      }
      if (answer.rfind("HTTP/1.", 0) != 0 || answer.compare(9, 3, "200") != 0 || answer.size() < want)
        failure = "answer: " + answer.substr(0, 80);
    }
  }
  ::close(fd);
  if (!failure.empty()) throw std::runtime_error("GET http://" + t.ip + ":" + std::to_string(t.port) + "/ok: " + failure);
}

// GET /ok through cpp-httplib as agent/prober/network_probes.cc sets it up.
void httplib_get(const Target& t) {
  httplib::Client client("http://" + t.ip + ":" + std::to_string(t.port));
  client.set_connection_timeout(1);
  client.set_read_timeout(1);
  client.set_write_timeout(1);
  client.set_follow_location(false);
  client.set_url_encode(false);
  client.set_keep_alive(false);
  const httplib::Headers headers = {{"User-Agent", "kube-probe/1.26"}, {"Accept", "*/*"}};
  int status = 0;
  std::string body;
  auto result = client.Get(
      "/ok", headers,
      [&](const httplib::Response& response) {
        status = response.status;
        return true;
      },
      [&](const char* data, std::size_t length) {
        body.append(data, length);
        return true;
      });
  if (!result || status != 200)
    throw std::runtime_error("httplib GET http://" + t.ip + ":" + std::to_string(t.port) +
                             "/ok: " + (result ? std::to_string(status) : httplib::to_string(result.error())));
}

// What a client of the targets took: wall per call and the bench thread's CPU.
struct Floor {
  bench::Samples wall;  // microseconds per call
  long calls = 0;
  double cpu = 0, elapsed = 0;  // seconds
};

Floor time_calls(const std::vector<Target>& targets, long calls, void (*call)(const Target&)) {
  Floor f;
  const double cpu_before = thread_cpu_seconds();
  const auto start = Clock::now();
  for (long i = 0; i < calls; ++i) f.wall.add(bench::time_once([&] { call(targets[i % targets.size()]); }));
  f.elapsed = seconds(Clock::now() - start);
  f.cpu = thread_cpu_seconds() - cpu_before;
  f.calls = calls;
  return f;
}

struct PhaseFigures {
  ProbeKind kind = ProbeKind::None;
  double bring_up = 0, window = 0;                      // seconds
  double agent_cpu = 0, shim_cpu = 0, dockerd_cpu = 0;  // seconds over the window
  double runtime_cpu = 0;  // containerd and the pods' shims (runc calls included)
  double machine_busy = 0, machine_total = 0;           // seconds, all cores
  long agent_rss_kib = 0, shim_rss_kib = 0;
  std::map<std::string, long> agent_status;  // RssAnon, RssFile, Threads at the end
  long probes = 0;                  // probes that ran in the window
  double exec_count = 0, exec_sum = 0;  // the agent's ExecSync calls in the window, and their seconds
  long unhealthy = 0;               // Unhealthy events recorded in the window
  int not_ready = 0;                // containers not ready at the end of the window
  std::optional<Floor> raw, library, exec_direct;
};

class ProbeBench {
 public:
  ProbeBench(bench::BenchRun& run, support::AgentProcess& agent, support::ShimProcess& shim, int pods,
             int containers)
      : run_(run), agent_(agent), shim_(shim), http_("127.0.0.1", agent.port()), ns_("probe-" + run.tag()),
        pods_(pods), containers_(containers) {}

  const std::string& ns() const { return ns_; }

  PhaseFigures run_phase(ProbeKind kind, int window_seconds, int exec_samples) {
    PhaseFigures f;
    f.kind = kind;
    std::vector<std::string> names;
    // "<phase>-<round>-<i>": a phase run twice makes new pods (new UIDs).
    const int round = rounds_++;
    for (int i = 0; i < pods_; ++i)
      names.push_back(std::string(name_of(kind)) + "-" + std::to_string(round) + "-" + std::to_string(i));
    std::transform(names.begin(), names.end(), names.begin(), [](std::string s) {
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
      return s;
    });

    const auto start = Clock::now();
    for (const auto& name : names) {
      const auto reply = http_.post("/pods", manifest(name, kind).dump(), "application/json");
      if (reply.status != 201)
        throw std::runtime_error("POST /pods " + name + ": " + std::to_string(reply.status) + " " + reply.body +
                                 reply.error);
    }
    const std::vector<Target> targets = wait_all_ready(names);
    f.bring_up = seconds(Clock::now() - start);
    const std::vector<pid_t> netns_pids = sandbox_pids();
    std::set<std::string> ids;
    for (const auto& t : targets) ids.insert(t.container_id);
    for (const auto& sandbox : sandboxes()) ids.insert(sandbox.id());
    const std::vector<pid_t> runtime = runtime_pids(ids);
    std::this_thread::sleep_for(kSettle);

    // Before: the agent's readings first, then the clocks.
    const std::string metrics_before = http_.metrics();
    const long unhealthy_before = unhealthy_events();
    long opens_before = 0;
    for (pid_t pid : netns_pids) opens_before += passive_opens(pid);
    const double agent_before = agent_.cpu_seconds(), shim_before = bench::cpu_seconds_of(shim_.pid()),
                 dockerd_before = bench::cpu_seconds_of(bench::dockerd_pid()), runtime_before = runtime_cpu_seconds(runtime);
    const MachineCpu machine_before = machine_cpu();
    const auto window_start = Clock::now();

    std::this_thread::sleep_for(std::chrono::seconds(window_seconds));

    // After: the clocks first, then what reading them costs.
    f.window = seconds(Clock::now() - window_start);
    f.agent_cpu = agent_.cpu_seconds() - agent_before;
    f.shim_cpu = bench::cpu_seconds_of(shim_.pid()) - shim_before;
    f.dockerd_cpu = bench::cpu_seconds_of(bench::dockerd_pid()) - dockerd_before;
    f.runtime_cpu = runtime_cpu_seconds(runtime) - runtime_before;
    const MachineCpu machine_after = machine_cpu();
    f.machine_busy = machine_after.busy - machine_before.busy;
    f.machine_total = machine_after.total - machine_before.total;
    f.agent_rss_kib = agent_.rss_kib();
    f.agent_status = proc_status(agent_.pid());
    f.shim_rss_kib = shim_.rss_kib();
    long opens_after = 0;
    for (pid_t pid : netns_pids) opens_after += passive_opens(pid);
    const std::string metrics_after = http_.metrics();
    f.exec_count = metric_of(metrics_after, kCriCount, "ExecSync") - metric_of(metrics_before, kCriCount, "ExecSync");
    f.exec_sum = metric_of(metrics_after, kCriSum, "ExecSync") - metric_of(metrics_before, kCriSum, "ExecSync");
    f.unhealthy = unhealthy_events() - unhealthy_before;
    f.not_ready = not_ready(names);
    f.probes = kind == ProbeKind::HttpGet ? opens_after - opens_before
               : kind == ProbeKind::Exec  ? static_cast<long>(f.exec_count)
                                          : 0;

    // The probes' own cost, measured while they go on.
    if (kind == ProbeKind::HttpGet) {
      const long calls = std::max(1L, f.probes);
      f.raw = time_calls(targets, calls, raw_get);
      f.library = time_calls(targets, calls, httplib_get);
    } else if (kind == ProbeKind::Exec) {
      f.exec_direct = exec_sample(targets, exec_samples);
    }

    tear_down(names);
    return f;
  }

  // Stops and removes every sandbox of this run's namespace (the agent must
  // be stopped first).
  void remove_everything() { bench::remove_namespace_sandboxes(*shim_.runtime(), ns_); }

 private:
  json manifest(const std::string& name, ProbeKind kind) const {
    json containers = json::array();
    for (int c = 0; c < containers_; ++c) {
      const int port = kFirstPort + c;
      json container = {
          {"name", "web" + std::to_string(c)},
          {"image", run_.image()},
          {"imagePullPolicy", "Never"},
          {"command",
           {"sh", "-c", "mkdir -p /www && echo ok > /www/ok && exec httpd -f -p " + std::to_string(port) + " -h /www"}},
          {"ports", json::array({{{"containerPort", port}}})}};
      // kubelet's defaults otherwise: timeoutSeconds 1, failureThreshold 3.
      if (kind == ProbeKind::HttpGet)
        container["readinessProbe"] = {{"httpGet", {{"path", "/ok"}, {"port", port}}}, {"periodSeconds", 1}};
      if (kind == ProbeKind::Exec)
        container["readinessProbe"] = {{"exec", {{"command", {"true"}}}}, {"periodSeconds", 1}};
      containers.push_back(std::move(container));
    }
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}, {"namespace", ns_}}},
            {"spec", {{"terminationGracePeriodSeconds", 1}, {"containers", std::move(containers)}}}};
  }

  // Waits for every pod Running with every container ready; returns the
  // targets (pod IP, port, container ID) of all their containers.
  std::vector<Target> wait_all_ready(const std::vector<std::string>& names) {
    std::string last;
    std::vector<Target> targets;
    const bool ok = support::wait_for(
        [&] {
          targets.clear();
          const json items = http_.pods();
          for (const auto& name : names) {
            const auto pod = support::find_pod(items, ns_, name);
            if (!pod || !ready(*pod)) {
              last = pod ? pod->dump() : name + " not listed";
              return false;
            }
            const json status = (*pod)["status"];
            for (const auto& c : status["containerStatuses"]) {
              const std::string cname = c.value("name", "");
              const std::string id = c.value("containerID", "");
              const auto sep = id.find("://");
              targets.push_back({status.value("podIP", ""), kFirstPort + std::stoi(cname.substr(3)),
                                 sep == std::string::npos ? id : id.substr(sep + 3)});
            }
          }
          return true;
        },
        std::chrono::minutes(5), std::chrono::milliseconds(250));
    if (!ok)
      throw std::runtime_error("pods not Ready within 5 min; last: " + last + "\nagent log:\n" + agent_.log_tail());
    for (const auto& t : targets)
      if (t.ip.empty() || t.container_id.empty()) throw std::runtime_error("a Ready pod without IP or container ID");
    return targets;
  }

  bool ready(const json& pod) const {
    const json status = pod.value("status", json::object());
    if (status.value("phase", "") != "Running") return false;
    const json containers = status.value("containerStatuses", json::array());
    if (static_cast<int>(containers.size()) != containers_) return false;
    for (const auto& c : containers)
      if (!c.value("ready", false)) return false;
    return true;
  }

  int not_ready(const std::vector<std::string>& names) {
    const json items = http_.pods();
    int count = 0;
    for (const auto& name : names) {
      const auto pod = support::find_pod(items, ns_, name);
      if (!pod) {
        count += containers_;
        continue;
      }
      for (const auto& c : (*pod)["status"].value("containerStatuses", json::array()))
        if (!c.value("ready", false)) ++count;
    }
    return count;
  }

  // The Unhealthy events of this run's namespace, repeats counted.
  long unhealthy_events() {
    const auto reply = http_.get("/events");
    if (reply.status != 200) throw std::runtime_error("GET /events: " + std::to_string(reply.status));
    const json list = json::parse(reply.body);
    long count = 0;
    for (const auto& e : list.value("items", json::array())) {
      if (e.value("reason", "") != "Unhealthy") continue;
      if (e.value("involvedObject", json::object()).value("namespace", "") != ns_) continue;
      count += e.value("count", 1L);
    }
    return count;
  }

  std::vector<cri::PodSandbox> sandboxes() {
    cri::ListPodSandboxRequest request;
    (*request.mutable_filter()->mutable_label_selector())["io.kubernetes.pod.namespace"] = ns_;
    cri::ListPodSandboxResponse response;
    bench::check(shim_.runtime()->ListPodSandbox(bench::context().get(), request, &response), "ListPodSandbox");
    return {response.items().begin(), response.items().end()};
  }

  // The pause process of each ready sandbox: a process in its network namespace.
  std::vector<pid_t> sandbox_pids() {
    std::vector<pid_t> pids;
    for (const auto& s : sandboxes()) {
      if (s.state() != cri::SANDBOX_READY) continue;
      const auto inspect = run_.docker().inspect_container(s.id());
      if (inspect.state.pid <= 0) throw std::runtime_error("sandbox " + s.id() + " has no pid");
      pids.push_back(inspect.state.pid);
    }
    if (static_cast<int>(pids.size()) != pods_)
      throw std::runtime_error("expected " + std::to_string(pods_) + " ready sandboxes, found " +
                               std::to_string(pids.size()));
    return pids;
  }

  // ExecSync ["true"] on cri-shim, one after the other, over a spread of containers.
  Floor exec_sample(const std::vector<Target>& targets, int samples) {
    auto runtime = shim_.runtime();
    const auto call = [&](const Target& t) {
      cri::ExecSyncRequest request;
      request.set_container_id(t.container_id);
      request.add_cmd("true");
      request.set_timeout(10);
      cri::ExecSyncResponse response;
      bench::check(runtime->ExecSync(bench::context().get(), request, &response), "ExecSync");
      if (response.exit_code() != 0) throw std::runtime_error("ExecSync true: exit " + std::to_string(response.exit_code()));
    };
    Floor f;
    const double cpu_before = thread_cpu_seconds();
    const auto start = Clock::now();
    const std::size_t stride = std::max<std::size_t>(1, targets.size() / 10);  // 10 containers or so
    for (int i = 0; i < samples; ++i)
      f.wall.add(bench::time_once([&] { call(targets[(i * stride + i / 10) % targets.size()]); }));
    f.elapsed = seconds(Clock::now() - start);
    f.cpu = thread_cpu_seconds() - cpu_before;
    f.calls = samples;
    return f;
  }

  void tear_down(const std::vector<std::string>& names) {
    for (const auto& name : names) {
      const auto reply = http_.del("/pods/" + ns_ + "/" + name);
      if (reply.status != 200)
        throw std::runtime_error("DELETE /pods/" + ns_ + "/" + name + ": " + std::to_string(reply.status) + " " +
                                 reply.body + reply.error);
    }
    const bool gone = support::wait_for(
        [&] {
          const json items = http_.pods();
          for (const auto& name : names)
            if (support::find_pod(items, ns_, name)) return false;
          return sandboxes().empty();
        },
        std::chrono::minutes(5), std::chrono::milliseconds(250));
    if (!gone) throw std::runtime_error("the pods were not torn down within 5 min; agent log:\n" + agent_.log_tail());
  }

  bench::BenchRun& run_;
  support::AgentProcess& agent_;
  support::ShimProcess& shim_;
  support::AgentHttp http_;
  std::string ns_;
  int pods_, containers_;
  int rounds_ = 0;
};

const char* verdict(bool met) { return met ? "met" : "NOT met"; }

double percent(double part, double whole) { return whole > 0 ? part / whole * 100 : 0; }

void print_floor(const char* what, const Floor& f, double window) {
  std::printf("  %-34s %6ld calls  wall p50 %7.0f us  p99 %7.0f us  CPU %5.0f us/call  = %5.2f %% of a core "
              "at the probes' rate\n",
              what, f.calls, f.wall.percentile(50), f.wall.percentile(99), f.cpu / f.calls * 1e6,
              percent(f.cpu, window));
}

}  // namespace

int main(int argc, char** argv) {
  using bench::env_or;
  const int window_seconds = std::max(1, std::stoi(env_or("CRI_SHIM_BENCH_PROBE_SECONDS", "60")));
  const int pods = std::max(1, std::stoi(env_or("CRI_SHIM_BENCH_PROBE_PODS", "20")));
  const int containers = std::clamp(std::stoi(env_or("CRI_SHIM_BENCH_PROBE_CONTAINERS", "5")), 1, 50);
  const int exec_samples = std::max(1, std::stoi(env_or("CRI_SHIM_BENCH_PROBE_EXEC_SAMPLES", "100")));
  std::vector<ProbeKind> phases;
  {
    std::istringstream list(env_or("CRI_SHIM_BENCH_PROBE_PHASES", "idle,httpGet,exec"));
    for (std::string item; std::getline(list, item, ',');) {
      if (item == "idle") phases.push_back(ProbeKind::None);
      else if (item == "httpGet") phases.push_back(ProbeKind::HttpGet);
      else if (item == "exec") phases.push_back(ProbeKind::Exec);
      else {
        std::cerr << "probe-bench: CRI_SHIM_BENCH_PROBE_PHASES: unknown phase " << item << "\n";
        return 2;
      }
    }
  }
  try {
    bench::BenchRun run(argc, argv, "probe-bench", "p");
    support::ShimProcess shim(run.binary(), run.endpoint(), run.shim_args());
    const std::string binary = bench::node_agent_binary(run.binary());
    if (!std::filesystem::exists(binary))
      throw std::runtime_error(binary + " does not exist (build node-agent, or set NODE_AGENT_BINARY)");
    support::AgentProcess agent(binary, "unix://" + shim.socket_path(),
                                {"--log-level", "warn", "--node-name", "bench-node-" + run.tag()});
    ProbeBench bench_run(run, agent, shim, pods, containers);
    std::vector<PhaseFigures> results;
    try {
      for (const auto kind : phases) {
        std::fprintf(stderr, "probe-bench: phase %s: %d pods x %d containers, %d s window\n", name_of(kind), pods,
                     containers, window_seconds);
        results.push_back(bench_run.run_phase(kind, window_seconds, exec_samples));
      }
    } catch (...) {
      agent.stop(SIGKILL);
      bench_run.remove_everything();
      throw;
    }
    agent.stop(SIGTERM);
    if (agent.running()) agent.stop(SIGKILL);
    bench_run.remove_everything();

    const int total = pods * containers;
    std::printf("node-agent probes: %d containers (%d pods x %d), readinessProbe periodSeconds 1, %d s windows, "
                "%u cores\n",
                total, pods, containers, window_seconds, std::thread::hardware_concurrency());
    std::printf("%-8s %9s %9s %10s %9s %9s %9s %9s %11s %11s %9s %10s\n", "phase", "bring-up", "probes",
                "agent CPU", "agent", "agent", "cri-shim", "dockerd", "containerd", "machine", "not ready", "Unhealthy");
    std::printf("%-8s %9s %9s %10s %9s %9s %9s %9s %11s %11s %9s %10s\n", "", "(s)", "(/s)", "(% core)",
                "(us/probe)", "RSS (MiB)", "(% core)", "(% core)", "+shims (%)", "(% of all)", "at end", "events");
    double idle_cpu_rate = -1;
    for (const auto& f : results)
      if (f.kind == ProbeKind::None) idle_cpu_rate = f.agent_cpu / f.window;
    for (const auto& f : results) {
      const double rate = f.probes / f.window;
      // The agent's CPU per probe above its idle baseline (when measured).
      const double per_probe = f.probes > 0 && idle_cpu_rate >= 0
                                   ? (f.agent_cpu / f.window - idle_cpu_rate) / rate * 1e6
                                   : 0;
      std::printf("%-8s %9.1f %9.1f %10.2f %9.0f %9.1f %9.2f %9.2f %11.1f %11.1f %9d %10ld\n", name_of(f.kind),
                  f.bring_up, rate, percent(f.agent_cpu, f.window), per_probe, f.agent_rss_kib / 1024.0,
                  percent(f.shim_cpu, f.window), percent(f.dockerd_cpu, f.window), percent(f.runtime_cpu, f.window),
                  percent(f.machine_busy, f.machine_total), f.not_ready, f.unhealthy);
    }
    for (const auto& f : results) {
      auto field = [&](const char* name) { return f.agent_status.count(name) ? f.agent_status.at(name) : -1L; };
      std::printf("  %-8s agent RSS %.1f MiB = anonymous %.1f + file %.1f, %ld threads; cri-shim RSS %.1f MiB\n",
                  name_of(f.kind), f.agent_rss_kib / 1024.0, field("RssAnon") / 1024.0, field("RssFile") / 1024.0,
                  field("Threads"), f.shim_rss_kib / 1024.0);
    }
    std::printf("  agent us/probe = (agent CPU rate - idle phase's) / probes per second; probes counted by the kernel\n"
                "  (httpGet: TCP PassiveOpens of the pods' network namespaces) or the agent's ExecSync count;\n"
                "  containerd + shims: Docker's containerd and these pods' shims with the runc calls they waited for;\n"
                "  dockerd, containerd and machine are shared with whatever else runs on this host\n");
    for (const auto& f : results) {
      if (f.kind == ProbeKind::HttpGet && f.raw && f.library) {
        std::printf("httpGet: the same %ld GETs from the bench process, one after the other, while the probes run:\n",
                    f.raw->calls);
        print_floor("plain socket (the floor)", *f.raw, f.window);
        print_floor("cpp-httplib, set up as the prober", *f.library, f.window);
      }
      if (f.kind == ProbeKind::Exec && f.exec_direct) {
        std::printf("exec: the agent's ExecSync calls: %.0f in the window (%.1f/s of the %d/s asked), mean %.1f ms "
                    "(its metrics); %.1f calls in flight on average\n",
                    f.exec_count, f.exec_count / f.window, total, f.exec_count > 0 ? f.exec_sum / f.exec_count * 1000 : 0,
                    f.exec_sum / f.window);
        std::printf("  ExecSync [\"true\"] called directly on cri-shim, %ld calls one after the other while the probes "
                    "run: p50 %.1f ms  p99 %.1f ms\n",
                    f.exec_direct->calls, f.exec_direct->wall.percentile(50) / 1000,
                    f.exec_direct->wall.percentile(99) / 1000);
      }
    }
    for (const auto& f : results) {
      if (f.kind != ProbeKind::HttpGet) continue;
      const double cpu = percent(f.agent_cpu, f.window);
      const double rss = f.agent_rss_kib / 1024.0;
      std::printf("goal: node-agent CPU <= %.0f %% of a core with %d httpGet probes/s: %.2f %% at %.1f/s: %s; "
                  "RSS < %.0f MiB: %.1f MiB: %s\n",
                  kCpuGoalPercent, total, cpu, f.probes / f.window, verdict(cpu <= kCpuGoalPercent), kRssGoalMiB, rss,
                  verdict(rss < kRssGoalMiB));
    }
  } catch (const std::exception& e) {
    std::cerr << "probe-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
