// What the error stream of an exec or attach carries when it ends, per
// remote command sub-protocol, as kubelet's streaming server writes it:
//
//   v4.channel.k8s.io and later (v5): a JSON metav1.Status, always —
//     {"metadata":{},"status":"Success"}
//     {"metadata":{},"status":"Failure","message":"command terminated with
//      non-zero exit code: ...","reason":"NonZeroExitCode","details":
//      {"causes":[{"reason":"ExitCode","message":"3"}]}}
//     {"metadata":{},"status":"Failure","message":"Internal error occurred:
//      ...","reason":"InternalError","details":{"causes":[{"message":...}]},
//      "code":500}
//   channel.k8s.io, v2, v3: the Status's message as plain text, and
//     nothing at all on success.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shim::streaming {

// How a remote command ended.
struct CommandOutcome {
  enum class Kind {
    kSuccess,   // exec: exit code 0; attach: the attach ended
    kExitCode,  // exec: the process exited with exit_code != 0
    kError,     // it could not run, or broke: `error` says why
  } kind = Kind::kSuccess;
  int exit_code = 0;
  std::string error;

  static CommandOutcome success() { return {}; }
  static CommandOutcome exited(int code) {
    return code == 0 ? success() : CommandOutcome{Kind::kExitCode, code, {}};
  }
  static CommandOutcome failed(std::string why) { return {Kind::kError, 0, std::move(why)}; }
};

// True for the sub-protocols whose error stream carries a JSON Status
// ("v4.channel.k8s.io", "v5.channel.k8s.io", any later vN).
bool status_is_json(std::string_view protocol);

// The bytes to write on the error stream, or nullopt when the protocol
// writes nothing (success before v4).
std::optional<std::string> encode_status(std::string_view protocol, const CommandOutcome& outcome);

}  // namespace shim::streaming
