// Containers through the real cri-shim on the real dockerd: each mapping of
// ContainerConfig checked where Docker shows it and where only the running
// process shows it.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "tests/integration/pod_fixture.h"
#include "tests/support/tar_writer.h"

using namespace itest;

namespace {

std::vector<cri::Container> list_containers(cri::RuntimeService::Stub& runtime,
                                            const cri::ContainerFilter& filter) {
  cri::ListContainersRequest request;
  *request.mutable_filter() = filter;
  cri::ListContainersResponse response;
  auto status = runtime.ListContainers(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return {response.containers().begin(), response.containers().end()};
}

grpc::Status stop_container(cri::RuntimeService::Stub& runtime, const std::string& id, int timeout) {
  cri::StopContainerRequest request;
  request.set_container_id(id);
  request.set_timeout(timeout);
  cri::StopContainerResponse response;
  return runtime.StopContainer(context().get(), request, &response);
}

grpc::Status remove_container(cri::RuntimeService::Stub& runtime, const std::string& id) {
  cri::RemoveContainerRequest request;
  request.set_container_id(id);
  cri::RemoveContainerResponse response;
  return runtime.RemoveContainer(context().get(), request, &response);
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("Container lifecycle: create, start, exec, status, list, stop, remove") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "life_pod");
  pod.run();
  auto config = pod.container_config("main_c", "echo started; exec sleep 600");
  auto* env = config.add_envs();
  env->set_key("GREETING");
  env->set_value("hello world");
  config.set_working_dir("/tmp");
  (*config.mutable_annotations())["a.b/c"] = "d";
  (*config.mutable_labels())["role"] = "main";
  const std::string id = pod.create(config);

  auto created = pod.status(id);
  CHECK(created.state() == cri::CONTAINER_CREATED);
  CHECK(created.metadata().name() == "main_c");
  CHECK(created.created_at() > 1'600'000'000'000'000'000);
  CHECK(created.started_at() == 0);

  pod.start(id);
  auto running = pod.status(id);
  CHECK(running.state() == cri::CONTAINER_RUNNING);
  CHECK(running.started_at() >= running.created_at());
  CHECK(running.labels().at("role") == "main");
  CHECK(running.annotations().at("a.b/c") == "d");
  CHECK(running.image().image() == required_env("CRI_SHIM_TEST_IMAGE"));
  CHECK(running.image_ref().rfind("sha256:", 0) == 0);
  CHECK(running.log_path() == pod.log_directory() + "/main_c/0.log");

  auto result = pod.exec(id, "echo $GREETING; pwd; echo err >&2; exit 3");
  REQUIRE_MESSAGE(result.status.ok(), result.status.error_message());
  CHECK(result.out == "hello world\n/tmp\n");
  CHECK(result.err == "err\n");
  CHECK(result.exit_code == 3);

  const auto inspect = docker_client().inspect_container(id);
  CHECK(inspect.name == "k8s_main_c_life_pod_itest_" + pod.config().metadata().uid() + "_0");
  CHECK(inspect.config.labels.at("io.kubernetes.sandbox.id") == pod.id());
  CHECK(inspect.host_config.network_mode == "container:" + pod.id());
  CHECK(inspect.host_config.ipc_mode == "container:" + pod.id());

  cri::ContainerFilter filter;
  filter.set_pod_sandbox_id(pod.id());
  auto listed = list_containers(*runtime, filter);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id() == id);
  CHECK(listed[0].created_at() == running.created_at());
  CHECK(listed[0].state() == cri::CONTAINER_RUNNING);
  filter.set_pod_sandbox_id(pod.id().substr(0, 10));
  CHECK(list_containers(*runtime, filter).size() == 1);
  filter.Clear();
  filter.set_id(id.substr(0, 12));
  CHECK(list_containers(*runtime, filter).size() == 1);
  filter.mutable_state()->set_state(cri::CONTAINER_EXITED);
  CHECK(list_containers(*runtime, filter).empty());

  REQUIRE(stop_container(*runtime, id, 0).ok());
  auto exited = pod.status(id);
  CHECK(exited.state() == cri::CONTAINER_EXITED);
  CHECK(exited.exit_code() == 137);
  CHECK(exited.reason() == "Error");
  CHECK(exited.finished_at() >= exited.started_at());
  CHECK(stop_container(*runtime, id, 0).ok());

  REQUIRE(remove_container(*runtime, id).ok());
  CHECK(remove_container(*runtime, id).ok());
  cri::ContainerStatusRequest request;
  request.set_container_id(id);
  cri::ContainerStatusResponse response;
  CHECK(runtime->ContainerStatus(context().get(), request, &response).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  CHECK(stop_container(*runtime, id, 0).error_code() == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("Exit reasons and times: Completed, Error") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  pod.run();
  const auto ok = pod.create_and_start("ok", "exit 0");
  const auto bad = pod.create_and_start("bad", "exit 7");
  auto s = pod.wait_exited(ok);
  CHECK(s.reason() == "Completed");
  CHECK(s.exit_code() == 0);
  s = pod.wait_exited(bad);
  CHECK(s.reason() == "Error");
  CHECK(s.exit_code() == 7);
  CHECK(s.finished_at() % 1'000'000'000 != 0);  // nanoseconds, not rounded seconds
}

TEST_CASE("Failed start: StartContainer errs, Status and List say EXITED ContainerCannotRun") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "cannot_run_pod");
  pod.run();
  auto config = pod.container_config("cannot_run", "");
  config.clear_command();
  config.clear_args();
  config.add_command("/nonexistent");
  const std::string id = pod.create(config);

  cri::StartContainerRequest start;
  start.set_container_id(id);
  cri::StartContainerResponse started;
  const auto failed = runtime->StartContainer(context().get(), start, &started);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error_code() != grpc::StatusCode::NOT_FOUND);
  CHECK_MESSAGE(failed.error_message().find("/nonexistent") != std::string::npos, failed.error_message());

  // As dockershim: the run it never had began and ended at its creation.
  const auto status = pod.status(id);
  CHECK(status.state() == cri::CONTAINER_EXITED);
  CHECK(status.reason() == "ContainerCannotRun");
  CHECK(status.exit_code() != 0);
  CHECK_MESSAGE(status.message().find("/nonexistent") != std::string::npos, status.message());
  CHECK(status.started_at() == status.created_at());
  CHECK(status.finished_at() == status.created_at());

  // List agrees with ContainerStatus, and so do its state filters.
  cri::ContainerFilter by_id;
  by_id.set_id(id);
  auto listed = list_containers(*runtime, by_id);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].state() == cri::CONTAINER_EXITED);
  CHECK(listed[0].created_at() == status.created_at());
  auto by_state = by_id;
  by_state.mutable_state()->set_state(cri::CONTAINER_EXITED);
  CHECK(list_containers(*runtime, by_state).size() == 1);
  by_state.mutable_state()->set_state(cri::CONTAINER_CREATED);
  CHECK(list_containers(*runtime, by_state).empty());
  by_state.mutable_state()->set_state(cri::CONTAINER_RUNNING);
  CHECK(list_containers(*runtime, by_state).empty());

  // A container created and not started is still CREATED in both.
  const std::string waiting = pod.create(pod.container_config("not_started", "sleep 1"));
  CHECK(pod.status(waiting).state() == cri::CONTAINER_CREATED);
  cri::ContainerFilter created_only;
  created_only.set_pod_sandbox_id(pod.id());
  created_only.mutable_state()->set_state(cri::CONTAINER_CREATED);
  listed = list_containers(*runtime, created_only);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id() == waiting);

  REQUIRE(remove_container(*runtime, id).ok());
  CHECK(list_containers(*runtime, by_id).empty());
}

TEST_CASE("CreateContainer: bad input gets a specific code naming the field") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  pod.run();
  std::string id;
  SUBCASE("unknown sandbox") {
    cri::CreateContainerRequest request;
    request.set_pod_sandbox_id(std::string(64, 'c'));
    *request.mutable_config() = pod.container_config("x", "true");
    cri::CreateContainerResponse response;
    CHECK(runtime->CreateContainer(context().get(), request, &response).error_code() ==
          grpc::StatusCode::NOT_FOUND);
  }
  SUBCASE("absent image") {
    auto config = pod.container_config("x", "true");
    config.mutable_image()->set_image("cri-shim-test/not-there:never");
    auto status = pod.try_create(config, &id);
    CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);
    CHECK(status.error_message().find("not-there") != std::string::npos);
  }
  SUBCASE("log path escaping the log directory") {
    auto config = pod.container_config("x", "true");
    config.set_log_path("../../etc/evil.log");
    auto status = pod.try_create(config, &id);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().find("log_path") != std::string::npos);
  }
  SUBCASE("negative resources") {
    auto config = pod.container_config("x", "true");
    config.mutable_linux()->mutable_resources()->set_cpu_shares(-5);
    auto status = pod.try_create(config, &id);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().find("cpu_shares") != std::string::npos);
  }
  SUBCASE("run_as_group without a user") {
    auto config = pod.container_config("x", "true");
    config.mutable_linux()->mutable_security_context()->mutable_run_as_group()->set_value(5);
    auto status = pod.try_create(config, &id);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().find("run_as_group") != std::string::npos);
  }
  SUBCASE("missing metadata") {
    auto config = pod.container_config("x", "true");
    config.clear_metadata();
    auto status = pod.try_create(config, &id);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(status.error_message().find("metadata") != std::string::npos);
  }
  SUBCASE("same metadata twice") {
    pod.create(pod.container_config("twice", "true"));
    auto status = pod.try_create(pod.container_config("twice", "true"), &id);
    CHECK(status.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  }
  // Only the sandbox (and "twice" once) may exist.
  CHECK(docker_containers_with_label("io.kubernetes.pod.uid", pod.config().metadata().uid()) <= 2);
}

TEST_CASE("Security context: users, groups, read-only rootfs, capabilities, privileged") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  pod.run();

  SUBCASE("run_as_user, run_as_group and supplemental groups") {
    auto config = pod.container_config("user", "sleep 600");
    auto* sc = config.mutable_linux()->mutable_security_context();
    sc->mutable_run_as_user()->set_value(1002);
    sc->mutable_run_as_group()->set_value(1003);
    sc->add_supplemental_groups(1004);
    const auto id = pod.create(config);
    pod.start(id);
    auto r = pod.exec(id, "id -u; id -g; id -G");
    REQUIRE(r.status.ok());
    CHECK(r.out.find("1002\n1003\n") == 0);
    CHECK(r.out.find("1004") != std::string::npos);
    auto s = pod.status(id);
    CHECK(s.user().linux().uid() == 1002);
    CHECK(s.user().linux().gid() == 1003);
  }
  SUBCASE("run_as_username from the image's passwd") {
    auto config = pod.container_config("named", "sleep 600");
    config.mutable_linux()->mutable_security_context()->set_run_as_username("www-data");
    const auto id = pod.create(config);
    pod.start(id);
    CHECK(trim(pod.exec(id, "id -u").out) == "33");
  }
  SUBCASE("readonly rootfs") {
    auto config = pod.container_config("ro", "sleep 600");
    config.mutable_linux()->mutable_security_context()->set_readonly_rootfs(true);
    const auto id = pod.create(config);
    pod.start(id);
    auto r = pod.exec(id, "touch /forbidden");
    CHECK(r.exit_code != 0);
  }
  SUBCASE("drop ALL, add CHOWN") {
    auto config = pod.container_config("caps", "sleep 600");
    auto* caps = config.mutable_linux()->mutable_security_context()->mutable_capabilities();
    caps->add_drop_capabilities("ALL");
    caps->add_add_capabilities("CHOWN");
    const auto id = pod.create(config);
    pod.start(id);
    CHECK(trim(pod.exec(id, "grep CapEff /proc/self/status").out) == "CapEff:\t0000000000000001");
  }
  SUBCASE("privileged works on this host, built from parts when it must") {
    auto config = pod.container_config("priv", "sleep 600");
    config.mutable_linux()->mutable_security_context()->set_privileged(true);
    const auto id = pod.create(config);
    pod.start(id);
    auto r = pod.exec(id, "grep CapEff /proc/self/status; cat /proc/1/status | grep -c Seccomp:.0; "
                          "ls /dev | wc -l; mount | grep ' /sys ' | grep -c rw");
    REQUIRE_MESSAGE(r.status.ok(), r.status.error_message());
    CHECK(r.out.find("CapEff:\t0000003") != std::string::npos);
  }
  SUBCASE("no_new_privs and masked paths") {
    auto config = pod.container_config("nnp", "sleep 600");
    auto* sc = config.mutable_linux()->mutable_security_context();
    sc->set_no_new_privs(true);
    sc->add_masked_paths("/proc/timer_list");
    const auto id = pod.create(config);
    pod.start(id);
    auto r = pod.exec(id, "grep NoNewPrivs /proc/self/status; wc -c < /proc/timer_list");
    CHECK(r.out == "NoNewPrivs:\t1\n0\n");
  }
}

TEST_CASE("Namespaces: PID shared with the pod, mounts, resources and their update") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  pod.run();

  SUBCASE("PID mode POD sees the pause process") {
    auto config = pod.container_config("pid", "sleep 600");
    config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(cri::POD);
    const auto id = pod.create(config);
    pod.start(id);
    CHECK(pod.exec(id, "ps -o comm | grep -c pause").out == "1\n");
  }
  SUBCASE("mounts: read-only bind through a symlink; status lists it") {
    const std::string dir = pod.log_directory() + "/data";
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/file") << "payload";
    std::filesystem::create_symlink(dir, pod.log_directory() + "/link");
    auto config = pod.container_config("mnt", "sleep 600");
    auto* mount = config.add_mounts();
    mount->set_host_path(pod.log_directory() + "/link");
    mount->set_container_path("/data");
    mount->set_readonly(true);
    const auto id = pod.create(config);
    pod.start(id);
    CHECK(pod.exec(id, "cat /data/file").out == "payload");
    CHECK(pod.exec(id, "touch /data/x").exit_code != 0);
    auto s = pod.status(id);
    bool found = false;
    for (const auto& m : s.mounts())
      if (m.container_path() == "/data") {
        found = true;
        CHECK(m.host_path() == dir);
        CHECK(m.readonly());
      }
    CHECK(found);
  }
  SUBCASE("mounts of a privileged container: status lists the config's, in its order") {
    // Built from parts on this host, a privileged container also bind-mounts
    // the host's /sys; that is the shim's, not a CRI mount (critest's mount
    // propagation specs read Mounts[0]).
    for (const char* d : {"/m2", "/m1"}) std::filesystem::create_directories(pod.log_directory() + d);
    auto config = pod.container_config("privmnt", "sleep 600");
    config.mutable_linux()->mutable_security_context()->set_privileged(true);
    for (const char* d : {"/m2", "/m1"}) {
      auto* mount = config.add_mounts();
      mount->set_host_path(pod.log_directory() + d);
      mount->set_container_path(d);
      mount->set_propagation(cri::PROPAGATION_PRIVATE);
    }
    const auto id = pod.create(config);
    auto s = pod.status(id);
    REQUIRE(s.mounts_size() == 2);
    CHECK(s.mounts(0).container_path() == "/m2");
    CHECK(s.mounts(0).host_path() == pod.log_directory() + "/m2");
    CHECK(s.mounts(1).container_path() == "/m1");
    CHECK(s.mounts(0).propagation() == cri::PROPAGATION_PRIVATE);
  }
  SUBCASE("resources at create, then updated live") {
    auto config = pod.container_config("res", "sleep 600");
    auto* res = config.mutable_linux()->mutable_resources();
    res->set_cpu_shares(512);
    res->set_memory_limit_in_bytes(64 << 20);
    res->set_cpu_period(100000);
    res->set_cpu_quota(50000);
    const auto id = pod.create(config);
    pod.start(id);
    auto s = pod.status(id);
    CHECK(s.resources().linux().cpu_shares() == 512);
    CHECK(s.resources().linux().memory_limit_in_bytes() == 64 << 20);
    cri::UpdateContainerResourcesRequest update;
    update.set_container_id(id);
    update.mutable_linux()->set_memory_limit_in_bytes(128 << 20);
    update.mutable_linux()->set_cpu_shares(256);
    cri::UpdateContainerResourcesResponse updated;
    auto status = runtime->UpdateContainerResources(context().get(), update, &updated);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    const auto inspect = docker_client().inspect_container(id);
    CHECK(inspect.host_config.memory == 128 << 20);
    CHECK(inspect.host_config.cpu_shares == 256);
    update.set_container_id(std::string(64, 'd'));
    CHECK(runtime->UpdateContainerResources(context().get(), update, &updated).error_code() ==
          grpc::StatusCode::NOT_FOUND);
  }
}

TEST_CASE("StopPodSandbox stops the pod's containers; RemovePodSandbox removes them") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  pod.run();
  // PID 1 ignores SIGTERM here: each takes its grace (1 s), not Docker's 10 s.
  std::vector<std::string> ids;
  for (const char* name : {"a", "b"}) {
    auto config = pod.container_config(name, "exec sleep 600");
    (*config.mutable_annotations())["io.kubernetes.pod.terminationGracePeriod"] = "1";
    ids.push_back(pod.create(config));
    pod.start(ids.back());
  }
  const auto& a = ids[0];
  const auto& b = ids[1];
  CHECK(docker_client().inspect_container(a).raw["Config"]["StopTimeout"] == 1);
  cri::StopPodSandboxRequest stop;
  stop.set_pod_sandbox_id(pod.id());
  cri::StopPodSandboxResponse stopped;
  REQUIRE(runtime->StopPodSandbox(context().get(), stop, &stopped).ok());
  CHECK(pod.status(a).state() == cri::CONTAINER_EXITED);
  CHECK(pod.status(b).state() == cri::CONTAINER_EXITED);
  cri::RemovePodSandboxRequest remove;
  remove.set_pod_sandbox_id(pod.id().substr(0, 16));  // a unique prefix, as crictl allows
  cri::RemovePodSandboxResponse removed;
  REQUIRE(runtime->RemovePodSandbox(context().get(), remove, &removed).ok());
  CHECK(docker_containers_with_label("io.kubernetes.pod.uid", pod.config().metadata().uid()) == 0);
}

TEST_CASE("Status follows changes made behind the shim's back (Docker events)") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  pod.run();
  const auto id = pod.create_and_start("victim", "exec sleep 600");
  CHECK(pod.status(id).state() == cri::CONTAINER_RUNNING);  // now known to the shim
  docker_client().kill_container(id, "SIGKILL");
  const auto exited = pod.wait_exited(id);
  CHECK(exited.exit_code() == 137);
  docker_client().remove_container(id, true);
  cri::ContainerStatusRequest request;
  request.set_container_id(id);
  cri::ContainerStatusResponse response;
  grpc::Status status;
  // The destroy event arrives within milliseconds, but on a loaded machine
  // maybe seconds: polled for up to 30 s (was 100 x 20 ms).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < give_up) {
    status = runtime->ContainerStatus(context().get(), request, &response);
    if (!status.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("Status after the shim's own stop, then a start behind its back") {
  // The stop leaves an inspect in the cache that the die/stop events must
  // not spoil (it already shows the exit); a start behind the shim's back
  // must still replace it.
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime);
  pod.run();
  const auto id = pod.create_and_start("stopped", "exec sleep 600");
  cri::StopContainerRequest stop;
  stop.set_container_id(id);
  cri::StopContainerResponse stopped;
  REQUIRE(runtime->StopContainer(context().get(), stop, &stopped).ok());
  for (int i = 0; i < 10; ++i) {  // before and after the events arrive
    const auto status = pod.status(id);
    CHECK(status.state() == cri::CONTAINER_EXITED);
    CHECK(status.exit_code() == 137);
    CHECK(status.finished_at() > 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  docker_client().start_container(id);
  cri::ContainerState state = cri::CONTAINER_EXITED;
  // The start event: polled for up to 30 s (was 100 x 20 ms, short when loaded).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < give_up && state != cri::CONTAINER_RUNNING) {
    state = pod.status(id).state();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(state == cri::CONTAINER_RUNNING);
  docker_client().kill_container(id, "SIGKILL");
  const auto exited = pod.wait_exited(id);
  CHECK(exited.exit_code() == 137);
}

namespace {

// controller list -> cgroup path, from /proc/<pid>/cgroup (v1 lines
// "N:cpu,cpuacct:/path", the v2 line "0::/path").
std::map<std::string, std::string> cgroups_of(int pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/cgroup");
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(file, line)) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    out[line.substr(first + 1, second - first - 1)] = line.substr(second + 1);
  }
  return out;
}

// The cgroup (of the cpu controller on v1, the unified one on v2) that
// holds process `pid`.
std::string cpu_cgroup_of(int pid) {
  for (const auto& [controllers, path] : cgroups_of(pid)) {
    std::stringstream list(controllers);
    for (std::string controller; std::getline(list, controller, ',');)
      if (controller == "cpu") return path;
  }
  const auto all = cgroups_of(pid);
  const auto unified = all.find("");
  return unified == all.end() ? "" : unified->second;
}

}  // namespace

TEST_CASE("Every container of a pod runs in the pod's cgroup, also after a shim restart") {
  const std::string parent = "/cri-shim-test-kubepods/pod" + unique_suffix();
  {
    std::string sandbox_id, first, second;
    {
      ShimProcess shim;
      auto runtime = shim.runtime();
      Pod pod(*runtime, "cgroup");
      pod.config().mutable_linux()->set_cgroup_parent(parent);
      sandbox_id = pod.run();
      first = pod.create_and_start("first", "exec sleep 600");
      const auto sandbox_pid = docker_client().inspect_container(sandbox_id).state.pid;
      const auto first_pid = docker_client().inspect_container(first).state.pid;
      CHECK(docker_client().inspect_container(first).host_config.cgroup_parent == parent);
      CHECK(cpu_cgroup_of(sandbox_pid) == parent + "/" + sandbox_id);
      CHECK(cpu_cgroup_of(first_pid) == parent + "/" + first);
      // Every controller's hierarchy places it there, not only cpu's.
      for (const auto& [controllers, path] : cgroups_of(first_pid)) {
        if (controllers.find("name=") == 0 || path == "/") continue;  // not managed by Docker
        CHECK_MESSAGE(path.find(parent + "/") != std::string::npos, controllers << ": " << path);
      }

      // A new shim knows the parent from the sandbox's Docker config alone.
      shim.stop(SIGKILL);
      ShimProcess second_shim;
      auto second_runtime = second_shim.runtime();
      auto config = pod.container_config("second", "exec sleep 600");
      cri::CreateContainerRequest create;
      create.set_pod_sandbox_id(sandbox_id);
      *create.mutable_config() = config;
      create.mutable_sandbox_config()->mutable_metadata()->CopyFrom(pod.config().metadata());
      cri::CreateContainerResponse created;
      auto status = second_runtime->CreateContainer(context().get(), create, &created);
      REQUIRE_MESSAGE(status.ok(), status.error_message());
      second = created.container_id();
      cri::StartContainerRequest start;
      start.set_container_id(second);
      cri::StartContainerResponse started;
      REQUIRE(second_runtime->StartContainer(context().get(), start, &started).ok());
      CHECK(cpu_cgroup_of(docker_client().inspect_container(second).state.pid) == parent + "/" + second);
      CHECK(stop_sandbox(*second_runtime, sandbox_id).ok());
      CHECK(remove_sandbox(*second_runtime, sandbox_id).ok());
    }
  }
  remove_test_cgroups(parent);
  remove_test_cgroups("/cri-shim-test-kubepods");
}

TEST_CASE("A container made by image ID reports the image's first tag, as its tags change; the ID once it has none") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  const std::string suffix = unique_suffix();
  const std::string repo = "cri-shim-itest/named-" + suffix;
  const auto import_unique = [&](const std::string& content, const std::string& tag) {
    const std::string tar = support::single_file_tar("unique", content);
    std::size_t offset = 0;
    return docker_client().import_image(
        [&](char* buf, std::size_t capacity) {
          const std::size_t n = std::min(capacity, tar.size() - offset);
          std::copy_n(tar.data() + offset, n, buf);
          offset += n;
          return n;
        },
        repo, tag);
  };
  const std::string image_id = import_unique(repo, "one");
  Pod pod(*runtime, "image-names");
  pod.run();
  // kubelet v1.26: the ID it got from PullImage/ImageStatus. Never started
  // (the image holds no program): its status is all this test needs.
  auto config = pod.container_config("named", "true");
  config.mutable_image()->set_image(image_id);
  const auto id = pod.create(config);

  // Status and list, polled until both name the image `want` (image events
  // reach the shim's image store within moments).
  const auto reports = [&](const std::string& want) {
    std::string status_image, list_image;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < give_up) {
      const auto status = pod.status(id);
      CHECK(status.image_ref() == image_id);
      status_image = status.image().image();
      cri::ContainerFilter filter;
      filter.set_id(id);
      const auto listed = list_containers(*runtime, filter);
      REQUIRE(listed.size() == 1);
      CHECK(listed[0].image_ref() == image_id);
      list_image = listed[0].image().image();
      if (status_image == want && list_image == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(status_image == want);
    CHECK(list_image == want);
  };
  reports(repo + ":one");
  // A tag added later that sorts first (Docker lists tags in lexical order).
  const std::string earlier = "cri-shim-itest/aaa-" + suffix;
  docker_client().tag_image(image_id, earlier, "first");
  reports(earlier + ":first");
  // Every tag moved to a newer image (a pull of the same names would do
  // that), the container keeps the old one: the ID.
  const std::string newer = import_unique(repo + " v2", "newer");
  docker_client().tag_image(newer, earlier, "first");
  docker_client().tag_image(newer, repo, "one");
  reports(image_id);

  // Named by reference, a container reports that name whatever the tags.
  docker_client().tag_image(image_id, repo, "two");
  auto by_name = pod.container_config("by-name", "true");
  by_name.mutable_image()->set_image(repo + ":two");
  const auto named = pod.create(by_name);
  docker_client().tag_image(image_id, earlier, "zero");
  CHECK(pod.status(named).image().image() == repo + ":two");
  // And a client that says what the user wrote is heard.
  auto user_specified = pod.container_config("user-specified", "true");
  user_specified.mutable_image()->set_image(image_id);
  user_specified.mutable_image()->set_user_specified_image("named-" + suffix + ":two");
  const auto specified = pod.create(user_specified);
  CHECK(pod.status(specified).image().image() == "named-" + suffix + ":two");
  CHECK(pod.status(specified).image().user_specified_image() == "named-" + suffix + ":two");

  CHECK(remove_sandbox(*runtime, pod.id()).ok());
  for (const auto& tag : {repo + ":two", earlier + ":zero", earlier + ":first", repo + ":one", repo + ":newer"}) {
    try {
      docker_client().remove_image(tag, true);
    } catch (const docker::DockerError&) {
    }
  }
}
