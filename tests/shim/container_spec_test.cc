// The pure translations of ContainerConfig and LinuxContainerResources, and
// reading a container back.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "shim/container/container_spec.h"
#include "shim/container/container_view.h"
#include "shim/container/resources.h"
#include "shim/container/start_failure.h"
#include "shim/server/call.h"
#include "shim/state/list_filter.h"

namespace {
const std::string kSandbox(64, 'a');

shim::ContainerSpecInputs inputs() {
  shim::ContainerSpecInputs in;
  in.pod = shim::PodMetadata{"web", "u1", "default", 0};
  in.sandbox_id = kSandbox;
  in.log_directory = "/var/log/pods/default_web_u1";
  in.oom_score_adj_floor = -500;
  in.created_at = 99;
  return in;
}

cri::ContainerConfig container_config() {
  cri::ContainerConfig config;
  config.mutable_metadata()->set_name("app_1");
  config.mutable_metadata()->set_attempt(3);
  config.mutable_image()->set_image("busybox:latest");
  config.set_log_path("app_1/3.log");
  return config;
}

std::string error_of(const cri::ContainerConfig& config, const shim::ContainerSpecInputs& in = inputs()) {
  try {
    shim::container_create_request(config, in);
  } catch (const shim::CriError& e) {
    CHECK(e.code() == grpc::StatusCode::INVALID_ARGUMENT);
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("a container: name, labels, command, env, namespaces, log path") {
  auto config = container_config();
  config.add_command("/bin/app");
  config.add_args("--flag");
  auto* env = config.add_envs();
  env->set_key("A");
  env->set_value("b=c");
  config.set_working_dir("/srv");
  config.set_tty(true);
  config.set_stdin(true);
  cri::Signal sigint{};  // by name: SIGINT is also a <signal.h> macro
  REQUIRE(cri::Signal_Parse("SIGINT", &sigint));
  config.set_stop_signal(sigint);
  (*config.mutable_annotations())["io.kubernetes.pod.terminationGracePeriod"] = "45";
  config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(cri::POD);
  const auto request = shim::container_create_request(config, inputs());
  CHECK(request.name == "k8s_app_1_web_default_u1_3");
  CHECK(request.image == "busybox:latest");
  CHECK(request.labels.at("io.kubernetes.sandbox.id") == kSandbox);
  CHECK(request.labels.at("io.kubernetes.container.logpath") ==
        "/var/log/pods/default_web_u1/app_1/3.log");
  CHECK(request.labels.at("io.cri-shim.image") == "busybox:latest");
  CHECK(request.entrypoint == std::vector<std::string>{"/bin/app"});
  CHECK(request.cmd == std::vector<std::string>{"--flag"});
  CHECK(request.env == std::vector<std::string>{"A=b=c"});
  CHECK(request.working_dir == "/srv");
  CHECK(request.tty);
  CHECK(request.open_stdin);
  CHECK(request.stop_signal == "SIGINT");
  CHECK(request.stop_timeout == 45);
  CHECK(request.host_config.network_mode == "container:" + kSandbox);
  CHECK(request.host_config.ipc_mode == "container:" + kSandbox);
  CHECK(request.host_config.pid_mode == "container:" + kSandbox);
  CHECK(*request.host_config.oom_score_adj == 0);  // as asked: above the floor
}

TEST_CASE("cgroup parent: the sandbox's, for every container of the pod") {
  auto in = inputs();
  CHECK(shim::container_create_request(container_config(), in).host_config.resources.cgroup_parent.empty());
  in.sandbox_cgroup_parent = "/kubepods/burstable/pod1234";
  CHECK(shim::container_create_request(container_config(), in).host_config.resources.cgroup_parent ==
        "/kubepods/burstable/pod1234");
  // The systemd driver's slice name, as the sandbox got it.
  in.sandbox_cgroup_parent = "kubepods-besteffort-pod1234.slice";
  CHECK(shim::container_create_request(container_config(), in).host_config.resources.cgroup_parent ==
        "kubepods-besteffort-pod1234.slice");
}

TEST_CASE("OOM score: clamped to the shim's own, never below") {
  auto config = container_config();
  config.mutable_linux()->mutable_resources()->set_oom_score_adj(-999);
  CHECK(*shim::container_create_request(config, inputs()).host_config.oom_score_adj == -500);
  config.mutable_linux()->mutable_resources()->set_oom_score_adj(1000);
  CHECK(*shim::container_create_request(config, inputs()).host_config.oom_score_adj == 1000);
}

TEST_CASE("mounts: options, propagation, relabel, symlinked host paths") {
  const auto dir = std::filesystem::temp_directory_path() / ("cri-shim-mount-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "real");
  std::filesystem::remove(dir / "link");
  std::filesystem::create_directory_symlink(dir / "real", dir / "link");
  auto config = container_config();
  auto* m = config.add_mounts();
  m->set_host_path((dir / "link").string());
  m->set_container_path("/data");
  m->set_readonly(true);
  m->set_propagation(cri::PROPAGATION_HOST_TO_CONTAINER);
  m->set_selinux_relabel(true);
  auto* b = config.add_mounts();
  b->set_host_path("/not/there/yet");
  b->set_container_path("/x");
  b->set_propagation(cri::PROPAGATION_BIDIRECTIONAL);
  const auto request = shim::container_create_request(config, inputs());
  REQUIRE(request.host_config.binds.size() == 2);
  CHECK(request.host_config.binds[0] == (dir / "real").string() + ":/data:ro,rslave,Z");
  CHECK(request.host_config.binds[1] == "/not/there/yet:/x:rw,rshared");
  std::filesystem::remove_all(dir);
}

TEST_CASE("users and groups") {
  auto config = container_config();
  auto* sc = config.mutable_linux()->mutable_security_context();
  sc->set_run_as_username("www-data");
  sc->mutable_run_as_group()->set_value(1004);
  sc->add_supplemental_groups(7);
  auto request = shim::container_create_request(config, inputs());
  CHECK(request.user == "www-data:1004");
  CHECK(request.host_config.group_add == std::vector<std::string>{"7"});
  sc->mutable_run_as_user()->set_value(0);  // uid 0 is a real choice, not "unset"
  CHECK(shim::container_create_request(config, inputs()).user == "0:1004");
}

TEST_CASE("bad container configs name their field") {
  auto config = container_config();
  config.clear_metadata();
  CHECK(error_of(config).find("config.metadata") != std::string::npos);
  config = container_config();
  config.mutable_image()->clear_image();
  CHECK(error_of(config).find("config.image.image") != std::string::npos);
  config = container_config();
  config.set_log_path("../../../etc/passwd");
  CHECK(error_of(config).find("log_path") != std::string::npos);
  config.set_log_path("/abs.log");
  CHECK(error_of(config).find("log_path") != std::string::npos);
  config = container_config();
  config.mutable_linux()->mutable_resources()->set_memory_limit_in_bytes(-1);
  CHECK(error_of(config).find("memory_limit_in_bytes") != std::string::npos);
  config = container_config();
  config.mutable_linux()->mutable_resources()->set_oom_score_adj(1001);
  CHECK(error_of(config).find("oom_score_adj") != std::string::npos);
  config = container_config();
  config.mutable_linux()->mutable_security_context()->mutable_run_as_group()->set_value(3);
  CHECK(error_of(config).find("run_as_group") != std::string::npos);
  config = container_config();
  config.add_envs()->set_value("no key");
  CHECK(error_of(config).find("config.envs[0].key") != std::string::npos);
  config = container_config();
  config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(cri::TARGET);
  CHECK(error_of(config).find("target_id") != std::string::npos);
}

TEST_CASE("log paths stay inside the log directory") {
  CHECK(shim::container_log_path("/logs", "c/0.log") == "/logs/c/0.log");
  CHECK(shim::container_log_path("/logs", "c/../d/0.log") == "/logs/d/0.log");
  CHECK(shim::container_log_path("", "c/0.log").empty());
  CHECK(shim::container_log_path("/logs", "").empty());
  CHECK_THROWS_AS(shim::container_log_path("/logs", ".."), shim::CriError);
  CHECK_THROWS_AS(shim::container_log_path("/logs", "c/../../x"), shim::CriError);
}

TEST_CASE("resources: swap follows memory, -1 means unlimited, back to CRI") {
  cri::LinuxContainerResources in;
  in.set_memory_limit_in_bytes(100);
  in.set_cpu_shares(2);
  in.set_cpu_quota(-1);
  auto out = shim::docker_resources(in, "r");
  CHECK(out.memory_swap == 100);
  CHECK(out.cpu_quota == 0);
  in.set_memory_swap_limit_in_bytes(-1);
  CHECK(shim::docker_resources(in, "r").memory_swap == -1);
  in.set_memory_swap_limit_in_bytes(50);
  CHECK_THROWS_AS(shim::docker_resources(in, "r"), shim::CriError);
}

TEST_CASE("container state words and the process user from /proc") {
  CHECK(shim::container_state("created") == cri::CONTAINER_CREATED);
  CHECK(shim::container_state("running") == cri::CONTAINER_RUNNING);
  CHECK(shim::container_state("paused") == cri::CONTAINER_RUNNING);
  CHECK(shim::container_state("exited") == cri::CONTAINER_EXITED);
  CHECK(shim::container_state("dead") == cri::CONTAINER_EXITED);
  CHECK(shim::container_state("removing") == cri::CONTAINER_UNKNOWN);

  const auto root = std::filesystem::temp_directory_path() / ("cri-shim-proc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "42");
  std::ofstream(root / "42" / "status") << "Name:\tsh\nUid:\t1002\t1002\t1002\t1002\n"
                                           "Gid:\t1003\t1003\t1003\t1003\nGroups:\t1004 1005 \n";
  cri::LinuxContainerUser user;
  REQUIRE(shim::read_process_user(42, &user, root.string()));
  CHECK(user.uid() == 1002);
  CHECK(user.gid() == 1003);
  CHECK(user.supplemental_groups_size() == 2);
  CHECK(user.supplemental_groups(1) == 1005);
  CHECK_FALSE(shim::read_process_user(43, &user, root.string()));
  // The keys anywhere, the first line included; no supplementary group.
  std::filesystem::create_directories(root / "44");
  std::ofstream(root / "44" / "status") << "Uid:\t0\t0\t0\t0\nName:\tsh\nGroups:\t\nGid:\t7\t7\t7\t7";
  cri::LinuxContainerUser root_user;
  REQUIRE(shim::read_process_user(44, &root_user, root.string()));
  CHECK(root_user.uid() == 0);
  CHECK(root_user.gid() == 7);
  CHECK(root_user.supplemental_groups_size() == 0);
  // Not a status file: nothing.
  std::filesystem::create_directories(root / "45");
  std::ofstream(root / "45" / "status") << "Name:\tsh\nUidless:\t1\n";
  CHECK_FALSE(shim::read_process_user(45, &root_user, root.string()));
  std::filesystem::remove_all(root);
}

TEST_CASE("a failed start is EXITED ContainerCannotRun, with its creation as start and finish") {
  docker::ContainerInspect inspect;
  inspect.id = "c1";
  inspect.name = "/k8s_app_pod_ns_uid_0";  // cri-dockerd's name: metadata without our labels
  inspect.created = "2026-01-02T03:04:05.123456789Z";
  inspect.state.status = "created";
  inspect.state.exit_code = 127;
  inspect.state.error = "exec: \"/nonexistent\": stat /nonexistent: no such file or directory";
  inspect.state.started_at = inspect.state.finished_at = "0001-01-01T00:00:00Z";
  CHECK(shim::failed_to_start(inspect.state));
  CHECK(shim::container_state_of(inspect.state) == cri::CONTAINER_EXITED);
  cri::ContainerStatus status;
  shim::fill_container_status(inspect, &status);
  CHECK(status.state() == cri::CONTAINER_EXITED);
  CHECK(status.reason() == "ContainerCannotRun");
  CHECK(status.exit_code() == 127);
  CHECK(status.message() == inspect.state.error);
  CHECK(status.created_at() > 0);
  CHECK(status.started_at() == status.created_at());
  CHECK(status.finished_at() == status.created_at());

  // Not yet started: exit code 0, still CREATED with no times.
  inspect.state.exit_code = 0;
  inspect.state.error.clear();
  CHECK_FALSE(shim::failed_to_start(inspect.state));
  status.Clear();
  shim::fill_container_status(inspect, &status);
  CHECK(status.state() == cri::CONTAINER_CREATED);
  CHECK(status.started_at() == 0);
  CHECK(status.reason().empty());

  // A run that ended with 127 is an ordinary exit (Error), not a failed start.
  inspect.state.status = "exited";
  inspect.state.exit_code = 127;
  inspect.state.started_at = "2026-01-02T03:04:06Z";
  inspect.state.finished_at = "2026-01-02T03:04:07Z";
  CHECK_FALSE(shim::failed_to_start(inspect.state));
  status.Clear();
  shim::fill_container_status(inspect, &status);
  CHECK(status.reason() == "Error");
  CHECK(status.started_at() > status.created_at());
}

TEST_CASE("status mounts: the Binds in config order, not what the shim added") {
  docker::ContainerInspect inspect;
  inspect.host_config.binds = {"/data/b:/b:ro,rslave", "/data/a:/a:rw,rprivate"};
  // Inspect's order is Docker's map order; /sys is privileged-from-parts'
  // own HostConfig.Mounts entry; /cache an image volume.
  inspect.mounts = {
      {"bind", "", "/sys", "/sys", "", "rprivate", true},
      {"bind", "", "/data/a", "/a", "rw", "rprivate", true},
      {"volume", "v1", "/var/lib/docker/volumes/v1/_data", "/cache", "", "", true},
      {"bind", "", "/data/b", "/b", "ro", "rslave", false},
  };
  const auto mounts = shim::cri_mounts_of(inspect);
  REQUIRE(mounts.size() == 2);
  CHECK(mounts[0]->destination == "/b");
  CHECK(mounts[1]->destination == "/a");
}

TEST_CASE("list filters: kind, selector (escaped keys) and unique ID prefixes, in memory") {
  const auto record = [](const std::string& id, const std::string& kind, shim::LabelMap labels) {
    docker::ContainerInspect inspect;
    inspect.id = id;
    inspect.config.labels = std::move(labels);
    inspect.config.labels["io.kubernetes.docker.type"] = kind;
    return std::make_shared<const docker::ContainerInspect>(std::move(inspect));
  };
  google::protobuf::Map<std::string, std::string> selector;
  selector["app"] = "web";
  selector["io.kubernetes.docker.type"] = "x";  // clashes with an internal key: escaped
  const std::vector<shim::ContainerStore::Record> records = {
      record("abc1", "container", {{"app", "web"}, {"io.cri-shim.label.io.kubernetes.docker.type", "x"}}),
      record("abc2", "container", {{"app", "web"}, {"io.cri-shim.label.io.kubernetes.docker.type", "x"}}),
      record("abd3", "container", {{"app", "db"}}),
      record("abc4", "podsandbox", {{"app", "web"}, {"io.cri-shim.label.io.kubernetes.docker.type", "x"}}),
  };
  CHECK(shim::select_records(records, shim::DockerObjectKind::kContainer, selector, "").size() == 2);
  CHECK(shim::select_records(records, shim::DockerObjectKind::kSandbox, selector, "").size() == 1);
  // A prefix that names two containers names none; one that names one finds it.
  CHECK(shim::select_records(records, shim::DockerObjectKind::kContainer, selector, "abc").empty());
  CHECK(shim::select_records(records, shim::DockerObjectKind::kContainer, selector, "abc2").size() == 1);
  const google::protobuf::Map<std::string, std::string> none;
  CHECK(shim::select_records(records, shim::DockerObjectKind::kContainer, none, "").size() == 3);
  CHECK(shim::select_records(records, shim::DockerObjectKind::kContainer, none, "abd").size() == 1);
}

TEST_CASE("the image a container reports: as named, or for an ID the image's first tag now") {
  const std::string id = "sha256:" + std::string(64, 'e');
  docker::ContainerInspect inspect;
  inspect.image = id;
  inspect.config.image = "busybox:1";
  const shim::RepoTagLookup tagged = [&](const std::string& image_id) -> std::optional<std::string> {
    CHECK(image_id == id);
    return std::string("registry.local/busybox:latest");
  };
  const shim::RepoTagLookup untagged = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };

  // Named by a reference: that name, whatever the image's tags are.
  inspect.config.labels["io.cri-shim.image"] = "busybox:1";
  CHECK(shim::reported_image(inspect, tagged) == "busybox:1");
  // Named by its ID (kubelet v1.26): the first tag, or the ID without one.
  inspect.config.labels["io.cri-shim.image"] = id;
  CHECK(shim::reported_image(inspect, tagged) == "registry.local/busybox:latest");
  CHECK(shim::reported_image(inspect, untagged) == id);
  CHECK(shim::reported_image(inspect, {}) == id);
  inspect.config.labels["io.cri-shim.image"] = std::string(64, 'e');
  CHECK(shim::reported_image(inspect, tagged) == "registry.local/busybox:latest");
  // A short hex name is a repository, not an ID.
  inspect.config.labels["io.cri-shim.image"] = "abcdef";
  CHECK(shim::reported_image(inspect, tagged) == "abcdef");
  // What the pod's author wrote, when the client says it, wins.
  inspect.config.labels["io.cri-shim.image"] = id;
  inspect.config.labels["io.cri-shim.user-image"] = "busybox";
  CHECK(shim::reported_image(inspect, tagged) == "busybox");
  // cri-dockerd's containers have no label: Docker's Config.Image.
  inspect.config.labels.clear();
  inspect.config.image = id;
  CHECK(shim::reported_image(inspect, tagged) == "registry.local/busybox:latest");

  // The list entry and the status agree.
  inspect.id = std::string(64, 'c');
  inspect.name = "k8s_app_web_default_u1_0";
  inspect.state.status = "running";
  inspect.state.running = true;
  cri::Container entry;
  REQUIRE(shim::fill_container(inspect, &entry, tagged));
  CHECK(entry.image().image() == "registry.local/busybox:latest");
  CHECK(entry.image_ref() == id);
  CHECK(entry.state() == cri::CONTAINER_RUNNING);
}
