// The container store (shim/state/container_store.h) under fire. Random
// steps change sandboxes and containers through CRI and behind the shim's
// back through Docker directly; between them the event stream is cut,
// dockerd becomes unreachable while things change, dockerd itself is
// restarted (a private one, so the suite's dockerd is untouched) and so is
// the shim. After every step each list and status the shim answers from
// memory is compared with what a fresh Docker listing and inspect say,
// turned into CRI by the shim's own pure conversions: after a CRI step at
// once (a client reads its own writes), after anything else once Docker's
// events have arrived (polled, up to 30 s). The seed is printed; set
// CRI_SHIM_TEST_SEED to replay a run, CRI_SHIM_TEST_STORE_STEPS for more
// steps (200 by default).
#include <doctest/doctest.h>
#include <google/protobuf/text_format.h>

#include <csignal>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "shim/container/container_view.h"
#include "shim/sandbox/sandbox_view.h"
#include "tests/integration/fault_proxy.h"
#include "tests/integration/harness.h"
#include "tests/integration/private_dockerd.h"
#include "tests/integration/state_support.h"
#include "tests/support/shim_process.h"

using namespace itest;

namespace {

// What Docker says, in CRI terms; or what the shim answers.
struct CriView {
  std::map<std::string, std::string> sandboxes, containers;  // list entries, by ID (text form)
  std::map<std::string, std::string> statuses;               // by ID; "NOT_FOUND" when absent
  bool operator==(const CriView&) const = default;
};

std::string text_of(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::TextFormat::PrintToString(message, &out);
  return out;
}

CriView docker_view(docker::Client& docker, const std::set<std::string>& ever_seen) {
  std::map<std::string, std::string> first_tags;
  for (const auto& image : docker.list_images({}, false, {}))
    for (const auto& tag : image.repo_tags)
      if (tag != "<none>:<none>" && !first_tags.count(image.id)) first_tags[image.id] = tag;
  const shim::RepoTagLookup tags = [&](const std::string& id) -> std::optional<std::string> {
    const auto it = first_tags.find(id);
    if (it == first_tags.end()) return std::nullopt;
    return it->second;
  };
  CriView view;
  docker::ContainerListOptions list;
  list.all = true;
  list.filters["label"] = {"io.kubernetes.docker.type"};
  for (const auto& summary : docker.list_containers(list)) {
    docker::ContainerInspect inspect;
    try {
      inspect = docker.inspect_container(summary.id);
    } catch (const docker::DockerError& e) {
      if (e.not_found()) continue;
      throw;
    }
    if (inspect.config.labels.at("io.kubernetes.docker.type") == "podsandbox") {
      cri::PodSandbox entry;
      if (shim::fill_pod_sandbox(inspect, &entry)) view.sandboxes[inspect.id] = text_of(entry);
      cri::PodSandboxStatus status;
      shim::fill_sandbox_status(inspect, &status);
      view.statuses[inspect.id] = text_of(status);
    } else {
      cri::Container entry;
      if (shim::fill_container(inspect, &entry, tags)) view.containers[inspect.id] = text_of(entry);
      cri::ContainerStatus status;
      shim::fill_container_status(inspect, &status, tags);
      view.statuses[inspect.id] = text_of(status);
    }
  }
  for (const auto& id : ever_seen)
    if (!view.statuses.count(id)) view.statuses[id] = "NOT_FOUND";
  return view;
}

CriView shim_view(cri::RuntimeService::Stub& runtime, const std::set<std::string>& ever_seen) {
  CriView view;
  cri::ListPodSandboxResponse sandboxes;
  auto status = runtime.ListPodSandbox(context().get(), {}, &sandboxes);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  for (const auto& sandbox : sandboxes.items()) view.sandboxes[sandbox.id()] = text_of(sandbox);
  cri::ListContainersResponse containers;
  status = runtime.ListContainers(context().get(), {}, &containers);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  for (const auto& container : containers.containers()) view.containers[container.id()] = text_of(container);

  std::set<std::string> ids = ever_seen;
  for (const auto& [id, entry] : view.sandboxes) ids.insert(id);
  for (const auto& [id, entry] : view.containers) ids.insert(id);
  for (const auto& id : ids) {
    cri::PodSandboxStatusRequest sandbox_request;
    sandbox_request.set_pod_sandbox_id(id);
    cri::PodSandboxStatusResponse sandbox_response;
    status = runtime.PodSandboxStatus(context().get(), sandbox_request, &sandbox_response);
    if (status.ok()) {
      view.statuses[id] = text_of(sandbox_response.status());
      continue;
    }
    REQUIRE_MESSAGE(status.error_code() == grpc::StatusCode::NOT_FOUND, status.error_message());
    cri::ContainerStatusRequest container_request;
    container_request.set_container_id(id);
    cri::ContainerStatusResponse container_response;
    status = runtime.ContainerStatus(context().get(), container_request, &container_response);
    if (status.ok()) {
      view.statuses[id] = text_of(container_response.status());
      continue;
    }
    REQUIRE_MESSAGE(status.error_code() == grpc::StatusCode::NOT_FOUND, status.error_message());
    view.statuses[id] = "NOT_FOUND";
  }
  return view;
}

// "" when equal; otherwise the first differences, named.
std::string differences(const CriView& docker, const CriView& shim) {
  std::ostringstream out;
  int shown = 0;
  const auto compare = [&](const char* what, const std::map<std::string, std::string>& want,
                           const std::map<std::string, std::string>& got) {
    std::set<std::string> ids;
    for (const auto& [id, text] : want) ids.insert(id);
    for (const auto& [id, text] : got) ids.insert(id);
    for (const auto& id : ids) {
      const auto w = want.find(id);
      const auto g = got.find(id);
      const std::string wanted = w == want.end() ? "(absent)" : w->second;
      const std::string answered = g == got.end() ? "(absent)" : g->second;
      if (wanted == answered || shown >= 3) continue;
      ++shown;
      out << what << " " << id.substr(0, 12) << ":\n  Docker says:\n" << wanted << "\n  cri-shim says:\n" << answered << "\n";
    }
  };
  compare("ListPodSandbox entry", docker.sandboxes, shim.sandboxes);
  compare("ListContainers entry", docker.containers, shim.containers);
  compare("status", docker.statuses, shim.statuses);
  return out.str();
}

// The container store as Status verbose shows it (crictl info).
struct StoreState {
  bool live = false;
  long resynchronisations = -1;
  long answered_from_docker = -1;
  bool operator==(const StoreState&) const = default;
};

StoreState store_state(cri::RuntimeService::Stub& runtime) {
  cri::StatusRequest request;
  request.set_verbose(true);
  cri::StatusResponse response;
  const auto status = runtime.Status(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  const auto config = nlohmann::json::parse(response.info().at("config"));
  const auto& store = config.at("containerStore");
  return {store.at("live").get<bool>(), store.at("resynchronisations").get<long>(),
          store.at("answeredFromDocker").get<long>()};
}

// A Docker container `id` as the random steps see it.
struct Object {
  std::string id;
  bool sandbox = false;
  std::string status;      // Docker's state word
  std::string sandbox_id;  // containers: their pod
};

class StoreTest {
 public:
  StoreTest(std::uint32_t seed, const std::string& dir)
      : random_(seed),
        dir_(dir),
        dockerd_(dir + "/dockerd"),
        proxy_(dir + "/proxy.sock", dockerd_.socket_path()) {
    image_ = required_env("CRI_SHIM_TEST_IMAGE");
    dockerd_.load_image(env_or("CRI_SHIM_TEST_DOCKER_ENDPOINT", "unix:///var/run/docker.sock"), image_);
    image_id_ = dockerd_.client().inspect_image(image_)->id;
    start_shim();
  }

  ~StoreTest() {
    shim_.reset();
    // The private dockerd goes with everything in it.
  }

  docker::Client& docker() { return dockerd_.client(); }
  cri::RuntimeService::Stub& runtime() { return *runtime_; }

  void start_shim() {
    runtime_.reset();
    shim_.reset();
    shim_ = std::make_unique<support::ShimProcess>(
        required_env("CRI_SHIM_BINARY"), "unix://" + proxy_.path(),
        std::vector<std::string>{"--root-dir", dir_ + "/shim-root"});
    runtime_ = state::own_stub(shim_->socket_path());
  }

  std::vector<Object> objects() {
    std::vector<Object> out;
    docker::ContainerListOptions list;
    list.all = true;
    list.filters["label"] = {"io.kubernetes.docker.type"};
    for (const auto& summary : docker().list_containers(list)) {
      Object object;
      object.id = summary.id;
      object.sandbox = summary.labels.at("io.kubernetes.docker.type") == "podsandbox";
      object.status = summary.state;
      if (!object.sandbox) object.sandbox_id = summary.labels.at("io.kubernetes.sandbox.id");
      out.push_back(object);
      ever_seen_.insert(summary.id);
    }
    return out;
  }

  template <typename Predicate>
  std::optional<Object> pick(Predicate take) {
    std::vector<Object> candidates;
    for (auto& object : objects())
      if (take(object)) candidates.push_back(object);
    if (candidates.empty()) return std::nullopt;
    return candidates[std::uniform_int_distribution<std::size_t>(0, candidates.size() - 1)(random_)];
  }

  int roll(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }

  // A change through Docker that may find its object changed since it was
  // picked (exited by itself, its pod gone): Docker's refusal is no failure.
  static void behind_back(const std::function<void()>& change) {
    try {
      change();
    } catch (const docker::DockerError& e) {
      if (!e.conflict() && !e.not_found() && e.kind() != docker::DockerError::Kind::Http) throw;
    }
  }

  // ---- CRI steps

  void run_pod() {
    cri::RunPodSandboxRequest request;
    auto& config = *request.mutable_config();
    const std::string name = "store-pod-" + std::to_string(++pods_made_);
    config.mutable_metadata()->set_name(name);
    config.mutable_metadata()->set_namespace_("store-test");
    config.mutable_metadata()->set_uid("uid-" + unique_suffix());
    config.set_log_directory(dir_ + "/logs/" + name);
    std::filesystem::create_directories(config.log_directory());
    (*config.mutable_labels())["store-test"] = "yes";
    (*config.mutable_annotations())["note"] = name;
    // Host network: the private dockerd has no bridge.
    config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(cri::NODE);
    sandbox_configs_[name] = config;
    cri::RunPodSandboxResponse response;
    const auto status = runtime().RunPodSandbox(context().get(), request, &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    ever_seen_.insert(response.pod_sandbox_id());
    sandbox_names_[response.pod_sandbox_id()] = name;
  }

  // `command` runs under sh -c; a `program` that does not exist makes a container Docker cannot start.
  std::optional<std::string> create_container(const std::string& sandbox_id, const std::string& command,
                                              const std::string& program = "sh") {
    const auto name = sandbox_names_.find(sandbox_id);
    if (name == sandbox_names_.end()) return std::nullopt;  // made behind the shim's back
    cri::CreateContainerRequest request;
    request.set_pod_sandbox_id(sandbox_id);
    *request.mutable_sandbox_config() = sandbox_configs_[name->second];
    auto& config = *request.mutable_config();
    const std::string container_name = "c" + std::to_string(++containers_made_);
    config.mutable_metadata()->set_name(container_name);
    // Half by ID, as kubelet v1.26 names images, half by name.
    config.mutable_image()->set_image(roll(2) ? image_id_ : image_);
    config.add_command(program);
    config.add_args("-c");
    config.add_args(command);
    config.set_log_path(container_name + ".log");
    (*config.mutable_labels())["store-test"] = "yes";
    (*config.mutable_annotations())["io.kubernetes.pod.terminationGracePeriod"] = "2";
    config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(cri::NODE);
    cri::CreateContainerResponse response;
    const auto status = runtime().CreateContainer(context().get(), request, &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    ever_seen_.insert(response.container_id());
    return response.container_id();
  }

  grpc::Status start(const std::string& id) {
    cri::StartContainerRequest request;
    request.set_container_id(id);
    cri::StartContainerResponse response;
    return runtime().StartContainer(context().get(), request, &response);
  }

  // ---- the steps; each says whether CRI made it (compare at once)

  struct Step {
    Step() = default;
    Step(std::string what_, bool by_cri_ = false, std::function<bool()> settled_ = {})
        : what(std::move(what_)), by_cri(by_cri_), settled(std::move(settled_)) {}
    std::string what;
    bool by_cri = false;
    std::function<bool()> settled;  // Docker's own state has stopped moving (none: at once)
  };

  Step random_step() {
    switch (roll(20)) {
      case 0:
      case 1:
        if (pick([](const Object& o) { return o.sandbox; }) && objects().size() > 12) break;
        run_pod();
        return {"RunPodSandbox", true};
      case 2:
      case 3:
      case 4:
        if (auto pod = pick([](const Object& o) { return o.sandbox && o.status == "running"; })) {
          if (objects().size() > 14) break;
          auto id = create_container(pod->id, "trap 'exit 0' TERM; sleep 3600 & wait");
          if (!id) break;
          if (roll(3) > 0) REQUIRE(start(*id).ok());
          return {"CreateContainer (+ StartContainer)", true};
        }
        break;
      case 5:
        if (auto c = pick([](const Object& o) { return !o.sandbox && o.status == "created"; })) {
          start(c->id);  // may fail: its pod may be gone
          return {"StartContainer", true};
        }
        break;
      case 6:
        if (auto c = pick([](const Object& o) { return !o.sandbox && o.status == "running"; })) {
          cri::StopContainerRequest request;
          request.set_container_id(c->id);
          request.set_timeout(roll(2));
          cri::StopContainerResponse response;
          REQUIRE(runtime().StopContainer(context().get(), request, &response).ok());
          return {"StopContainer", true};
        }
        break;
      case 7:
        if (auto c = pick([](const Object& o) { return !o.sandbox; })) {
          cri::RemoveContainerRequest request;
          request.set_container_id(c->id);
          cri::RemoveContainerResponse response;
          REQUIRE(runtime().RemoveContainer(context().get(), request, &response).ok());
          return {"RemoveContainer", true};
        }
        break;
      case 8:
        if (auto pod = pick([](const Object& o) { return o.sandbox; })) {
          cri::StopPodSandboxRequest request;
          request.set_pod_sandbox_id(pod->id);
          cri::StopPodSandboxResponse response;
          REQUIRE(runtime().StopPodSandbox(context().get(), request, &response).ok());
          return {"StopPodSandbox", true};
        }
        break;
      case 9:
        if (auto pod = pick([](const Object& o) { return o.sandbox && o.status != "running"; })) {
          cri::RemovePodSandboxRequest request;
          request.set_pod_sandbox_id(pod->id);
          cri::RemovePodSandboxResponse response;
          REQUIRE(runtime().RemovePodSandbox(context().get(), request, &response).ok());
          return {"RemovePodSandbox", true};
        }
        break;
      case 10:
        if (auto pod = pick([](const Object& o) { return o.sandbox && o.status == "running"; })) {
          auto id = create_container(pod->id, "", "/no/such/program");
          if (!id) break;
          CHECK_FALSE(start(*id).ok());
          return {"a StartContainer that fails", true};
        }
        break;
      case 11:
        if (auto o = pick([](const Object& o) { return o.status == "running"; })) {
          behind_back([&] { docker().kill_container(o->id, "SIGKILL"); });
          return {"docker kill (behind the shim's back)"};
        }
        break;
      case 12:
        if (auto o = pick([](const Object& o) { return o.status == "running"; })) {
          behind_back([&] { docker().stop_container(o->id, 1); });
          return {"docker stop (behind the shim's back)"};
        }
        break;
      case 13:
        if (auto o = pick([](const Object& o) { return o.status == "exited" && !o.sandbox; })) {
          try {
            docker().start_container(o->id);
          } catch (const docker::DockerError&) {
            // Its pod's namespaces are gone. Docker records the refusal in
            // the container (its error text) and sends no event for it, so
            // no store can know: the shim's own failed starts refresh, and
            // the audit reads "created" containers again, but an exited
            // one's new error text stays unseen. Taken out of the comparison.
            behind_back([&] { docker().remove_container(o->id, true); });
            return {"docker start that Docker refused, then docker rm -f (behind the shim's back)"};
          }
          return {"docker start (behind the shim's back)"};
        }
        break;
      case 14:
        if (auto o = pick([](const Object&) { return true; })) {
          behind_back([&] { docker().remove_container(o->id, true); });
          return {"docker rm -f (behind the shim's back)"};
        }
        break;
      case 15:
        if (auto pod = pick([](const Object& o) { return o.sandbox && o.status == "running"; })) {
          create_behind_back(pod->id);
          return {"docker create + start of a cri-dockerd-style container (behind the shim's back)"};
        }
        break;
      case 16:
        if (auto pod = pick([](const Object& o) { return o.sandbox && o.status == "running"; })) {
          auto id = create_container(pod->id, "sleep 0.3; exit 3");
          if (!id) break;
          REQUIRE(start(*id).ok());
          return {"a container that exits by itself", false, [this, id = *id] {
                    return docker().inspect_container(id).state.status == "exited";
                  }};
        }
        break;
      case 17:
        proxy_.cut();
        return {"the event stream cut"};
      case 18: {
        proxy_.set_down(true);  // dockerd unreachable for the shim, while things change
        for (int i = 0; i < 3; ++i) {
          if (auto o = pick([](const Object& o) { return o.status == "running"; }))
            behind_back([&] { docker().kill_container(o->id, "SIGKILL"); });
          if (auto o = pick([](const Object& o) { return o.status != "running"; }))
            behind_back([&] { docker().remove_container(o->id, true); });
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        proxy_.set_down(false);
        return {"dockerd unreachable while containers were killed and removed"};
      }
      case 19:
        if (roll(4) == 0) {
          shim_->stop(SIGKILL);
          start_shim();
          return {"cri-shim killed (-9) and started again"};
        }
        break;
    }
    return {};
  }

  void create_behind_back(const std::string& sandbox_id) {
    const std::string name = "bb" + std::to_string(++containers_made_);
    const std::string uid = "uid-bb-" + unique_suffix();
    docker::ContainerCreateRequest create;
    create.name = "k8s_" + name + "_bbpod_store-test_" + uid + "_0";
    create.image = image_;
    create.cmd = {"sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"};
    create.labels = {{"io.kubernetes.docker.type", "container"},
                     {"io.kubernetes.sandbox.id", sandbox_id},
                     {"io.kubernetes.container.name", name},
                     {"io.kubernetes.pod.name", "bbpod"},
                     {"io.kubernetes.pod.namespace", "store-test"},
                     {"io.kubernetes.pod.uid", uid}};
    create.host_config.network_mode = "host";
    const auto created = docker().create_container(create);
    ever_seen_.insert(created.id);
    if (roll(2)) behind_back([&] { docker().start_container(created.id); });
  }

  // The answers count only when they came from memory (the store live
  // before and after them, with no resynchronisation and no call answered
  // from Docker in between) and while Docker held still (its view the same
  // before and after the shim's: a container that exits by itself, such as
  // "sleep 0.3; exit 3" started again behind the shim's back, may die between
  // the two reads, and then neither answer is wrong). After a CRI step the
  // first such answer must agree (a client reads its own writes); after
  // anything else, one within 30 s (Docker's events take their time; a
  // reconnection its backoff).
  void check(const Step& step, int number) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (step.settled && !step.settled() && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::string diff = "(no answer from memory, with Docker still, within 30 s)";
    while (std::chrono::steady_clock::now() < give_up) {
      const auto before = store_state(runtime());
      const auto docker_says = docker_view(docker(), ever_seen_);
      const auto shim_says = shim_view(runtime(), ever_seen_);
      const bool from_memory = before.live && store_state(runtime()) == before;
      if (from_memory && docker_view(docker(), ever_seen_) == docker_says) {
        diff = differences(docker_says, shim_says);
        if (diff.empty() || step.by_cri) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK_MESSAGE(diff.empty(), "after step " << number << " (" << step.what << "):\n" << diff);
    if (diff.empty()) ++agreed_;
  }

  void restart_dockerd() {
    dockerd_.restart();  // every container stops; the shim's event stream breaks
  }

  int agreed() const { return agreed_; }

 private:
  std::mt19937 random_;
  std::string dir_;
  PrivateDockerd dockerd_;
  FaultProxy proxy_;
  std::unique_ptr<support::ShimProcess> shim_;
  std::unique_ptr<cri::RuntimeService::Stub> runtime_;
  std::string image_, image_id_;
  std::set<std::string> ever_seen_;
  std::map<std::string, cri::PodSandboxConfig> sandbox_configs_;  // by pod name
  std::map<std::string, std::string> sandbox_names_;              // by sandbox ID
  int pods_made_ = 0, containers_made_ = 0, agreed_ = 0;
};

}  // namespace

TEST_CASE("store_test: lists and statuses from memory equal Docker's through random changes, cuts and restarts") {
  if (std::getenv("CRI_SHIM_TEST_DOCKER_ENDPOINT") == nullptr) {
    MESSAGE("no test environment (scripts/test.sh sets it up): skipped");
    return;
  }
  const std::uint32_t seed = std::getenv("CRI_SHIM_TEST_SEED") ? static_cast<std::uint32_t>(std::stoul(std::getenv("CRI_SHIM_TEST_SEED")))
                                                            : std::random_device{}();
  const int steps = std::stoi(env_or("CRI_SHIM_TEST_STORE_STEPS", "200"));
  MESSAGE("seed " << seed << " (CRI_SHIM_TEST_SEED replays it), " << steps << " steps");
  ScratchDir dir("cri-shim-store-test");
  StoreTest test(seed, dir.path());
  // Three real dockerd restarts, spread over the run.
  const std::set<int> restarts = {steps / 4, steps / 2, 3 * steps / 4};
  int made = 0;
  while (made < steps) {
    StoreTest::Step step;
    if (restarts.count(made + 1)) {
      test.restart_dockerd();
      step = {"dockerd restarted"};
    } else {
      step = test.random_step();
      if (step.what.empty()) continue;  // nothing to do it to: another draw
    }
    ++made;
    test.check(step, made);
  }
  MESSAGE(test.agreed() << " of " << made << " steps: cri-shim's memory agreed with Docker");
}
