#include "shim/state/image_user.h"

#include <charconv>

namespace shim {

ImageUser parse_image_user(const std::string& user) {
  ImageUser result;
  const std::string name = user.substr(0, user.find(':'));
  if (name.empty()) return result;
  std::int64_t uid = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), uid);
  if (error == std::errc() && end == name.data() + name.size() && uid >= 0) {
    result.uid = uid;
  } else {
    result.username = name;
  }
  return result;
}

}  // namespace shim
