#include "common/backoff.h"

#include <doctest/doctest.h>

using namespace std::chrono_literals;

TEST_CASE("a back-off starts at its initial wait and doubles up to its max") {
  common::ExponentialBackoff backoff(100ms, 1s);
  CHECK(backoff.delay() == 100ms);
  CHECK(backoff.next() == 100ms);
  CHECK(backoff.next() == 200ms);
  CHECK(backoff.next() == 400ms);
  CHECK(backoff.next() == 800ms);
  CHECK(backoff.next() == 1s);  // capped, not 1.6 s
  CHECK(backoff.next() == 1s);
  CHECK(backoff.delay() == 1s);
}

TEST_CASE("reset goes back to the initial wait") {
  common::ExponentialBackoff backoff(250ms, 2s);
  backoff.grow(3);
  CHECK(backoff.delay() == 2s);
  backoff.reset();
  CHECK(backoff.next() == 250ms);
  CHECK(backoff.delay() == 500ms);
}

TEST_CASE("grow(n) is n doublings, capped, and cannot overflow") {
  common::ExponentialBackoff backoff(10s, 300s);
  backoff.grow(0);
  CHECK(backoff.delay() == 10s);
  backoff.grow(2);
  CHECK(backoff.delay() == 40s);
  backoff.grow(1000);
  CHECK(backoff.delay() == 300s);

  // A huge max: doubling stops at it instead of wrapping around.
  common::ExponentialBackoff wide(1ns, common::ExponentialBackoff::Duration::max());
  wide.grow(200);
  CHECK(wide.delay() == common::ExponentialBackoff::Duration::max());
}

TEST_CASE("an initial wait above the max is the max") {
  common::ExponentialBackoff backoff(5s, 1s);
  CHECK(backoff.next() == 1s);
  CHECK(backoff.delay() == 1s);
}
