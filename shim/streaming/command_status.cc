#include "shim/streaming/command_status.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace shim::streaming {

namespace {

// Kubelet's exec handler wraps the runtime's exit error; cri-dockerd's says
// "Error executing in Docker Container: <code>". Clients match the reason
// and the cause, not this text, but people read it.
std::string exit_message(int code) {
  return "command terminated with non-zero exit code: Error executing in Docker Container: " +
         std::to_string(code);
}

std::string internal_message(const std::string& error) { return "Internal error occurred: " + error; }

// metav1.Status as Go's encoding/json writes it: fields in declaration
// order (metadata, status, message, reason, details, code), empty ones left
// out except metadata.
std::string status_json(const CommandOutcome& outcome) {
  nlohmann::ordered_json status;
  status["metadata"] = nlohmann::ordered_json::object();
  switch (outcome.kind) {
    case CommandOutcome::Kind::kSuccess:
      status["status"] = "Success";
      break;
    case CommandOutcome::Kind::kExitCode:
      status["status"] = "Failure";
      status["message"] = exit_message(outcome.exit_code);
      status["reason"] = "NonZeroExitCode";
      status["details"]["causes"] = nlohmann::ordered_json::array(
          {{{"reason", "ExitCode"}, {"message", std::to_string(outcome.exit_code)}}});
      break;
    case CommandOutcome::Kind::kError:
      status["status"] = "Failure";
      status["message"] = internal_message(outcome.error);
      status["reason"] = "InternalError";
      status["details"]["causes"] = nlohmann::ordered_json::array({{{"message", outcome.error}}});
      status["code"] = 500;
      break;
  }
  // Invalid UTF-8 in an error text (a path, a Docker message) is replaced,
  // never a reason to lose the status.
  return status.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

bool status_is_json(std::string_view protocol) {
  constexpr std::string_view kSuffix = ".channel.k8s.io";
  if (protocol.size() <= kSuffix.size() + 1 || protocol.front() != 'v' ||
      protocol.substr(protocol.size() - kSuffix.size()) != kSuffix)
    return false;
  const auto digits = protocol.substr(1, protocol.size() - kSuffix.size() - 1);
  int version = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  return ec == std::errc() && end == digits.data() + digits.size() && version >= 4;
}

std::optional<std::string> encode_status(std::string_view protocol, const CommandOutcome& outcome) {
  if (status_is_json(protocol)) return status_json(outcome);
  switch (outcome.kind) {
    case CommandOutcome::Kind::kSuccess:
      return std::nullopt;
    case CommandOutcome::Kind::kExitCode:
      return exit_message(outcome.exit_code);
    case CommandOutcome::Kind::kError:
      return internal_message(outcome.error);
  }
  return std::nullopt;
}

}  // namespace shim::streaming
