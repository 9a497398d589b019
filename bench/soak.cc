// The soak (issue 16): pods created and deleted through cri-shim at a steady
// rate for a long time, with ExecSync, log reads and rotations
// (ReopenContainerLog) and stats calls mixed in. Every sample period it
// records what a leak would make grow: the shim's RSS, malloc's bytes in
// use and kept free, its CPU (bench/cpu_share.h), open fds and threads, its
// log copy's followers, pump timers and watched streams (Status verbose),
// the run's Docker containers, and the files under the log and root dirs. At the end every
// pod is removed through CRI and nothing of the run may be left. The pace
// and the verdict are bench/soak_run.h's and bench/soak_series.h's.
//
// Usage: soak CRI_SHIM_BINARY
//   CRI_SHIM_TEST_IMAGE              the busybox image (scripts/with-test-env.sh)
//   CRI_SHIM_SOAK_MINUTES            how long (60)
//   CRI_SHIM_SOAK_PODS_PER_SECOND    the creation rate (2)
//   CRI_SHIM_SOAK_POD_SECONDS        how long each pod lives (15)
//   CRI_SHIM_SOAK_SAMPLE_SECONDS     the sample period (60)
// Exit code 0 when every judged series stayed flat and nothing was left.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "bench/cpu_share.h"
#include "bench/cri_call.h"
#include "bench/soak_run.h"
#include "bench/soak_series.h"
#include "docker-client/client.h"
#include "tests/support/shim_process.h"

namespace {

namespace fs = std::filesystem;

// Prints a numbered line every 200 ms; exits at once on SIGTERM.
const char* const kPrinter = "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo $i; sleep 0.2; done";

struct LivePod {
  std::string sandbox_id, container_id, log_path;
};

struct Sample {
  double minute = 0;
  long pods_made = 0, live = 0, errors = 0;
  double rss_mib = 0, heap_in_use_mib = 0, heap_free_mib = 0, cpu_percent = 0;
  long fds = 0, threads = 0, followers = 0, pump_timers = 0, pump_streams = 0, docker_objects = 0,
       log_files = 0, root_files = 0, store_objects = 0;

  // The table's columns; row() gives the values in this order. Judged:
  // what a leak grows (malloc's kept-free bytes only follow its in-use ones).
  static std::vector<bench::SoakSeries::Column> columns() {
    using Series = bench::SoakSeries;
    auto columns = Series::pace_columns();
    for (auto column : std::vector<Series::Column>{
             {"rss_MiB", 1}, {"heap_MiB", 1}, {"free_MiB", 1, false}, {"cpu_%", 1}, Series::per_pod("fds"), {"threads"},
             Series::per_pod("followers"), {"timers"}, Series::per_pod("streams"), Series::per_pod("store"),
             Series::per_pod("docker"), Series::per_pod("logs"), Series::per_pod("root")})
      columns.push_back(std::move(column));
    return columns;
  }
  static constexpr std::size_t kLiveColumn = 2;
  std::vector<double> row() const {
    const auto d = [](long v) { return static_cast<double>(v); };
    return {minute,          d(pods_made),       d(live),         d(errors),          rss_mib,
            heap_in_use_mib, heap_free_mib,      cpu_percent,     d(fds),             d(threads),         d(followers),
            d(pump_timers),  d(pump_streams),    d(store_objects), d(docker_objects), d(log_files),
            d(root_files)};
  }
};

class Soak {
 public:
  Soak(const std::string& shim_binary, std::string image)
      : label_("soak" + std::to_string(::getpid())),
        root_("/tmp/cri-shim-soak-root-" + std::to_string(::getpid())),
        logs_("/tmp/cri-shim-soak-logs-" + std::to_string(::getpid())),
        image_(std::move(image)),
        docker_(docker::Endpoint::parse(bench::env_or("CRI_SHIM_TEST_DOCKER_ENDPOINT", "unix:///var/run/docker.sock"))),
        shim_(shim_binary, docker_.endpoint().to_string(), {"--root-dir", root_}),
        runtime_(shim_.runtime()) {}

  ~Soak() {
    std::error_code ignored;
    fs::remove_all(logs_, ignored);
    fs::remove_all(root_, ignored);
  }

  int run(const bench::SoakSettings& settings) {
    bench::SoakRun<LivePod>::Parts parts;
    parts.creators = 4;
    parts.reapers = 3;
    parts.make = [&](long n) { return make_pod(n); };
    parts.remove = [&](const LivePod& pod) { remove_pod(pod); };
    parts.mix = [&](long round, const std::vector<LivePod>& pods) { mix(round, pods); };
    parts.sample = [&](double minute) { return take_sample(minute).row(); };
    const auto left = run_.run(settings, parts, series_);

    // Everything removed through CRI, as kubelet would; then nothing may be left.
    std::vector<std::thread> removers;
    for (std::size_t r = 0; r < 4; ++r)
      removers.emplace_back([&, r] {
        for (std::size_t i = r; i < left.size(); i += 4) remove_pod(left[i]);
      });
    for (auto& t : removers) t.join();
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const auto last = take_sample(run_.minutes_so_far());
    std::printf("after removing every pod:\n");
    series_.add(last.row(), false);
    return report(last);
  }

 private:
  std::optional<LivePod> make_pod(long n) {
    cri::PodSandboxConfig config;
    config.mutable_metadata()->set_name("soak-" + std::to_string(n));
    config.mutable_metadata()->set_namespace_("soak");
    config.mutable_metadata()->set_uid(label_ + "-" + std::to_string(n));
    config.set_log_directory(logs_ + "/" + config.metadata().uid());
    fs::create_directories(config.log_directory() + "/printer");
    (*config.mutable_labels())["soak-run"] = label_;
    LivePod pod;
    try {
      cri::RunPodSandboxRequest run;
      *run.mutable_config() = config;
      cri::RunPodSandboxResponse ran;
      bench::check(runtime_->RunPodSandbox(bench::context().get(), run, &ran), "RunPodSandbox");
      pod.sandbox_id = ran.pod_sandbox_id();
      cri::CreateContainerRequest create;
      create.set_pod_sandbox_id(pod.sandbox_id);
      *create.mutable_sandbox_config() = config;
      auto* container = create.mutable_config();
      container->mutable_metadata()->set_name("printer");
      container->mutable_image()->set_image(image_);
      container->add_command("/bin/sh");
      container->add_args("-c");
      container->add_args(kPrinter);
      container->set_log_path("printer/0.log");
      (*container->mutable_labels())["soak-run"] = label_;
      cri::CreateContainerResponse created;
      bench::check(runtime_->CreateContainer(bench::context().get(), create, &created), "CreateContainer");
      pod.container_id = created.container_id();
      cri::StartContainerRequest start;
      start.set_container_id(pod.container_id);
      cri::StartContainerResponse started;
      bench::check(runtime_->StartContainer(bench::context().get(), start, &started), "StartContainer");
    } catch (const std::exception& e) {
      run_.note_error(e.what());
      if (pod.sandbox_id.empty()) return std::nullopt;
    }
    pod.log_path = config.log_directory() + "/printer/0.log";
    return pod;
  }

  void remove_pod(const LivePod& pod) {
    try {
      cri::StopPodSandboxRequest stop;
      stop.set_pod_sandbox_id(pod.sandbox_id);
      cri::StopPodSandboxResponse stopped;
      bench::check(runtime_->StopPodSandbox(bench::context().get(), stop, &stopped), "StopPodSandbox");
      cri::RemovePodSandboxRequest remove;
      remove.set_pod_sandbox_id(pod.sandbox_id);
      cri::RemovePodSandboxResponse removed;
      bench::check(runtime_->RemovePodSandbox(bench::context().get(), remove, &removed), "RemovePodSandbox");
    } catch (const std::exception& e) {
      run_.note_error(e.what());
    }
    std::error_code ignored;  // kubelet deletes a removed pod's log directory
    fs::remove_all(fs::path(pod.log_path).parent_path().parent_path(), ignored);
  }

  // About 4 calls a second on random live pods: ExecSync, ContainerStats,
  // a log read, now and then a rotation with ReopenContainerLog, and the
  // list-wide stats kubelet's summary makes.
  void mix(long round, const std::vector<LivePod>& pods) {
    const auto& pod = pods[random_() % pods.size()];
    if (pod.container_id.empty()) return;
    grpc::Status status;
    switch (round % 4) {
      case 0: {
        cri::ExecSyncRequest request;
        request.set_container_id(pod.container_id);
        request.add_cmd("echo");
        request.add_cmd("soak");
        request.set_timeout(10);
        cri::ExecSyncResponse response;
        status = runtime_->ExecSync(bench::context().get(), request, &response);
        if (status.ok() && (response.exit_code() != 0 || response.stdout() != "soak\n"))
          run_.note_error("ExecSync: exit code " + std::to_string(response.exit_code()) + ", output '" +
                          response.stdout() + "'");
        break;
      }
      case 1: {
        cri::ContainerStatsRequest request;
        request.set_container_id(pod.container_id);
        cri::ContainerStatsResponse response;
        status = runtime_->ContainerStats(bench::context().get(), request, &response);
        break;
      }
      case 2: {
        std::error_code ignored;
        (void)fs::file_size(pod.log_path, ignored);  // a reader, as `kubectl logs` through kubelet
        if (round % 40 == 2) {  // kubelet's rotation: rename, then reopen
          fs::rename(pod.log_path, pod.log_path + ".1", ignored);
          cri::ReopenContainerLogRequest request;
          request.set_container_id(pod.container_id);
          cri::ReopenContainerLogResponse response;
          status = runtime_->ReopenContainerLog(bench::context().get(), request, &response);
        }
        break;
      }
      default: {
        cri::ListPodSandboxStatsRequest request;
        cri::ListPodSandboxStatsResponse response;
        status = runtime_->ListPodSandboxStats(bench::context().get(), request, &response);
        break;
      }
    }
    // A pod removed meanwhile is not an error of the shim's.
    if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND &&
        status.error_code() != grpc::StatusCode::FAILED_PRECONDITION)
      run_.note_error("mixed call: " + status.error_message());
  }

  Sample take_sample(double minute) {
    Sample s;
    s.minute = minute;
    s.pods_made = run_.made();
    s.errors = run_.errors();
    s.live = run_.live();
    s.rss_mib = static_cast<double>(shim_.rss_kib()) / 1024.0;
    s.cpu_percent = cpu_.percent();
    s.fds = bench::SoakSeries::count_entries("/proc/" + std::to_string(shim_.pid()) + "/fd");
    s.threads = bench::SoakSeries::count_entries("/proc/" + std::to_string(shim_.pid()) + "/task");
    const auto config = bench::status_config(*runtime_);
    const auto part = [&](const char* name) { return config.value(name, nlohmann::json::object()); };
    s.followers = part("logs").value("followers", 0L);
    s.pump_timers = part("logs").value("pumpTimers", 0L);
    s.pump_streams = part("logs").value("pumpWatchedStreams", 0L);
    s.store_objects = part("containerStore").value("objects", 0L);
    s.heap_in_use_mib = part("process").value("heapInUseBytes", 0.0) / (1024.0 * 1024.0);
    s.heap_free_mib = part("process").value("heapKeptFreeBytes", 0.0) / (1024.0 * 1024.0);
    docker::ContainerListOptions list;
    list.all = true;
    list.filters["label"] = {"soak-run=" + label_};
    try {
      s.docker_objects = static_cast<long>(docker_.list_containers(list).size());
    } catch (const std::exception&) {
      s.docker_objects = -1;
    }
    s.log_files = bench::SoakSeries::count_files(logs_);
    s.root_files = bench::SoakSeries::count_files(root_);
    return s;
  }

  int report(const Sample& last) {
    const bool flat = series_.report();
    const bool clean = last.docker_objects == 0 && last.live == 0 && last.followers == 0;
    std::printf("left at the end: %ld Docker containers, %ld followers, %ld files under the root dir; %ld errors\n",
                last.docker_objects, last.followers, last.root_files, last.errors);
    return flat && clean ? 0 : 1;
  }

  const std::string label_, root_, logs_, image_;  // label_: on every Docker object of the run
  docker::Client docker_;
  support::ShimProcess shim_;
  bench::CpuShare cpu_{shim_.pid()};
  std::unique_ptr<cri::RuntimeService::Stub> runtime_;
  bench::SoakRun<LivePod> run_;
  std::mt19937 random_{7};  // the mixer's only
  bench::SoakSeries series_{Sample::columns(), Sample::kLiveColumn};
};

}  // namespace

int main(int argc, char** argv) {
  return bench::soak_main(argc, argv, "soak", [](const bench::SoakSettings& settings) {
    Soak soak(settings.shim_binary, settings.image);
    return soak.run(settings);
  });
}
