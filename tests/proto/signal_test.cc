// runtime/v1/api.h must survive <signal.h>'s macros, which share names with
// the CRI Signal enum's values, and leave them intact for the includer.

#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <csignal>  // deliberately before api.h: the order that breaks api.pb.h

#include "runtime/v1/api.h"

TEST_CASE("api.h compiles after <csignal> and keeps its macros") {
  CHECK(SIGKILL == 9);
  CHECK(SIGTERM == 15);
  CHECK(SIGRTMIN > 0);
}

TEST_CASE("Signal values are reachable by name despite the macros") {
  cri::Signal kill{};
  REQUIRE(cri::Signal_Parse("SIGKILL", &kill));
  CHECK(static_cast<int>(kill) == 13);
  CHECK(cri::Signal_Name(kill) == "SIGKILL");
}
