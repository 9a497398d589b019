#include "agent/images/image_records_file.h"

#include <stdexcept>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "common/durable_file.h"
#include "common/small_file.h"
#include "common/state_document.h"
#include "common/rfc3339.h"

namespace agent::images {

namespace {

constexpr common::StateDocumentType kDocument{"ImageGCRecords", 1, "images"};

int64_t time_field(const nlohmann::json& record, const char* key) {
  if (!record.contains(key)) return 0;
  const auto& value = record.at(key);
  if (!value.is_string()) throw std::invalid_argument(std::string(key) + " is not a time");
  const auto nanos = common::try_parse_rfc3339_nanos(value.get<std::string>());
  if (!nanos) throw std::invalid_argument(std::string(key) + " is not an RFC 3339 time");
  return *nanos;
}

}  // namespace

std::string records_to_json(const ImageRecords& records) {
  nlohmann::json images = nlohmann::json::object();
  for (const auto& [id, record] : records) {
    nlohmann::json entry = {{"sizeBytes", record.size_bytes}};
    if (record.first_seen_ns != 0) entry["firstSeen"] = common::format_rfc3339_nanos(record.first_seen_ns);
    if (record.last_used_ns != 0) entry["lastUsed"] = common::format_rfc3339_nanos(record.last_used_ns);
    images[id] = std::move(entry);
  }
  return common::state_document_json(kDocument, std::move(images));
}

ImageRecords records_from_json(const std::string& text) {
  const nlohmann::json images = common::parse_state_document(kDocument, text);
  ImageRecords records;
  for (const auto& [id, entry] : images.items()) {
    if (!entry.is_object()) throw std::invalid_argument("image " + id + " is not an object");
    ImageRecord record;
    record.first_seen_ns = time_field(entry, "firstSeen");
    record.last_used_ns = time_field(entry, "lastUsed");
    const auto size = entry.value("sizeBytes", nlohmann::json(0));
    if (!size.is_number_integer()) throw std::invalid_argument("image " + id + ": sizeBytes is not an integer");
    record.size_bytes = size.get<int64_t>();
    records[id] = record;
  }
  return records;
}

ImageRecords ImageRecordsFile::load() const {
  const auto text = common::read_small_file(path_);
  if (!text) return {};
  try {
    return records_from_json(*text);
  } catch (const std::exception& e) {
    spdlog::warn("image GC: ignoring {} ({}); every image counts as first seen long ago and never used", path_,
                 e.what());
    return {};
  }
}

void ImageRecordsFile::save(const ImageRecords& records) const {
  common::write_file_durably(path_, records_to_json(records), 0600);
}

}  // namespace agent::images
