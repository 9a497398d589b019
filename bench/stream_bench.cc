// Benchmarks cri-shim's streaming server against Docker's own exec stream,
// in one run, on the same running container (issue 4, Figures):
//
// 1. Throughput: `head -c <N> /dev/zero` (512 MiB unless
//    CRI_SHIM_BENCH_STREAM_MIB says otherwise) run
//      shim: CRI Exec -> URL -> WebSocket (v4.channel.k8s.io), and again
//            over SPDY/3.1 (v4), stdout read to the end and the exit
//            Status checked;
//      raw:  exec create + start (hijacked, the multiplexed stream read to
//            its end) + exec inspect, straight to dockerd;
//    interleaved (each round starts with the next path),
//    CRI_SHIM_BENCH_STREAM_ROUNDS rounds (default 5). Prints MiB/s of each,
//    the ratio of the medians to raw (goal: at least 0.8) and the shim's
//    CPU time per GiB streamed.
// 2. Concurrency: CRI_SHIM_BENCH_SESSIONS (default 50) clients at once, each
//    running `echo start; sleep 1; echo done` through its own Exec URL;
//    every one must give exactly that output and a Success status. Prints
//    the wall time, the errors (must be 0), and the shim's RSS and thread
//    count before, at peak and after (the threads must come back down).
//
// Run through scripts/bench.sh, which provides dockerd and the test image.
// Exit status 1 when a command gave wrong output, a session failed or the
// shim kept threads 10 s after the sessions ended; figures below their
// goal are reported, not failed.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <latch>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_run.h"
#include "bench/bench_util.h"
#include "bench/cri_call.h"
#include "bench/cri_pods.h"
#include "bench/spdy_exec_client.h"
#include "bench/ws_exec_client.h"
#include "docker-client/client.h"
#include "tests/support/shim_process.h"

namespace {

constexpr double kThroughputGoal = 0.8;

using Clock = std::chrono::steady_clock;

// The "Threads:" line of /proc/<pid>/status; -1 when unreadable.
long thread_count(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("Threads:", 0) == 0) return std::stol(line.substr(8));
  return -1;
}

// User plus system CPU time of a process so far, from /proc/<pid>/stat.
double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start at ") ".
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  return n == 0 ? 0 : n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string exec_url(cri::RuntimeService::Stub& runtime, const std::string& container,
                     const std::vector<std::string>& cmd) {
  cri::ExecRequest request;
  request.set_container_id(container);
  for (const auto& arg : cmd) request.add_cmd(arg);
  request.set_stdout(true);
  request.set_stderr(true);
  cri::ExecResponse response;
  bench::check(runtime.Exec(bench::context().get(), request, &response), "Exec");
  return response.url();
}

// One way of running the command and reading its stdout to the end.
struct Path {
  std::string name;
  bool through_shim = false;
  std::vector<double> rates;  // MiB/s, one per round
  double shim_cpu_seconds = 0;  // the shim process's CPU during its runs
  double mib = 0;               // what those runs streamed
};

std::vector<Path> measure_throughput(pid_t shim_pid, cri::RuntimeService::Stub& runtime,
                                     docker::Client& docker, const std::string& container,
                                     std::uint64_t bytes, int rounds) {
  const std::vector<std::string> cmd = {"head", "-c", std::to_string(bytes), "/dev/zero"};
  const double mib = static_cast<double>(bytes) / (1 << 20);
  using Client = bench::ExecResult (*)(const std::string&, std::size_t);
  auto shim_run = [&](Client client, const char* protocol) {
    const auto result = client(exec_url(runtime, container, cmd), 256);
    if (result.stdout_bytes != bytes || result.stderr_bytes != 0 || !bench::status_is_success(result.status))
      throw std::runtime_error(std::string("shim exec over ") + protocol + ": " +
                               std::to_string(result.stdout_bytes) + " bytes of stdout, " +
                               std::to_string(result.stderr_bytes) + " of stderr (\"" + result.stderr_head +
                               "\"), status " + result.status);
  };
  auto raw_run = [&] {
    docker::ExecConfig exec;
    exec.cmd = cmd;
    const std::string id = docker.create_exec(container, exec);
    auto stream = docker.start_exec(id, false, {});
    std::uint64_t out = 0, err = 0;
    while (auto chunk = stream->read({}))
      (chunk->stream == docker::StreamKind::Stdout ? out : err) += chunk->data.size();
    const int exit_code = docker.inspect_exec(id).exit_code.value_or(-1);
    if (out != bytes || err != 0 || exit_code != 0)
      throw std::runtime_error("raw exec: " + std::to_string(out) + " bytes of stdout, " +
                               std::to_string(err) + " of stderr, exit code " + std::to_string(exit_code));
  };
  std::vector<Path> paths(3);
  paths[0].name = "shim: Exec URL, WebSocket v4";
  paths[1].name = "shim: Exec URL, SPDY/3.1 v4";
  paths[2].name = "raw: exec create+start+inspect";
  paths[0].through_shim = paths[1].through_shim = true;
  const std::vector<std::function<void()>> runs = {
      [&] { shim_run(bench::run_exec_over_websocket, "WebSocket"); },
      [&] { shim_run(bench::run_exec_over_spdy, "SPDY"); }, raw_run};
  for (int round = 0; round < rounds; ++round) {
    // Each round starts with another path, so none always follows the same.
    for (std::size_t k = 0; k < paths.size(); ++k) {
      const std::size_t i = (k + static_cast<std::size_t>(round)) % paths.size();
      const double cpu_start = cpu_seconds(shim_pid);
      const auto start = Clock::now();
      runs[i]();
      paths[i].rates.push_back(mib / seconds(Clock::now() - start));
      paths[i].shim_cpu_seconds += cpu_seconds(shim_pid) - cpu_start;
      paths[i].mib += mib;
    }
    std::cerr << "stream-bench: round " << round << ":";
    for (const auto& path : paths) std::cerr << " " << path.rates.back();
    std::cerr << " MiB/s\n";
  }
  return paths;
}

struct ConcurrencyFigures {
  int sessions = 0, errors = 0;
  std::string first_error;
  double wall_seconds = 0;
  double raw_wall_seconds = 0;  // the same commands as raw Docker execs at once
  long threads_before = 0, threads_peak = 0, threads_after = 0;
  long rss_before = 0, rss_peak = 0, rss_after = 0;  // KiB
  double seconds_to_settle = 0;
};

const std::vector<std::string> kConcurrentCommand = {"sh", "-c", "echo start; sleep 1; echo done"};

// Runs `body(i)` on `count` threads that start together; returns the wall
// time from the start until the last one ended.
double run_at_once(int count, const std::function<void(int)>& body) {
  std::latch go(count + 1);
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i)
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      body(i);
    });
  const auto start = Clock::now();
  go.arrive_and_wait();
  for (auto& thread : threads) thread.join();
  return seconds(Clock::now() - start);
}

// The wall time of `sessions` raw Docker execs of kConcurrentCommand at
// once (create + start hijacked, read to the end + inspect), for scale.
double raw_concurrent_execs(docker::Client& docker, const std::string& container, int sessions) {
  std::atomic<int> failures{0};
  const double wall = run_at_once(sessions, [&](int) {
    try {
      docker::ExecConfig exec;
      exec.cmd = kConcurrentCommand;
      const std::string id = docker.create_exec(container, exec);
      auto stream = docker.start_exec(id, false, {});
      std::string out;
      while (auto chunk = stream->read({})) out += chunk->data;
      if (out != "start\ndone\n" || docker.inspect_exec(id).exit_code.value_or(-1) != 0) ++failures;
    } catch (const std::exception&) {
      ++failures;
    }
  });
  if (failures > 0) throw std::runtime_error(std::to_string(failures.load()) + " raw concurrent execs failed");
  return wall;
}

ConcurrencyFigures run_concurrent_sessions(support::ShimProcess& shim,
                                           cri::RuntimeService::Stub& runtime,
                                           const std::string& container, int sessions) {
  const auto& cmd = kConcurrentCommand;
  ConcurrencyFigures figures;
  figures.sessions = sessions;
  figures.threads_before = thread_count(shim.pid());
  figures.rss_before = shim.rss_kib();

  // Samples the shim while the sessions run: the peak is what they cost.
  std::atomic<bool> sampling{true};
  std::atomic<long> threads_peak{figures.threads_before}, rss_peak{figures.rss_before};
  std::thread sampler([&] {
    while (sampling) {
      threads_peak = std::max(threads_peak.load(), thread_count(shim.pid()));
      rss_peak = std::max(rss_peak.load(), shim.rss_kib());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  std::mutex errors_mutex;
  figures.wall_seconds = run_at_once(sessions, [&](int) {
    std::string error;
    try {
      const auto result = bench::run_exec_over_websocket(exec_url(runtime, container, cmd), 1024);
      if (result.stdout_head != "start\ndone\n" || result.stderr_bytes != 0 ||
          !bench::status_is_success(result.status))
        error = "output \"" + result.stdout_head + "\", stderr \"" + result.stderr_head + "\", status " +
                result.status;
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (!error.empty()) {
      std::lock_guard lock(errors_mutex);
      if (figures.errors++ == 0) figures.first_error = error;
    }
  });
  sampling = false;
  sampler.join();
  figures.threads_peak = threads_peak;
  figures.rss_peak = rss_peak;

  // Connection threads end once their sessions have closed: give them a
  // moment, then report what is left.
  const auto settle_start = Clock::now();
  while (thread_count(shim.pid()) > figures.threads_before &&
         Clock::now() - settle_start < std::chrono::seconds(10))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  figures.seconds_to_settle = seconds(Clock::now() - settle_start);
  figures.threads_after = thread_count(shim.pid());
  figures.rss_after = shim.rss_kib();
  return figures;
}

}  // namespace

int main(int argc, char** argv) {
  using bench::env_or;
  const std::uint64_t bytes = std::stoull(env_or("CRI_SHIM_BENCH_STREAM_MIB", "512")) << 20;
  const int rounds = std::stoi(env_or("CRI_SHIM_BENCH_STREAM_ROUNDS", "5"));
  const int sessions = std::stoi(env_or("CRI_SHIM_BENCH_SESSIONS", "50"));
  try {
    bench::BenchRun run(argc, argv, "stream-bench", "s");
    auto& docker = run.docker();
    support::ShimProcess shim(run.binary(), run.endpoint(), run.shim_args());
    auto runtime = shim.runtime();
    bench::CriPods cri(*runtime, run.tag(), run.dir() + "/logs", run.image());
    const auto config = cri.sandbox_config(0);
    const std::string sandbox = cri.run_pod_sandbox(config);
    const std::string container = cri.create_container(sandbox, config);
    cri.start_container(container);

    // One small warm-up round: first-use costs (connections, page cache)
    // are nobody's throughput.
    measure_throughput(shim.pid(), *runtime, docker, container, 16 << 20, 1);
    const auto paths = measure_throughput(shim.pid(), *runtime, docker, container, bytes, rounds);
    auto concurrency = run_concurrent_sessions(shim, *runtime, container, sessions);
    concurrency.raw_wall_seconds = raw_concurrent_execs(docker, container, sessions);
    cri.stop_pod_sandbox(sandbox);
    cri.remove_pod_sandbox(sandbox);

    std::printf("cri-shim streaming server vs raw Docker exec stream: stdout of `head -c %llu /dev/zero`"
                " x %d rounds, interleaved\n",
                static_cast<unsigned long long>(bytes), rounds);
    std::printf("%-32s %9s %9s %9s %9s %12s\n", "path", "median", "min", "max", "x raw", "shim CPU");
    std::printf("%-32s %9s %9s %9s %9s %12s\n", "", "(MiB/s)", "(MiB/s)", "(MiB/s)", "(median)", "(s per GiB)");
    const double raw_median = median(paths.back().rates);
    for (const auto& path : paths) {
      const double ratio = median(path.rates) / raw_median;
      std::printf("%-32s %9.0f %9.0f %9.0f %9.2f", path.name.c_str(), median(path.rates),
                  *std::min_element(path.rates.begin(), path.rates.end()),
                  *std::max_element(path.rates.begin(), path.rates.end()), ratio);
      if (path.through_shim)
        std::printf(" %12.2f  goal >= %.2f: %s", path.shim_cpu_seconds / (path.mib / 1024), kThroughputGoal,
                    ratio >= kThroughputGoal ? "met" : "NOT met");
      std::printf("\n");
    }

    const auto& c = concurrency;
    std::printf("\n%d concurrent exec sessions (`echo start; sleep 1; echo done` over WebSocket v4)\n",
                c.sessions);
    std::printf("wall time %.2f s (raw Docker execs of the same, at once: %.2f s), errors %d%s%s\n",
                c.wall_seconds, c.raw_wall_seconds, c.errors, c.errors ? ", first: " : "",
                c.first_error.c_str());
    std::printf("%-10s %10s %10s %10s\n", "cri-shim", "before", "peak", "after");
    std::printf("%-10s %10ld %10ld %10ld   (after: %.2f s to settle; %s)\n", "threads", c.threads_before,
                c.threads_peak, c.threads_after, c.seconds_to_settle,
                c.threads_after <= c.threads_before ? "back down" : "NOT back down");
    std::printf("%-10s %10.1f %10.1f %10.1f\n", "RSS (MiB)", c.rss_before / 1024.0, c.rss_peak / 1024.0,
                c.rss_after / 1024.0);
    // A session that failed, or threads that outlive their sessions, is a
    // bug, not a slow figure.
    if (c.errors > 0 || c.threads_after > c.threads_before) return 1;
  } catch (const std::exception& e) {
    std::cerr << "stream-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
