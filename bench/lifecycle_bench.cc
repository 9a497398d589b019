// Benchmarks cri-shim's pod and container lifecycle against the raw Docker
// API calls that do the same job (bench/raw_pods.h says which), in one run,
// interleaved; prints p50/p95, the ratios and the shim's RSS.
//
// With 110 pods present (kubelet's default maximum; each a sandbox and a
// running container, so 110 log followers): ListPodSandbox, ListContainers
// and ContainerStatus of a running container, then the shim's RSS. Then,
// still with those pods present, whole pod lifecycles one step at a time,
// each step timed beside its raw equivalent on a raw pod at the same stage:
// RunPodSandbox, CreateContainer, StartContainer, ContainerStatus right
// after the start, StopContainer (timeout 0), ContainerStatus of the exited
// container, RemoveContainer, StopPodSandbox, RemovePodSandbox. The lists,
// Version and ContainerStatus are also timed beside replay-cri-server, a
// server that sends cri-shim's recorded answers and does nothing else: the
// floor of a gRPC call on this machine. Run through
// scripts/bench.sh, which provides dockerd and the test image; the shim runs
// with a temporary --root-dir.
//
// Goals (issue 12): lists p50 <= 1 ms; ContainerStatus p50 <= 0.6 x one
// inspect; every lifecycle step <= 1.10 x its raw calls; RSS <= 12 MiB idle,
// <= 20 MiB with the pods.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/bench_run.h"
#include "bench/bench_util.h"
#include "bench/cri_call.h"
#include "bench/cri_pods.h"
#include "bench/raw_pods.h"
#include "bench/replay_answers.h"
#include "docker-client/client.h"
#include "tests/support/shim_process.h"

namespace {

constexpr double kLifecycleGoal = 1.10;
constexpr double kStatusGoal = 0.6;       // x one inspect: answered from memory
constexpr double kListGoalMicros = 1000;  // p50, whatever the raw list costs
constexpr double kRssGoalMiB = 20;
constexpr double kIdleRssGoalMiB = 12;

struct Goaled {
  bench::Comparison comparison;
  double goal;              // ratio to raw at p50; 0: none
  double goal_micros = 0;   // absolute p50; 0: none
};

// Everything this run made, removed however main ends: every container
// whose Docker name carries the run's tag (shim pods and raw pods alike),
// and the temporary directory (--root-dir, log files).
double seconds_since(std::chrono::steady_clock::time_point begin) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

struct ShimPod {
  std::string sandbox, container;
};

}  // namespace

int main(int argc, char** argv) {
  using bench::env_or;
  const int iterations = std::stoi(env_or("CRI_SHIM_BENCH_ITERATIONS", "300"));
  // A pod lifecycle costs about a second of Docker work per side.
  const int cycles = std::stoi(env_or("CRI_SHIM_BENCH_CYCLES", std::to_string(std::max(20, iterations / 5))));
  // The goals are for 100 pods; fewer make a quick trial run.
  const int present = std::stoi(env_or("CRI_SHIM_BENCH_PODS", "110"));
  try {
    bench::BenchRun run_scope(argc, argv, "lifecycle-bench", "r");
    auto& docker = run_scope.docker();
    const std::string& run = run_scope.tag();
    const std::string& dir = run_scope.dir();
    const std::string& image = run_scope.image();
    support::ShimProcess shim(run_scope.binary(), run_scope.endpoint(), run_scope.shim_args());
    const long rss_idle = shim.rss_kib();
    auto runtime = shim.runtime();
    bench::CriPods cri(*runtime, run, dir + "/logs", image);

    const auto begin = std::chrono::steady_clock::now();
    // ---- 100 pods, each with a running container (and its log follower)
    std::vector<ShimPod> pods;
    for (int n = 0; n < present; ++n) {
      const auto config = cri.sandbox_config(n);
      ShimPod pod;
      pod.sandbox = cri.run_pod_sandbox(config);
      pod.container = cri.create_container(pod.sandbox, config);
      cri.start_container(pod.container);
      pods.push_back(pod);
    }
    std::cerr << "lifecycle-bench: " << present << " pods made in " << seconds_since(begin) << " s\n";
    bench::RawPods raw(docker, run, docker.inspect_container(pods[0].sandbox),
                       docker.inspect_container(pods[0].container), image);

    std::vector<Goaled> results;
    const std::string with = " (" + std::to_string(present) + " pods)";
    // kubelet lists once a second: each list timed after a pause, not in
    // the wake of the other side's (bench_util.h's gap).
    constexpr auto kListGap = std::chrono::milliseconds(20);
    // The floor under every figure below: one CRI round trip that does no
    // work, beside Docker's own (a ping), both after the same pause.
    results.push_back({bench::compare("round trip (Version)", 10, iterations,
                                      [&] { bench::round_trip_without_work(*runtime); },
                                      [&] { docker.ping(); }, "GET /_ping", kListGap),
                       0, 0});
    results.push_back({bench::compare("ListPodSandbox" + with, 10, iterations,
                                      [&] { cri.list_pod_sandbox(); },
                                      [&] { raw.list("podsandbox"); }, bench::RawPods::kList, kListGap),
                       0, kListGoalMicros});
    results.push_back({bench::compare("ListContainers" + with, 10, iterations,
                                      [&] { cri.list_containers(); },
                                      [&] { raw.list("container"); }, bench::RawPods::kList, kListGap),
                       0, kListGoalMicros});
    int next = 0;
    results.push_back(
        {bench::compare("ContainerStatus (running)", 10, iterations,
                        [&] { cri.container_status(pods[next % present].container); },
                        [&] { raw.container_status(pods[(next++) % present].container); },
                        bench::RawPods::kContainerStatus, std::chrono::milliseconds(5)),
         kStatusGoal});
    // Other clients' pods may be there too; ours must all be.
    const int listed_pods = cri.list_pod_sandbox(), listed_containers = cri.list_containers();
    if (listed_pods < present || listed_containers < present)
      throw std::runtime_error("the shim lists " + std::to_string(listed_pods) + " sandboxes and " +
                               std::to_string(listed_containers) + " containers, not the " +
                               std::to_string(present) + " pods made");
    const long rss_pods = shim.rss_kib();

    // The same calls beside a server that does no work and sends cri-shim's
    // own answers (replay_cri_server.cc): what a gRPC call costs on this
    // machine whatever the server does, and how much of it is cri-shim's.
    {
      const std::string recorded = dir + "/replay";
      bench::record_replay_answers(*runtime, pods[0].container, recorded);
      support::ShimProcess replay(bench::replay_server_binary(), run_scope.endpoint(), {"--replay", recorded});
      auto ideal = replay.runtime();
      bench::CriPods ideal_cri(*ideal, run, dir + "/logs", image);
      const std::string same = "the same answer from replay-cri-server (a gRPC server that does no work)";
      results.push_back({bench::compare("Version (vs replay)", 10, iterations,
                                        [&] { bench::round_trip_without_work(*runtime); },
                                        [&] { bench::round_trip_without_work(*ideal); }, same, kListGap),
                         0});
      results.push_back({bench::compare("ListPodSandbox (vs replay)", 10, iterations, [&] { cri.list_pod_sandbox(); },
                                        [&] { ideal_cri.list_pod_sandbox(); }, same, kListGap),
                         0});
      results.push_back({bench::compare("ListContainers (vs replay)", 10, iterations, [&] { cri.list_containers(); },
                                        [&] { ideal_cri.list_containers(); }, same, kListGap),
                         0});
      int next_status = 0;
      results.push_back({bench::compare("ContainerStatus (vs replay)", 10, iterations,
                                        [&] { cri.container_status(pods[(next_status++) % present].container); },
                                        [&] { ideal_cri.container_status(pods[0].container); }, same,
                                        std::chrono::milliseconds(5)),
                         0});
      // The floor of the status goal: the do-nothing server's answer beside
      // the inspect, interleaved as the row "ContainerStatus (running)" is
      // (dockerd's work between two calls slows the next gRPC call too).
      int next_inspect = 0;
      results.push_back({bench::compare("replay's ContainerStatus (vs inspect)", 10, iterations,
                                        [&] { ideal_cri.container_status(pods[0].container); },
                                        [&] { raw.container_status(pods[(next_inspect++) % present].container); },
                                        bench::RawPods::kContainerStatus, std::chrono::milliseconds(5)),
                         0});
    }
    std::cerr << "lifecycle-bench: lists and status done at " << seconds_since(begin) << " s\n";

    // ---- whole lifecycles, step by step, beside raw pods at the same step
    using bench::Comparison;
    Comparison run_sandbox{"RunPodSandbox", {}, {}, bench::RawPods::kRunPodSandbox};
    Comparison create{"CreateContainer", {}, {}, bench::RawPods::kCreateContainer};
    Comparison start{"StartContainer", {}, {}, bench::RawPods::kStartContainer};
    Comparison status_started{"ContainerStatus (started)", {}, {}, bench::RawPods::kContainerStatus};
    Comparison stop{"StopContainer (timeout 0)", {}, {}, bench::RawPods::kStopContainer};
    Comparison status_exited{"ContainerStatus (exited)", {}, {}, bench::RawPods::kContainerStatus};
    Comparison remove{"RemoveContainer", {}, {}, bench::RawPods::kRemoveContainer};
    Comparison stop_sandbox{"StopPodSandbox", {}, {}, bench::RawPods::kStopPodSandbox};
    Comparison remove_sandbox{"RemovePodSandbox", {}, {}, bench::RawPods::kRemovePodSandbox};
    constexpr int kWarmup = 2;
    for (int i = 0; i < kWarmup + cycles; ++i) {
      Comparison scratch;
      auto into = [&](Comparison& c) -> Comparison& { return i < kWarmup ? scratch : c; };
      const int n = present + i;
      const auto config = cri.sandbox_config(n);
      ShimPod s;
      ShimPod r;
      bench::measure_pair(into(run_sandbox), i, [&] { s.sandbox = cri.run_pod_sandbox(config); },
                          [&] { r.sandbox = raw.run_pod_sandbox(n); });
      bench::measure_pair(into(create), i,
                          [&] { s.container = cri.create_container(s.sandbox, config); },
                          [&] { r.container = raw.create_container(r.sandbox); });
      bench::measure_pair(into(start), i, [&] { cri.start_container(s.container); },
                          [&] { raw.start_container(r.container); });
      bench::measure_pair(into(status_started), i, [&] { cri.container_status(s.container); },
                          [&] { raw.container_status(r.container); });
      bench::measure_pair(into(stop), i, [&] { cri.stop_container(s.container, 0); },
                          [&] { raw.stop_container(r.container); });
      bench::measure_pair(into(status_exited), i, [&] { cri.container_status(s.container); },
                          [&] { raw.container_status(r.container); });
      bench::measure_pair(into(remove), i, [&] { cri.remove_container(s.container); },
                          [&] { raw.remove_container(r.container); });
      bench::measure_pair(into(stop_sandbox), i, [&] { cri.stop_pod_sandbox(s.sandbox); },
                          [&] { raw.stop_pod_sandbox(r.sandbox); });
      bench::measure_pair(into(remove_sandbox), i, [&] { cri.remove_pod_sandbox(s.sandbox); },
                          [&] { raw.remove_pod_sandbox(r.sandbox); });
    }
    for (auto* c : {&run_sandbox, &create, &start, &status_started, &stop, &status_exited, &remove, &stop_sandbox,
                    &remove_sandbox}) {
      const bool status = c == &status_started || c == &status_exited;
      if (cycles > 0) results.push_back({std::move(*c), status ? kStatusGoal : kLifecycleGoal});
    }
    const long rss_after = shim.rss_kib();
    std::cerr << "lifecycle-bench: lifecycles done at " << seconds_since(begin) << " s\n";

    for (const auto& pod : pods) cri.remove_pod_sandbox(pod.sandbox);

    std::printf("cri-shim vs raw Docker API: lists and status x %d with %d pods present; "
                "%d pod lifecycles; interleaved\n",
                iterations, present, cycles);
    bench::print_header();
    std::vector<bench::Comparison> rows;
    for (const auto& [comparison, goal, goal_micros] : results) {
      bench::print_row(comparison, goal, goal_micros);
      rows.push_back(comparison);
    }
    bench::print_equivalents(rows);
    bench::print_rss("idle", rss_idle, kIdleRssGoalMiB);
    bench::print_rss(("with " + std::to_string(present) + " pods (" + std::to_string(present) +
                      " log followers)").c_str(),
                     rss_pods, kRssGoalMiB);
    bench::print_rss("after the lifecycles", rss_after, 0);
  } catch (const std::exception& e) {
    std::cerr << "lifecycle-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
