#include "shim/container/start_failure.h"

namespace shim {

bool failed_to_start(const docker::ContainerState& state) {
  // Docker's start error path sets the exit code (127 or 128, never 0) and
  // leaves the status "created"; dockershim's test is the same (a non-zero
  // exit code with no finish time).
  return state.status == "created" && state.exit_code != 0;
}

}  // namespace shim
