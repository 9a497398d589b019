// A v1 Node object for this node (GET /node, --node-status-url), built as
// kubelet's nodestatus setters fill it. Pure: tests feed fixed inputs.
//
// - metadata: name, the labels kubelet puts on its node
//   (kubernetes.io/hostname, kubernetes.io/os, kubernetes.io/arch and their
//   beta.kubernetes.io twins), creationTimestamp (when the agent first
//   built it).
// - status.capacity / allocatable: Kubernetes quantities
//   (quantity_format.h) of the maps given, "pid" left out (kubelet keeps it
//   internal).
// - conditions (node_conditions.h), addresses (InternalIP, Hostname),
//   daemonEndpoints.kubeletEndpoint.Port, nodeInfo, and images: the
//   runtime's images biggest first, at most 50, each with at most 5 names
//   (its digests, then its tags).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/node/node_conditions.h"
#include "agent/node/node_info.h"
#include "runtime/v1/api.h"

namespace agent::node {

inline constexpr std::size_t kMaxImagesInNodeStatus = 50;
inline constexpr std::size_t kMaxNamesPerImageInNodeStatus = 5;

struct NodeStatusInputs {
  std::string node_name;
  std::string hostname;
  std::string host_ip;       // "" when unknown: no InternalIP address
  int kubelet_port = 0;
  int64_t creation_ns = 0;
  std::map<std::string, int64_t> capacity;     // cm/node_allocatable.h units
  std::map<std::string, int64_t> allocatable;
  std::vector<NodeCondition> conditions;
  NodeSystemInfo info;
  cri::ListImagesResponse images;
};

nlohmann::json build_node(const NodeStatusInputs& in);

// The Node without what changes on every update (the conditions'
// lastHeartbeatTime): two nodes with equal keys need no new report.
nlohmann::json without_heartbeats(nlohmann::json node);

}  // namespace agent::node
