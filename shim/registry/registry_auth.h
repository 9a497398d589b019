// CRI AuthConfig -> the credentials Docker takes in X-Registry-Auth.
#pragma once

#include <string>

#include "docker-client/types.h"
#include "runtime/v1/api.h"

namespace shim {

// `registry` is the pulled reference's registry, used as the server address
// when the client did not name one.
docker::RegistryAuth to_registry_auth(const cri::AuthConfig& auth,
                                      const std::string& registry);

}  // namespace shim
