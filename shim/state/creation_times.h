// Creation times in nanoseconds of containers that cri-shim did not create
// (cri-dockerd's or dockershim's, adopted at migration).
//
// The shim's own containers carry their creation time in nanoseconds in the
// label io.cri-shim.created (labels.h), so ListPodSandbox and ListContainers
// give the same created_at as the Status calls with one /containers/json.
// Adopted containers lack that label, and Docker's list gives their creation
// time in whole seconds only, while the Status calls read the nanoseconds
// from an inspect: a client comparing the two (or sorting by it, as
// kubelet's container GC does) would see two different times for one
// container. So List asks an inspect once per adopted container and keeps
// the answer here: the creation time never changes, Docker can always give
// it back, and the set only shrinks (cri-shim never makes unlabelled
// containers), so this is a cache, not state.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "docker-client/client.h"

namespace shim {

class CreationTimes {
 public:
  explicit CreationTimes(docker::Client& docker) : docker_(docker) {}

  // The creation time of container `id` in Unix nanoseconds, from an inspect
  // the first time; `fallback` when Docker no longer has the container or
  // gives no parsable time. Lets other docker::DockerError through.
  std::int64_t nanos(const std::string& id, std::int64_t fallback, const docker::CallOptions& options);

  // The container was removed.
  void forget(const std::string& id);

 private:
  docker::Client& docker_;
  std::mutex mutex_;
  std::map<std::string, std::int64_t> nanos_;
};

}  // namespace shim
