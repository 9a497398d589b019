#include "agent/runtime/dns_config.h"

#include <algorithm>
#include <string>
#include <vector>

namespace agent::runtime {
namespace {

using Strings = std::vector<std::string>;

// kubelet's limits (pkg/apis/core/validation: MaxDNSNameservers,
// MaxDNSSearchPathsExpanded, MaxDNSSearchListCharsExpanded) and the DNS-1123
// subdomain length beyond which glibc aborts on a search domain.
constexpr std::size_t kMaxNameservers = 3;
constexpr std::size_t kMaxSearchPaths = 32;
constexpr std::size_t kMaxSearchListChars = 2048;
constexpr std::size_t kMaxSearchDomainLength = 253;

enum class DnsType { Cluster, Host, None };

DnsType dns_type(const pod::Pod& pod) {
  switch (pod.spec.dns_policy) {
    case pod::DnsPolicy::None: return DnsType::None;
    case pod::DnsPolicy::ClusterFirstWithHostNet: return DnsType::Cluster;
    case pod::DnsPolicy::ClusterFirst: return pod.spec.host_network ? DnsType::Host : DnsType::Cluster;
    case pod::DnsPolicy::Default: return DnsType::Host;
  }
  return DnsType::Host;
}

void append_unique(Strings& list, const Strings& more) {
  for (const auto& s : more)
    if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
}

std::string option_name(const std::string& option) { return option.substr(0, option.find(':')); }

// kubelet's mergeDNSOptions, keeping the first place of each name (Go's map
// order is random; a stable order keeps resolv.conf stable).
Strings merge_options(Strings options, const std::vector<pod::DnsOption>& extra) {
  for (const auto& opt : extra) {
    const std::string text = opt.value && !opt.value->empty() ? opt.name + ":" + *opt.value : opt.name;
    auto same = std::find_if(options.begin(), options.end(),
                             [&](const std::string& o) { return option_name(o) == opt.name; });
    if (same != options.end()) *same = text;
    else options.push_back(text);
  }
  return options;
}

Strings fit_searches(Strings searches) {
  if (searches.size() > kMaxSearchPaths) searches.resize(kMaxSearchPaths);
  searches.erase(std::remove_if(searches.begin(), searches.end(),
                                [](const std::string& s) { return s.size() > kMaxSearchDomainLength; }),
                 searches.end());
  std::size_t line = 0;
  for (const auto& s : searches) line += s.size() + 1;
  if (line > 0) --line;  // joined by single spaces
  while (line > kMaxSearchListChars && !searches.empty()) {
    line -= std::min(line, searches.back().size() + 1);
    searches.pop_back();
  }
  return searches;
}

}  // namespace

cri::DNSConfig make_dns_config(const pod::Pod& pod, const NodeContext& node) {
  Strings servers = node.host_nameservers, searches = node.host_searches, options = node.host_options;
  const DnsType type = dns_type(pod);
  if (type == DnsType::None) {
    servers.clear();
    searches.clear();
    options.clear();
  } else if (type == DnsType::Cluster && !node.cluster_dns.empty()) {
    servers = node.cluster_dns;
    if (!node.cluster_domain.empty()) {
      const std::string& domain = node.cluster_domain;
      Strings cluster = {pod.metadata.namespace_ + ".svc." + domain, "svc." + domain, domain};
      append_unique(cluster, searches);
      searches.clear();
      append_unique(searches, cluster);
    }
    options = {"ndots:5"};
  }
  // Cluster without cluster DNS falls back to the host's settings, as kubelet
  // does (it also records an event saying so).

  if (pod.spec.dns_config) {
    const Strings base_servers = servers, base_searches = searches;
    servers.clear();
    append_unique(servers, base_servers);
    append_unique(servers, pod.spec.dns_config->nameservers);
    searches.clear();
    append_unique(searches, base_searches);
    append_unique(searches, pod.spec.dns_config->searches);
    options = merge_options(options, pod.spec.dns_config->options);
  }

  if (servers.size() > kMaxNameservers) servers.resize(kMaxNameservers);
  searches = fit_searches(std::move(searches));

  cri::DNSConfig dns;
  for (auto& s : servers) dns.add_servers(s);
  for (auto& s : searches) dns.add_searches(s);
  for (auto& s : options) dns.add_options(s);
  return dns;
}

}  // namespace agent::runtime
