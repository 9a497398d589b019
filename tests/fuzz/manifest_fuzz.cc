// Pod manifests (YAML or JSON, several documents, PodList/List) as
// node-agent reads them from --manifest-dir, --manifest-url and its HTTP
// API, ConfigMap and Secret documents included (parse_manifest, which
// reads them with object_parser, quantity and probe/volume parsers). Its
// contract: it never throws; every document becomes a pod, an object or an
// error naming the document. The first input byte picks the source.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "agent/pod/manifest_parser.h"
#include "tests/fuzz/fuzz_input.h"

using agent::pod::PodSource;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  PodSource source;
  switch (input.byte() % 3) {
    case 0: source = {PodSource::Kind::File, "/etc/node-agent/pods/fuzz.yaml", "node-1"}; break;
    case 1: source = {PodSource::Kind::Url, "http://127.0.0.1/pods", "node-1"}; break;
    default: source = {PodSource::Kind::Api, "api", "node-1"}; break;
  }
  const auto documents = agent::pod::parse_manifest(input.rest(), source);
  int last = 0;
  for (const auto& d : documents) {
    // One of pod, object, error; indexes never go back.
    const int outcomes = (d.pod ? 1 : 0) + (d.object ? 1 : 0) + (d.error.empty() ? 0 : 1);
    if (outcomes != 1 || d.index < last) std::abort();
    last = d.index;
    if (d.pod && !agent::pod::came_from(*d.pod, source.kind)) std::abort();
  }
  return 0;
}
