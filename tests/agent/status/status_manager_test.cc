#include "agent/status/status_manager.h"

#include <doctest/doctest.h>

using namespace agent;
using namespace agent::status;

namespace {

pod::Pod make_pod(const std::string& ns, const std::string& name, const std::string& uid) {
  pod::Pod p;
  p.metadata.namespace_ = ns;
  p.metadata.name = name;
  p.metadata.uid = uid;
  pod::Container c;
  c.name = "app";
  c.image = "busybox";
  p.spec.containers.push_back(c);
  return p;
}

PodStatus status_at(int64_t now, const std::string& ready) {
  PodStatus s;
  s.phase = "Running";
  s.start_time = now;
  s.conditions = {{"Initialized", "True", "", "", now}, {"Ready", ready, "", "", now}};
  return s;
}

}  // namespace

TEST_CASE("set keeps startTime and unchanged conditions' lastTransitionTime") {
  StatusManager m;
  auto p = make_pod("default", "web", "u1");
  m.set(p, status_at(100, "False"));
  m.set(p, status_at(200, "False"));
  auto r = m.get_by_uid("u1");
  REQUIRE(r);
  CHECK(r->status.start_time == 100);
  CHECK(r->status.conditions[0].last_transition_time == 100);
  CHECK(r->status.conditions[1].last_transition_time == 100);

  m.set(p, status_at(300, "True"));  // Ready flips: its time moves, Initialized's does not
  r = m.get("default", "web");
  REQUIRE(r);
  CHECK(r->status.start_time == 100);
  CHECK(r->status.conditions[0].last_transition_time == 100);
  CHECK(r->status.conditions[1].last_transition_time == 300);

  m.remove("u1");
  CHECK_FALSE(m.get_by_uid("u1"));
  m.set(p, status_at(400, "True"));  // a new life starts afresh
  CHECK(m.get_by_uid("u1")->status.start_time == 400);
}

TEST_CASE("list: pods sorted by namespace/name, then rejected manifests") {
  StatusManager m;
  m.set(make_pod("kube-system", "a", "u3"), status_at(1, "True"));
  m.set(make_pod("default", "b", "u2"), status_at(1, "True"));
  m.set(make_pod("default", "a", "u1"), status_at(1, "True"));

  PodRecord bad{make_pod("default", "aaa", "bad-uid"), {}};
  bad.status.message = "spec.containers[0].image: required";
  PodRecord other{make_pod("default", "zzz", ""), {}};
  other.status.reason = "UnsupportedField";
  m.set_rejected("/etc/pods/bad.yaml", {bad, other});

  auto all = m.list();
  REQUIRE(all.size() == 5);
  CHECK(all[0].pod.metadata.uid == "u1");
  CHECK(all[1].pod.metadata.uid == "u2");
  CHECK(all[2].pod.metadata.uid == "u3");
  CHECK(all[3].pod.metadata.name == "aaa");
  CHECK(all[3].status.phase == "Failed");
  CHECK(all[3].status.reason == "InvalidManifest");
  CHECK(all[3].status.message == "spec.containers[0].image: required");
  CHECK(all[4].status.reason == "UnsupportedField");

  CHECK(m.get("default", "aaa")->status.phase == "Failed");
  CHECK(m.get_by_uid("bad-uid"));
  CHECK_FALSE(m.get("default", "nope"));

  m.set_rejected("/etc/pods/bad.yaml", {});  // the file was fixed
  CHECK(m.list().size() == 3);
}
