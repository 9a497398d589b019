#include <doctest/doctest.h>

#include "shim/security/capabilities.h"

using namespace shim::security;

TEST_CASE("capability table: numbers and Docker names both ways") {
  CHECK(capability_name(0) == "CAP_CHOWN");
  CHECK(capability_name(12) == "CAP_NET_ADMIN");
  CHECK(capability_name(21) == "CAP_SYS_ADMIN");
  CHECK(capability_name(24) == "CAP_SYS_RESOURCE");
  CHECK(capability_name(37) == "CAP_AUDIT_READ");
  CHECK(capability_name(40) == "CAP_CHECKPOINT_RESTORE");
  CHECK(capability_name(41).empty());
  CHECK(capability_name(-1).empty());
  for (int i = 0; i <= kMaxKnownCapability; ++i) CHECK(capability_number(capability_name(i)) == i);
}

TEST_CASE("capability names as CRI clients send them: with or without CAP_, any case") {
  CHECK(capability_number("NET_ADMIN") == 12);
  CHECK(capability_number("CAP_NET_ADMIN") == 12);
  CHECK(capability_number("cap_net_admin") == 12);
  CHECK(capability_number("net_Admin") == 12);
  CHECK(capability_number("bpf") == 39);
  CHECK_FALSE(capability_number("ALL"));
  CHECK_FALSE(capability_number("FOO"));
  CHECK_FALSE(capability_number("CAP_"));
  CHECK_FALSE(capability_number(""));
  CHECK_FALSE(capability_number("CAP_CAP_CHOWN"));
}
