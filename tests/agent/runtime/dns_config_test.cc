#include <doctest/doctest.h>

#include "agent/runtime/dns_config.h"
#include "pod_fixture.h"

using namespace agent;
using namespace agent::runtime;

namespace {

using Strings = std::vector<std::string>;

template <typename Field>
Strings list(const Field& f) {
  return Strings(f.begin(), f.end());
}

NodeContext node(bool cluster_dns) {
  NodeContext n;
  n.node_name = "node-a";
  if (cluster_dns) n.cluster_dns = {"10.96.0.10"};
  n.host_nameservers = {"192.168.1.1", "192.168.1.2"};
  n.host_searches = {"lan", "corp.example"};
  n.host_options = {"ndots:2", "rotate"};
  return n;
}

}  // namespace

TEST_CASE("ClusterFirst with cluster DNS: cluster servers, cluster searches then the host's, ndots:5") {
  pod::Pod pod = test::basic_pod();
  auto dns = make_dns_config(pod, node(true));
  CHECK(list(dns.servers()) == Strings{"10.96.0.10"});
  CHECK(list(dns.searches()) == Strings{"shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "lan",
                                        "corp.example"});
  CHECK(list(dns.options()) == Strings{"ndots:5"});
}

TEST_CASE("ClusterFirst without cluster DNS behaves as Default") {
  pod::Pod pod = test::basic_pod();
  auto dns = make_dns_config(pod, node(false));
  CHECK(list(dns.servers()) == Strings{"192.168.1.1", "192.168.1.2"});
  CHECK(list(dns.searches()) == Strings{"lan", "corp.example"});
  CHECK(list(dns.options()) == Strings{"ndots:2", "rotate"});
}

TEST_CASE("Default is the host's resolv.conf even with cluster DNS") {
  pod::Pod pod = test::basic_pod();
  pod.spec.dns_policy = pod::DnsPolicy::Default;
  auto dns = make_dns_config(pod, node(true));
  CHECK(list(dns.servers()) == Strings{"192.168.1.1", "192.168.1.2"});
  CHECK(list(dns.searches()) == Strings{"lan", "corp.example"});
}

TEST_CASE("hostNetwork: ClusterFirst falls back to Default, ClusterFirstWithHostNet keeps cluster DNS") {
  pod::Pod pod = test::basic_pod();
  pod.spec.host_network = true;
  CHECK(list(make_dns_config(pod, node(true)).servers()) == Strings{"192.168.1.1", "192.168.1.2"});
  pod.spec.dns_policy = pod::DnsPolicy::ClusterFirstWithHostNet;
  CHECK(list(make_dns_config(pod, node(true)).servers()) == Strings{"10.96.0.10"});
}

TEST_CASE("None: only the pod's dnsConfig") {
  pod::Pod pod = test::basic_pod();
  pod.spec.dns_policy = pod::DnsPolicy::None;
  pod.spec.dns_config = pod::DnsConfig{{"1.1.1.1"}, {"example.com"}, {{"ndots", std::string("1")}, {"edns0", {}}}};
  auto dns = make_dns_config(pod, node(true));
  CHECK(list(dns.servers()) == Strings{"1.1.1.1"});
  CHECK(list(dns.searches()) == Strings{"example.com"});
  CHECK(list(dns.options()) == Strings{"ndots:1", "edns0"});
}

TEST_CASE("dnsConfig is merged on top: duplicates dropped, options replaced by name") {
  pod::Pod pod = test::basic_pod();
  pod.spec.dns_config =
      pod::DnsConfig{{"10.96.0.10", "8.8.8.8"}, {"lan", "extra.example"}, {{"ndots", std::string("3")}, {"use-vc", {}}}};
  auto dns = make_dns_config(pod, node(true));
  CHECK(list(dns.servers()) == Strings{"10.96.0.10", "8.8.8.8"});
  CHECK(list(dns.searches()) == Strings{"shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "lan",
                                        "corp.example", "extra.example"});
  CHECK(list(dns.options()) == Strings{"ndots:3", "use-vc"});
}

TEST_CASE("limits: 3 nameservers, 32 searches, no domain over 253, a 2048-character search line") {
  pod::Pod pod = test::basic_pod();
  pod.spec.dns_policy = pod::DnsPolicy::None;
  pod::DnsConfig config;
  config.nameservers = {"1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"};
  for (int i = 0; i < 40; ++i) config.searches.push_back("d" + std::to_string(i) + ".example");
  pod.spec.dns_config = config;
  auto dns = make_dns_config(pod, NodeContext{});
  CHECK(dns.servers_size() == 3);
  CHECK(dns.searches_size() == 32);
  CHECK(dns.searches(31) == "d31.example");

  config.searches = {std::string(254, 'a'), "ok.example"};
  pod.spec.dns_config = config;
  CHECK(list(make_dns_config(pod, NodeContext{}).searches()) == Strings{"ok.example"});

  // 10 domains of 250 characters: 2509 characters joined; cut from the end
  // to 8 domains (2007 characters).
  config.searches.clear();
  for (int i = 0; i < 10; ++i) config.searches.push_back(std::string(249, static_cast<char>('a' + i)) + ".");
  pod.spec.dns_config = config;
  auto cut = make_dns_config(pod, NodeContext{});
  CHECK(cut.searches_size() == 8);
  CHECK(cut.searches(0)[0] == 'a');
}

TEST_CASE("no cluster domain: ClusterFirst keeps the host's searches") {
  pod::Pod pod = test::basic_pod();
  NodeContext n = node(true);
  n.cluster_domain.clear();
  auto dns = make_dns_config(pod, n);
  CHECK(list(dns.servers()) == Strings{"10.96.0.10"});
  CHECK(list(dns.searches()) == Strings{"lan", "corp.example"});
  CHECK(list(dns.options()) == Strings{"ndots:5"});
}
