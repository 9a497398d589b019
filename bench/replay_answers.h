// replay-cri-server (replay_cri_server.cc), the gRPC server that does no
// work, started beside cri-shim in a benchmark: the same calls answered by
// it show what a call costs on this machine whatever the server does.
#pragma once

#include <string>

#include "runtime/v1/api.h"

namespace bench {

// The replay server's binary, built beside the running benchmark.
std::string replay_server_binary();

// Records cri-shim's answers to Version, the unfiltered ListPodSandbox and
// ListContainers, and ContainerStatus of `container` (the first listed one
// when empty) into `dir`, for replay-cri-server --replay `dir`.
void record_replay_answers(cri::RuntimeService::Stub& runtime, const std::string& container,
                           const std::string& dir);

}  // namespace bench
