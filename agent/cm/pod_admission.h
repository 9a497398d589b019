// Whether a pod fits the node (kubelet's predicate admit handler,
// pkg/kubelet/lifecycle/predicate.go, over the scheduler's noderesources
// fit): its requests, added to those of the pods already admitted and not
// terminated, must stay within the node's allocatable, and one more pod
// within "pods".
//
// The checks run in kubelet's order (pods, cpu, memory, ephemeral-storage)
// and the first that fails is the answer: reason "OutOf<resource>", message
// "Node didn't have enough resource: <resource>, requested: R, used: U,
// capacity: C" (cpu in millicores, memory and storage in bytes; capacity
// is the allocatable). A pod that requests nothing is only counted.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agent/cm/node_allocatable.h"
#include "agent/cm/pod_resources.h"

namespace agent::cm {

struct AdmitResult {
  bool admit = true;
  std::string reason;   // "OutOfcpu", ... when refused
  std::string message;  // kubelet's InsufficientResourceError text
  bool operator==(const AdmitResult&) const = default;
};

// The pure decision: `pod`'s requests against `active` (the requests of
// the admitted pods still running) and `allocatable` (node_allocatable.h).
AdmitResult check_fit(const PodResources& pod, const std::vector<PodResources>& active, const ResourceMap& allocatable);

// The decisions of one agent run, by pod UID. Callers hand pods over in
// the order they were created (kubelet sorts each batch of additions by
// creation time); the first decision of a UID holds for that UID's
// lifetime: a rejected pod is never started, even when room frees later,
// and an admitted pod is never rejected after the fact. Thread-safe.
class PodAdmitter {
 public:
  explicit PodAdmitter(ResourceMap allocatable) : allocatable_(std::move(allocatable)) {}

  // `terminated(uid)` says whether an admitted pod has finished (Succeeded
  // or Failed): its requests then no longer count.
  AdmitResult admit(const pod::Pod& pod, const std::function<bool(const std::string& uid)>& terminated);
  // The refusal of `uid`, if it was refused.
  std::optional<AdmitResult> rejection(const std::string& uid) const;
  // The pod is gone: its decision and its requests with it.
  void forget(const std::string& uid);

 private:
  mutable std::mutex mutex_;
  const ResourceMap allocatable_;
  std::map<std::string, PodResources> admitted_;
  std::map<std::string, AdmitResult> rejected_;
};

}  // namespace agent::cm
