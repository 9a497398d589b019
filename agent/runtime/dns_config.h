// A pod's CRI DNSConfig, as kubelet's pkg/kubelet/network/dns/dns.go
// GetPodDNS builds it. Part of make_sandbox_config; its own file because
// the policy rules are many.
#pragma once

#include "agent/pod/pod_spec.h"
#include "agent/runtime/cri_configs.h"
#include "runtime/v1/api.h"

namespace agent::runtime {

// dnsPolicy:
//   ClusterFirst (not hostNetwork) and ClusterFirstWithHostNet, with cluster
//     DNS: servers = the cluster DNS, searches = <ns>.svc.<domain>,
//     svc.<domain>, <domain>, then the host's searches (duplicates dropped),
//     options = ndots:5. Without cluster DNS: as Default.
//   ClusterFirst on the host network, and Default: the host's resolv.conf.
//   None: nothing but spec.dnsConfig.
// spec.dnsConfig is then appended: nameservers and searches without
// duplicates, options merged by name (the pod's win). Finally the limits:
// 3 nameservers, 32 search domains, none longer than 253 characters, the
// search line at most 2048 characters (domains cut from the end).
cri::DNSConfig make_dns_config(const pod::Pod& pod, const NodeContext& node);

}  // namespace agent::runtime
