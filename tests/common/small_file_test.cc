// common/small_file and common/proc_net: the /proc and cgroupfs texts both
// binaries read.
#include <doctest/doctest.h>

#include "common/proc_net.h"
#include "common/small_file.h"

namespace {

TEST_CASE("flat-keyed and single-value files") {
  const auto stat = common::parse_flat_keyed("usage_usec 1234\nbad line here\nnr_periods 0\n");
  CHECK(stat.at("usage_usec") == 1234);
  CHECK(stat.at("nr_periods") == 0);
  CHECK(stat.count("bad") == 0);
  CHECK(common::parse_single_value("42\n") == 42u);
  CHECK_FALSE(common::parse_single_value("max\n"));
  CHECK_FALSE(common::parse_single_value(""));
  CHECK_FALSE(common::read_single_value("/nonexistent/file"));
}

TEST_CASE("a small file is read whole; a missing one is nullopt") {
  const auto text = common::read_small_file("/proc/self/status");
  REQUIRE(text.has_value());
  CHECK(text->find("Pid:") != std::string::npos);
  CHECK_FALSE(common::read_small_file("/nonexistent/file"));
}

TEST_CASE("/proc/net/dev gives every interface but lo; eth0 is the default") {
  const char* net_dev =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
      "    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0\n"
      "  net1:      10       2    1    0    0     0          0         0       20       3    2    0    0     0       0          0\n"
      "  eth0: 108754446    4015    3    0    0     0          0         0   397327    3355    4    0    0     0       0          0\n";
  const auto interfaces = common::parse_net_dev(net_dev);
  REQUIRE(interfaces.size() == 2);
  CHECK(interfaces[0].name == "net1");
  CHECK(interfaces[1].rx_bytes == 108754446u);
  CHECK(interfaces[1].rx_errors == 3u);
  CHECK(interfaces[1].tx_bytes == 397327u);
  CHECK(interfaces[1].tx_errors == 4u);
  REQUIRE(common::default_interface(interfaces) != nullptr);
  CHECK(common::default_interface(interfaces)->name == "eth0");
  CHECK(common::default_interface({}) == nullptr);
  CHECK_FALSE(common::read_net_dev(0));
}

}  // namespace
