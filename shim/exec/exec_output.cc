// Bounded ExecSync output: exec/exec_output.h.
#include "shim/exec/exec_output.h"

namespace shim::exec {

void ExecOutput::add(docker::StreamKind stream, std::string_view data) {
  if (stream == docker::StreamKind::Stdin) return;
  const bool is_stderr = stream == docker::StreamKind::Stderr;
  (is_stderr ? stderr_seen_ : stdout_seen_) += data.size();
  if (overflowed_) return;
  if (stdout_.size() + stderr_.size() + data.size() > limit_) {
    overflowed_ = true;
    // Give the memory back now: the call will read on, maybe for long.
    std::string().swap(stdout_);
    std::string().swap(stderr_);
    return;
  }
  (is_stderr ? stderr_ : stdout_).append(data);
}

}  // namespace shim::exec
