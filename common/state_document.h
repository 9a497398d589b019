// The JSON state files node-agent keeps under its root directory (image GC
// records, terminal pods) share one envelope:
//
//   {"kind": "<kind>", "version": <version>, "<entries key>": {"<key>": {...}, ...}}
//
// so that a reader refuses a file of another kind or version instead of
// misreading it. The files are written whole (common/durable_file.h); each
// owner knows its entries' fields.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace common {

struct StateDocumentType {
  const char* kind;
  int version;
  const char* entries_key;  // e.g. "images", "pods"
};

// The document's text: the envelope around `entries` (an object).
std::string state_document_json(const StateDocumentType& type, nlohmann::json entries);

// The entries object of `text`. Throws std::invalid_argument saying what is
// wrong: not JSON, another kind or version, entries not an object.
nlohmann::json parse_state_document(const StateDocumentType& type, const std::string& text);

}  // namespace common
