#include "agent/pleg/container_event.h"

#include <doctest/doctest.h>

#include "agent/runtime/runtime_labels.h"

using namespace agent::pleg;
using Type = PodLifecycleEvent::Type;

namespace {

cri::ContainerEventResponse event(const std::string& id, cri::ContainerEventType type, bool managed = true) {
  cri::ContainerEventResponse e;
  e.set_container_id(id);
  e.set_container_event_type(type);
  auto* sb = e.mutable_pod_sandbox_status();
  sb->set_id("sb1");
  sb->mutable_metadata()->set_uid("p1");
  (*sb->mutable_labels())[agent::runtime::kPodUidLabel] = "p1";
  if (managed) (*sb->mutable_labels())[agent::runtime::kManagedByLabel] = "true";
  return e;
}

}  // namespace

TEST_CASE("CRI event types map to lifecycle events") {
  struct Case {
    cri::ContainerEventType in;
    Type out;
  };
  for (auto [in, out] : {Case{cri::CONTAINER_CREATED_EVENT, Type::ContainerChanged},
                         Case{cri::CONTAINER_STARTED_EVENT, Type::ContainerStarted},
                         Case{cri::CONTAINER_STOPPED_EVENT, Type::ContainerDied},
                         Case{cri::CONTAINER_DELETED_EVENT, Type::ContainerRemoved}}) {
    auto e = event_from_cri(event("c1", in));
    REQUIRE(e);
    CHECK(e->type == out);
    CHECK(e->pod_uid == "p1");
    CHECK(e->id == "c1");
  }
}

TEST_CASE("an event about the sandbox itself is SandboxChanged") {
  auto e = event_from_cri(event("sb1", cri::CONTAINER_STOPPED_EVENT));
  REQUIRE(e);
  CHECK(e->type == Type::SandboxChanged);
}

TEST_CASE("unmanaged or ownerless events are dropped") {
  CHECK_FALSE(event_from_cri(event("c1", cri::CONTAINER_STARTED_EVENT, false)));
  cri::ContainerEventResponse bare;
  bare.set_container_id("c1");
  CHECK_FALSE(event_from_cri(bare));
  CHECK_FALSE(event_from_cri(cri::ContainerEventResponse{}));
}

TEST_CASE("without a sandbox status the container's labels tell the owner") {
  cri::ContainerEventResponse e;
  e.set_container_id("c1");
  e.set_container_event_type(cri::CONTAINER_DELETED_EVENT);
  auto* other = e.add_containers_statuses();
  other->set_id("c0");
  (*other->mutable_labels())[agent::runtime::kManagedByLabel] = "true";
  (*other->mutable_labels())[agent::runtime::kPodUidLabel] = "wrong";
  auto* c = e.add_containers_statuses();
  c->set_id("c1");
  (*c->mutable_labels())[agent::runtime::kManagedByLabel] = "true";
  (*c->mutable_labels())[agent::runtime::kPodUidLabel] = "p7";
  auto out = event_from_cri(e);
  REQUIRE(out);
  CHECK(out->pod_uid == "p7");
  CHECK(out->type == Type::ContainerRemoved);
}
