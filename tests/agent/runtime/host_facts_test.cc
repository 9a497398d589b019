#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include "agent/runtime/host_facts.h"

using namespace agent::runtime;
using Strings = std::vector<std::string>;

TEST_CASE("resolv.conf as kubelet parses it") {
  auto conf = parse_resolv_conf(
      "# generated\n"
      "; also a comment\n"
      "nameserver 192.168.1.1\n"
      "nameserver\n"
      "search old.example\n"
      "  nameserver   192.168.1.2  \n"
      "search lan. corp.example .\n"
      "options ndots:2 rotate\n"
      "options ndots:3 timeout:1\n"
      "domain ignored.example\n"
      "sortlist 130.155.160.0/255.255.240.0\n");
  CHECK(conf.nameservers == Strings{"192.168.1.1", "192.168.1.2"});
  CHECK(conf.searches == Strings{"lan", "corp.example"});
  CHECK(conf.options == Strings{"ndots:3", "rotate", "timeout:1"});

  auto empty = parse_resolv_conf("");
  CHECK(empty.nameservers.empty());
  CHECK(empty.searches.empty());
}

TEST_CASE("reading resolv.conf and meminfo from files") {
  const std::string path = "/tmp/agent-runtime-test-resolv.conf";
  {
    std::ofstream out(path);
    out << "nameserver 9.9.9.9\nsearch a.example\n";
  }
  auto conf = read_host_resolv_conf(path);
  CHECK(conf.nameservers == Strings{"9.9.9.9"});
  std::remove(path.c_str());
  CHECK_THROWS_WITH_AS(read_host_resolv_conf("/nonexistent/resolv.conf"),
                       doctest::Contains("/nonexistent/resolv.conf"), std::runtime_error);
}
