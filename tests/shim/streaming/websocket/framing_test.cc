// Channel framing, sub-protocol choice and the endpoints' query parsing.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <variant>

#include "shim/streaming/websocket/channel_codec.h"
#include "shim/streaming/websocket/port_forward_channels.h"
#include "shim/streaming/websocket/protocols.h"
#include "shim/streaming/websocket/remote_command_channels.h"

namespace ws = shim::streaming::websocket;
using namespace std::string_literals;

TEST_CASE("binary messages: the channel byte, then the bytes as they are") {
  const auto message = ws::encode_message(1, "a\0b\xff"s, false);
  CHECK_FALSE(message.text);
  CHECK(message.payload == "\x01"
                           "a\0b\xff"s);
  CHECK(ws::encode_message(3, "", false).payload == "\x03"s);

  const auto decoded = ws::decode_message("\x00hi\n"s, false, false);
  const auto& data = std::get<ws::ChannelData>(decoded);
  CHECK(data.channel == 0);
  CHECK(data.data == "hi\n");
  CHECK(std::holds_alternative<ws::EmptyMessage>(ws::decode_message("", false, true)));
  CHECK(std::get<ws::ChannelData>(ws::decode_message("\x04"s, false, false)).data.empty());
}

TEST_CASE("base64 messages: '0'+channel, then standard base64 with padding") {
  const auto message = ws::encode_message(1, "\n", true);
  CHECK(message.text);
  CHECK(message.payload == "1Cg==");
  CHECK(ws::encode_message(2, "foo\n", true).payload == "2Zm9vCg==");
  CHECK(ws::encode_message(3, "", true).payload == "3");

  const auto data = std::get<ws::ChannelData>(ws::decode_message("0Zm9vCg==", true, false));
  CHECK(data.channel == 0);
  CHECK(data.data == "foo\n");
  CHECK(std::get<ws::ChannelData>(ws::decode_message("4", true, false)).data.empty());
  // Bytes that are not text survive the trip.
  const std::string binary = "\x00\x01\xfe\xff"s;
  const auto round = ws::decode_message(ws::encode_message(0, binary, true).payload, true, false);
  CHECK(std::get<ws::ChannelData>(round).data == binary);
}

TEST_CASE("base64 payloads that Go's StdEncoding refuses are malformed") {
  CHECK_THROWS_AS(ws::decode_message("0Zm9vCg", true, false), ws::MalformedMessage);   // unpadded
  CHECK_THROWS_AS(ws::decode_message("0Zm9v*g==", true, false), ws::MalformedMessage);  // alphabet
  CHECK_THROWS_AS(ws::decode_message("0Zm=vCg==", true, false), ws::MalformedMessage);  // '=' inside
  CHECK_THROWS_WITH(ws::decode_message("1!!!!", true, false), "invalid base64 payload on channel 1");
}

TEST_CASE("a base64 channel character below '0' is a channel no session has") {
  const auto data = std::get<ws::ChannelData>(ws::decode_message("/", true, false));
  CHECK(data.channel == static_cast<std::uint8_t>('/' - '0'));
  CHECK(data.channel > 4);
}

TEST_CASE("v5 close signal [255, channel]") {
  const auto closed = ws::decode_message("\xff\x00"s, false, true);
  CHECK(std::get<ws::ChannelClosed>(closed).channel == 0);
  CHECK_THROWS_AS(ws::decode_message("\xff"s, false, true), ws::MalformedMessage);
  CHECK_THROWS_AS(ws::decode_message("\xff\x00\x00"s, false, true), ws::MalformedMessage);
  // Before v5, 255 is just a channel number (one no session has).
  CHECK(std::get<ws::ChannelData>(ws::decode_message("\xff\x00"s, false, false)).channel == 255);
}

TEST_CASE("sub-protocol: the client's first supported choice, as wsstream chooses") {
  ws::UpgradeRequest request;
  request.insert(boost::beast::http::field::sec_websocket_protocol, "v3.channel.k8s.io, v4.channel.k8s.io");
  request.insert(boost::beast::http::field::sec_websocket_protocol, " v5.channel.k8s.io ,,base64.channel.k8s.io");
  const auto offered = ws::offered_protocols(request);
  REQUIRE(offered.size() == 4);
  CHECK(offered[0] == "v3.channel.k8s.io");
  CHECK(offered[2] == "v5.channel.k8s.io");
  // The client's order wins over the server's (v5 is listed first there).
  CHECK(ws::choose_protocol(offered, ws::remote_command_protocols()) == "v4.channel.k8s.io");
  CHECK(ws::choose_protocol({}, ws::remote_command_protocols()) == "");
  CHECK_FALSE(ws::choose_protocol({"v3.channel.k8s.io", "v2.channel.k8s.io"}, ws::remote_command_protocols()));
  CHECK_FALSE(ws::choose_protocol({"portforward.k8s.io"}, ws::port_forward_protocols()));
  CHECK_FALSE(ws::choose_protocol({"v5.channel.k8s.io"}, ws::port_forward_protocols()));
  CHECK(ws::choose_protocol({"v4.base64.channel.k8s.io"}, ws::port_forward_protocols()) ==
        "v4.base64.channel.k8s.io");
}

TEST_CASE("protocol names: encoding, close signal, version") {
  CHECK(ws::is_base64_protocol("base64.channel.k8s.io"));
  CHECK(ws::is_base64_protocol("v4.base64.channel.k8s.io"));
  CHECK_FALSE(ws::is_base64_protocol("v5.channel.k8s.io"));
  CHECK_FALSE(ws::is_base64_protocol(""));
  CHECK(ws::has_close_signal("v5.channel.k8s.io"));
  CHECK_FALSE(ws::has_close_signal("v4.channel.k8s.io"));
  CHECK(ws::remote_command_version("") == "channel.k8s.io");
  CHECK(ws::remote_command_version("base64.channel.k8s.io") == "channel.k8s.io");
  CHECK(ws::remote_command_version("v4.base64.channel.k8s.io") == "v4.channel.k8s.io");
  CHECK(ws::remote_command_version("v5.channel.k8s.io") == "v5.channel.k8s.io");
}

TEST_CASE("port-forward ports from the query, as kubelet parses them") {
  CHECK(ws::port_forward_ports_from_query("/portforward/abc?port=80&port=8080") ==
        std::vector<std::uint16_t>{80, 8080});
  CHECK(ws::port_forward_ports_from_query("/pf?port=1%2C2,65535") == std::vector<std::uint16_t>{1, 2, 65535});
  CHECK_THROWS_WITH(ws::port_forward_ports_from_query("/pf"), "query parameter \"port\" is required");
  CHECK_THROWS_WITH(ws::port_forward_ports_from_query("/pf?port="), "query parameter \"port\" cannot be empty");
  CHECK_THROWS_WITH(ws::port_forward_ports_from_query("/pf?port=0"), "port \"0\" must be > 0");
  CHECK_THROWS_WITH(ws::port_forward_ports_from_query("/pf?port=65536"), "unable to parse \"65536\" as a port");
  CHECK_THROWS_WITH(ws::port_forward_ports_from_query("/pf?port=80,x"), "unable to parse \"80,x\" as a port");
  CHECK_THROWS_AS(ws::port_forward_ports_from_query("/pf?port=-1"), std::invalid_argument);
}
