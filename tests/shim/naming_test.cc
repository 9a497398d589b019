#include <doctest/doctest.h>

#include "shim/state/naming.h"

using shim::ContainerMetadata;
using shim::DockerNameParts;
using shim::parse_docker_name;
using shim::PodMetadata;

namespace {
const PodMetadata kPod{"nginx-7d9c", "1f2e3d4c-0000-4000-8000-123456789abc", "default", 2};
}

TEST_CASE("sandbox and container names have cri-dockerd's form") {
  CHECK(shim::sandbox_docker_name(kPod) == "k8s_POD_nginx-7d9c_default_1f2e3d4c-0000-4000-8000-123456789abc_2");
  CHECK(shim::container_docker_name(ContainerMetadata{"web", 5}, kPod) ==
        "k8s_web_nginx-7d9c_default_1f2e3d4c-0000-4000-8000-123456789abc_5");  // the container's attempt
}

TEST_CASE("bytes Docker refuses in names become '-'; '_' and '.' stay") {
  const PodMetadata pod{"my pod/ä", "u:1", "under_score.ns", 0};
  CHECK(shim::sandbox_docker_name(pod) == "k8s_POD_my-pod---_under_score.ns_u-1_0");
}

TEST_CASE("random suffix as cri-dockerd adds it") {
}

TEST_CASE("names parse back as cri-dockerd parses them") {
  CHECK(parse_docker_name("k8s_POD_nginx_default_uid-1_3") == DockerNameParts{"POD", "nginx", "default", "uid-1", 3});
  CHECK(parse_docker_name("/k8s_web_nginx_default_uid-1_0") == DockerNameParts{"web", "nginx", "default", "uid-1", 0});
  CHECK(parse_docker_name("k8s_web_nginx_default_uid-1_7_0a1b2c3d") ==
        DockerNameParts{"web", "nginx", "default", "uid-1", 7});
  CHECK(parse_docker_name(shim::container_docker_name({"c", 4294967295u}, {"p", "u", "n", 0})) ==
        DockerNameParts{"c", "p", "n", "u", 4294967295u});
}

TEST_CASE("names cri-dockerd cannot parse") {
  for (const char* name : {"", "nginx", "k8s_POD_under_score_default_uid_0",  // 7 parts, bad attempt
                           "k8s_POD_a_b_c", "k8s_POD_a_b_c_x", "k8s_POD_a_b_c_-1", "k8s_POD_a_b_c_4294967296",
                           "k9s_POD_a_b_c_0", "k8s_POD_a__b_c_d_e_0"}) {
    CAPTURE(name);
    CHECK_FALSE(parse_docker_name(name));
  }
}

TEST_CASE("attempts read like Go's ParseUint(s, 10, 32)") {
  CHECK(shim::parse_attempt("0") == 0u);
  CHECK(shim::parse_attempt("007") == 7u);
  CHECK(shim::parse_attempt("4294967295") == 4294967295u);
  CHECK_FALSE(shim::parse_attempt("4294967296"));
  CHECK_FALSE(shim::parse_attempt(""));
  CHECK_FALSE(shim::parse_attempt("+1"));
  CHECK_FALSE(shim::parse_attempt("1 "));
}
