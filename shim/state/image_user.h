// The user an image runs as, as CRI reports it: a numeric uid or a name.
// critest checks "1002" -> uid 1002, "www-data" -> username, "1003:1004" ->
// uid 1003, "www-data:1004" -> username www-data (the group is not reported).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace shim {

struct ImageUser {
  std::optional<std::int64_t> uid;
  std::string username;
};

ImageUser parse_image_user(const std::string& user);

}  // namespace shim
