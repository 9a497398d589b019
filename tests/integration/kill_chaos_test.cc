// Issue 16, fault injection: kill -9 of cri-shim at random moments while 4
// clients create and remove pods and containers as fast as they can, each
// kill followed by a restart on the same root dir. Afterwards:
//  - every Docker container the shim made is listed by CRI, in the state
//    Docker gives it (so kubelet's relist and garbage collection see it);
//  - every log has each line exactly once (the copy from Docker's log
//    resumed where it stopped, across every kill), and the logs of running
//    containers are whole;
//  - the clients' cleanup leaves no container without its sandbox, and
//    removing what CRI lists leaves no Docker container at all.
//
// CRI_SHIM_FAULT_KILLS sets the number of kills (default 5, CI's run; the
// long run is `CRI_SHIM_FAULT_KILLS=50 scripts/test.sh shim-integration
// --test-args=-tc=kill_chaos*`, about two minutes).
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "tests/integration/pod_fixture.h"
#include "tests/integration/state_support.h"

using namespace itest;

namespace {

namespace fs = std::filesystem;

constexpr int kClients = 4;
constexpr int kLines = 40;
// Prints 1..kLines (about a second), then waits; exits at once on SIGTERM.
const std::string kPrinter = "trap 'exit 0' TERM; i=0; while [ $i -lt " + std::to_string(kLines) +
                             " ]; do i=$((i+1)); echo $i; sleep 0.02; done; while true; do sleep 0.2; done";

// The shim that runs now, replaced by the killer; clients take a channel
// to whichever runs when they notice theirs changed.
class CurrentShim {
 public:
  explicit CurrentShim(std::vector<std::string> args) : args_(std::move(args)) { start(); }

  std::pair<int, std::shared_ptr<cri::RuntimeService::Stub>> stub(int known_generation,
                                                                   std::shared_ptr<cri::RuntimeService::Stub> known) {
    std::lock_guard lock(mutex_);
    if (known && known_generation == generation_) return {generation_, known};
    return {generation_, std::shared_ptr<cri::RuntimeService::Stub>(state::own_stub(shim_->socket_path()))};
  }
  void kill_and_restart() {
    std::lock_guard lock(mutex_);
    shim_->stop(SIGKILL);
    start();
  }
  ShimProcess& shim() { return *shim_; }

 private:
  void start() {
    shim_ = std::make_unique<ShimProcess>(args_);
    ++generation_;
  }
  const std::vector<std::string> args_;
  std::mutex mutex_;
  std::unique_ptr<ShimProcess> shim_;
  int generation_ = 0;
};

struct Tally {
  std::atomic<int> ok{0}, failed{0}, pods{0};
};

std::unique_ptr<grpc::ClientContext> call_context() { return context(std::chrono::seconds(20)); }

// One client's pods: made at full speed, half removed at once, at most
// kKept kept (the oldest removed first), all removed at the end.
class ChaosClient {
 public:
  ChaosClient(CurrentShim& shims, std::string run_label, std::string log_root, int index, Tally& tally)
      : shims_(shims), run_label_(std::move(run_label)), log_root_(std::move(log_root)), index_(index),
        tally_(tally), random_(static_cast<unsigned>(index) * 7919u + 17u) {}

  void run_until(const std::atomic<bool>& stop) {
    for (int n = 0; !stop; ++n) {
      const auto sandbox_id = make_pod(n);
      if (sandbox_id.empty()) continue;
      kept_.push_back(sandbox_id);
      if (random_() % 2 == 0 || kept_.size() > kKept) {
        remove_pod(kept_.front());
        kept_.erase(kept_.begin());
      }
    }
  }
  // The clients' cleanup: what each knows of (the rest is the test's).
  void remove_kept() {
    for (const auto& id : kept_) remove_pod(id);
    kept_.clear();
  }

 private:
  static constexpr std::size_t kKept = 6;

  cri::RuntimeService::Stub& runtime() {
    std::tie(generation_, stub_) = shims_.stub(generation_, stub_);
    return *stub_;
  }
  bool record(const grpc::Status& status) {
    (status.ok() ? tally_.ok : tally_.failed)++;
    return status.ok();
  }

  // RunPodSandbox, CreateContainer, StartContainer; the sandbox's ID when
  // RunPodSandbox answered (a later step may have failed), else "".
  std::string make_pod(int n) {
    const std::string name = "chaos-" + std::to_string(index_) + "-" + std::to_string(n);
    const std::string uid = run_label_ + "-" + std::to_string(index_) + "-" + std::to_string(n);
    cri::RunPodSandboxRequest run;
    auto* config = run.mutable_config();
    config->mutable_metadata()->set_name(name);
    config->mutable_metadata()->set_namespace_("itest");
    config->mutable_metadata()->set_uid(uid);
    config->set_log_directory(log_root_ + "/" + uid);
    fs::create_directories(config->log_directory() + "/printer");
    (*config->mutable_labels())["chaos-run"] = run_label_;
    ++tally_.pods;
    cri::RunPodSandboxResponse ran;
    if (!record(runtime().RunPodSandbox(call_context().get(), run, &ran))) return "";

    cri::CreateContainerRequest create;
    create.set_pod_sandbox_id(ran.pod_sandbox_id());
    *create.mutable_sandbox_config() = *config;
    auto* container = create.mutable_config();
    container->mutable_metadata()->set_name("printer");
    container->mutable_image()->set_image(required_env("CRI_SHIM_TEST_IMAGE"));
    container->add_command("/bin/sh");
    container->add_args("-c");
    container->add_args(kPrinter);
    container->set_log_path("printer/0.log");
    (*container->mutable_labels())["chaos-run"] = run_label_;
    cri::CreateContainerResponse created;
    if (!record(runtime().CreateContainer(call_context().get(), create, &created))) return ran.pod_sandbox_id();
    cri::StartContainerRequest start;
    start.set_container_id(created.container_id());
    cri::StartContainerResponse started;
    record(runtime().StartContainer(call_context().get(), start, &started));
    return ran.pod_sandbox_id();
  }

  void remove_pod(const std::string& id) {
    cri::StopPodSandboxRequest stop;
    stop.set_pod_sandbox_id(id);
    cri::StopPodSandboxResponse stopped;
    record(runtime().StopPodSandbox(call_context().get(), stop, &stopped));
    cri::RemovePodSandboxRequest remove;
    remove.set_pod_sandbox_id(id);
    cri::RemovePodSandboxResponse removed;
    record(runtime().RemovePodSandbox(call_context().get(), remove, &removed));
  }

  CurrentShim& shims_;
  const std::string run_label_, log_root_;
  const int index_;
  Tally& tally_;
  std::mt19937 random_;
  int generation_ = 0;
  std::shared_ptr<cri::RuntimeService::Stub> stub_;
  std::vector<std::string> kept_;
};

int kills_wanted() {
  const auto text = env_or("CRI_SHIM_FAULT_KILLS", "5");
  return std::max(1, std::stoi(text));
}

std::map<std::string, cri::PodSandbox> listed_sandboxes(cri::RuntimeService::Stub& runtime,
                                                        const std::string& run_label) {
  cri::ListPodSandboxRequest request;
  (*request.mutable_filter()->mutable_label_selector())["chaos-run"] = run_label;
  cri::ListPodSandboxResponse response;
  const auto status = runtime.ListPodSandbox(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  std::map<std::string, cri::PodSandbox> by_id;
  for (const auto& sandbox : response.items()) by_id[sandbox.id()] = sandbox;
  return by_id;
}

std::map<std::string, cri::Container> listed_containers(cri::RuntimeService::Stub& runtime,
                                                        const std::string& run_label) {
  cri::ListContainersRequest request;
  (*request.mutable_filter()->mutable_label_selector())["chaos-run"] = run_label;
  cri::ListContainersResponse response;
  const auto status = runtime.ListContainers(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  std::map<std::string, cri::Container> by_id;
  for (const auto& container : response.containers()) by_id[container.id()] = container;
  return by_id;
}

// Lines in the file now, without judging them (for waiting).
int line_count(const std::string& path) { return static_cast<int>(state::lines_of(state::read_file(path)).size()); }

}  // namespace

TEST_CASE("kill_chaos_test: kill -9 at random moments under 4 clients: every object listed, logs exact, nothing left") {
  const int kills = kills_wanted();
  const std::string run_label = "chaos" + unique_suffix();
  ScratchDir root("cri-shim-itest-chaos-root");
  ScratchDir logs("cri-shim-itest-chaos-logs");
  CurrentShim shims({"--root-dir", root.path()});
  Tally tally;

  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<ChaosClient>> clients;
  for (int c = 0; c < kClients; ++c)
    clients.push_back(std::make_unique<ChaosClient>(shims, run_label, logs.path(), c, tally));
  std::vector<std::thread> threads;
  for (auto& client : clients) threads.emplace_back([&stop, &client] { client->run_until(stop); });

  const auto started = std::chrono::steady_clock::now();
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> pause_ms(300, 2500);
  for (int k = 0; k < kills; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
    shims.kill_and_restart();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
  stop = true;
  for (auto& thread : threads) thread.join();
  const auto load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  auto runtime = state::own_stub(shims.shim().socket_path());
  // 1. Every Docker container of the run is listed by CRI, in Docker's state.
  const auto docker_ids = state::docker_ids_with_label("chaos-run", run_label);
  auto sandboxes = listed_sandboxes(*runtime, run_label);
  auto containers = listed_containers(*runtime, run_label);
  int running_containers = 0;
  for (const auto& id : docker_ids) {
    const auto inspect = docker_client().inspect_container(id);
    const bool running = inspect.state.running;
    if (const auto s = sandboxes.find(id); s != sandboxes.end()) {
      CHECK_MESSAGE((s->second.state() == cri::SANDBOX_READY) == running, "sandbox " << id);
    } else if (const auto c = containers.find(id); c != containers.end()) {
      CHECK_MESSAGE((c->second.state() == cri::CONTAINER_RUNNING) == running, "container " << id);
      running_containers += running;
    } else {
      FAIL_CHECK("Docker container " << id << " (" << inspect.name << ") is not listed by CRI");
    }
  }
  CHECK(sandboxes.size() + containers.size() == docker_ids.size());

  // 2. Logs: a running container's is whole; every log file the run made
  // (of removed containers too) has each line once, in order.
  for (const auto& [id, container] : containers) {
    if (container.state() != cri::CONTAINER_RUNNING) continue;
    cri::ContainerStatusRequest request;
    request.set_container_id(id);
    cri::ContainerStatusResponse response;
    REQUIRE(runtime->ContainerStatus(context().get(), request, &response).ok());
    const std::string path = response.status().log_path();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line_count(path) < kLines && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK_MESSAGE(line_count(path) == kLines, path);
  }
  int logs_checked = 0, lines_checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(logs.path())) {
    if (!entry.is_regular_file()) continue;
    ++logs_checked;
    lines_checked += state::check_numbered_log(entry.path().string());
  }

  // 3. The clients' cleanup leaves no container without its sandbox; what
  // CRI still lists (pods whose calls the kills cut) is removable through
  // CRI, and then nothing of the run is left in Docker.
  for (auto& client : clients) client->remove_kept();
  sandboxes = listed_sandboxes(*runtime, run_label);
  containers = listed_containers(*runtime, run_label);
  for (const auto& [id, container] : containers)
    CHECK_MESSAGE(sandboxes.count(container.pod_sandbox_id()) == 1,
                  "container " << id << " outlived its sandbox " << container.pod_sandbox_id());
  const std::size_t left_to_gc = sandboxes.size();
  for (const auto& [id, sandbox] : sandboxes) {
    CHECK(stop_sandbox(*runtime, id).ok());
    CHECK(remove_sandbox(*runtime, id).ok());
  }
  for (const auto& [id, container] : listed_containers(*runtime, run_label)) {
    cri::RemoveContainerRequest request;
    request.set_container_id(id);
    cri::RemoveContainerResponse response;
    CHECK(runtime->RemoveContainer(context().get(), request, &response).ok());
  }
  const auto left = state::docker_ids_with_label("chaos-run", run_label);
  CHECK_MESSAGE(left.empty(), left.size() << " Docker containers left");
  MESSAGE(kills << " kills in " << load_seconds << " s of load: " << tally.pods.load() << " pods tried, "
                << tally.ok.load() << " calls succeeded, " << tally.failed.load()
                << " failed (the shim was down); at the end " << docker_ids.size() << " Docker objects ("
                << running_containers << " running containers); " << logs_checked << " logs, " << lines_checked
                << " lines checked; " << left_to_gc
                << " sandboxes the clients lost track of (cut calls), removed through CRI");

  for (const auto& id : left) {  // a failing test leaves nothing either
    try {
      docker_client().remove_container(id, true, true);
    } catch (const std::exception&) {
    }
  }
}
