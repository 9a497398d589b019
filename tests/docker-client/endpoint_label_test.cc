#include "docker-client/endpoint_label.h"

#include <doctest/doctest.h>

using docker::endpoint_label;

TEST_CASE("endpoint_label: one label per endpoint, whatever the object") {
  CHECK(endpoint_label("GET", "/v1.41/containers/3f2a9c/json?size=1") == "GET /containers/{id}/json");
  CHECK(endpoint_label("GET", "/v1.41/containers/json?all=1&filters=%7B%7D") == "GET /containers/json");
  CHECK(endpoint_label("POST", "/v1.41/containers/create?name=k8s_x") == "POST /containers/create");
  CHECK(endpoint_label("POST", "/v1.41/containers/abc/start") == "POST /containers/{id}/start");
  CHECK(endpoint_label("DELETE", "/v1.41/containers/abc?force=1") == "DELETE /containers/{id}");
  CHECK(endpoint_label("POST", "/v1.41/exec/e1/start") == "POST /exec/{id}/start");
  CHECK(endpoint_label("POST", "/v1.41/containers/abc/exec") == "POST /containers/{id}/exec");
  CHECK(endpoint_label("GET", "/v1.41/events?since=1") == "GET /events");
  CHECK(endpoint_label("GET", "/_ping") == "GET /_ping");
  CHECK(endpoint_label("GET", "/version") == "GET /version");
  CHECK(endpoint_label("GET", "/v1.41/system/df") == "GET /system/df");
}

TEST_CASE("endpoint_label: image names with slashes, ports and tags are one placeholder") {
  CHECK(endpoint_label("GET", "/v1.41/images/127.0.0.1:5000/team/app:1.2/json") == "GET /images/{name}/json");
  CHECK(endpoint_label("GET", "/v1.41/images/busybox/json") == "GET /images/{name}/json");
  CHECK(endpoint_label("DELETE", "/v1.41/images/registry.example/a/b:latest?force=0") == "DELETE /images/{name}");
  CHECK(endpoint_label("POST", "/v1.41/images/sha256:abc/tag?repo=x&tag=y") == "POST /images/{name}/tag");
  CHECK(endpoint_label("POST", "/v1.41/images/create?fromImage=busybox") == "POST /images/create");
  CHECK(endpoint_label("GET", "/v1.41/images/json") == "GET /images/json");
  CHECK(endpoint_label("GET", "/v1.41/distribution/docker.io/library/busybox/json") ==
        "GET /distribution/{name}/json");
  CHECK(endpoint_label("GET", "/") == "GET /");
}
