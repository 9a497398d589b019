#include <doctest/doctest.h>

#include "shim/state/object_lookup.h"

using shim::DockerObjectKind;

namespace {
const std::string kId(64, 'a');
}

TEST_CASE("KnownObjects: a full ID's kind, once met, until forgotten") {
  shim::KnownObjects known;
  CHECK_FALSE(known.kind_of(kId));
  known.remember(kId, DockerObjectKind::kSandbox);
  CHECK(known.kind_of(kId) == DockerObjectKind::kSandbox);
  CHECK_FALSE(known.kind_of(kId.substr(0, 12)));  // prefixes are Docker's to resolve
  known.forget(kId);
  CHECK_FALSE(known.kind_of(kId));
}

TEST_CASE("resolve_object_id answers a known full ID without calling Docker") {
  // No dockerd behind this endpoint: any Docker call would throw.
  docker::Client docker(docker::Endpoint::parse("unix:///nonexistent/docker.sock"));
  shim::KnownObjects known;
  known.remember(kId, DockerObjectKind::kContainer);
  CHECK(shim::resolve_object_id(docker, known, kId, DockerObjectKind::kContainer, {}) == kId);
  // Of the other kind: never the object asked for.
  CHECK_FALSE(shim::resolve_object_id(docker, known, kId, DockerObjectKind::kSandbox, {}));
  // Unknown: asks Docker, which is not there.
  CHECK_THROWS_AS(shim::resolve_object_id(docker, known, std::string(64, 'b'),
                                          DockerObjectKind::kContainer, {}),
                  docker::DockerError);
}
