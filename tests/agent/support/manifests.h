// Small Pod, ConfigMap and Secret manifests for tests of the sources and the
// HTTP API.
#pragma once

#include <string>

namespace agent::testing {

inline std::string pod_yaml(const std::string& name, const std::string& image = "busybox:1",
                            const std::string& ns = "default") {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\nspec:\n  containers:\n  - name: app\n    image: " + image + "\n";
}

// Names its pod but has a field node-agent cannot honour.
inline std::string bad_pod_yaml(const std::string& name) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name +
         "\nspec:\n  containers:\n  - name: app\n    image: busybox\n    bogus: 1\n";
}

// A ConfigMap and a Secret with one key (the Secret's value as stringData,
// so the test reads the value it wrote).
inline std::string config_map_yaml(const std::string& name, const std::string& key, const std::string& value,
                                   const std::string& ns = "default") {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\ndata:\n  " + key +
         ": \"" + value + "\"\n";
}
inline std::string secret_yaml(const std::string& name, const std::string& key, const std::string& value,
                               const std::string& ns = "default") {
  return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\nstringData:\n  " +
         key + ": \"" + value + "\"\n";
}

}  // namespace agent::testing
