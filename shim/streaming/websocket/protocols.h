// Kubernetes' WebSocket sub-protocols and how one is chosen, as kubelet's
// streaming server (wsstream.Conn) does it.
//
// The client lists protocols in Sec-WebSocket-Protocol; the first one (in
// the client's order) that the endpoint supports wins. A client that lists
// none gets the unnamed protocol "", which kubelet serves as the binary
// "channel.k8s.io" and answers without a Sec-WebSocket-Protocol header.
// Pure functions, no threads.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/string_body.hpp>

namespace shim::streaming::websocket {

using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

inline constexpr std::string_view kChannelV1 = "channel.k8s.io";
inline constexpr std::string_view kBase64ChannelV1 = "base64.channel.k8s.io";
inline constexpr std::string_view kChannelV4 = "v4.channel.k8s.io";
inline constexpr std::string_view kBase64ChannelV4 = "v4.base64.channel.k8s.io";
// v4 plus the client's close signal [255, channel]; binary only.
inline constexpr std::string_view kChannelV5 = "v5.channel.k8s.io";

// What the exec and attach endpoints accept, in kubelet's set (kubelet
// 1.35 stops at v4; v5 is what the API server's stream translator adds).
// Over WebSocket there is no v2 or v3: those names are SPDY's only.
std::span<const std::string_view> remote_command_protocols();
// What the port-forward endpoint accepts ("" too, as for every endpoint).
std::span<const std::string_view> port_forward_protocols();

// Every protocol the client offered, in its order (all
// Sec-WebSocket-Protocol headers, comma-separated lists split and trimmed).
std::vector<std::string> offered_protocols(const UpgradeRequest& request);

// The protocol to answer with: the first offered one that is supported;
// "" when nothing was offered; nullopt when none offered is supported.
std::optional<std::string> choose_protocol(const std::vector<std::string>& offered,
                                           std::span<const std::string_view> supported);

// Whether messages are text with a base64 payload ("*base64.channel.k8s.io").
bool is_base64_protocol(std::string_view protocol);
// Whether the client may close one channel with [255, channel] (v5).
bool has_close_signal(std::string_view protocol);
// The remote-command version a negotiated protocol stands for, as
// RemoteCommandStreams::protocol names it: "v5.channel.k8s.io",
// "v4.channel.k8s.io" or "channel.k8s.io" (base64 and "" map to their
// binary version).
std::string remote_command_version(std::string_view protocol);

}  // namespace shim::streaming::websocket
