// Garbage collection through the real agent and runtime: container GC keeps
// a crash loop's dead containers to the policy (and removes their logs),
// image GC removes an unused image and keeps the ones in use.
//
// dockerd is shared with the whole suite, and image GC removes every unused
// image it may: before the agent starts, every image already there is put
// in use by a keeper pod (one created container per image: any container,
// running or not, holds its image), so only the test's own unused image can
// go. The images and the keeper pod are removed however the test ends.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "tests/agent/e2e/e2e_fixture.h"
#include "tests/support/tar_writer.h"
#include "tests/support/wait_for.h"

namespace e2e {
namespace {

namespace fs = std::filesystem;

// An image of its own (a distinct ID: one file with a unique content),
// removed at scope end if GC did not take it.
class OwnImage {
 public:
  explicit OwnImage(const std::string& repo) : reference_(repo + ":v1") {
    const std::string tar = support::single_file_tar("unique", repo);
    std::size_t offset = 0;
    id_ = itest::docker_client().import_image(
        [&](char* buf, std::size_t capacity) {
          const std::size_t n = std::min(capacity, tar.size() - offset);
          std::copy_n(tar.data() + offset, n, buf);
          offset += n;
          return n;
        },
        repo, "v1");
  }
  ~OwnImage() {
    try {
      itest::docker_client().remove_image(id_, true);
    } catch (const std::exception&) {
      // Already gone: image GC took it.
    }
  }
  OwnImage(const OwnImage&) = delete;
  OwnImage& operator=(const OwnImage&) = delete;
  const std::string& id() const { return id_; }
  const std::string& reference() const { return reference_; }

 private:
  std::string reference_, id_;
};

// A pod sandbox holding one created (never started) container per image,
// made through its own cri-shim so that it exists before the agent starts;
// removed, with its containers, at scope end.
class KeeperPod {
 public:
  KeeperPod(itest::ShimProcess& shim, const std::set<std::string>& images) : shim_(shim) {
    auto runtime = shim_.runtime();
    config_.mutable_metadata()->set_name("gc-keeper");
    config_.mutable_metadata()->set_namespace_("gc-keeper-" + itest::unique_suffix());
    config_.mutable_metadata()->set_uid("gc-keeper-" + itest::unique_suffix());
    cri::RunPodSandboxRequest run;
    *run.mutable_config() = config_;
    cri::RunPodSandboxResponse ran;
    const auto status = runtime->RunPodSandbox(itest::context(60s).get(), run, &ran);
    REQUIRE_MESSAGE(status.ok(), "RunPodSandbox: " << status.error_message());
    sandbox_id_ = ran.pod_sandbox_id();
    int n = 0;
    for (const auto& image : images) {
      cri::CreateContainerRequest create;
      create.set_pod_sandbox_id(sandbox_id_);
      *create.mutable_sandbox_config() = config_;
      auto* c = create.mutable_config();
      c->mutable_metadata()->set_name("keep-" + std::to_string(n++));
      c->mutable_image()->set_image(image);
      c->add_command("/never-started");  // Docker wants a command to create; none runs
      cri::CreateContainerResponse created;
      const auto made = runtime->CreateContainer(itest::context(60s).get(), create, &created);
      REQUIRE_MESSAGE(made.ok(), "CreateContainer for image " << image << ": " << made.error_message());
    }
  }
  ~KeeperPod() {
    if (sandbox_id_.empty()) return;
    auto runtime = shim_.runtime();
    cri::StopPodSandboxRequest stop;
    stop.set_pod_sandbox_id(sandbox_id_);
    cri::StopPodSandboxResponse stopped;
    runtime->StopPodSandbox(itest::context(60s).get(), stop, &stopped);
    cri::RemovePodSandboxRequest remove;  // its containers go with it
    remove.set_pod_sandbox_id(sandbox_id_);
    cri::RemovePodSandboxResponse removed;
    const auto status = runtime->RemovePodSandbox(itest::context(60s).get(), remove, &removed);
    if (!status.ok()) MESSAGE("removing the keeper pod " << sandbox_id_ << ": " << status.error_message());
  }
  KeeperPod(const KeeperPod&) = delete;
  KeeperPod& operator=(const KeeperPod&) = delete;

 private:
  itest::ShimProcess& shim_;
  cri::PodSandboxConfig config_;
  std::string sandbox_id_;
};

TEST_CASE("container GC keeps one dead container per container and removes the older ones and their logs") {
  Node node({"--maximum-dead-containers-per-container", "1", "--container-gc-period", "1s"});
  node.write_manifest("crash.json",
                      pod_manifest(node.ns(), "crash", json::array({shell_container("app", "exit 1")}), "Always"));

  // Three restarts (back-off 1 s, 2 s, 4 s): four containers were made.
  json pod = node.wait_pod(
      node.static_name("crash"), [](const json& p) { return restart_count(container_status(p, "app")) >= 3; },
      "three restarts", 30s);
  const std::string pod_uid = uid(pod);

  // Between two passes a new crash leaves two dead ones; each pass brings
  // it back to one, the newest. Never none: it is the pod's lastState.
  std::vector<cri::Container> exited;
  std::size_t total = 0;
  const bool settled = support::wait_for(
      [&] {
        exited.clear();
        const auto all = node.containers_of(pod_uid);
        total = all.size();
        for (const auto& c : all)
          if (c.state() == cri::CONTAINER_EXITED) exited.push_back(c);
        pod = node.http().pod(node.ns(), node.static_name("crash")).value_or(json());
        const json last = pick(container_status(pod, "app"), {"lastState", "terminated", "containerID"});
        return exited.size() == 1 && total <= 2 && last.is_string() &&
               bare_id(last.get<std::string>()) == exited.front().id();
      },
      10s, 100ms);
  INFO("node-agent log tail:\n" << node.agent_log_tail());
  REQUIRE_MESSAGE(settled, exited.size() << " exited containers of " << total << "; the pod: " << pod.dump(2));

  // The one kept (the pod's lastState, checked above) is the newest dead one.
  const auto kept_attempt = exited.front().metadata().attempt();
  CHECK(kept_attempt + 1 >= static_cast<uint32_t>(restart_count(container_status(pod, "app"))));
  CHECK(kept_attempt >= 2);
  // The logs of the removed containers went with them; the kept one's stays.
  CHECK_FALSE(fs::exists(node.log_path(pod, "app", 0)));
  CHECK(fs::exists(node.log_path(pod, "app", static_cast<int>(kept_attempt))));
  CHECK(node.http().metrics().find("node_agent_container_gc_removed_total{kind=\"container\"}") != std::string::npos);
}

TEST_CASE("image GC over its threshold removes an unused image and keeps the images in use") {
  const std::string suffix = itest::unique_suffix();
  OwnImage unused("cri-shim-test/gc-unused-" + suffix);
  OwnImage used("cri-shim-test/gc-used-" + suffix);
  itest::ShimProcess keeper_shim;
  std::set<std::string> before = image_ids(keeper_shim);
  REQUIRE(before.count(unused.id()) == 1);
  std::set<std::string> keep = before;
  keep.erase(unused.id());
  KeeperPod keeper(keeper_shim, keep);

  // Any use is over 1 %, and down to 0 % cannot be reached: GC removes
  // every image it may, and says it could not free enough.
  Node node({"--image-gc-high-threshold", "1", "--image-gc-low-threshold", "0", "--image-minimum-gc-age", "0s",
             "--image-gc-period", "1s"});
  const bool removed = support::wait_for([&] { return image_ids(node.shim()).count(unused.id()) == 0; }, 20s, 200ms);
  INFO("node-agent log tail:\n" << node.agent_log_tail());
  CHECK_MESSAGE(removed, "the unused image " << unused.id() << " is still there");
  const auto after = image_ids(node.shim());
  for (const auto& id : keep) CHECK_MESSAGE(after.count(id) == 1, "image " << id << " in use was removed");

  // The node's event, as kubelet records it.
  const auto events = node.http().get("/events");
  CHECK(events.body.find("FreeDiskSpaceFailed") != std::string::npos);
  // The records are on disk for the next start: the used image last used now.
  std::ifstream records_file(node.agent().root_dir() + "/image-gc-records.json");
  REQUIRE(records_file.good());
  const json records = json::parse(records_file);
  CHECK(records["images"].contains(used.id()));
  CHECK(records["images"][used.id()].contains("lastUsed"));
  CHECK_FALSE(records["images"].contains(unused.id()));
}

}  // namespace
}  // namespace e2e
