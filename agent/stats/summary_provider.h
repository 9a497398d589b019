// kubelet's ResourceAnalyzer for GET /stats/summary: reads CRI
// (ListPodSandbox, ListContainers, ListPodSandboxStats, ImageFsInfo) for this
// node's pods, the pods' volume and log directories under the agent's root
// dir, the node's /proc and root cgroup, then build_summary() (summary.h).
//
// Contract:
// - Thread-safe; each summary() reads afresh (no cache), so its cost is
//   the CRI calls plus the directory walks of the node's pods.
// - The node's usageNanoCores comes from this call's CPU sample and the
//   previous call's (kept here); the first call has none, as kubelet's.
// - A CRI call that fails leaves its part out (pods without stats, no
//   imageFs) and is logged once per streak of failures; the node's own
//   readings do not depend on the runtime.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/stats/summary.h"

namespace agent::remote {
class CriClient;
}

namespace agent::stats {

class SummaryProvider {
 public:
  // `root_dir`: the agent's --root-dir (pods/<uid>/volumes, pods/<ns>_<name>_<uid>
  // logs, and the node filesystem kubelet calls nodefs).
  SummaryProvider(remote::CriClient& cri, std::string node_name, std::string root_dir,
                  std::string cgroup_root = "/sys/fs/cgroup");

  nlohmann::json summary();

  // The inputs summary() builds from (for the eviction manager and tests).
  SummaryInputs read_inputs();

 private:
  void read_node(SummaryInputs& in);
  void read_pods(SummaryInputs& in);
  void read_pod_dirs(SummaryInputs& in);
  void note_failure(const char* what, const std::string& message);

  remote::CriClient& cri_;
  std::string node_name_;
  std::string root_dir_;
  std::string cgroup_root_;
  std::mutex mutex_;
  std::optional<std::pair<uint64_t, int64_t>> previous_cpu_;  // usage ns, at unix ns
  std::atomic<bool> failing_{false};
};

}  // namespace agent::stats
