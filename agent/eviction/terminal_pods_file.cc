#include "agent/eviction/terminal_pods_file.h"

#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "common/durable_file.h"
#include "common/small_file.h"
#include "common/state_document.h"

namespace agent::eviction {

namespace {

constexpr common::StateDocumentType kDocument{"TerminalPods", 1, "pods"};

const nlohmann::json& field(const nlohmann::json& entry, const std::string& uid, const char* key) {
  if (!entry.contains(key)) throw std::invalid_argument("pod " + uid + ": " + key + " is missing");
  return entry.at(key);
}

}  // namespace

std::string terminal_pods_to_json(const TerminalPodMap& pods) {
  nlohmann::json entries = nlohmann::json::object();
  for (const auto& [uid, pod] : pods)
    entries[uid] = {{"reason", pod.reason},
                    {"message", pod.message},
                    {"gracePeriodSeconds", pod.grace_seconds},
                    {"killed", pod.killed}};
  return common::state_document_json(kDocument, std::move(entries));
}

TerminalPodMap terminal_pods_from_json(const std::string& text) {
  const nlohmann::json entries = common::parse_state_document(kDocument, text);
  TerminalPodMap pods;
  for (const auto& [uid, entry] : entries.items()) {
    if (uid.empty()) throw std::invalid_argument("a pod has an empty UID");
    if (!entry.is_object()) throw std::invalid_argument("pod " + uid + " is not an object");
    const auto& reason = field(entry, uid, "reason");
    const auto& message = field(entry, uid, "message");
    const auto& grace = field(entry, uid, "gracePeriodSeconds");
    const auto& killed = field(entry, uid, "killed");
    if (!reason.is_string() || !message.is_string())
      throw std::invalid_argument("pod " + uid + ": reason and message must be strings");
    if (!grace.is_number_integer()) throw std::invalid_argument("pod " + uid + ": gracePeriodSeconds is not an integer");
    if (!killed.is_boolean()) throw std::invalid_argument("pod " + uid + ": killed is not a boolean");
    pods[uid] = TerminalPod{reason.get<std::string>(), message.get<std::string>(), grace.get<int64_t>(),
                            killed.get<bool>()};
  }
  return pods;
}

TerminalPodMap load_terminal_pods(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error) && !error) return {};  // nothing kept yet
  const auto text = common::read_small_file(path);
  if (!text) {
    spdlog::error("eviction: cannot read {}; pods evicted before this start may run again", path);
    return {};
  }
  try {
    return terminal_pods_from_json(*text);
  } catch (const std::exception& e) {
    spdlog::error("eviction: ignoring {} ({}); pods evicted before this start may run again", path, e.what());
    return {};
  }
}

void save_terminal_pods(const std::string& path, const TerminalPodMap& pods) {
  common::write_file_durably(path, terminal_pods_to_json(pods), 0600);
}

}  // namespace agent::eviction
