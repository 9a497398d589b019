#include "agent/pleg/snapshot.h"

#include <doctest/doctest.h>

#include "agent/runtime/runtime_labels.h"

using namespace agent::pleg;
namespace v1 = ::runtime::v1;

namespace {

void add_sandbox(v1::ListPodSandboxResponse& r, const std::string& id, const std::string& uid, v1::PodSandboxState state,
                 bool managed = true) {
  auto* sb = r.add_items();
  sb->set_id(id);
  sb->mutable_metadata()->set_uid(uid);
  sb->set_state(state);
  (*sb->mutable_labels())[agent::runtime::kPodUidLabel] = uid;
  if (managed) (*sb->mutable_labels())[agent::runtime::kManagedByLabel] = "true";
}

v1::Container* add_container(v1::ListContainersResponse& r, const std::string& id, const std::string& sandbox,
                             v1::ContainerState state, bool managed = true) {
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
  v1::ListPodSandboxResponse sbs;
  add_sandbox(sbs, "sb1", "p1", v1::SANDBOX_READY);
  add_sandbox(sbs, "sb2", "p2", v1::SANDBOX_NOTREADY);
  add_sandbox(sbs, "crictl-sb", "x", v1::SANDBOX_READY, false);
  v1::ListContainersResponse cs;
  auto* labelled = add_container(cs, "c1", "sb1", v1::CONTAINER_RUNNING);
  (*labelled->mutable_labels())[agent::runtime::kPodUidLabel] = "p1-from-label";
  add_container(cs, "c2", "sb2", v1::CONTAINER_EXITED);   // uid from its sandbox
  add_container(cs, "c3", "sb1", v1::CONTAINER_CREATED);
  add_container(cs, "c4", "sb1", v1::CONTAINER_UNKNOWN);
  add_container(cs, "crictl-c", "crictl-sb", v1::CONTAINER_RUNNING, false);

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
  v1::ListPodSandboxResponse sbs;
  v1::ListContainersResponse before, after;
  add_container(after, "crictl-c", "crictl-sb", v1::CONTAINER_RUNNING, false);
  CHECK(relist_diff(make_snapshot(sbs, before), make_snapshot(sbs, after)).empty());
}
