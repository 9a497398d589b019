// gRPC's status codes as gRPC-Go spells them ("OK", "NotFound",
// "DeadlineExceeded"): the grpc_code label of go-grpc-prometheus' metrics and
// the code of log lines, in both binaries.
#pragma once

#include <string>

#include <grpcpp/support/status_code_enum.h>

namespace common {

std::string grpc_code_name(grpc::StatusCode code);

}  // namespace common
