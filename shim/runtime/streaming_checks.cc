#include "shim/runtime/streaming_checks.h"

#include "shim/server/call.h"

namespace shim {

void check_stream_flags(bool stdin_, bool stdout_, bool stderr_, bool tty) {
  if (!stdin_ && !stdout_ && !stderr_)
    throw invalid_argument("one of stdin, stdout, or stderr must be set");
  if (tty && stderr_) throw invalid_argument("tty and stderr cannot both be true");
}

std::string require_running_container(const ContainerStore::Record& container) {
  if (!container->state.running)
    throw CriError(grpc::StatusCode::FAILED_PRECONDITION,
                   "container " + container->id + " is not running (" + container->state.status + ")");
  return container->id;
}

}  // namespace shim
