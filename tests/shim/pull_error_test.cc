#include <doctest/doctest.h>

#include "shim/registry/pull_error.h"

using grpc::StatusCode;
using shim::classify_pull_error;

TEST_CASE("a missing image or repository is NOT_FOUND") {
  CHECK(classify_pull_error("manifest for 127.0.0.1:5000/x:nope not found: manifest unknown: "
                            "manifest unknown", 404, false) == StatusCode::NOT_FOUND);
  CHECK(classify_pull_error("repository 127.0.0.1:5000/nothing not found: name unknown", 0,
                            false) == StatusCode::NOT_FOUND);
}

TEST_CASE("authentication failures are UNAUTHENTICATED, refusals with credentials PERMISSION_DENIED") {
  CHECK(classify_pull_error("Head \"https://127.0.0.1:5443/v2/x/manifests/latest\": no basic "
                            "auth credentials", 500, false) == StatusCode::UNAUTHENTICATED);
  CHECK(classify_pull_error("unauthorized: authentication required", 500, true) ==
        StatusCode::UNAUTHENTICATED);
  CHECK(classify_pull_error("denied: requested access to the resource is denied", 500, true) ==
        StatusCode::PERMISSION_DENIED);
  CHECK(classify_pull_error("pull access denied for nothing, repository does not exist or may "
                            "require 'docker login'", 404, false) == StatusCode::NOT_FOUND);
}

TEST_CASE("an unreachable registry is UNAVAILABLE") {
  CHECK(classify_pull_error("Get \"https://127.0.0.1:1/v2/\": dial tcp 127.0.0.1:1: connect: "
                            "connection refused", 500, false) == StatusCode::UNAVAILABLE);
  CHECK(classify_pull_error("anything", 503, false) == StatusCode::UNAVAILABLE);
  CHECK(classify_pull_error("something else entirely", 500, false) == StatusCode::UNKNOWN);
}
