// The manifest-URL source (kubelet's http source): GET --manifest-url every
// poll period (default 20 s); the body holds one or more Pod, ConfigMap and
// Secret documents (or a PodList). Source key "url:<url>", for the pod
// manager and the object store alike (objects handed over first). A fetch
// that fails (refused, non-2xx, timeout) keeps the last good set and logs
// once per distinct error; an empty 2xx body means no pods and no objects.
#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace agent::pod {
class PodManager;
}
namespace agent::objects {
class ObjectStore;
}

namespace agent::config {

class UrlSource {
 public:
  UrlSource(std::string url, std::string node_name, pod::PodManager& manager, objects::ObjectStore& objects,
            std::chrono::milliseconds poll_period = std::chrono::seconds(20));
  ~UrlSource();
  void start();  // fetches once before returning
  void stop();
  // Whether one fetch has succeeded: until then the source's pods are
  // unknown, and pods the runtime holds must not be taken for orphans (the
  // URL may be down just when the agent restarts).
  bool has_synced() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent::config
