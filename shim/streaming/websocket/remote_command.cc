#include "shim/streaming/websocket/remote_command.h"

#include <memory>

#include "shim/streaming/websocket/channel_codec.h"
#include "shim/streaming/websocket/channel_session.h"
#include "shim/streaming/websocket/channel_streams.h"
#include "shim/streaming/websocket/query.h"

namespace shim::streaming::websocket {
namespace {

bool query_flag(std::string_view target, std::string_view key) {
  const auto values = query_values(target, key);
  // Go's FormValue: the first value counts.
  return !values.empty() && values.front() == "1";
}

}  // namespace

RemoteCommandOptions remote_command_options_from_query(std::string_view target) {
  return RemoteCommandOptions{
      .stdin = query_flag(target, "stdin"),
      .stdout = query_flag(target, "stdout"),
      .stderr = query_flag(target, "stderr"),
      .tty = query_flag(target, "tty"),
  };
}

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
