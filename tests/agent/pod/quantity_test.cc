#include "agent/pod/quantity.h"

#include <doctest/doctest.h>

using agent::pod::Quantity;
using agent::pod::QuantityError;

TEST_CASE("quantity: cpu forms to milli-CPU") {
  CHECK(Quantity::parse("100m").milli() == 100);
  CHECK(Quantity::parse("0.5").milli() == 500);
  CHECK(Quantity::parse(".5").milli() == 500);
  CHECK(Quantity::parse("1").milli() == 1000);
  CHECK(Quantity::parse("2.25").milli() == 2250);
  CHECK(Quantity::parse("1e3").milli() == 1'000'000);
  CHECK(Quantity::parse("1E-3").milli() == 1);
  CHECK(Quantity::parse("+3").milli() == 3000);
  CHECK(Quantity::parse("0").milli() == 0);
  CHECK(Quantity::parse("0.000").milli() == 0);
}

TEST_CASE("quantity: rounds up as Kubernetes MilliValue/Value do") {
  CHECK(Quantity::parse("0.0001").milli() == 1);
  CHECK(Quantity::parse("1500u").milli() == 2);
  CHECK(Quantity::parse("1n").milli() == 1);
  CHECK(Quantity::parse("1.5").value() == 2);
  CHECK(Quantity::parse("100m").value() == 1);
}

TEST_CASE("quantity: memory forms to bytes") {
  CHECK(Quantity::parse("128Mi").value() == 128LL * 1024 * 1024);
  CHECK(Quantity::parse("1Ki").value() == 1024);
  CHECK(Quantity::parse("1.5Gi").value() == 1610612736LL);
  CHECK(Quantity::parse("1G").value() == 1'000'000'000LL);
  CHECK(Quantity::parse("1k").value() == 1000);
  CHECK(Quantity::parse("64M").value() == 64'000'000LL);
  CHECK(Quantity::parse("1Ti").value() == 1LL << 40);
  CHECK(Quantity::parse("1Ei").value() == 1LL << 60);
  CHECK(Quantity::parse("1E").value() == 1'000'000'000'000'000'000LL);
  CHECK(Quantity::parse("123456789").value() == 123456789);
  CHECK(Quantity::parse("1e9").value() == 1'000'000'000LL);
}

TEST_CASE("quantity: negative values are parsed and flagged") {
  Quantity q = Quantity::parse("-100m");
  CHECK(q.negative());
  CHECK(q.milli() == -100);
}

TEST_CASE("quantity: bad text names the text and the problem") {
  auto message = [](const char* text) {
    try {
      Quantity::parse(text);
    } catch (const QuantityError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message("") == "invalid quantity \"\": expected a number");
  CHECK(message("m") == "invalid quantity \"m\": expected a number");
  CHECK(message("abc") == "invalid quantity \"abc\": expected a number");
  CHECK(message("10MB").find("unknown suffix \"MB\"") != std::string::npos);
  CHECK(message("1mi").find("unknown suffix \"mi\"") != std::string::npos);
  CHECK(message("1 Gi").find("unknown suffix \" Gi\"") != std::string::npos);
  CHECK(message("1.2.3").find("unknown suffix \".3\"") != std::string::npos);
  CHECK(message("1e").find("bad exponent") != std::string::npos);
  CHECK(message("1ex").find("bad exponent") != std::string::npos);
  CHECK(message("1e99").find("out of range") != std::string::npos);
  CHECK(message("999999999999999999999Ei").find("too large") != std::string::npos);
  // 7Ei fits in int64 bytes but not in int64 milli-units; 8Ei is 2^63 bytes.
  CHECK(Quantity::parse("7Ei").value() == 7LL << 60);
  CHECK_THROWS_AS(Quantity::parse("7Ei").milli(), QuantityError);
  CHECK_THROWS_AS(Quantity::parse("8Ei").value(), QuantityError);
}

// Found by fuzzing (tests/fuzz/corpus/quantity/crash-int128-overflow-*):
// 30 digits times 10^31 overflowed int128_t before the range check, and a
// value near the old 1e36 limit overflowed it again in milli()'s * 1000.
TEST_CASE("quantity: too large is an error, never an int128 overflow") {
  auto message = [](const char* text) {
    try {
      Quantity::parse(text);
    } catch (const QuantityError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(message("900444444444444444444444401e31").find("too large") != std::string::npos);
  CHECK(message("999999999999999999999999999999e36").find("too large") != std::string::npos);
  CHECK(message("1e36").find("too large") != std::string::npos);
  CHECK(message("-1e36").find("too large") != std::string::npos);
  // The largest still read: in range for the rational, not for int64.
  CHECK_THROWS_AS(Quantity::parse("1e35").milli(), QuantityError);
  CHECK_THROWS_AS(Quantity::parse("-1e35").value(), QuantityError);
}
