#include "shim/streaming/websocket/remote_command_channels.h"

#include <memory>

#include "shim/streaming/websocket/channel_codec.h"
#include "shim/streaming/websocket/channel_session.h"
#include "shim/streaming/websocket/channel_streams.h"

namespace shim::streaming::websocket {
RemoteCommandStreams accept_remote_command(int fd, const UpgradeRequest& request,
                                           std::string_view already_read,
                                           const RemoteCommandOptions& options) {
  const bool with_stderr = options.stderr && !options.tty;
  ChannelLayout layout;
  layout.count = 5;
  if (options.stdin) layout.readable.push_back(kStdinChannel);
  if (options.tty) layout.readable.push_back(kResizeChannel);
  if (options.stdout) layout.writable.push_back(kStdoutChannel);
  if (with_stderr) layout.writable.push_back(kStderrChannel);
  layout.writable.push_back(kErrorChannel);

  auto session = ChannelSession::accept(fd, request, already_read, remote_command_protocols(), layout);

  RemoteCommandStreams streams;
  streams.protocol = remote_command_version(session->protocol());
  streams.tty = options.tty;
  if (options.stdin) streams.stdin_stream = std::make_unique<ChannelInput>(session, kStdinChannel);
  if (options.stdout) streams.stdout_stream = std::make_unique<ChannelOutput>(session, kStdoutChannel);
  if (with_stderr) streams.stderr_stream = std::make_unique<ChannelOutput>(session, kStderrChannel);
  streams.error_stream = std::make_unique<ChannelOutput>(session, kErrorChannel);
  if (options.tty) streams.resize_stream = std::make_unique<ChannelInput>(session, kResizeChannel);

  const auto first_output = options.stdout ? kStdoutChannel : with_stderr ? kStderrChannel : kErrorChannel;
  session->write(first_output, "");
  return streams;
}

}  // namespace shim::streaming::websocket
