// Container GC (kubelet's ContainerGC.GarbageCollect): lists this node's
// sandboxes and containers through CRI, asks container_gc_policy.h what may
// go, and removes it: dead containers (each with its log file), then dead
// sandboxes (stopped first: one that died without a StopPodSandbox may still
// hold its network, and containerd refuses to remove it then), then the log
// directories of pods that are gone.
//
// Contract (stable: the eviction manager calls collect() to reclaim disk
// before it evicts, then ImageGcManager::free_space):
// - Only objects labelled for this agent and node (runtime/runtime_labels.h)
//   are ever listed, hence ever removed; a log file is removed only when it
//   lies under `pods_log_root`.
// - collect() is thread-safe and serialised (the periodic loop and the
//   eviction manager may call it together); it never throws. A failed
//   removal is logged, counted, and tried again at the next pass.
// - Removing what a pod worker is removing at the same time is harmless:
//   NOT_FOUND counts as done.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "agent/gc/container_gc_policy.h"

namespace agent::remote {
class CriClient;
}
namespace common::metrics {
class Registry;
}

namespace agent::gc {

struct ContainerGcConfig {
  ContainerGcPolicy policy;
  std::string node_name;          // the agent's --node-name
  std::string pods_log_root;      // <root-dir>/pods: the sandboxes' log directories live here
  PresenceOf presence;            // what the agent knows of a pod UID
  std::function<bool()> all_sources_ready;  // unset: always ready
  std::function<int64_t()> now_ns;          // unset: the wall clock (CRI created_at is wall-clock)
};

struct ContainerGcResult {
  int containers_removed = 0;
  int sandboxes_removed = 0;
  int log_dirs_removed = 0;
  int failures = 0;               // removals that failed (tried again next time)
  bool listed = false;            // false: the runtime did not answer; nothing was done
};

class ContainerGc {
 public:
  // `metrics` (optional) gets node_agent_container_gc_* series.
  ContainerGc(remote::CriClient& cri, ContainerGcConfig config, common::metrics::Registry* metrics = nullptr);

  // One pass. `evict_terminated`: also everything of pods that finished
  // (kubelet's DeleteAllUnusedContainers, for the eviction manager).
  ContainerGcResult collect(bool evict_terminated = false);

 private:
  bool remove_container(const ContainerRemoval& removal);
  bool remove_sandbox(const std::string& id);
  void remove_log_file(const std::string& container_id);

  remote::CriClient& cri_;
  ContainerGcConfig config_;
  common::metrics::Registry* metrics_;
  std::mutex mutex_;
};

}  // namespace agent::gc
