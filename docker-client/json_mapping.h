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

// Parses a reply type and moves the document into raw (no copy).
template <class T>
T take(nlohmann::json&& j) {
  T v;
  fill(j, v);
  v.raw = std::move(j);
  return v;
}

}  // namespace docker::detail
