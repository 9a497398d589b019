// Internal helpers of json_mapping.cc shared with the client calls.
#pragma once

#include <nlohmann/json.hpp>

#include "docker-client/types.h"

namespace docker::detail {

// fill() sets every typed field but leaves `raw` alone; the public from_json
// is fill() plus a copy of the document into raw.
void fill(const nlohmann::json& j, VersionInfo& v);
void fill(const nlohmann::json& j, SystemInfo& v);
void fill(const nlohmann::json& j, ImageInspect& v);
void fill(const nlohmann::json& j, ContainerInspect& v);
void fill(const nlohmann::json& j, ExecInspect& v);
void fill(const nlohmann::json& j, Event& v);
void fill(const nlohmann::json& j, DiskUsage& v);

// j[key] when it is a string; "" when j is not an object, or the key is
// missing, null or of another type (dockerd's replies are full of nulls).
std::string string_field(const nlohmann::json& j, const char* key);
// Same for an array of strings (a lone string counts as one element).
std::vector<std::string> strings_field(const nlohmann::json& j, const char* key);

// Parses a reply type and moves the document into raw (no copy).
template <class T>
T take(nlohmann::json&& j) {
  T v;
  fill(j, v);
  v.raw = std::move(j);
  return v;
}

}  // namespace docker::detail
