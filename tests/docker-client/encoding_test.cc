// Registry auth header, filters, endpoints, refs, versions, lines.
#include <doctest/doctest.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "docker-client/client.h"
#include "docker-client/encoding.h"

using namespace docker;
using namespace docker::detail;
using nlohmann::json;

TEST_CASE("X-Registry-Auth: URL-safe base64 of the auth JSON, empty fields omitted") {
  RegistryAuth a;
  a.username = "alice";
  a.password = "s3cr?t>>";  // bytes that hit the '+' '/' positions in some encodings
  a.server_address = "registry.example.com:5000";
  std::string header = encode_registry_auth(a);
  CHECK(header.find_first_of("+/") == std::string::npos);
  CHECK(header.size() % 4 == 0);  // padded, like Go's base64.URLEncoding
  json j = json::parse(*common::base64_decode(header));
  CHECK(j == json{{"username", "alice"},
                  {"password", "s3cr?t>>"},
                  {"serveraddress", "registry.example.com:5000"}});
}

TEST_CASE("X-Registry-Auth: auth is decoded into username/password") {
  RegistryAuth a;
  a.auth = common::base64_encode("bob:pa:ss");
  json j = json::parse(*common::base64_decode(encode_registry_auth(a)));
  CHECK(j["username"] == "bob");
  CHECK(j["password"] == "pa:ss");
  CHECK(j["auth"] == a.auth);
  CHECK_FALSE(j.contains("identitytoken"));

  RegistryAuth t;
  t.identity_token = "refresh";
  t.registry_token = "bearer";
  CHECK_FALSE(t.empty());
  json k = json::parse(*common::base64_decode(encode_registry_auth(t)));
  CHECK(k == json{{"identitytoken", "refresh"}, {"registrytoken", "bearer"}});
  CHECK(RegistryAuth{}.empty());
}

TEST_CASE("filters are encoded in the map form") {
  Filters f{{"label", {"a=b", "io.kubernetes.pod=x"}}, {"status", {"running"}}};
  CHECK(encode_filters(f) == R"({"label":{"a=b":true,"io.kubernetes.pod=x":true},"status":{"running":true}})");
  CHECK(encode_filters({}) == "{}");
  CHECK(Query().add("filters", encode_filters({{"label", {"a=b"}}})).str() ==
        "?filters=%7B%22label%22%3A%7B%22a%3Db%22%3Atrue%7D%7D");
}

TEST_CASE("endpoint parsing") {
  auto u = Endpoint::parse("unix:///var/run/docker.sock");
  CHECK(u.kind == Endpoint::Kind::Unix);
  CHECK(u.path == "/var/run/docker.sock");
  CHECK(u.to_string() == "unix:///var/run/docker.sock");
  CHECK(Endpoint::parse("/run/docker.sock").path == "/run/docker.sock");
  auto t = Endpoint::parse("tcp://127.0.0.1:2375");
  CHECK(t.kind == Endpoint::Kind::Tcp);
  CHECK(t.host == "127.0.0.1");
  CHECK(t.port == "2375");
  CHECK(Endpoint::parse("tcp://dockerhost").port == "2375");
  auto v6 = Endpoint::parse("tcp://[::1]:2376");
  CHECK(v6.host == "::1");
  CHECK(v6.port == "2376");
  CHECK(v6.to_string() == "tcp://[::1]:2376");
  CHECK(Endpoint::parse("tcp://h:1/").host == "h");
  CHECK_THROWS_AS(Endpoint::parse(""), std::invalid_argument);
  CHECK_THROWS_AS(Endpoint::parse("unix://relative.sock"), std::invalid_argument);
  CHECK_THROWS_AS(Endpoint::parse("npipe:////./pipe/docker"), std::invalid_argument);
  CHECK_THROWS_AS(Endpoint::parse("tcp://:2375"), std::invalid_argument);
  CHECK_THROWS_AS(Endpoint::parse("tcp://h:port"), std::invalid_argument);
  CHECK_THROWS_AS(Endpoint::parse("docker.sock"), std::invalid_argument);
}

TEST_CASE("image references split into fromImage and tag") {
  using P = std::pair<std::string, std::string>;
  CHECK(split_image_ref("busybox") == P{"busybox", "latest"});
  CHECK(split_image_ref("busybox:1.36") == P{"busybox", "1.36"});
  CHECK(split_image_ref("localhost:5000/a/b") == P{"localhost:5000/a/b", "latest"});
  CHECK(split_image_ref("localhost:5000/a/b:v2") == P{"localhost:5000/a/b", "v2"});
  CHECK(split_image_ref("r/x@sha256:abcd") == P{"r/x", "sha256:abcd"});
}

TEST_CASE("API versions compare numerically") {
  CHECK(compare_api_versions("1.41", "1.40") > 0);
  CHECK(compare_api_versions("1.9", "1.40") < 0);
  CHECK(compare_api_versions("1.45", "1.45") == 0);
  CHECK(compare_api_versions("2.0", "1.45") > 0);
  CHECK_THROWS_AS(compare_api_versions("141", "1.40"), std::invalid_argument);
  CHECK_THROWS_AS(compare_api_versions("1.4x", "1.40"), std::invalid_argument);
}

TEST_CASE("query and path escaping") {
  CHECK(Query().str().empty());
  CHECK(Query().add("a", "1").add_if(false, "b", "2").add_nonempty("c", "").add("d", "x y&z").str() ==
        "?a=1&d=x%20y%26z");
  CHECK(escape_path("registry:5000/ns/img:tag") == "registry:5000/ns/img:tag");
  CHECK(escape_path("a b?c#d") == "a%20b%3Fc%23d");
}

TEST_CASE("line splitter joins lines across pieces") {
  LineSplitter s;
  std::vector<std::string> lines;
  auto on = [&](std::string_view l) {
    lines.emplace_back(l);
    return true;
  };
  std::string input = "{\"a\":1}\r\n{\"b\"" ":2}\n\n{\"c\":3}";
  for (char c : input) s.feed(&c, 1, on);
  s.finish(on);
  CHECK(lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"});
  LineSplitter stop;
  int n = 0;
  CHECK_FALSE(stop.feed("x\ny\nz\n", 6, [&](std::string_view) { return ++n < 2; }));
  CHECK(n == 2);
}
