// Quantities as the API server writes them (resource.Quantity String()).
#include <doctest/doctest.h>

#include "agent/node/quantity_format.h"

namespace agent::node {

TEST_CASE("quantity: cpu millicores in canonical DecimalSI") {
  CHECK(format_milli(2000) == "2");
  CHECK(format_milli(1500) == "1500m");
  CHECK(format_milli(100) == "100m");
  CHECK(format_milli(0) == "0");
  CHECK(format_resource("cpu", 64000) == "64");
}

TEST_CASE("quantity: bytes in canonical BinarySI") {
  CHECK(format_binary(25105997824) == "24517576Ki");
  CHECK(format_binary(1LL << 30) == "1Gi");
  CHECK(format_binary(2LL << 20) == "2Mi");
  CHECK(format_binary(1025) == "1025");
  // Below 1024 a binary suffix cannot be exact: DecimalSI, as Quantity.
  CHECK(format_binary(1000) == "1k");
  CHECK(format_binary(512) == "512");
  CHECK(format_binary(0) == "0");
  CHECK(format_resource("memory", 24516072LL * 1024) == "24516072Ki");
  CHECK(format_resource("ephemeral-storage", 61255492LL * 1024) == "61255492Ki");
  CHECK(format_resource("hugepages-2Mi", 0) == "0");
  CHECK(format_resource("hugepages-1Gi", 2LL << 30) == "2Gi");
}

TEST_CASE("quantity: counts in canonical DecimalSI") {
  CHECK(format_resource("pods", 110) == "110");
  CHECK(format_decimal(1000) == "1k");
  CHECK(format_decimal(250) == "250");
}

}  // namespace agent::node
