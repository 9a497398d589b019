// The soak through node-agent (issue 16): pods posted to the agent's HTTP
// API at a steady rate and deleted when their time is up, as a controller
// would. Each pod has a container that prints until SIGTERM, an exec
// readiness probe, an emptyDir and a ConfigMap volume; GETs of pods, a pod,
// metrics, events and the stats summary are mixed in. Every sample period
// it records what a leak in the agent (or in the shim under it) would grow:
// the agent's RSS, fds and threads, the pods it holds and the files under
// its root dir; the shim's RSS, malloc heap and threads; the run's Docker
// containers. At the end every pod is deleted through the API and nothing
// of the run may be left.
//
// Usage: agent-soak CRI_SHIM_BINARY
//   NODE_AGENT_BINARY   the agent (default: agent/app/node-agent beside the
//                       shim's build dir)
//   CRI_SHIM_TEST_IMAGE and the CRI_SHIM_SOAK_* settings of bench/soak.cc
// Exit code 0 when every judged series stayed flat (bench/soak_series.h)
// and nothing of the run was left.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "bench/cri_call.h"
#include "bench/soak_series.h"
#include "docker-client/client.h"
#include "tests/support/agent_http.h"
#include "tests/support/agent_process.h"
#include "tests/support/shim_process.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

const char* const kPrinter = "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo $i; sleep 0.2; done";

struct LivePod {
  std::string name;
  Clock::time_point expires;
};

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

class AgentSoak {
 public:
  AgentSoak(const std::string& shim_binary, std::string image)
      : ns_("soak-" + std::to_string(::getpid())),
        shim_root_("/tmp/cri-shim-agent-soak-root-" + std::to_string(::getpid())),
        image_(std::move(image)),
        docker_(docker::Endpoint::parse(bench::env_or("CRI_SHIM_TEST_DOCKER_ENDPOINT", "unix:///var/run/docker.sock"))),
        shim_(shim_binary, docker_.endpoint().to_string(), {"--root-dir", shim_root_}),
        agent_(bench::node_agent_binary(shim_binary), "unix://" + shim_.socket_path(),
               {"--log-level", "warn", "--node-name", ns_ + "-node"}),
        http_("127.0.0.1", agent_.port()),
        runtime_(shim_.runtime()) {}

  ~AgentSoak() {
    std::error_code ignored;
    fs::remove_all(shim_root_, ignored);
  }

  int run(double minutes, double rate, double pod_seconds, double sample_seconds) {
    const auto reply = http_.post("/configmaps", json{{"apiVersion", "v1"},
                                                      {"kind", "ConfigMap"},
                                                      {"metadata", {{"name", "soak"}, {"namespace", ns_}}},
                                                      {"data", {{"mode", "soak"}}}}
                                                     .dump(),
                                  "application/json");
    if (reply.status / 100 != 2) throw std::runtime_error("POST /configmaps: " + reply.body + reply.error);

    const auto start = Clock::now();
    const auto end = start + seconds(minutes * 60);
    std::atomic<long> tickets{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i)
      threads.emplace_back([&] {
        while (!stop_) {
          if (tickets.load() <= 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
          }
          if (tickets.fetch_sub(1) <= 0) {  // another creator took the last one
            ++tickets;
            continue;
          }
          post_pod(pod_seconds);
        }
      });
    for (int i = 0; i < 2; ++i) threads.emplace_back([&] { reap_until_stopped(); });
    threads.emplace_back([&] { mix_until_stopped(); });

    series_.print_header();
    const auto period = seconds(1.0 / rate);
    auto next_ticket = start, next_sample = start + seconds(sample_seconds);
    while (Clock::now() < end) {
      const auto now = Clock::now();
      for (; next_ticket <= now; next_ticket += period) ++tickets;
      if (now >= next_sample) {
        series_.add(take_sample(std::chrono::duration<double>(now - start).count() / 60));
        next_sample += seconds(sample_seconds);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop_ = true;
    for (auto& t : threads) t.join();

    // Every pod deleted through the API, as a controller would; the agent
    // then stops their containers and removes their sandboxes by itself.
    for (const auto& pod : live_snapshot()) delete_pod(pod.name);
    {
      std::lock_guard lock(mutex_);
      live_.clear();
    }
    const bool gone = support::wait_for([&] { return agent_pods() == 0 && docker_containers() == 0; },
                                        std::chrono::minutes(3), std::chrono::seconds(1));
    const auto last = take_sample(std::chrono::duration<double>(Clock::now() - start).count() / 60);
    std::printf("after deleting every pod:\n");
    series_.add(last, false);
    const bool flat = series_.report();
    std::printf("left at the end: %.0f pods in the agent, %.0f Docker containers; %ld errors%s\n", last[kAgentPods],
                last[kDocker], errors_.load(), gone ? "" : " (not gone within 3 min)");
    return flat && gone ? 0 : 1;
  }

 private:
  // The columns, in the order take_sample() fills them.
  enum Column { kMinute, kMade, kLive, kErrors, kAgentRss, kAgentFds, kAgentThreads, kAgentPods, kAgentFiles,
                kShimRss, kShimHeap, kShimThreads, kDocker, kColumns };
  static std::vector<bench::SoakSeries::Column> columns() {
    return {{"minute", 1, false}, {"made", 0, false}, {"live", 0, false},   {"errors", 0, false},
            {"agent_MiB", 1},     {"agent_fds"},      {"agent_thr"},        {"agent_pods"},
            {"agent_files"},      {"shim_MiB", 1},    {"shim_heap", 1},     {"shim_thr"},
            {"docker"}};
  }

  std::vector<LivePod> live_snapshot() {
    std::lock_guard lock(mutex_);
    return {live_.begin(), live_.end()};
  }

  void note_error(const std::string& what) {
    const long n = ++errors_;
    if (n <= 20) std::fprintf(stderr, "error: %s\n", what.c_str());
  }

  json manifest(const std::string& name) const {
    json container = {
        {"name", "printer"},
        {"image", image_},
        {"imagePullPolicy", "Never"},
        {"command", {"/bin/sh", "-c", kPrinter}},
        {"readinessProbe", {{"exec", {{"command", {"cat", "/config/mode"}}}}, {"periodSeconds", 5}}},
        {"volumeMounts", json::array({{{"name", "scratch"}, {"mountPath", "/scratch"}},
                                      {{"name", "config"}, {"mountPath", "/config"}}})}};
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}, {"namespace", ns_}}},
            {"spec",
             {{"terminationGracePeriodSeconds", 2},
              {"containers", json::array({container})},
              {"volumes", json::array({{{"name", "scratch"}, {"emptyDir", json::object()}},
                                       {{"name", "config"}, {"configMap", {{"name", "soak"}}}}})}}}};
  }

  void post_pod(double pod_seconds) {
    const std::string name = "soak-" + std::to_string(++made_);
    const auto reply = http_.post("/pods", manifest(name).dump(), "application/json");
    if (reply.status / 100 != 2) {
      note_error("POST /pods " + name + ": " + std::to_string(reply.status) + " " + reply.body + reply.error);
      return;
    }
    std::lock_guard lock(mutex_);
    live_.push_back({name, Clock::now() + seconds(pod_seconds)});
  }

  void delete_pod(const std::string& name) {
    const auto reply = http_.del("/pods/" + ns_ + "/" + name);
    if (reply.status != 200) note_error("DELETE " + name + ": " + std::to_string(reply.status) + " " + reply.body + reply.error);
  }

  void reap_until_stopped() {
    while (!stop_) {
      std::optional<LivePod> expired;
      {
        std::lock_guard lock(mutex_);
        if (!live_.empty() && live_.front().expires <= Clock::now()) {
          expired = live_.front();
          live_.pop_front();
        }
      }
      if (expired)
        delete_pod(expired->name);
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // About 4 reads a second, as kubectl, a metrics scraper and
  // metrics-server would make them.
  void mix_until_stopped() {
    for (long round = 0; !stop_; ++round) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      std::string path;
      switch (round % 5) {
        case 0: path = "/pods"; break;
        case 1: {
          const auto live = live_snapshot();
          if (live.empty()) continue;
          path = "/pods/" + ns_ + "/" + live[static_cast<std::size_t>(round) % live.size()].name;
          break;
        }
        case 2: path = "/metrics"; break;
        case 3: path = "/events"; break;
        default: path = "/stats/summary"; break;
      }
      const auto reply = http_.get(path);
      // A pod deleted meanwhile is not the agent's error.
      if (reply.status != 200 && !(reply.status == 404 && path.rfind("/pods/", 0) == 0))
        note_error("GET " + path + ": " + std::to_string(reply.status) + " " + reply.error);
    }
  }

  // Pods of this run the agent still holds (deleted ones until their
  // containers are gone).
  long agent_pods() const {
    try {
      const auto items = http_.pods();
      return std::count_if(items.begin(), items.end(), [&](const json& pod) {
        return pod.value("metadata", json::object()).value("namespace", "") == ns_;
      });
    } catch (const std::exception&) {
      return -1;
    }
  }

  long docker_containers() {
    docker::ContainerListOptions list;
    list.all = true;
    list.filters["label"] = {"io.kubernetes.pod.namespace=" + ns_};
    try {
      return static_cast<long>(docker_.list_containers(list).size());
    } catch (const std::exception&) {
      return -1;
    }
  }

  std::vector<double> take_sample(double minute) {
    std::vector<double> row(kColumns);
    const auto proc = [](pid_t pid, const char* what) {
      return static_cast<double>(bench::SoakSeries::count_entries("/proc/" + std::to_string(pid) + "/" + what));
    };
    row[kMinute] = minute;
    row[kMade] = static_cast<double>(made_.load());
    row[kLive] = static_cast<double>(live_snapshot().size());
    row[kErrors] = static_cast<double>(errors_.load());
    row[kAgentRss] = static_cast<double>(agent_.rss_kib()) / 1024.0;
    row[kAgentFds] = proc(agent_.pid(), "fd");
    row[kAgentThreads] = proc(agent_.pid(), "task");
    row[kAgentPods] = static_cast<double>(agent_pods());
    row[kAgentFiles] = static_cast<double>(bench::SoakSeries::count_files(agent_.root_dir()));
    row[kShimRss] = static_cast<double>(shim_.rss_kib()) / 1024.0;
    row[kShimHeap] = bench::status_config(*runtime_)
                         .value("process", json::object())
                         .value("heapInUseBytes", 0.0) /
                     (1024.0 * 1024.0);
    row[kShimThreads] = proc(shim_.pid(), "task");
    row[kDocker] = static_cast<double>(docker_containers());
    return row;
  }

  const std::string ns_, shim_root_, image_;
  docker::Client docker_;
  support::ShimProcess shim_;
  support::AgentProcess agent_;
  support::AgentHttp http_;
  std::unique_ptr<cri::RuntimeService::Stub> runtime_;
  std::mutex mutex_;
  std::deque<LivePod> live_;
  std::atomic<bool> stop_{false};
  std::atomic<long> made_{0}, errors_{0};
  bench::SoakSeries series_{columns()};
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CRI_SHIM_BINARY (see the comment at the top of bench/agent_soak.cc)\n", argv[0]);
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  const std::string image = bench::env_or("CRI_SHIM_TEST_IMAGE", "");
  if (image.empty()) {
    std::fprintf(stderr, "CRI_SHIM_TEST_IMAGE is not set (scripts/with-test-env.sh sets it)\n");
    return 2;
  }
  const double minutes = bench::env_number("CRI_SHIM_SOAK_MINUTES", 60);
  const double rate = bench::env_number("CRI_SHIM_SOAK_PODS_PER_SECOND", 2);
  const double pod_seconds = bench::env_number("CRI_SHIM_SOAK_POD_SECONDS", 15);
  const double sample_seconds = bench::env_number("CRI_SHIM_SOAK_SAMPLE_SECONDS", 60);
  std::printf("agent soak: %.0f min, %.1f pods/s through node-agent, each living %.0f s, a sample every %.0f s\n",
              minutes, rate, pod_seconds, sample_seconds);
  try {
    AgentSoak soak(argv[1], image);
    return soak.run(minutes, rate, pod_seconds, sample_seconds);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "agent soak: %s\n", e.what());
    return 1;
  }
}
