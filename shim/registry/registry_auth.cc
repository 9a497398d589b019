#include "shim/registry/registry_auth.h"

namespace shim {

docker::RegistryAuth to_registry_auth(const cri::AuthConfig& auth,
                                      const std::string& registry) {
  docker::RegistryAuth out;
  out.username = auth.username();
  out.password = auth.password();
  out.auth = auth.auth();
  out.identity_token = auth.identity_token();
  out.registry_token = auth.registry_token();
  out.server_address = auth.server_address();
  if (out.server_address.empty() && !out.empty()) out.server_address = registry;
  return out;
}

}  // namespace shim
