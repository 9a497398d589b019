// What one run of a probe says (kubelet's probe.Result).
#pragma once

#include <string>

namespace agent::prober {

enum class ProbeResult {
  Success,
  // A success with something to report (an HTTP probe that stopped at a
  // redirect to another host): counts as Success, and kubelet records a
  // ProbeWarning event.
  Warning,
  Failure,
  // The probe could not be run at all (the runtime failed the call): the
  // result is thrown away, as kubelet throws away a prober error.
  Unknown,
};

struct ProbeOutcome {
  ProbeResult result = ProbeResult::Unknown;
  std::string output;  // why it failed, or what the handler answered (bounded)
};

const char* to_string(ProbeResult r);

}  // namespace agent::prober
