#include <doctest/doctest.h>

#include "shim/registry/image_reference.h"

using shim::parse_image_reference;

TEST_CASE("short Docker Hub names are normalised like Docker does") {
  auto ref = parse_image_reference("busybox");
  REQUIRE(ref);
  CHECK(ref->domain == "docker.io");
  CHECK(ref->path == "library/busybox");
  CHECK(ref->tag.empty());
  CHECK(shim::with_default_tag(*ref).full() == "docker.io/library/busybox:latest");
  CHECK(shim::with_default_tag(*ref).familiar() == "busybox:latest");
}

TEST_CASE("fully qualified Docker Hub names come back to their familiar form") {
  auto ref = parse_image_reference("docker.io/library/busybox:1.36");
  REQUIRE(ref);
  CHECK(ref->familiar() == "busybox:1.36");
  auto user_repo = parse_image_reference("index.docker.io/someone/tool:v1");
  REQUIRE(user_repo);
  CHECK(user_repo->domain == "docker.io");
  CHECK(user_repo->familiar() == "someone/tool:v1");
}

TEST_CASE("registries with ports, localhost and IPv6") {
  auto ref = parse_image_reference("127.0.0.1:5000/cri-shim-test/busybox:latest");
  REQUIRE(ref);
  CHECK(ref->domain == "127.0.0.1:5000");
  CHECK(ref->path == "cri-shim-test/busybox");
  CHECK(ref->tag == "latest");
  CHECK(ref->familiar() == "127.0.0.1:5000/cri-shim-test/busybox:latest");

  auto local = parse_image_reference("localhost/app");
  REQUIRE(local);
  CHECK(local->domain == "localhost");
  CHECK(local->path == "app");

  auto v6 = parse_image_reference("[::1]:5000/app:1");
  REQUIRE(v6);
  CHECK(v6->domain == "[::1]:5000");

  // A port without a registry-looking first component is a tag.
  auto tagged = parse_image_reference("myrepo:5000");
  REQUIRE(tagged);
  CHECK(tagged->path == "library/myrepo");
  CHECK(tagged->tag == "5000");
}

TEST_CASE("digests are kept and need no default tag") {
  const std::string digest = "sha256:" + std::string(64, 'a');
  auto ref = parse_image_reference("registry.k8s.io/pause@" + digest);
  REQUIRE(ref);
  CHECK(ref->digest == digest);
  CHECK(ref->tag.empty());
  CHECK(shim::with_default_tag(*ref).tag.empty());
  CHECK(ref->familiar() == "registry.k8s.io/pause@" + digest);

  auto both = parse_image_reference("busybox:1@" + digest);
  REQUIRE(both);
  CHECK(both->tag == "1");
  CHECK(both->familiar() == "busybox:1@" + digest);
}

TEST_CASE("malformed references are refused with a reason") {
  std::string error;
  for (const char* bad : {"", "Busybox", "busy box", "busybox:", "busybox:-x", "a//b",
                          "a/b/", "/a", "busybox@sha256:1234", "reg.io/UPPER/x", "bad!name",
                          "busybox:tag@", "-a"}) {
    CAPTURE(bad);
    error.clear();
    CHECK_FALSE(parse_image_reference(bad, &error));
    CHECK_FALSE(error.empty());
  }
}

TEST_CASE("image IDs are recognised and are not references") {
  const std::string hex(64, 'b');
  CHECK(shim::looks_like_image_id("sha256:" + hex));
  CHECK(shim::looks_like_image_id(hex));
  CHECK_FALSE(shim::looks_like_image_id(hex.substr(0, 12)));
  CHECK(shim::looks_like_image_id(hex.substr(0, 12), true));
  CHECK_FALSE(shim::looks_like_image_id("busybox", true));
  CHECK_FALSE(shim::looks_like_image_id("sha256:" + hex + "0"));
  CHECK_FALSE(parse_image_reference(hex));
  CHECK_FALSE(parse_image_reference("sha256:" + hex));
}

TEST_CASE("over-long names are refused") {
  CHECK_FALSE(parse_image_reference("reg.io/" + std::string(260, 'a')));
}
