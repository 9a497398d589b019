#include "agent/pleg/snapshot.h"

#include <doctest/doctest.h>

#include "agent/runtime/runtime_labels.h"

using namespace agent::pleg;

namespace {

void add_sandbox(cri::ListPodSandboxResponse& r, const std::string& id, const std::string& uid, cri::PodSandboxState state,
                 bool managed = true) {
  auto* sb = r.add_items();
  sb->set_id(id);
  sb->mutable_metadata()->set_uid(uid);
  sb->set_state(state);
  (*sb->mutable_labels())[agent::runtime::kPodUidLabel] = uid;
  if (managed) (*sb->mutable_labels())[agent::runtime::kManagedByLabel] = "true";
}

cri::Container* add_container(cri::ListContainersResponse& r, const std::string& id, const std::string& sandbox,
                             cri::ContainerState state, bool managed = true) {
  auto* c = r.add_containers();
  c->set_id(id);
  c->set_pod_sandbox_id(sandbox);
  c->set_state(state);
  if (managed) (*c->mutable_labels())[agent::runtime::kManagedByLabel] = "true";
  return c;
}

}  // namespace

TEST_CASE("filters ask for managed objects") {
  CHECK(managed_sandbox_filter().label_selector().at(agent::runtime::kManagedByLabel) == "true");
  CHECK(managed_container_filter().label_selector().at(agent::runtime::kManagedByLabel) == "true");
}

TEST_CASE("snapshot: states, pod UIDs, unmanaged objects ignored") {
  cri::ListPodSandboxResponse sbs;
  add_sandbox(sbs, "sb1", "p1", cri::SANDBOX_READY);
  add_sandbox(sbs, "sb2", "p2", cri::SANDBOX_NOTREADY);
  add_sandbox(sbs, "crictl-sb", "x", cri::SANDBOX_READY, false);
  cri::ListContainersResponse cs;
  auto* labelled = add_container(cs, "c1", "sb1", cri::CONTAINER_RUNNING);
  (*labelled->mutable_labels())[agent::runtime::kPodUidLabel] = "p1-from-label";
  add_container(cs, "c2", "sb2", cri::CONTAINER_EXITED);   // uid from its sandbox
  add_container(cs, "c3", "sb1", cri::CONTAINER_CREATED);
  add_container(cs, "c4", "sb1", cri::CONTAINER_UNKNOWN);
  add_container(cs, "crictl-c", "crictl-sb", cri::CONTAINER_RUNNING, false);

  Snapshot s = make_snapshot(sbs, cs);
  REQUIRE(s.sandboxes.size() == 2);
  CHECK(s.sandboxes.at("sb1") == Entity{"p1", EntityState::Running});
  CHECK(s.sandboxes.at("sb2") == Entity{"p2", EntityState::Exited});
  REQUIRE(s.containers.size() == 4);
  CHECK(s.containers.at("c1") == Entity{"p1-from-label", EntityState::Running});
  CHECK(s.containers.at("c2") == Entity{"p2", EntityState::Exited});
  CHECK(s.containers.at("c3").state == EntityState::Unknown);
  CHECK(s.containers.at("c4").state == EntityState::Unknown);
  CHECK_FALSE(s.sandboxes.count("crictl-sb"));
  CHECK_FALSE(s.containers.count("crictl-c"));
}

TEST_CASE("unmanaged changes produce no events") {
  cri::ListPodSandboxResponse sbs;
  cri::ListContainersResponse before, after;
  add_container(after, "crictl-c", "crictl-sb", cri::CONTAINER_RUNNING, false);
  CHECK(relist_diff(make_snapshot(sbs, before), make_snapshot(sbs, after)).empty());
}
