#include "shim/network/attachment_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <spdlog/spdlog.h>

#include "common/durable_file.h"

namespace shim::network {
std::string AttachmentStore::path_of(const std::string& sandbox_id) const {
  // Sandbox IDs are Docker's hex IDs; anything else must not name a path
  // (and cannot have an attachment: "").
  if (sandbox_id.empty() || sandbox_id.find_first_not_of("0123456789abcdef") != std::string::npos)
    return "";
  return dir_ + "/" + sandbox_id + ".json";
}

void AttachmentStore::save(const std::string& sandbox_id, const Attachment& attachment) const {
  const nlohmann::json json = {{"config", to_json(attachment.config)},
                               {"runtime", to_json(attachment.inputs)},
                               {"cniArgs", attachment.cni_args},
                               {"ifName", attachment.ifname},
                               {"result", attachment.result}};
  const std::string path = path_of(sandbox_id);
  if (path.empty()) throw std::invalid_argument("not a sandbox ID: '" + sandbox_id + "'");
  common::write_file_durably(path, json.dump(), 0600);
}

std::optional<Attachment> AttachmentStore::load(const std::string& sandbox_id) const {
  const std::string path = path_of(sandbox_id);
  if (path.empty()) return std::nullopt;
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  try {
    const auto json = nlohmann::json::parse(text.str());
    Attachment attachment;
    attachment.config = network_config_from_json(json.at("config"));
    attachment.inputs = runtime_inputs_from_json(json.value("runtime", nlohmann::json::object()));
    attachment.cni_args = json.value("cniArgs", "");
    attachment.ifname = json.value("ifName", "eth0");
    attachment.result = json.value("result", nlohmann::json());
    return attachment;
  } catch (const std::exception& e) {
    spdlog::error("sandbox {}: the stored CNI attachment {} is unreadable ({}); ignoring it",
                  sandbox_id, path, e.what());
    return std::nullopt;
  }
}

void AttachmentStore::remove(const std::string& sandbox_id) const {
  const std::string path = path_of(sandbox_id);
  if (path.empty()) return;
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

}  // namespace shim::network
