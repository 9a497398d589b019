#include "common/state_document.h"

#include <stdexcept>

namespace common {

std::string state_document_json(const StateDocumentType& type, nlohmann::json entries) {
  return nlohmann::json{{"kind", type.kind}, {"version", type.version}, {type.entries_key, std::move(entries)}}.dump(1) +
         "\n";
}

nlohmann::json parse_state_document(const StateDocumentType& type, const std::string& text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("not JSON: ") + e.what());
  }
  if (!doc.is_object() || doc.value("kind", "") != type.kind)
    throw std::invalid_argument(std::string("not a ") + type.kind + " document");
  if (doc.value("version", 0) != type.version)
    throw std::invalid_argument("version " + doc.value("version", nlohmann::json()).dump() + " is not " +
                                std::to_string(type.version));
  auto entries = doc.value(type.entries_key, nlohmann::json::object());
  if (!entries.is_object()) throw std::invalid_argument(std::string(type.entries_key) + " is not an object");
  return entries;
}

}  // namespace common
