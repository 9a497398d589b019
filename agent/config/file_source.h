// The manifest-directory source (kubelet's file source): every regular file
// of --manifest-dir whose name does not start with "." is a manifest (YAML or
// JSON, several documents: Pods, ConfigMaps and Secrets). Changes are seen through inotify at once and by
// a periodic rescan (default 20 s, as kubelet's) in case an event was lost
// or the directory was replaced. Each file is its own source key
// ("file:<path>") for the pod manager and the object store alike; a file
// that disappears removes its pods and objects. A file's objects are handed
// over before its pods, so that a pod finds the ConfigMap written beside it.
//
// Contract: a file that does not parse as a whole, or a document in it,
// is reported as RejectedManifest and logged once per change; its good
// documents still run. start() returns after the first full scan has been
// handed to the pod manager. stop() joins the watcher thread.
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

class FileSource {
 public:
  FileSource(std::string dir, std::string node_name, pod::PodManager& manager, objects::ObjectStore& objects,
             std::chrono::milliseconds rescan_period = std::chrono::seconds(20));
  ~FileSource();
  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent::config
