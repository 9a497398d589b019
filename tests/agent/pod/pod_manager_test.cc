#include "agent/pod/pod_manager.h"

#include <doctest/doctest.h>

#include "tests/agent/support/recording_listener.h"

using namespace agent::pod;
using agent::testing::RecordingListener;

namespace {

Pod make_pod(const std::string& name, const std::string& uid, const std::string& image = "busybox",
             const std::string& ns = "default") {
  Pod p;
  p.metadata.name = name;
  p.metadata.namespace_ = ns;
  p.metadata.uid = uid;
  Container c;
  c.name = "app";
  c.image = image;
  p.spec.containers.push_back(c);
  return p;
}

using Summary = std::vector<std::string>;

}  // namespace

TEST_CASE("pod manager: a new source's pods are added") {
  RecordingListener l;
  PodManager m(l);
  m.set_source("file:/a", {make_pod("web", "u1"), make_pod("db", "u2", "busybox", "data")}, {});
  CHECK(l.summary() == Summary{"added default/web", "added data/db"});
  CHECK(m.pods().size() == 2);
  REQUIRE(m.pod_by_uid("u2"));
  CHECK(m.pod_by_uid("u2")->metadata.name == "db");
  REQUIRE(m.pod_by_name("default", "web"));
  CHECK(m.pod_by_name("default", "web")->metadata.uid == "u1");
  CHECK_FALSE(m.pod_by_name("default", "nope"));
  CHECK(l.rejected_calls() == 0);  // no rejection, nothing to tell
}

TEST_CASE("pod manager: the same set again changes nothing") {
  RecordingListener l;
  PodManager m(l);
  m.set_source("file:/a", {make_pod("web", "u1")}, {});
  l.clear();
  m.set_source("file:/a", {make_pod("web", "u1")}, {});
  CHECK(l.summary().empty());
}

TEST_CASE("pod manager: same UID with another spec is an update") {
  RecordingListener l;
  PodManager m(l);
  m.set_source("api", {make_pod("web", "u1", "busybox:1")}, {});
  l.clear();
  m.set_source("api", {make_pod("web", "u1", "busybox:2")}, {});
  REQUIRE(l.summary() == Summary{"updated default/web"});
  CHECK(l.events()[0].pod.spec.containers[0].image == "busybox:2");
  CHECK(m.pod_by_uid("u1")->spec.containers[0].image == "busybox:2");
}

TEST_CASE("pod manager: a changed UID is a removal then an addition") {
  RecordingListener l;
  PodManager m(l);
  m.set_source("file:/a", {make_pod("web", "u1")}, {});
  l.clear();
  m.set_source("file:/a", {make_pod("web", "u2", "busybox:2")}, {});
  auto ev = l.events();
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].kind == "removed");
  CHECK(ev[0].pod.metadata.uid == "u1");
  CHECK(ev[1].kind == "added");
  CHECK(ev[1].pod.metadata.uid == "u2");
  CHECK_FALSE(m.pod_by_uid("u1"));
}

TEST_CASE("pod manager: a pod gone from its source is removed; removing the source removes all") {
  RecordingListener l;
  PodManager m(l);
  m.set_source("file:/a", {make_pod("web", "u1"), make_pod("db", "u2")}, {});
  l.clear();
  m.set_source("file:/a", {make_pod("db", "u2")}, {});
  CHECK(l.summary() == Summary{"removed default/web"});
  l.clear();
  m.remove_source("file:/a");
  CHECK(l.summary() == Summary{"removed default/db"});
  CHECK(m.pods().empty());
}

TEST_CASE("pod manager: a name defined by another source is rejected; the first keeps it") {
  RecordingListener l;
  PodManager m(l);
  m.set_source("file:/a", {make_pod("web", "u1")}, {});
  l.clear();
  m.set_source("file:/b", {make_pod("web", "u9"), make_pod("other", "u3")}, {});
  CHECK(l.summary() == Summary{"added default/other"});
  CHECK(m.pod_by_name("default", "web")->metadata.uid == "u1");
  auto rejected = l.rejected();
  REQUIRE(rejected["file:/b"].size() == 1);
  CHECK(rejected["file:/b"][0].name == "web");
  CHECK(rejected["file:/b"][0].source_key == "file:/b");
  CHECK(rejected["file:/b"][0].message.find("already defined by file:/a") != std::string::npos);

  SUBCASE("the holder letting go and the next set of the other source bring it in") {
    m.remove_source("file:/a");
    m.set_source("file:/b", {make_pod("web", "u9"), make_pod("other", "u3")}, {});
    CHECK(m.pod_by_name("default", "web")->metadata.uid == "u9");
    CHECK(l.rejected()["file:/b"].empty());
  }
}

TEST_CASE("pod manager: a name twice in one set keeps the first") {
  RecordingListener l;
  PodManager m(l);
  m.set_source("url:http://x", {make_pod("web", "u1"), make_pod("web", "u2")}, {});
  CHECK(l.summary() == Summary{"added default/web"});
  CHECK(m.pod_by_name("default", "web")->metadata.uid == "u1");
  REQUIRE(l.rejected()["url:http://x"].size() == 1);
  CHECK(l.rejected()["url:http://x"][0].message.find("already defined by url:http://x") != std::string::npos);
}

TEST_CASE("pod manager: the same UID under two names is rejected") {
  RecordingListener l;
  PodManager m(l);
  m.set_source("file:/a", {make_pod("web", "same")}, {});
  m.set_source("file:/b", {make_pod("other", "same")}, {});
  CHECK(l.summary() == Summary{"added default/web"});
  REQUIRE(l.rejected()["file:/b"].size() == 1);
  CHECK(l.rejected()["file:/b"][0].message.find("uid same") != std::string::npos);
}

TEST_CASE("pod manager: rejected lists are passed on when they change, and only then") {
  RecordingListener l;
  PodManager m(l);
  RejectedManifest bad{"file:/a", "default", "broken", "file:/a document 2: spec: required"};
  m.set_source("file:/a", {make_pod("web", "u1")}, {bad});
  CHECK(l.rejected_calls() == 1);
  REQUIRE(l.rejected()["file:/a"].size() == 1);
  CHECK(l.rejected()["file:/a"][0].name == "broken");
  m.set_source("file:/a", {make_pod("web", "u1")}, {bad});
  CHECK(l.rejected_calls() == 1);
  m.set_source("file:/a", {make_pod("web", "u1")}, {});
  CHECK(l.rejected_calls() == 2);
  CHECK(l.rejected()["file:/a"].empty());
}

TEST_CASE("pod manager: the API source adds, replaces and deletes one pod at a time") {
  RecordingListener l;
  PodManager m(l);
  m.put_api_pod(make_pod("a", "ua"));
  m.put_api_pod(make_pod("b", "ub"));
  CHECK(l.summary() == Summary{"added default/a", "added default/b"});
  l.clear();
  m.put_api_pod(make_pod("a", "ua", "busybox:2"));
  CHECK(l.summary() == Summary{"updated default/a"});
  l.clear();
  CHECK(m.delete_api_pod("default", "a"));
  CHECK(l.summary() == Summary{"removed default/a"});
  CHECK_FALSE(m.delete_api_pod("default", "a"));
  CHECK(m.pods().size() == 1);

  SUBCASE("a file pod cannot be deleted through the API") {
    m.set_source("file:/f", {make_pod("static", "us")}, {});
    CHECK_FALSE(m.delete_api_pod("default", "static"));
    CHECK(m.pod_by_name("default", "static"));
  }
}

TEST_CASE("pod manager: listener may read the manager while being called") {
  struct Reader : RecordingListener {
    PodManager* m = nullptr;
    size_t seen = 0;
    void pod_added(const Pod& p) override {
      seen = m->pods().size();
      RecordingListener::pod_added(p);
    }
  } l;
  PodManager m(l);
  l.m = &m;
  m.set_source("file:/a", {make_pod("web", "u1")}, {});
  CHECK(l.seen == 1);
}
