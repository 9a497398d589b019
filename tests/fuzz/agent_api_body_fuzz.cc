// Bodies of node-agent's HTTP API (POST /pods, /configmaps, /secrets): the
// text goes through parse_manifest as the API source, and every answer is
// JSON built from what was parsed (the accepted Pod, the ConfigMap or the
// redacted Secret, or {"error": the parser's message}), serialized as the
// API serializes it (agent/server/json_reply.h), which must never throw.
// What was accepted must also serialize strictly (dump() without a
// replacement, as ApiPodStore and ApiObjectStore keep it on disk): a pod the
// API accepted is kept and served by GET /pods from then on.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/objects/object_json.h"
#include "agent/pod/manifest_parser.h"
#include "agent/server/json_reply.h"
#include "agent/status/status_manager.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const agent::pod::PodSource source{agent::pod::PodSource::Kind::Api, "api", "node-1"};
  for (const auto& d : agent::pod::parse_manifest(body, source)) {
    nlohmann::json answer;
    if (d.pod) {
      answer = agent::status::pod_to_json(*d.pod, agent::status::PodStatus{});
      (void)answer.dump();
    } else if (d.object) {
      answer = agent::objects::object_to_json(*d.object, agent::objects::SecretValues::Redacted);
      (void)answer.dump();
      (void)agent::objects::object_to_json(*d.object, agent::objects::SecretValues::Included).dump();
    } else {
      answer = {{"error", d.error}};
    }
    (void)agent::server::json_text(answer);
  }
  return 0;
}
