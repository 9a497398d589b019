// The subjects of a CRI request as log fields (common/logging.h), read from
// the request message by protobuf reflection, so that every method gets
// them without code of its own: pod_sandbox_id, container_id, the pod's
// name and namespace (a sandbox config's metadata: RunPodSandbox's config,
// CreateContainer's sandbox_config), the container's name (a container
// config's metadata) and the image (ImageSpec.image). Fields the request
// lacks or leaves empty are left out.
#pragma once

#include <string_view>

#include <google/protobuf/message.h>

#include "common/logging.h"

namespace shim {

// `rpc` is the method's name ("RunPodSandbox"); it comes first.
common::LogFields request_log_fields(std::string_view rpc, const google::protobuf::Message& request);

}  // namespace shim
