// kubelet's stats Summary (GET /stats/summary; k8s.io/kubelet/pkg/apis/stats/
// v1alpha1 Summary) built from readings: pure, so tests feed fixed inputs.
//
// How each part is filled, as kubelet's CRI stats provider fills it:
// - pods: the node's sandboxes (ListPodSandbox), one per pod: the READY
//   ones, else the newest; podRef from the sandbox metadata, startTime its
//   creation. cpu, memory, network and process_stats from ListPodSandboxStats;
//   containers from that answer's containers that are RUNNING in
//   ListContainers (startTime = creation), rootfs from the writable layer
//   plus statfs of its filesystem, logs from the container's log directory.
//   volume: the pod's emptyDir volumes; ephemeral-storage: the node's root
//   filesystem's capacity with the containers' rootfs and logs and the
//   volumes summed.
// - node: the root filesystem, the image filesystem (ImageFsInfo usage,
//   statfs of its mountpoint), /proc and the root cgroup readings.
// Optional fields kubelet omits when unknown are omitted, never written 0;
// times are metav1.Time (RFC 3339, whole seconds, UTC). Pods are sorted by
// namespace and name, containers by name.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/stats/fs_usage.h"
#include "agent/stats/node_memory.h"
#include "agent/stats/node_proc.h"
#include "runtime/v1/api.h"

namespace agent::stats {

struct NodeInputs {
  std::string node_name;
  int64_t start_time_ns = 0;           // boot time
  int64_t cpu_time_ns = 0;
  std::optional<uint64_t> cpu_usage_core_ns;
  std::optional<uint64_t> cpu_usage_nano_cores;  // from two samples; unset on the first
  std::optional<NodeMemory> memory;
  int64_t network_time_ns = 0;
  std::vector<InterfaceCounters> interfaces;
  std::string default_interface;       // inlined as network's own name/rx/tx
  std::optional<FsInfo> root_fs;       // the filesystem of the agent's root dir
  std::optional<cri::FilesystemUsage> image_fs_usage;  // ImageFsInfo's first image filesystem
  int64_t rlimit_time_ns = 0;
  std::optional<int64_t> max_pid;
  std::optional<int64_t> cur_proc;
};

struct VolumeUsage {
  std::string name;
  DirUsage usage;
  int64_t time_ns = 0;
};

struct PodInputs {
  cri::ListPodSandboxResponse sandboxes;
  cri::ListContainersResponse containers;
  cri::ListPodSandboxStatsResponse pod_stats;
  // Pod UID -> its emptyDir volumes.
  std::map<std::string, std::vector<VolumeUsage>> volumes;
  // container_log_key(uid, container) -> usage of that container's log directory.
  std::map<std::string, DirUsage> container_logs;
};

inline std::string container_log_key(const std::string& uid, const std::string& container) {
  return uid + "/" + container;
}

struct SummaryInputs {
  int64_t now_ns = 0;  // the time of readings that carry none of their own
  NodeInputs node;
  PodInputs pods;
  // statfs of every filesystem named by a mountpoint (ImageFsInfo, writable layers).
  std::map<std::string, FsInfo> filesystems;
};

nlohmann::json build_summary(const SummaryInputs& in);

// kubelet's ?only_cpu_and_memory=true view (what metrics-server asked
// for): the node's name, start time, cpu and memory; each pod's podRef,
// startTime, cpu, memory and containers with only theirs.
nlohmann::json only_cpu_and_memory(const nlohmann::json& summary);

// metav1.Time's JSON: RFC 3339 in UTC, whole seconds.
std::string metav1_time(int64_t unix_nanos);

// The sandboxes the summary reports (one per pod, as above), by pointer into `list`.
std::vector<const cri::PodSandbox*> reported_sandboxes(const cri::ListPodSandboxResponse& list);

}  // namespace agent::stats
