// Benchmarks ExecSync against the raw Docker calls that do the same job, in
// one run, interleaved, on the same running container: kubelet's exec probe
// (`echo hi`, a timeout set) through cri-shim beside exec create, start
// (hijacked, read to its end) and inspect straight to dockerd. Prints
// p50/p95 and the ratios; the goal is a p50 ratio of at most 1.10. Run
// through scripts/bench.sh, which provides dockerd and the test image.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>

#include "bench/bench_run.h"
#include "bench/bench_util.h"
#include "bench/cri_call.h"
#include "bench/cri_pods.h"
#include "docker-client/client.h"
#include "tests/support/shim_process.h"

namespace {

constexpr double kExecSyncGoal = 1.10;

void expect_hi(const std::string& out, int exit_code, const char* who) {
  if (out != "hi\n" || exit_code != 0)
    throw std::runtime_error(std::string(who) + ": echo hi gave \"" + out + "\", exit code " +
                             std::to_string(exit_code));
}

}  // namespace

int main(int argc, char** argv) {
  using bench::env_or;
  const int iterations = std::stoi(env_or("CRI_SHIM_BENCH_ITERATIONS", "300"));
  try {
    bench::BenchRun run(argc, argv, "exec-bench", "x");
    auto& docker = run.docker();
    support::ShimProcess shim(run.binary(), run.endpoint(), run.shim_args());
    auto runtime = shim.runtime();
    bench::CriPods cri(*runtime, run.tag(), run.dir() + "/logs", run.image());
    const auto config = cri.sandbox_config(0);
    const std::string sandbox = cri.run_pod_sandbox(config);
    const std::string container = cri.create_container(sandbox, config);
    cri.start_container(container);

    auto shim_exec = [&] {
      cri::ExecSyncRequest request;
      request.set_container_id(container);
      request.add_cmd("echo");
      request.add_cmd("hi");
      request.set_timeout(10);  // as kubelet's probes always set one
      cri::ExecSyncResponse response;
      bench::check(runtime->ExecSync(bench::context().get(), request, &response), "ExecSync");
      expect_hi(response.stdout(), response.exit_code(), "ExecSync");
    };
    auto raw_exec = [&] {
      docker::ExecConfig exec;
      exec.cmd = {"echo", "hi"};
      const std::string id = docker.create_exec(container, exec);
      auto stream = docker.start_exec(id, false, {});
      std::string out;
      while (auto chunk = stream->read({})) out += chunk->data;
      expect_hi(out, docker.inspect_exec(id).exit_code.value_or(-1), "raw exec");
    };
    const auto result = bench::compare("ExecSync (echo hi)", 20, iterations, shim_exec, raw_exec,
                                       "exec create + start (hijacked, read to EOF) + exec inspect");
    cri.stop_pod_sandbox(sandbox);
    cri.remove_pod_sandbox(sandbox);

    std::printf("cri-shim vs raw Docker API: ExecSync x %d, interleaved\n", iterations);
    bench::print_header();
    bench::print_row(result, kExecSyncGoal);
    bench::print_equivalents({result});
  } catch (const std::exception& e) {
    std::cerr << "exec-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
