// ApiObjectStore: a posted ConfigMap or Secret survives a restart unchanged,
// and its values are on disk readable by the agent's user alone.
#include "agent/config/api_object_store.h"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <tuple>

#include <filesystem>
#include <fstream>

#include "tests/agent/support/temp_dir.h"

using agent::config::ApiObjectStore;
using agent::pod::ConfigObject;
using agent::pod::ObjectKind;
using agent::testing::TempDir;

namespace {

ConfigObject object(ObjectKind kind, const std::string& ns, const std::string& name,
                    std::map<std::string, std::string> data) {
  ConfigObject o;
  o.kind = kind;
  o.namespace_ = ns;
  o.name = name;
  o.data = std::move(data);
  if (kind == ObjectKind::Secret) o.type = "Opaque";
  return o;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::vector<ConfigObject> sorted(std::vector<ConfigObject> objects) {
  std::sort(objects.begin(), objects.end(), [](const ConfigObject& a, const ConfigObject& b) {
    return std::tie(a.kind, a.namespace_, a.name) < std::tie(b.kind, b.namespace_, b.name);
  });
  return objects;
}

}  // namespace

TEST_CASE("api object store: save, load, remove") {
  TempDir root;
  const std::string dir = root.file("api-objects");
  ApiObjectStore store(dir);
  CHECK(store.load().empty());  // no directory yet

  ConfigObject cm =
      object(ObjectKind::ConfigMap, "team", "app.settings", {{"a", "1"}, {"bin", std::string("\0\xff", 2)}});
  cm.immutable = true;
  ConfigObject secret = object(ObjectKind::Secret, "default", "creds", {{"password", "hunter2"}});
  secret.type = "kubernetes.io/basic-auth";
  // Same namespace and name, other kind: its own file.
  ConfigObject twin = object(ObjectKind::Secret, "team", "app.settings", {{"k", "v"}});
  store.save(cm);
  store.save(secret);
  store.save(twin);
  CHECK(sorted(store.load()) == sorted({cm, secret, twin}));

  // The values are on disk for the agent alone.
  CHECK(mode_of(dir) == 0700);
  CHECK(mode_of(dir + "/secret_default_creds.json") == 0600);
  CHECK(mode_of(dir + "/configmap_team_app.settings.json") == 0600);

  // Saving again replaces.
  secret.data["password"] = "changed";
  store.save(secret);
  CHECK(sorted(store.load()) == sorted({cm, secret, twin}));

  store.remove(ObjectKind::Secret, "default", "creds");
  store.remove(ObjectKind::Secret, "default", "never-there");
  CHECK(sorted(store.load()) == sorted({cm, twin}));
}

TEST_CASE("api object store: an existing directory is tightened; a file that no longer parses is skipped") {
  TempDir root;
  const std::string dir = root.file("api-objects");
  std::filesystem::create_directory(dir);
  ::chmod(dir.c_str(), 0755);
  ApiObjectStore store(dir);
  const ConfigObject cm = object(ObjectKind::ConfigMap, "default", "good", {{"k", "v"}});
  store.save(cm);
  CHECK(mode_of(dir) == 0700);
  std::ofstream(dir + "/secret_default_bad.json")
      << R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"bad"},"data":{"k":"!"}})";
  std::ofstream(dir + "/notes.txt") << "not a manifest";
  CHECK(store.load() == std::vector<ConfigObject>{cm});
}
