#include <doctest/doctest.h>

#include "shim/state/image_user.h"

TEST_CASE("image users as critest checks them") {
  auto uid = shim::parse_image_user("1002");
  REQUIRE(uid.uid);
  CHECK(*uid.uid == 1002);
  CHECK(uid.username.empty());

  auto name = shim::parse_image_user("www-data");
  CHECK_FALSE(name.uid);
  CHECK(name.username == "www-data");

  auto uid_gid = shim::parse_image_user("1003:1004");
  REQUIRE(uid_gid.uid);
  CHECK(*uid_gid.uid == 1003);
  CHECK(uid_gid.username.empty());

  auto name_gid = shim::parse_image_user("www-data:1004");
  CHECK_FALSE(name_gid.uid);
  CHECK(name_gid.username == "www-data");

  auto none = shim::parse_image_user("");
  CHECK_FALSE(none.uid);
  CHECK(none.username.empty());

  auto root = shim::parse_image_user("0");
  REQUIRE(root.uid);
  CHECK(*root.uid == 0);
}
