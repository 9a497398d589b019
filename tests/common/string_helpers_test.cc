#include "common/string_helpers.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

TEST_CASE("trim, split and join") {
  CHECK(common::trim("  a b \t") == "a b");
  CHECK(common::trim(" \t ").empty());
  CHECK(common::trim("out\n \n", " \n") == "out");
  CHECK(common::split("a,,b", ',') == std::vector<std::string>{"a", "", "b"});
  CHECK(common::split("", ',') == std::vector<std::string>{""});
  CHECK(common::split("x", ',') == std::vector<std::string>{"x"});
  CHECK(common::join(std::vector<std::string>{"a", "b", "c"}, ", ") == "a, b, c");
  CHECK(common::join(std::vector<std::string>{}, ",").empty());
}
