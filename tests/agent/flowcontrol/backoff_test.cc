// Backoff: kubelet's crash-loop and image-pull back-off rules.
#include <doctest/doctest.h>

#include "agent/flowcontrol/backoff.h"

using namespace std::chrono_literals;
using agent::flowcontrol::Backoff;

namespace {
constexpr int64_t kSecond = 1'000'000'000;
}

TEST_CASE("the first failure restarts at once, later ones wait a doubling delay up to the cap") {
  Backoff backoff(10s, 40s, 600s);
  int64_t t = 1000 * kSecond;
  CHECK_FALSE(backoff.in_backoff_since("c", t, t));
  backoff.next("c", t, t);
  CHECK(backoff.delay("c") == 10s);
  // It crashed again 1 s after that restart: wait 10 s from its finish.
  const int64_t finish = t + kSecond;
  CHECK(backoff.in_backoff_since("c", finish, finish + 9 * kSecond));
  CHECK_FALSE(backoff.in_backoff_since("c", finish, finish + 10 * kSecond));
  backoff.next("c", finish, finish + 10 * kSecond);
  CHECK(backoff.delay("c") == 20s);
  backoff.next("c", finish, finish + 30 * kSecond);
  CHECK(backoff.delay("c") == 40s);
  backoff.next("c", finish, finish + 70 * kSecond);
  CHECK(backoff.delay("c") == 40s);  // capped
}

TEST_CASE("a container that ran longer than the reset time starts over at the initial delay") {
  Backoff backoff(10s, 300s, 600s);
  int64_t t = 1000 * kSecond;
  backoff.next("c", t, t);
  backoff.next("c", t, t);
  CHECK(backoff.delay("c") == 20s);
  const int64_t much_later = t + 601 * kSecond;
  CHECK_FALSE(backoff.in_backoff_since("c", much_later, much_later));
  backoff.next("c", much_later, much_later);
  CHECK(backoff.delay("c") == 10s);
}

TEST_CASE("since-update back-off (image pulls) counts from the last failure") {
  Backoff backoff(10s, 300s, 24h);
  int64_t t = 1000 * kSecond;
  CHECK(backoff.remaining_since_update("img", t) == 0s);
  backoff.next("img", t, t);
  CHECK(backoff.remaining_since_update("img", t + 4 * kSecond) == 6s);
  CHECK(backoff.remaining_since_update("img", t + 10 * kSecond) == 0s);
}

TEST_CASE("forget_prefix drops a pod's entries only") {
  Backoff backoff(10s, 300s, 600s);
  backoff.next("u1/a", 1, 1);
  backoff.next("u1/b", 1, 1);
  backoff.next("u2/a", 1, 1);
  backoff.forget_prefix("u1/");
  CHECK(backoff.delay("u1/a") == 0s);
  CHECK(backoff.delay("u1/b") == 0s);
  CHECK(backoff.delay("u2/a") == 10s);
}

TEST_CASE("seed restores a grown back-off once, and never overrides a live entry") {
  Backoff backoff(10s, 40s, 600s);
  const int64_t t = 1000 * kSecond;
  backoff.seed("c", 2, t);  // 10 s doubled twice
  CHECK(backoff.delay("c") == 40s);
  CHECK(backoff.in_backoff_since("c", t + kSecond, t + 30 * kSecond));
  backoff.seed("c", 0, t);
  CHECK(backoff.delay("c") == 40s);
  backoff.seed("d", 10, t);
  CHECK(backoff.delay("d") == 40s);  // capped
}
