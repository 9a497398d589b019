// Reads a container's or a pod's figures from the kernel: cgroup files
// (v1 or v2, found through /proc/<pid>/cgroup), /proc/<pid>/net/dev, and the
// writable layer's disk use. Docker is not asked anything here: the caller
// passes what an inspect (cached) gives, the init pid and the layer's path.
// Keeps the previous CPU readings (sample_store.h) for usage_nano_cores.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "shim/stats/fs_usage.h"
#include "shim/stats/cgroup_paths.h"
#include "shim/stats/cgroup_sample.h"
#include "common/proc_net.h"
#include "shim/stats/sample_store.h"
#include "shim/stats/writable_layer.h"

namespace shim::stats {

struct ContainerReading {
  std::int64_t timestamp_ns = 0;  // wall clock, unix nanoseconds
  bool running = false;           // false: the cgroup figures are empty
  CgroupSample cgroup;
  std::optional<std::uint64_t> nano_cores;
  std::optional<FsUsage> writable_layer;  // nullopt: the driver has no UpperDir
  std::string writable_layer_dir;
};

struct PodReading {
  std::int64_t timestamp_ns = 0;
  bool running = false;  // the sandbox's pause process is there
  // The sum over the sandbox (pause) and its running containers: the pod's
  // own cgroup parent is shared with other pods when kubelet set none.
  CgroupSample cgroup;
  std::optional<std::uint64_t> nano_cores;
  std::vector<common::InterfaceCounters> interfaces;  // empty when the sandbox is down
};

class StatsCollector {
 public:
  explicit StatsCollector(std::string proc_root = "/proc",
                          std::string mountinfo = "/proc/self/mountinfo");

  // `pid` 0 (not running) gives an empty reading with a timestamp;
  // `upper_dir` "" leaves the writable layer unknown.
  ContainerReading read_container(const std::string& id, int pid, const std::string& upper_dir);
  // The pod from its sandbox's reading and its containers' readings.
  PodReading read_pod(const std::string& sandbox_id, int sandbox_pid,
                      const ContainerReading& sandbox,
                      const std::vector<const ContainerReading*>& containers);
  // Forgets samples and walks of objects not read for minutes. Every read
  // also does it, at most once a minute: whichever stats calls a client
  // makes (kubelet's CRI stats path sends only ListPodSandboxStats), what
  // removed containers left goes.
  void prune();

 private:
  std::optional<CgroupDirs> dirs_of(int pid);
  void prune_now_and_then(std::int64_t now_ns);

  const std::string proc_root_, mountinfo_;
  std::mutex mounts_mutex_;
  std::vector<CgroupMount> mounts_;  // read once; again when a pid's cgroup is not under them
  SampleStore cpu_;
  WritableLayerUsage layers_;
  std::atomic<std::int64_t> last_prune_ns_{0};
};

// Wall clock now, unix nanoseconds.
std::int64_t now_unix_nanos();

}  // namespace shim::stats
