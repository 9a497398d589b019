// Issue 16, fault injection: a dockerd that answers slowly (a proxy holds
// back every piece of every reply). Calls still work, only slower; a call
// whose deadline comes before Docker's answer fails with DEADLINE_EXCEEDED
// at that deadline, never later; and pods whose RunPodSandbox the deadline
// cut at every step leave no Docker container that CRI does not list.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "tests/integration/fault_proxy.h"
#include "tests/integration/pod_fixture.h"

using namespace itest;

namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// The ids of the Docker containers (every state) that carry one of `uids`.
std::set<std::string> docker_ids_of(const std::vector<std::string>& uids) {
  std::set<std::string> ids;
  for (const auto& uid : uids) {
    docker::ContainerListOptions list;
    list.all = true;
    list.filters["label"] = {"io.kubernetes.pod.uid=" + uid};
    for (const auto& c : docker_client().list_containers(list)) ids.insert(c.id);
  }
  return ids;
}

std::set<std::string> cri_sandbox_ids(cri::RuntimeService::Stub& runtime) {
  cri::ListPodSandboxResponse response;
  const auto status = runtime.ListPodSandbox(context().get(), cri::ListPodSandboxRequest(), &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  std::set<std::string> ids;
  for (const auto& sandbox : response.items()) ids.insert(sandbox.id());
  return ids;
}

}  // namespace

TEST_CASE("a slow dockerd: calls work slower, deadlines hold, pods cut half-way leave nothing unlisted") {
  const auto upstream =
      docker::Endpoint::parse(env_or("CRI_SHIM_TEST_DOCKER_ENDPOINT", "unix:///var/run/docker.sock"));
  if (upstream.kind != docker::Endpoint::Kind::Unix) return;
  ScratchDir dir("cri-shim-slow-dockerd");
  std::filesystem::create_directories(dir.path());
  FaultProxy proxy(dir.path() + "/docker.sock", upstream.path);
  ShimProcess shim({"--docker-endpoint", "unix://" + proxy.path()});
  auto runtime = shim.runtime();
  auto images = shim.images();

  SUBCASE("every reply 150 ms late: a pod runs, execs and goes as on a fast one") {
    proxy.set_reply_delay(milliseconds(150));
    Pod pod(*runtime, "slow");
    pod.run();
    const std::string container = pod.create_and_start("app", "echo started; sleep 600");
    const auto result = pod.exec(container, "echo ok");
    REQUIRE_MESSAGE(result.status.ok(), result.status.error_message());
    CHECK(result.out == "ok\n");
    CHECK(pod.status(container).state() == cri::CONTAINER_RUNNING);
    CHECK(stop_sandbox(*runtime, pod.id()).ok());
    CHECK(remove_sandbox(*runtime, pod.id()).ok());
    CHECK(docker_containers_with_label("io.kubernetes.pod.uid", pod.config().metadata().uid()) == 0);
  }

  SUBCASE("a deadline shorter than Docker's answer: DEADLINE_EXCEEDED at the deadline") {
    proxy.set_reply_delay(std::chrono::seconds(3));
    cri::ImageStatusRequest request;
    request.mutable_image()->set_image(required_env("CRI_SHIM_TEST_IMAGE"));
    cri::ImageStatusResponse response;
    const auto start = Clock::now();
    const auto status = images->ImageStatus(context(milliseconds(500)).get(), request, &response);
    const auto took = Clock::now() - start;
    CHECK(status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
    CHECK(took < std::chrono::seconds(2));
    // Fast again, the shim answers at once: nothing of the late call lingers.
    proxy.set_reply_delay(milliseconds(0));
    CHECK(images->ImageStatus(context(std::chrono::seconds(5)).get(), request, &response).ok());
  }

  SUBCASE("RunPodSandbox cut by its deadline at every step: each Docker container is listed or gone") {
    // Each reply 100 ms late; deadlines from 0.1 s to 2.5 s cut the call
    // before, between and after its Docker calls (create, start, inspect...).
    proxy.set_reply_delay(milliseconds(100));
    std::vector<std::unique_ptr<Pod>> pods;
    std::vector<std::string> uids;
    int cut = 0, made = 0;
    for (int deadline_ms = 100; deadline_ms <= 2500; deadline_ms += 200) {
      pods.push_back(std::make_unique<Pod>(*runtime, "cut"));
      uids.push_back(pods.back()->config().metadata().uid());
      cri::RunPodSandboxRequest request;
      *request.mutable_config() = pods.back()->config();
      cri::RunPodSandboxResponse response;
      const auto status = runtime->RunPodSandbox(context(milliseconds(deadline_ms)).get(), request, &response);
      CAPTURE(deadline_ms);
      CHECK_MESSAGE((status.ok() || status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED),
                    status.error_message());
      status.ok() ? ++made : ++cut;
    }
    MESSAGE(cut << " RunPodSandbox calls cut by their deadline, " << made << " finished");
    CHECK(cut > 0);

    // The shim finishes or rolls back what the cut calls began (its
    // clean-up has a deadline of its own); once it settles, every Docker
    // container of these pods is a sandbox CRI lists.
    proxy.set_reply_delay(milliseconds(0));
    std::set<std::string> in_docker, listed, unlisted;
    for (int i = 0; i < 100; ++i) {
      in_docker = docker_ids_of(uids);
      listed = cri_sandbox_ids(*runtime);
      unlisted.clear();
      std::set_difference(in_docker.begin(), in_docker.end(), listed.begin(), listed.end(),
                          std::inserter(unlisted, unlisted.end()));
      if (unlisted.empty()) break;
      std::this_thread::sleep_for(milliseconds(200));
    }
    CHECK_MESSAGE(unlisted.empty(), unlisted.size() << " Docker containers CRI does not list");
    MESSAGE(in_docker.size() << " sandboxes of the " << pods.size() << " pods are in Docker, all listed");
    // Removing what CRI lists leaves nothing of them.
    for (const auto& id : in_docker) {
      CHECK(stop_sandbox(*runtime, id).ok());
      CHECK(remove_sandbox(*runtime, id).ok());
    }
    CHECK(docker_ids_of(uids).empty());
  }
}
