// The sandboxes' infra ("pause") image: present before any pod needs it.
//
// The default image (options.h, kDefaultPauseImage) is cri-shim's own pause
// program (shim/pause), imported from the bytes built into this binary, so
// pods need no registry. Any other image (--pod-infra-container-image) is
// pulled when absent, anonymously (kubelet passes no credentials for it; a
// private one must be pulled beforehand, e.g. with crictl pull --creds).
#pragma once

#include <atomic>
#include <mutex>
#include <string>

#include "docker-client/client.h"

namespace shim {

class InfraImage {
 public:
  InfraImage(docker::Client& docker, std::string reference);

  // Makes the image present: one inspect when it is; an import or a pull
  // when not. Concurrent callers share one import. Once it was present, no
  // Docker call at all until forget(). Throws DockerError.
  void ensure(const docker::CallOptions& options);
  // The image turned out to be gone (Docker's create answered 404): the next
  // ensure() looks again.
  void forget();

  const std::string& reference() const { return reference_; }
  bool is_builtin() const;

 private:
  void import_builtin(const docker::CallOptions& options);

  docker::Client& docker_;
  const std::string reference_;
  std::mutex fetch_mutex_;
  std::atomic<bool> present_{false};
};

}  // namespace shim
