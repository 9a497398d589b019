// Docker's JSON replies as the client reads them: the body parsed as
// detail::parse_json does (DockerError(Protocol) when it is not JSON), then
// mapped into every reply type, as a single object and as the elements of a
// list reply; progress lines through check_stream_line (DockerError(Stream)
// for an error line) and error bodies through throw_http_error. dockerd's
// replies are full of nulls and missing fields, so the mapping itself must
// take any JSON value without throwing.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "docker-client/client_internal.h"
#include "docker-client/error.h"
#include "docker-client/json_mapping.h"
#include "docker-client/types.h"

namespace {

template <class T>
void map_as(const nlohmann::json& j) {
  T value;
  docker::from_json(j, value);
}

void map_every_type(const nlohmann::json& j) {
  map_as<docker::VersionInfo>(j);
  map_as<docker::SystemInfo>(j);
  map_as<docker::ImageSummary>(j);
  map_as<docker::ImageInspect>(j);
  map_as<docker::ProgressEvent>(j);
  map_as<docker::ImageDeleteItem>(j);
  map_as<docker::ContainerInspect>(j);
  map_as<docker::ContainerSummary>(j);
  map_as<docker::ExecInspect>(j);
  map_as<docker::Event>(j);
  docker::DiskUsage usage;
  docker::detail::fill(j, usage);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);

  // An error reply: any body becomes DockerError(Http).
  docker::Response reply;
  reply.status = 500;
  reply.body = body;
  try {
    docker::detail::throw_http_error(reply);
  } catch (const docker::DockerError&) {
  }

  nlohmann::json j;
  try {
    j = docker::detail::parse_json(body);
  } catch (const docker::DockerError&) {
    return 0;
  }
  map_every_type(j);
  if (j.is_array() || j.is_object())
    for (const auto& element : j) map_every_type(element);
  try {
    docker::detail::check_stream_line(j);
  } catch (const docker::DockerError&) {
  }
  return 0;
}
