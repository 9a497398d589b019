#include "shim/streaming/spdy/remote_command_streams.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <vector>

namespace shim::streaming::spdy {
namespace {

constexpr std::string_view kV1 = "channel.k8s.io";

int protocol_version(std::string_view protocol) {
  if (protocol.empty() || protocol == kV1) return 1;
  if (protocol == "v2.channel.k8s.io") return 2;
  if (protocol == "v3.channel.k8s.io") return 3;
  if (protocol == "v4.channel.k8s.io") return 4;
  if (protocol == "v5.channel.k8s.io") return 5;
  return 0;
}

}  // namespace

RemoteCommandStreams accept_remote_command(Session& session, std::string_view protocol,
                                           RemoteCommandRequest request,
                                           std::chrono::milliseconds timeout) {
  int version = protocol_version(protocol);
  if (version == 0) {
    throw std::invalid_argument("remote command: unknown stream protocol \"" + std::string(protocol) + "\"");
  }
  if (request.tty) request.want_stderr = false;
  bool want_resize = request.tty && version >= 3;

  RemoteCommandStreams result;
  result.protocol = protocol.empty() ? std::string(kV1) : std::string(protocol);
  result.tty = request.tty;

  // The streams still awaited, by type.
  std::vector<std::string> missing = {"error"};
  if (request.want_stdin) missing.push_back("stdin");
  if (request.want_stdout) missing.push_back("stdout");
  if (request.want_stderr) missing.push_back("stderr");
  if (want_resize) missing.push_back("resize");

  std::unique_ptr<Stream> error_stream;  // v1 resets it afterwards
  std::unique_ptr<Stream> stdin_stream;  // v1 half-closes it afterwards
  auto deadline = Session::Clock::now() + timeout;
  while (!missing.empty()) {
    std::unique_ptr<Stream> stream = session.next_stream(deadline);
    if (!stream) {
      if (session.ended()) {
        throw StreamClosed("remote command: session ended before the client created its streams: " +
                           session.end_reason());
      }
      std::string names;
      for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
      throw StreamCreationTimeout("timed out waiting for client to create streams (missing: " + names + ")");
    }
    std::string type = stream->header("streamtype").value_or("");
    auto it = std::find(missing.begin(), missing.end(), type);
    if (it == missing.end()) {
      spdlog::debug("remote command: ignoring stream {} of unexpected type \"{}\"", stream->id(), type);
      continue;  // destroying the handle discards what the client sends on it
    }
    missing.erase(it);
    if (type == "error") {
      result.error_stream = stream->take_output();
      error_stream = std::move(stream);
    } else if (type == "stdin") {
      result.stdin_stream = stream->take_input();
      stdin_stream = std::move(stream);
    } else if (type == "stdout") {
      result.stdout_stream = stream->take_output();
    } else if (type == "stderr") {
      result.stderr_stream = stream->take_output();
    } else if (type == "resize") {
      result.resize_stream = stream->take_input();
    }
  }

  if (version == 1) {
    result.error_stream.reset();
    error_stream->reset(RstStatus::kCancel);
    if (stdin_stream) {
      if (auto ours = stdin_stream->take_output()) ours->close();
    }
  }
  return result;
}

}  // namespace shim::streaming::spdy
