#include "shim/streaming/websocket/protocols.h"

#include <algorithm>
#include <array>

#include <boost/beast/http/field.hpp>
#include "common/string_helpers.h"

namespace shim::streaming::websocket {
namespace {

constexpr std::array<std::string_view, 5> kRemoteCommand = {
    kChannelV5, kChannelV4, kBase64ChannelV4, kChannelV1, kBase64ChannelV1};
constexpr std::array<std::string_view, 2> kPortForward = {kChannelV4, kBase64ChannelV4};

}  // namespace

std::span<const std::string_view> remote_command_protocols() { return kRemoteCommand; }
std::span<const std::string_view> port_forward_protocols() { return kPortForward; }

std::vector<std::string> offered_protocols(const UpgradeRequest& request) {
  std::vector<std::string> offered;
  auto [first, last] = request.equal_range(boost::beast::http::field::sec_websocket_protocol);
  for (auto it = first; it != last; ++it) {
    for (const auto& piece : common::split(std::string_view(it->value().data(), it->value().size()), ','))
      if (const auto item = common::trim(piece); !item.empty()) offered.emplace_back(item);
  }
  return offered;
}

std::optional<std::string> choose_protocol(const std::vector<std::string>& offered,
                                           std::span<const std::string_view> supported) {
  if (offered.empty()) return std::string();
  for (const auto& protocol : offered) {
    if (std::find(supported.begin(), supported.end(), protocol) != supported.end()) return protocol;
  }
  return std::nullopt;
}

bool is_base64_protocol(std::string_view protocol) {
  return protocol == kBase64ChannelV1 || protocol == kBase64ChannelV4;
}

bool has_close_signal(std::string_view protocol) { return protocol == kChannelV5; }

std::string remote_command_version(std::string_view protocol) {
  if (protocol == kChannelV5) return std::string(kChannelV5);
  if (protocol == kChannelV4 || protocol == kBase64ChannelV4) return std::string(kChannelV4);
  return std::string(kChannelV1);
}

}  // namespace shim::streaming::websocket
