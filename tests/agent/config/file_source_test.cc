#include "agent/config/file_source.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "agent/objects/object_store.h"
#include "agent/pod/pod_manager.h"
#include "tests/agent/support/manifests.h"
#include "tests/agent/support/recording_listener.h"
#include "tests/agent/support/temp_dir.h"

using namespace std::chrono_literals;
using agent::config::FileSource;
using agent::objects::ObjectStore;
using agent::pod::PodManager;
using agent::testing::bad_pod_yaml;
using agent::testing::pod_yaml;
using agent::testing::RecordingListener;
using agent::testing::TempDir;

namespace {
// Long enough that the tests see inotify at work, not the rescan.
constexpr auto kNoRescan = std::chrono::milliseconds(60000);
// Waits end as soon as the event is seen; 10 s (was 2 s) leaves room for a
// loaded machine where every test runs at once.
constexpr auto kDeadline = std::chrono::milliseconds(10000);
}  // namespace

TEST_CASE("file source: start hands over what is already there") {
  TempDir dir;
  dir.write("web.yaml", pod_yaml("web"));
  dir.write(".hidden.yaml", pod_yaml("hidden"));
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  FileSource src(dir.path(), "", m, o, kNoRescan);
  src.start();
  // start() returns after the first scan: no waiting needed.
  CHECK(l.summary() == std::vector<std::string>{"added default/web"});
  auto pod = m.pod_by_name("default", "web");
  REQUIRE(pod);
  CHECK(pod->metadata.annotations["kubernetes.io/config.source"] == "file");
  src.stop();
}

TEST_CASE("file source: add, edit, delete through inotify") {
  TempDir dir;
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  FileSource src(dir.path(), "", m, o, kNoRescan);
  src.start();
  CHECK(l.events().empty());

  dir.write_in_place("web.yaml", pod_yaml("web", "busybox:1"));
  REQUIRE(l.wait_for("added", "default/web", 0, kDeadline));
  std::string uid1 = m.pod_by_name("default", "web")->metadata.uid;

  // An edit changes the static UID: the old pod goes, the new one comes.
  size_t before = l.events().size();
  dir.write_in_place("web.yaml", pod_yaml("web", "busybox:2"));
  REQUIRE(l.wait_for("added", "default/web", before, kDeadline));
  auto ev = l.events();
  bool removed_old = false;
  for (size_t i = before; i < ev.size(); ++i)
    if (ev[i].kind == "removed" && ev[i].pod.metadata.uid == uid1) removed_old = true;
  CHECK(removed_old);
  auto now = m.pod_by_name("default", "web");
  REQUIRE(now);
  CHECK(now->metadata.uid != uid1);
  CHECK(now->spec.containers[0].image == "busybox:2");

  before = l.events().size();
  std::filesystem::remove(dir.file("web.yaml"));
  REQUIRE(l.wait_for("removed", "default/web", before, kDeadline));
  CHECK(m.pods().empty());
  src.stop();
}

TEST_CASE("file source: a bad document is rejected, its good neighbour runs") {
  TempDir dir;
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  FileSource src(dir.path(), "", m, o, kNoRescan);
  src.start();
  dir.write("mixed.yaml", pod_yaml("good") + "---\n" + bad_pod_yaml("broken"));
  REQUIRE(l.wait_for("added", "default/good", 0, kDeadline));
  std::string key = "file:" + dir.file("mixed.yaml");
  REQUIRE(l.wait_until([&](const RecordingListener& r) { return r.rejected()[key].size() == 1; }, kDeadline));
  auto rejected = l.rejected()[key][0];
  CHECK(rejected.name == "broken");
  CHECK(rejected.message.find("bogus") != std::string::npos);
  CHECK_FALSE(m.pod_by_name("default", "broken"));

  // Fixing the file clears the rejection.
  dir.write("mixed.yaml", pod_yaml("good") + "---\n" + pod_yaml("broken"));
  REQUIRE(l.wait_for("added", "default/broken", 0, kDeadline));
  CHECK(l.wait_until([&](const RecordingListener& r) { return r.rejected()[key].empty(); }, kDeadline));
  src.stop();
}

TEST_CASE("file source: dotfiles are ignored, a rename into the directory is seen") {
  TempDir dir;
  TempDir outside;
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  FileSource src(dir.path(), "", m, o, kNoRescan);
  src.start();
  // An editor's swap file, then a rename from outside into the directory.
  dir.write_in_place(".web.yaml.swp", pod_yaml("swap"));
  outside.write_in_place("moved.yaml", pod_yaml("moved"));
  std::filesystem::rename(outside.file("moved.yaml"), dir.file("moved.yaml"));
  REQUIRE(l.wait_for("added", "default/moved", 0, kDeadline));
  CHECK_FALSE(m.pod_by_name("default", "swap"));

  // Renamed out: gone.
  size_t before = l.events().size();
  std::filesystem::rename(dir.file("moved.yaml"), outside.file("back.yaml"));
  REQUIRE(l.wait_for("removed", "default/moved", before, kDeadline));
  src.stop();
}

TEST_CASE("file source: a missing directory is not fatal; the rescan picks it up") {
  TempDir parent;
  std::string dir = parent.file("later");
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  FileSource src(dir, "", m, o, std::chrono::milliseconds(50));
  src.start();
  CHECK(l.events().empty());
  std::filesystem::create_directory(dir);
  std::ofstream(dir + "/web.yaml") << pod_yaml("web");
  REQUIRE(l.wait_for("added", "default/web", 0, kDeadline));

  // The directory removed as a whole: its pods go.
  std::filesystem::remove_all(dir);
  REQUIRE(l.wait_for("removed", "default/web", 0, kDeadline));
  src.stop();
}

TEST_CASE("file source: the same pod in two files is kept by the first") {
  TempDir dir;
  dir.write("a.yaml", pod_yaml("web", "busybox:1"));
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  FileSource src(dir.path(), "", m, o, kNoRescan);
  src.start();
  dir.write("b.yaml", pod_yaml("web", "busybox:2"));
  std::string key = "file:" + dir.file("b.yaml");
  REQUIRE(l.wait_until([&](const RecordingListener& r) { return r.rejected()[key].size() == 1; }, kDeadline));
  CHECK(l.rejected()[key][0].message.find("already defined by file:" + dir.file("a.yaml")) != std::string::npos);
  CHECK(m.pod_by_name("default", "web")->spec.containers[0].image == "busybox:1");
  src.stop();
}

TEST_CASE("file source: stop() is idempotent and the destructor stops") {
  TempDir dir;
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  {
    FileSource src(dir.path(), "", m, o, std::chrono::milliseconds(10));
    src.start();
    src.stop();
    src.stop();
    src.start();
  }  // destructor joins
  CHECK(true);
}

TEST_CASE("file source: ConfigMaps and Secrets go to the object store, under the file's key") {
  TempDir dir;
  dir.write("app.yaml", agent::testing::config_map_yaml("settings", "mode", "fast") + "---\n" + pod_yaml("web"));
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  FileSource src(dir.path(), "node-a", m, o, kNoRescan);
  src.start();
  // Named as written: static-pod naming is for pods only.
  auto settings = o.get(agent::pod::ObjectKind::ConfigMap, "default", "settings");
  REQUIRE(settings);
  CHECK(settings->data.at("mode") == "fast");
  CHECK(o.source_of(agent::pod::ObjectKind::ConfigMap, "default", "settings") == "file:" + dir.file("app.yaml"));
  CHECK(m.pod_by_name("default", "web-node-a"));

  // An edit reaches the store; a bad Secret beside it is not taken for a pod.
  dir.write("app.yaml", agent::testing::config_map_yaml("settings", "mode", "slow") + "---\n" + pod_yaml("web") +
                            "---\napiVersion: v1\nkind: Secret\nmetadata: {name: broken}\ndata: {k: \"!!\"}\n");
  REQUIRE(l.wait_until(
      [&](const RecordingListener&) {
        auto now = o.get(agent::pod::ObjectKind::ConfigMap, "default", "settings");
        return now && now->data.at("mode") == "slow";
      },
      kDeadline));
  CHECK_FALSE(o.get(agent::pod::ObjectKind::Secret, "default", "broken"));
  CHECK(l.rejected()["file:" + dir.file("app.yaml")].empty());
  CHECK(m.pod_by_name("default", "web-node-a"));

  // The file gone: its objects go with its pods.
  std::filesystem::remove(dir.file("app.yaml"));
  REQUIRE(l.wait_for("removed", "default/web-node-a", 0, kDeadline));
  // The source drops the file's objects after its pods (seen under TSan):
  // wait for them rather than check at once.
  CHECK(l.wait_until([&](const RecordingListener&) { return o.list(agent::pod::ObjectKind::ConfigMap).empty(); },
                     kDeadline));
  src.stop();
}
