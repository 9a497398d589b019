// A small valid Pod, as manifest_parser would hand it over, for the tests
// to vary one field at a time.
#pragma once

#include "agent/pod/pod_spec.h"

namespace agent::runtime::test {

inline pod::Pod basic_pod() {
  pod::Pod pod;
  pod.metadata.name = "web";
  pod.metadata.namespace_ = "shop";
  pod.metadata.uid = "0123-uid";
  pod::Container app;
  app.name = "app";
  app.image = "busybox:1.36";
  pod.spec.containers.push_back(app);
  pod.spec.node_name = "node-a";
  return pod;
}

}  // namespace agent::runtime::test
