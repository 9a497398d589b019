#include "agent/config/api_pod_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "common/durable_file.h"

#include "agent/pod/manifest_parser.h"
#include "agent/status/status_manager.h"

namespace agent::config {

namespace fs = std::filesystem;

void ApiPodStore::save(const pod::Pod& pod) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  nlohmann::json doc = status::pod_to_json(pod, status::PodStatus{});
  doc.erase("status");
  doc["apiVersion"] = "v1";
  doc["kind"] = "Pod";
  const std::string text = doc.dump();
  const std::string path = dir_ + "/" + pod.metadata.uid + ".json";
  common::write_file_durably(path, text);
}

void ApiPodStore::remove(const std::string& uid) {
  std::error_code ec;
  fs::remove(dir_ + "/" + uid + ".json", ec);
}

std::vector<pod::Pod> ApiPodStore::load(const std::string& node_name) const {
  std::vector<pod::Pod> pods;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return pods;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    pod::PodSource source{pod::PodSource::Kind::Api, "api", node_name};
    for (auto& document : pod::parse_manifest(text.str(), source)) {
      if (document.pod) {
        pods.push_back(std::move(*document.pod));
      } else {
        spdlog::error("{}: a stored API pod no longer parses, skipped: {}", entry.path().string(), document.error);
      }
    }
  }
  return pods;
}

}  // namespace agent::config
