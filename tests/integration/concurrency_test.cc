// Issue 3, "State and concurrency": 8 clients creating and removing 100 pods
// at once leave no Docker container, network endpoint, log follower or state
// file behind, and no call fails except by its own fault (here: none may fail,
// as every call is well formed).
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "tests/integration/pod_fixture.h"
#include "tests/integration/state_support.h"

using namespace itest;

namespace {

constexpr int kClients = 8;
constexpr int kPods = 100;

const char* const kChatty =
    "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done";

// Threads of the shim once idle: gRPC's pollers shrink back after a burst,
// so this waits up to `seconds` for the count to fall to `at_most`.
int settled_thread_count(pid_t pid, int at_most, int seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int n = state::thread_count(pid);
  while (n > at_most && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    n = state::thread_count(pid);
  }
  return n;
}

}  // namespace

TEST_CASE("concurrency_test: 8 clients creating and removing 100 pods leave nothing behind") {
  const std::string root = "/tmp/cri-shim-itest-root-" + unique_suffix();
  const std::string run_label = unique_suffix();
  ShimProcess shim({"--root-dir", root});
  // Followers of other containers on this dockerd (resumed at start-up) are
  // part of the baseline; let those that end by themselves end.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const int baseline = state::thread_count(shim.pid());

  std::mutex mutex;
  std::vector<std::string> failures;
  std::set<std::string> sandbox_ids, container_ids;
  std::atomic<int> next{0}, calls{0}, peak_threads{0};
  auto fail = [&](int pod, const std::string& call, const grpc::Status& status) {
    std::lock_guard lock(mutex);
    failures.push_back("pod " + std::to_string(pod) + " " + call + ": code " +
                       std::to_string(status.error_code()) + " " + status.error_message());
  };

  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&] {
      auto runtime = state::own_stub(shim.socket_path());  // a connection per client
      for (int i = next++; i < kPods; i = next++) {
        std::unique_ptr<Pod> made;
        {
          std::lock_guard lock(mutex);  // unique_suffix() is not thread-safe
          made = std::make_unique<Pod>(*runtime, "conc_" + std::to_string(i));
        }
        Pod& pod = *made;
        (*pod.config().mutable_labels())["concurrency-run"] = run_label;
        auto status = pod.try_run();
        ++calls;
        if (!status.ok()) {
          fail(i, "RunPodSandbox", status);
          continue;
        }
        cri::ContainerConfig config;
        {
          std::lock_guard lock(mutex);
          config = pod.container_config("chatty", kChatty);
        }
        (*config.mutable_labels())["concurrency-run"] = run_label;
        std::string container_id;
        status = pod.try_create(config, &container_id);
        ++calls;
        {
          std::lock_guard lock(mutex);
          sandbox_ids.insert(pod.id());
          if (status.ok()) container_ids.insert(container_id);
        }
        if (!status.ok()) {
          fail(i, "CreateContainer", status);
        } else {
          cri::StartContainerRequest start;
          start.set_container_id(container_id);
          cri::StartContainerResponse started_reply;
          status = runtime->StartContainer(context().get(), start, &started_reply);
          ++calls;
          if (!status.ok()) fail(i, "StartContainer", status);

          cri::ExecSyncRequest exec;
          exec.set_container_id(container_id);
          exec.add_cmd("echo");
          exec.add_cmd("pod-" + std::to_string(i));
          exec.set_timeout(30);
          cri::ExecSyncResponse exec_reply;
          status = runtime->ExecSync(context().get(), exec, &exec_reply);
          ++calls;
          if (!status.ok())
            fail(i, "ExecSync", status);
          else if (exec_reply.stdout() != "pod-" + std::to_string(i) + "\n" ||
                   exec_reply.exit_code() != 0)
            fail(i, "ExecSync output \"" + exec_reply.stdout() + "\"", grpc::Status::OK);
        }
        // Lists while other clients create and remove: never an error (a
        // pod that goes away meanwhile is simply not listed).
        {
          cri::ListPodSandboxRequest list;
          (*list.mutable_filter()->mutable_label_selector())["concurrency-run"] = run_label;
          cri::ListPodSandboxResponse listed;
          status = runtime->ListPodSandbox(context().get(), list, &listed);
          ++calls;
          if (!status.ok()) fail(i, "ListPodSandbox", status);
          cri::ListContainersRequest containers;
          (*containers.mutable_filter()->mutable_label_selector())["concurrency-run"] = run_label;
          cri::ListContainersResponse containers_listed;
          status = runtime->ListContainers(context().get(), containers, &containers_listed);
          ++calls;
          if (!status.ok()) fail(i, "ListContainers", status);
        }
        const int threads = state::thread_count(shim.pid());
        for (int peak = peak_threads; threads > peak && !peak_threads.compare_exchange_weak(peak, threads);) {
        }

        cri::StopPodSandboxRequest stop;
        stop.set_pod_sandbox_id(pod.id());
        cri::StopPodSandboxResponse stopped;
        status = runtime->StopPodSandbox(context().get(), stop, &stopped);
        ++calls;
        if (!status.ok()) fail(i, "StopPodSandbox", status);

        cri::RemovePodSandboxRequest remove;
        remove.set_pod_sandbox_id(pod.id());
        cri::RemovePodSandboxResponse removed;
        status = runtime->RemovePodSandbox(context().get(), remove, &removed);
        ++calls;
        if (!status.ok()) fail(i, "RemovePodSandbox", status);
      }
    });
  for (auto& client : clients) client.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  for (const auto& failure : failures) FAIL_CHECK(failure);
  CHECK(sandbox_ids.size() == kPods);
  CHECK(container_ids.size() == kPods);

  // No Docker container of the run, in any state.
  CHECK(state::docker_ids_with_label("concurrency-run", run_label).empty());
  // No endpoint on Docker's bridge network.
  const std::string endpoints = state::capture("docker network inspect bridge -f '{{json .Containers}}'");
  for (const auto& id : sandbox_ids) CHECK_MESSAGE(endpoints.find(id) == std::string::npos, id);
  // No position state file of theirs (the shim also follows other tests'
  // containers on this dockerd, and keeps those positions).
  const auto left = state::position_files_of(root, {container_ids.begin(), container_ids.end()});
  CHECK_MESSAGE(left.empty(), left.size() << " position files left, e.g. " << (left.empty() ? "" : left.front()));
  // No follower thread: back to the baseline (a few gRPC pollers may linger).
  const int after = settled_thread_count(shim.pid(), baseline + 4, 15);
  CHECK(after <= baseline + 4);
  MESSAGE(kPods << " pods by " << kClients << " clients, " << calls.load() << " calls in " << seconds
                << " s; shim threads: " << baseline << " at start, peak seen " << peak_threads.load()
                << ", " << after << " after; " << state::files_under(root + "/logs")
                << " position files of other containers");
  // The shim still serves.
  cri::VersionResponse version;
  CHECK(shim.runtime()->Version(context().get(), cri::VersionRequest(), &version).ok());
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
}
