#include "agent/config/api_object_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <spdlog/spdlog.h>

#include "agent/objects/object_json.h"
#include "agent/pod/manifest_parser.h"
#include "common/durable_file.h"

namespace agent::config {

namespace fs = std::filesystem;

namespace {

constexpr mode_t kDirMode = 0700;
constexpr unsigned kFileMode = 0600;

// The directory, made or tightened to 0700 before a value goes into it.
void make_private_dir(const std::string& dir) {
  if (const auto parent = fs::path(dir).parent_path(); !parent.empty()) fs::create_directories(parent);
  if (::mkdir(dir.c_str(), kDirMode) != 0 && errno != EEXIST)
    throw std::system_error(errno, std::generic_category(), "mkdir " + dir);
  if (::chmod(dir.c_str(), kDirMode) != 0) throw std::system_error(errno, std::generic_category(), "chmod " + dir);
}

}  // namespace

std::string ApiObjectStore::path_of(pod::ObjectKind kind, const std::string& namespace_,
                                    const std::string& name) const {
  const char* prefix = kind == pod::ObjectKind::Secret ? "secret" : "configmap";
  return dir_ + "/" + prefix + "_" + namespace_ + "_" + name + ".json";
}

void ApiObjectStore::save(const pod::ConfigObject& object) {
  make_private_dir(dir_);
  const std::string text = objects::object_to_json(object, objects::SecretValues::Included).dump();
  common::write_file_durably(path_of(object.kind, object.namespace_, object.name), text, kFileMode);
}

void ApiObjectStore::remove(pod::ObjectKind kind, const std::string& namespace_, const std::string& name) {
  std::error_code ec;
  fs::remove(path_of(kind, namespace_, name), ec);
}

std::vector<pod::ConfigObject> ApiObjectStore::load() const {
  std::vector<pod::ConfigObject> objects;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return objects;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    for (auto& document : pod::parse_manifest(text.str(), pod::PodSource{pod::PodSource::Kind::Api, "api", ""})) {
      if (document.object) objects.push_back(std::move(*document.object));
      else
        spdlog::error("{}: a stored API object no longer parses, skipped: {}", entry.path().string(),
                      document.error.empty() ? "not a ConfigMap or Secret" : document.error);
    }
  }
  return objects;
}

}  // namespace agent::config
