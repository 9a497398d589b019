#include "agent/objects/object_store.h"

#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <utility>

using agent::objects::kApiSourceKey;
using agent::objects::ObjectStore;
using agent::pod::ConfigObject;
using agent::pod::ObjectKind;

namespace {

ConfigObject config_map(const std::string& name, std::map<std::string, std::string> data = {{"k", "v"}},
                        const std::string& ns = "default") {
  ConfigObject o;
  o.kind = ObjectKind::ConfigMap;
  o.namespace_ = ns;
  o.name = name;
  o.data = std::move(data);
  return o;
}

ConfigObject secret(const std::string& name, std::map<std::string, std::string> data = {{"password", "p"}}) {
  ConfigObject o = config_map(name, std::move(data));
  o.kind = ObjectKind::Secret;
  o.type = "Opaque";
  return o;
}

// Every listener call, as "ConfigMap default/name".
struct Heard {
  std::mutex mutex;
  std::vector<std::string> calls;

  ObjectStore::Listener listener() {
    return [this](ObjectKind kind, const std::string& ns, const std::string& name) {
      std::lock_guard lock(mutex);
      calls.push_back(std::string(agent::pod::to_string(kind)) + " " + ns + "/" + name);
    };
  }
  std::vector<std::string> take() {
    std::lock_guard lock(mutex);
    return std::exchange(calls, {});
  }
};

}  // namespace

TEST_CASE("object store: a source's set is replaced whole; the listener hears of changes only") {
  ObjectStore store;
  Heard heard;
  store.set_listener(heard.listener());
  store.set_source("file:/a", {config_map("one"), secret("two")});
  CHECK(heard.take() == std::vector<std::string>{"ConfigMap default/one", "Secret default/two"});
  REQUIRE(store.get(ObjectKind::ConfigMap, "default", "one"));
  CHECK(store.get(ObjectKind::ConfigMap, "default", "one")->data.at("k") == "v");
  // Kinds are apart: a Secret "one" is not the ConfigMap "one".
  CHECK_FALSE(store.get(ObjectKind::Secret, "default", "one"));

  // The same set again: nothing to tell.
  store.set_source("file:/a", {config_map("one"), secret("two")});
  CHECK(heard.take().empty());

  // One changed, one gone, one new.
  store.set_source("file:/a", {config_map("one", {{"k", "w"}}), config_map("three")});
  CHECK(heard.take() ==
        std::vector<std::string>{"ConfigMap default/one", "ConfigMap default/three", "Secret default/two"});
  CHECK(store.get(ObjectKind::ConfigMap, "default", "one")->data.at("k") == "w");
  CHECK_FALSE(store.get(ObjectKind::Secret, "default", "two"));

  store.remove_source("file:/a");
  CHECK(heard.take() == std::vector<std::string>{"ConfigMap default/one", "ConfigMap default/three"});
  CHECK(store.list(ObjectKind::ConfigMap).empty());
  CHECK_FALSE(store.source_of(ObjectKind::ConfigMap, "default", "one"));
}

TEST_CASE("object store: the key that held an object first keeps it until it lets go") {
  ObjectStore store;
  Heard heard;
  store.set_listener(heard.listener());
  store.set_source("file:/a", {config_map("shared", {{"from", "a"}})});
  heard.take();
  store.set_source("url:http://h/x", {config_map("shared", {{"from", "url"}})});
  CHECK(heard.take().empty());  // ignored: nothing changed for the pods
  CHECK(store.get(ObjectKind::ConfigMap, "default", "shared")->data.at("from") == "a");
  CHECK(store.source_of(ObjectKind::ConfigMap, "default", "shared") == "file:/a");

  // An edit of the holder's copy keeps its place.
  store.set_source("file:/a", {config_map("shared", {{"from", "a2"}})});
  CHECK(heard.take() == std::vector<std::string>{"ConfigMap default/shared"});
  CHECK(store.get(ObjectKind::ConfigMap, "default", "shared")->data.at("from") == "a2");

  // The holder lets go: the other copy counts from now on.
  store.remove_source("file:/a");
  CHECK(heard.take() == std::vector<std::string>{"ConfigMap default/shared"});
  CHECK(store.get(ObjectKind::ConfigMap, "default", "shared")->data.at("from") == "url");
  CHECK(store.source_of(ObjectKind::ConfigMap, "default", "shared") == "url:http://h/x");

  // Coming back, the file is second now.
  store.set_source("file:/a", {config_map("shared", {{"from", "a3"}})});
  CHECK(heard.take().empty());
  CHECK(store.get(ObjectKind::ConfigMap, "default", "shared")->data.at("from") == "url");
  CHECK(store.list(ObjectKind::ConfigMap).size() == 1);
}

TEST_CASE("object store: an object twice in one set: the first counts") {
  ObjectStore store;
  store.set_source("file:/a", {config_map("x", {{"n", "1"}}), config_map("x", {{"n", "2"}})});
  CHECK(store.get(ObjectKind::ConfigMap, "default", "x")->data.at("n") == "1");
}

TEST_CASE("object store: the API source puts and deletes one object at a time") {
  ObjectStore store;
  Heard heard;
  store.set_listener(heard.listener());
  store.put_api_object(config_map("a"));
  store.put_api_object(secret("b"));
  CHECK(heard.take() == std::vector<std::string>{"ConfigMap default/a", "Secret default/b"});
  CHECK(store.source_of(ObjectKind::Secret, "default", "b") == kApiSourceKey);

  // Replacing one leaves the other as it is.
  store.put_api_object(config_map("a", {{"k", "2"}}));
  CHECK(heard.take() == std::vector<std::string>{"ConfigMap default/a"});
  store.put_api_object(config_map("a", {{"k", "2"}}));
  CHECK(heard.take().empty());
  CHECK(store.get(ObjectKind::Secret, "default", "b"));

  CHECK_FALSE(store.delete_api_object(ObjectKind::Secret, "default", "a"));
  CHECK_FALSE(store.delete_api_object(ObjectKind::ConfigMap, "other", "a"));
  CHECK(store.delete_api_object(ObjectKind::ConfigMap, "default", "a"));
  CHECK(heard.take() == std::vector<std::string>{"ConfigMap default/a"});
  CHECK_FALSE(store.get(ObjectKind::ConfigMap, "default", "a"));
  CHECK_FALSE(store.delete_api_object(ObjectKind::ConfigMap, "default", "a"));

  // The API never deletes what a file holds.
  store.set_source("file:/f", {config_map("f")});
  CHECK_FALSE(store.delete_api_object(ObjectKind::ConfigMap, "default", "f"));
  CHECK(store.get(ObjectKind::ConfigMap, "default", "f"));
}

TEST_CASE("object store: list is one kind, ordered by namespace then name, over every key") {
  ObjectStore store;
  store.set_source("file:/a", {config_map("b", {}, "zeta"), config_map("z", {}, "alpha"), secret("s")});
  store.put_api_object(config_map("a", {}, "zeta"));
  store.put_api_object(config_map("m", {}, "alpha"));
  std::vector<std::string> names;
  for (const auto& o : store.list(ObjectKind::ConfigMap)) names.push_back(o.namespace_ + "/" + o.name);
  CHECK(names == std::vector<std::string>{"alpha/m", "alpha/z", "zeta/a", "zeta/b"});
  REQUIRE(store.list(ObjectKind::Secret).size() == 1);
  CHECK(store.list(ObjectKind::Secret)[0].data.at("password") == "p");
}

TEST_CASE("object store: the listener is called outside the lock and may read the store") {
  ObjectStore store;
  std::vector<std::string> seen;
  store.set_listener([&](ObjectKind kind, const std::string& ns, const std::string& name) {
    auto o = store.get(kind, ns, name);
    seen.push_back(o ? o->data.at("k") : "gone");
  });
  store.set_source("file:/a", {config_map("x", {{"k", "1"}})});
  store.set_source("file:/a", {config_map("x", {{"k", "2"}})});
  store.remove_source("file:/a");
  CHECK(seen == std::vector<std::string>{"1", "2", "gone"});
}

TEST_CASE("object store: concurrent sources and readers") {
  ObjectStore store;
  std::atomic<int> heard{0};
  store.set_listener([&](ObjectKind, const std::string&, const std::string&) { ++heard; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string n = std::to_string(t), value = std::to_string(i);
        store.set_source("file:/" + n, {config_map("c" + n, {{"i", value}})});
        store.put_api_object(secret("s" + n, {{"i", value}}));
        (void)store.list(ObjectKind::ConfigMap);
        (void)store.get(ObjectKind::Secret, "default", "s0");
      }
    });
  for (auto& t : threads) t.join();
  CHECK(store.list(ObjectKind::ConfigMap).size() == 4);
  CHECK(store.list(ObjectKind::Secret).size() == 4);
  for (const auto& s : store.list(ObjectKind::Secret)) CHECK(s.data.at("i") == "199");
  CHECK(heard == 4 * 200 * 2);
}
