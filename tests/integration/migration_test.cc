// Issue 3, "State and concurrency", migration without downtime: pods made
// the way cri-dockerd labels them (its Docker names and label keys only, no
// io.cri-shim.* label, the log path a symlink to Docker's json-file) are
// adopted by cri-shim: listed, statused, stopped and removed like its own,
// their logs continued at the same path in CRI format.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "tests/integration/pod_fixture.h"
#include "tests/integration/state_support.h"
#include "tests/support/wait_for.h"

using namespace itest;

namespace {

const char* const kPauseImage = "cri-shim.local/pause:1";

struct LegacyPod {
  std::string name, ns = "legacy", uid, attempt = "1";
  std::string sandbox_id, container_id, log_directory, log_path;
};

// `docker <args>`, REQUIRing success; returns its trimmed stdout.
std::string docker_cli(const std::string& args) {
  std::string out = state::capture("docker " + args + " 2>/tmp/cri-shim-itest-docker-cli.err; echo \"rc=$?\"");
  const auto rc = out.rfind("rc=");
  REQUIRE(rc != std::string::npos);
  const std::string code = out.substr(rc + 3);
  out.erase(rc);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  REQUIRE_MESSAGE(std::stoi(code) == 0, "docker " << args << " failed: "
                                                  << state::read_file("/tmp/cri-shim-itest-docker-cli.err"));
  return out;
}

std::string label(const std::string& key, const std::string& value) {
  return " --label '" + key + "=" + value + "'";
}

// What cri-dockerd (v0.3) does for RunPodSandbox + CreateContainer +
// StartContainer, as far as Docker sees it.
void create_like_cri_dockerd(LegacyPod& pod, const std::string& run_label) {
  const std::string kubelet = label("io.kubernetes.pod.name", pod.name) +
                              label("io.kubernetes.pod.namespace", pod.ns) +
                              label("io.kubernetes.pod.uid", pod.uid);
  pod.sandbox_id = docker_cli(
      "run -d --name k8s_POD_" + pod.name + "_" + pod.ns + "_" + pod.uid + "_" + pod.attempt +
      label("io.kubernetes.docker.type", "podsandbox") + label("io.kubernetes.container.name", "POD") +
      kubelet + label("migration-run", run_label) + label("annotation.kubernetes.io/config.source", "api") +
      label("annotation.note", "from cri-dockerd") + " --ipc shareable --hostname " + pod.name + " " +
      kPauseImage);
  std::filesystem::create_directories(pod.log_directory + "/app");
  pod.log_path = pod.log_directory + "/app/0.log";
  pod.container_id = docker_cli(
      "create --name k8s_app_" + pod.name + "_" + pod.ns + "_" + pod.uid + "_0" +
      label("io.kubernetes.docker.type", "container") + label("io.kubernetes.sandbox.id", pod.sandbox_id) +
      label("io.kubernetes.container.logpath", pod.log_path) + label("io.kubernetes.container.name", "app") +
      kubelet + label("migration-run", run_label) +
      label("annotation.io.kubernetes.container.restartCount", "0") +
      label("annotation.io.kubernetes.container.terminationMessagePath", "/dev/termination-log") +
      " --network container:" + pod.sandbox_id + " --ipc container:" + pod.sandbox_id +
      " --stop-timeout 5 " + required_env("CRI_SHIM_TEST_IMAGE") +
      " sh -c \"trap 'exit 0' TERM; i=0; while true; do i=\\$((i+1)); echo \\$i; sleep 0.05; done\"");
  docker_cli("start " + pod.container_id);
  // cri-dockerd then symlinks the CRI log path to Docker's json-file.
  const std::string json_log = docker_client().inspect_container(pod.container_id).log_path;
  REQUIRE(!json_log.empty());
  std::filesystem::create_symlink(json_log, pod.log_path);
}

bool is_symlink(const std::string& path) {
  struct stat st{};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

// Long enough for a log copy's first lines under a loaded machine.
constexpr auto kPatience = std::chrono::seconds(20);

void check_labels(const google::protobuf::Map<std::string, std::string>& labels, const LegacyPod& pod,
                  const std::string& run_label, bool container) {
  CHECK(labels.count("io.kubernetes.docker.type") == 0);
  CHECK(labels.count("io.kubernetes.sandbox.id") == 0);
  CHECK(labels.count("io.kubernetes.container.logpath") == 0);
  for (const auto& [key, value] : labels) {
    CHECK_MESSAGE(key.rfind("annotation.", 0) != 0, key);
    CHECK_MESSAGE(key.rfind("io.cri-shim.", 0) != 0, key);
  }
  CHECK(labels.at("io.kubernetes.pod.name") == pod.name);
  CHECK(labels.at("io.kubernetes.pod.namespace") == pod.ns);
  CHECK(labels.at("io.kubernetes.pod.uid") == pod.uid);
  CHECK(labels.at("migration-run") == run_label);
  if (container)
    CHECK(labels.at("io.kubernetes.container.name") == "app");  // kubelet's label, kept
  else
    CHECK(labels.count("io.kubernetes.container.name") == 0);  // cri-dockerd's "POD", hidden
}

}  // namespace

TEST_CASE("migration_test: pods labelled the way cri-dockerd does are adopted: list, status, logs, stop, remove") {
  const std::string root = "/tmp/cri-shim-itest-root-" + unique_suffix();
  const std::string run_label = unique_suffix();
  {
    // Once, so that it imports its pause image, which the "old" pods use.
    ShimProcess importer({"--root-dir", root});
    REQUIRE(importer.stop(SIGTERM) != -1);
  }
  REQUIRE(docker_client().inspect_image(kPauseImage));

  // One plain pod, and one whose name holds '_': cri-dockerd could not parse
  // that name back, kubelet's labels give it.
  std::vector<LegacyPod> pods(2);
  pods[0].name = "legacy-web";
  pods[1].name = "legacy_under";
  for (auto& pod : pods) {
    pod.uid = "uid-" + unique_suffix();
    pod.log_directory = "/tmp/cri-shim-itest-logs/" + unique_suffix();
  }
  struct Cleanup {
    std::vector<LegacyPod>& pods;
    ~Cleanup() {
      for (const auto& pod : pods) {
        state::capture("docker rm -f -v " + (pod.container_id.empty() ? "x-none" : pod.container_id) +
                       " " + (pod.sandbox_id.empty() ? "x-none" : pod.sandbox_id) + " >/dev/null 2>&1");
        std::error_code ignored;
        std::filesystem::remove_all(pod.log_directory, ignored);
      }
    }
  } cleanup{pods};
  for (auto& pod : pods) create_like_cri_dockerd(pod, run_label);
  // cri-dockerd's era: the log path shows Docker's json-file.
  REQUIRE(support::wait_for([&] { return !state::read_file(pods[0].log_path).empty(); }, kPatience));
  CHECK(state::read_file(pods[0].log_path).front() == '{');

  ShimProcess shim({"--root-dir", root});
  auto runtime = shim.runtime();

  // ListPodSandbox and PodSandboxStatus.
  cri::ListPodSandboxRequest list_sandboxes;
  (*list_sandboxes.mutable_filter()->mutable_label_selector())["migration-run"] = run_label;
  cri::ListPodSandboxResponse sandboxes;
  auto status = runtime->ListPodSandbox(context().get(), list_sandboxes, &sandboxes);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  REQUIRE(sandboxes.items_size() == 2);
  for (const auto& pod : pods) {
    INFO("pod " << pod.name);
    const cri::PodSandbox* listed = nullptr;
    for (const auto& item : sandboxes.items())
      if (item.id() == pod.sandbox_id) listed = &item;
    REQUIRE(listed != nullptr);
    CHECK(listed->metadata().name() == pod.name);
    CHECK(listed->metadata().namespace_() == pod.ns);
    CHECK(listed->metadata().uid() == pod.uid);
    CHECK(listed->metadata().attempt() == 1);
    CHECK(listed->state() == cri::SANDBOX_READY);
    CHECK(listed->created_at() > 1'600'000'000'000'000'000);
    check_labels(listed->labels(), pod, run_label, false);
    CHECK(listed->annotations().at("note") == "from cri-dockerd");
    CHECK(listed->annotations().at("kubernetes.io/config.source") == "api");
    CHECK(listed->annotations().size() == 2);
    CHECK(listed->runtime_handler() == "");

    cri::PodSandboxStatusRequest request;
    request.set_pod_sandbox_id(pod.sandbox_id);
    cri::PodSandboxStatusResponse reply;
    status = runtime->PodSandboxStatus(context().get(), request, &reply);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    const auto& s = reply.status();
    CHECK(s.id() == pod.sandbox_id);
    CHECK(s.metadata().name() == pod.name);
    CHECK(s.metadata().namespace_() == pod.ns);
    CHECK(s.metadata().uid() == pod.uid);
    CHECK(s.metadata().attempt() == 1);
    CHECK(s.state() == cri::SANDBOX_READY);
    CHECK(s.created_at() == listed->created_at());
    CHECK(!s.network().ip().empty());
    CHECK(s.linux().namespaces().options().network() == cri::POD);
    CHECK(s.linux().namespaces().options().ipc() == cri::POD);
    CHECK(s.labels().size() == listed->labels().size());
    check_labels(s.labels(), pod, run_label, false);
    CHECK(s.annotations().size() == 2);
    CHECK(s.annotations().at("note") == "from cri-dockerd");

    // ListContainers (by sandbox) and ContainerStatus.
    cri::ListContainersRequest list_containers;
    list_containers.mutable_filter()->set_pod_sandbox_id(pod.sandbox_id);
    cri::ListContainersResponse containers;
    status = runtime->ListContainers(context().get(), list_containers, &containers);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    REQUIRE(containers.containers_size() == 1);
    const auto& c = containers.containers(0);
    CHECK(c.id() == pod.container_id);
    CHECK(c.pod_sandbox_id() == pod.sandbox_id);
    CHECK(c.metadata().name() == "app");
    CHECK(c.metadata().attempt() == 0);
    CHECK(c.state() == cri::CONTAINER_RUNNING);
    CHECK(c.image().image() == required_env("CRI_SHIM_TEST_IMAGE"));
    CHECK(c.image_ref().rfind("sha256:", 0) == 0);
    check_labels(c.labels(), pod, run_label, true);
    CHECK(c.annotations().at("io.kubernetes.container.restartCount") == "0");
    CHECK(c.annotations().size() == 2);

    cri::ContainerStatusRequest container_request;
    container_request.set_container_id(pod.container_id);
    cri::ContainerStatusResponse container_reply;
    status = runtime->ContainerStatus(context().get(), container_request, &container_reply);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    const auto& cs = container_reply.status();
    CHECK(cs.id() == pod.container_id);
    CHECK(cs.metadata().name() == "app");
    CHECK(cs.state() == cri::CONTAINER_RUNNING);
    CHECK(cs.created_at() == c.created_at());
    CHECK(cs.started_at() > cs.created_at());
    CHECK(cs.created_at() % 1'000'000'000 != 0);  // nanoseconds, not whole seconds
    CHECK(cs.log_path() == pod.log_path);
    CHECK(cs.image().image() == required_env("CRI_SHIM_TEST_IMAGE"));
    check_labels(cs.labels(), pod, run_label, true);
    CHECK(cs.annotations().at("io.kubernetes.container.terminationMessagePath") == "/dev/termination-log");

    // Also found by ID prefix and by label selector, as kubelet lists.
    cri::ListContainersRequest by_prefix;
    by_prefix.mutable_filter()->set_id(pod.container_id.substr(0, 12));
    status = runtime->ListContainers(context().get(), by_prefix, &containers);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(containers.containers_size() == 1);
  }

  // The log path is now a real CRI file that keeps growing.
  for (const auto& pod : pods) {
    INFO("pod " << pod.name);
    CHECK(support::wait_for([&] { return !is_symlink(pod.log_path); }, kPatience));
    const auto size = std::filesystem::file_size(pod.log_path);
    CHECK(support::wait_for([&] { return std::filesystem::file_size(pod.log_path) > size; }, kPatience));
  }

  // StopPodSandbox: the container and the sandbox stop.
  for (const auto& pod : pods) {
    cri::StopPodSandboxRequest request;
    request.set_pod_sandbox_id(pod.sandbox_id);
    cri::StopPodSandboxResponse reply;
    status = runtime->StopPodSandbox(context().get(), request, &reply);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(!docker_client().inspect_container(pod.sandbox_id).state.running);
    cri::ContainerStatusRequest container_request;
    container_request.set_container_id(pod.container_id);
    cri::ContainerStatusResponse container_reply;
    status = runtime->ContainerStatus(context().get(), container_request, &container_reply);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(container_reply.status().state() == cri::CONTAINER_EXITED);
    CHECK(container_reply.status().reason() == "Completed");
    // Complete, from the first line (written before cri-shim ran), in CRI format.
    const int lines = state::check_numbered_log(pod.log_path);
    CHECK(lines > 10);
    CHECK(lines == state::docker_log_lines(pod.container_id));
    MESSAGE("pod " << pod.name << ": " << lines << " log lines");

    cri::PodSandboxStatusRequest sandbox_request;
    sandbox_request.set_pod_sandbox_id(pod.sandbox_id);
    cri::PodSandboxStatusResponse sandbox_reply;
    status = runtime->PodSandboxStatus(context().get(), sandbox_request, &sandbox_reply);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    CHECK(sandbox_reply.status().state() == cri::SANDBOX_NOTREADY);
  }

  // RemovePodSandbox: nothing of them left in Docker or in the state dir.
  for (const auto& pod : pods) {
    cri::RemovePodSandboxRequest request;
    request.set_pod_sandbox_id(pod.sandbox_id);
    cri::RemovePodSandboxResponse reply;
    status = runtime->RemovePodSandbox(context().get(), request, &reply);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
  }
  CHECK(state::docker_ids_with_label("migration-run", run_label).empty());
  std::vector<std::string> ids;
  for (const auto& pod : pods) ids.push_back(pod.container_id);
  CHECK(state::position_files_of(root, ids).empty());
  CHECK(runtime->ListPodSandbox(context().get(), list_sandboxes, &sandboxes).ok());
  CHECK(sandboxes.items_size() == 0);
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
}
