// Bounded ExecSync output: exec/exec_output.h.
#include "shim/exec_sync/exec_output.h"

namespace shim::exec {

void ExecOutput::add(docker::StreamKind stream, std::string_view data) {
  if (stream == docker::StreamKind::Stdin) return;
  const bool is_stderr = stream == docker::StreamKind::Stderr;
  (is_stderr ? stderr_seen_ : stdout_seen_) += data.size();
  const std::size_t room = limit_ - (stdout_.size() + stderr_.size());
  if (data.size() > room) {
    overflowed_ = true;
    data = data.substr(0, room);
  }
  (is_stderr ? stderr_ : stdout_).append(data);
}

}  // namespace shim::exec
