// Benchmarks cri-shim's stats against Docker's own stats API, in one run,
// interleaved; prints p50/p95 and the ratios.
//
// With 100 pods present (each a sandbox and a running container):
// ListContainerStats over all of them beside one Docker
// GET /containers/{id}/stats?stream=false&one-shot=true per container
// (what a client of Docker's API must do for the same figures);
// ListPodSandboxStats beside the same; ContainerStats of one container
// beside one such call. Then a few calls of Docker's stats without
// one-shot, which waits for a second sample. Goal: ListContainerStats over
// 100 containers under 50 ms p50. Run through scripts/bench.sh, which
// provides dockerd and the test image.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/bench_run.h"
#include "bench/bench_util.h"
#include "bench/cri_call.h"
#include "bench/cri_pods.h"
#include "docker-client/client.h"
#include "tests/support/shim_process.h"

namespace {

constexpr double kListGoalMs = 50;

int list_container_stats(cri::RuntimeService::Stub& runtime) {
  cri::ListContainerStatsResponse response;
  bench::check(runtime.ListContainerStats(bench::context().get(), {}, &response), "ListContainerStats");
  return response.stats_size();
}

int list_pod_sandbox_stats(cri::RuntimeService::Stub& runtime) {
  cri::ListPodSandboxStatsResponse response;
  bench::check(runtime.ListPodSandboxStats(bench::context().get(), {}, &response), "ListPodSandboxStats");
  return response.stats_size();
}

void container_stats(cri::RuntimeService::Stub& runtime, const std::string& id) {
  cri::ContainerStatsRequest request;
  request.set_container_id(id);
  cri::ContainerStatsResponse response;
  bench::check(runtime.ContainerStats(bench::context().get(), request, &response), "ContainerStats");
}

// GET `path` from dockerd's unix socket with HTTP/1.0 (the reply ends at
// EOF); the client library only offers one-shot stats. Returns the bytes read.
std::size_t http_get(const std::string& endpoint, const std::string& path) {
  const std::string prefix = "unix://";
  if (endpoint.compare(0, prefix.size(), prefix) != 0)
    throw std::runtime_error("stats-bench: Docker's stats without one-shot need a unix endpoint");
  const std::string socket_path = endpoint.substr(prefix.size());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot connect to " + socket_path);
  }
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n";
  if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    throw std::runtime_error("write to dockerd failed");
  }
  std::size_t total = 0;
  char buffer[16384];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) total += static_cast<std::size_t>(n);
  ::close(fd);
  if (total == 0) throw std::runtime_error("dockerd sent nothing for " + path);
  return total;
}

double seconds_since(std::chrono::steady_clock::time_point begin) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

}  // namespace

int main(int argc, char** argv) {
  using bench::env_or;
  // The raw side of a list row is 100 Docker calls of up to a second each:
  // it is timed CRI_SHIM_BENCH_STATS_RAW_ROUNDS times, the shim's side
  // CRI_SHIM_BENCH_STATS_ITERATIONS times.
  const int iterations = std::stoi(env_or("CRI_SHIM_BENCH_STATS_ITERATIONS", "100"));
  const int raw_rounds = std::stoi(env_or("CRI_SHIM_BENCH_STATS_RAW_ROUNDS", "3"));
  const int single_iterations = std::stoi(env_or("CRI_SHIM_BENCH_STATS_SINGLE", "30"));
  const int present = std::stoi(env_or("CRI_SHIM_BENCH_PODS", "100"));
  try {
    bench::BenchRun run_scope(argc, argv, "stats-bench", "t");
    auto& docker = run_scope.docker();
    support::ShimProcess shim(run_scope.binary(), run_scope.endpoint(), run_scope.shim_args());
    auto runtime = shim.runtime();
    bench::CriPods cri(*runtime, run_scope.tag(), run_scope.dir() + "/logs", run_scope.image());

    const auto begin = std::chrono::steady_clock::now();
    std::vector<std::string> containers;
    for (int n = 0; n < present; ++n) {
      const auto config = cri.sandbox_config(n);
      const auto sandbox = cri.run_pod_sandbox(config);
      const auto container = cri.create_container(sandbox, config);
      cri.start_container(container);
      containers.push_back(container);
    }
    std::cerr << "stats-bench: " << present << " pods made in " << seconds_since(begin) << " s\n";
    // Other clients' containers may be running too; ours must all be listed.
    if (list_container_stats(*runtime) < present || list_pod_sandbox_stats(*runtime) < present)
      throw std::runtime_error("the shim's stats miss some of the " + std::to_string(present) + " pods");

    auto raw_all = [&] {
      for (const auto& id : containers) docker.container_stats(id);
    };
    const std::string with = " (" + std::to_string(present) + " pods)";
    const std::string raw_all_text =
        std::to_string(present) + " x GET /containers/{id}/stats?stream=false&one-shot=true";
    // Docker's stats take up to a second per container, so a list row's raw
    // side (all the containers, one after the other) is timed only a few
    // times, interleaved with the shim's calls.
    auto list_row = [&](const std::string& name, const std::function<void()>& shim_call) {
      bench::Comparison row{name, {}, {}, raw_all_text};
      for (int i = 0; i < 2; ++i) shim_call();
      const int per_raw = std::max(1, iterations / raw_rounds);
      for (int round = 0; round < raw_rounds; ++round) {
        for (int i = 0; i < per_raw; ++i) row.shim.add(bench::time_once(shim_call));
        row.raw.add(bench::time_once(raw_all));
      }
      return row;
    };
    std::vector<bench::Comparison> rows;
    rows.push_back(list_row("ListContainerStats" + with, [&] { list_container_stats(*runtime); }));
    rows.push_back(list_row("ListPodSandboxStats" + with, [&] { list_pod_sandbox_stats(*runtime); }));
    int next = 0;
    rows.push_back(bench::compare(
        "ContainerStats", 2, single_iterations,
        [&] { container_stats(*runtime, containers[next % present]); },
        [&] { docker.container_stats(containers[(next++) % present]); },
        "GET /containers/{id}/stats?stream=false&one-shot=true"));
    bench::Samples sampled;
    for (int i = 0; i < 3; ++i)
      sampled.add(bench::time_once([&] {
        http_get(run_scope.endpoint(), "/containers/" + containers[i % present] + "/stats?stream=false");
      }));

    std::printf("\nstats-bench: %d pods, each a sandbox and a running container\n", present);
    bench::print_header();
    for (const auto& row : rows) bench::print_row(row, 0);
    bench::print_equivalents(rows);
    std::printf("Docker GET /containers/{id}/stats?stream=false (no one-shot), one container: "
                "p50 %.0f us over 3 calls\n",
                sampled.percentile(50));
    const double list_p50_ms = rows[0].shim.percentile(50) / 1000.0;
    std::printf("ListContainerStats over %d containers: p50 %.1f ms  goal < %.0f ms: %s\n", present,
                list_p50_ms, kListGoalMs, list_p50_ms < kListGoalMs ? "met" : "NOT met");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stats-bench: " << e.what() << "\n";
    return 1;
  }
}
