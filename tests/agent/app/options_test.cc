#include "agent/app/options.h"

#include <doctest/doctest.h>

#include <stdexcept>

using agent::parse_command_line;
using agent::ParsedCommandLine;
using Args = std::vector<std::string>;

namespace {
// The message of the std::invalid_argument that parsing `args` throws.
std::string error_of(const Args& args) {
  try {
    parse_command_line(args);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("options: defaults") {
  auto p = parse_command_line({});
  CHECK(p.action == ParsedCommandLine::Action::Run);
  CHECK(p.options.runtime_endpoint == "unix:///run/cri-shim/cri-shim.sock");
  CHECK(p.options.listen == "127.0.0.1:10255");
  CHECK(p.options.root_dir == "/var/lib/node-agent");
  CHECK(p.options.file_check_frequency_ms == 20000);
  CHECK(p.options.evented_pleg);
  CHECK(p.options.cluster_dns.empty());
}

TEST_CASE("options: --flag value and --flag=value") {
  auto p = parse_command_line({"--manifest-dir", "/etc/pods", "--manifest-url=http://x/pods", "--node-name", "n1",
                               "--listen=0.0.0.0:1", "--log-level", "debug", "--log-format=json",
                               "--sync-frequency-ms", "500", "--crash-backoff-initial-ms=100",
                               "--runtime-endpoint", "unix:///tmp/cri.sock", "--root-dir=/tmp/r",
                               "--cluster-domain", "example.org"});
  const auto& o = p.options;
  CHECK(o.manifest_dir == "/etc/pods");
  CHECK(o.manifest_url == "http://x/pods");
  CHECK(o.node_name == "n1");
  CHECK(o.listen == "0.0.0.0:1");
  CHECK(o.log_level == "debug");
  CHECK(o.log_format == "json");
  CHECK(o.sync_frequency_ms == 500);
  CHECK(o.crash_backoff_initial_ms == 100);
  CHECK(o.runtime_endpoint == "unix:///tmp/cri.sock");
  CHECK(o.root_dir == "/tmp/r");
  CHECK(o.cluster_domain == "example.org");
}

TEST_CASE("options: --cluster-dns repeats and takes comma lists") {
  auto p = parse_command_line({"--cluster-dns", "10.0.0.10,10.0.0.11", "--cluster-dns=fd00::a"});
  CHECK(p.options.cluster_dns == Args{"10.0.0.10", "10.0.0.11", "fd00::a"});
  CHECK(error_of({"--cluster-dns", "not-an-ip"}).find("--cluster-dns") != std::string::npos);
  CHECK(error_of({"--cluster-dns="}).find("--cluster-dns") != std::string::npos);
}

TEST_CASE("options: boolean flag") {
  CHECK(parse_command_line({"--evented-pleg=false"}).options.evented_pleg == false);
  CHECK(parse_command_line({"--evented-pleg"}).options.evented_pleg == true);
  CHECK(error_of({"--evented-pleg=maybe"}).find("--evented-pleg") != std::string::npos);
}

TEST_CASE("options: help and version") {
  CHECK(parse_command_line({"-h"}).action == ParsedCommandLine::Action::PrintHelp);
  CHECK(parse_command_line({"--manifest-dir", "/x", "--help"}).action == ParsedCommandLine::Action::PrintHelp);
  CHECK(parse_command_line({"--version"}).action == ParsedCommandLine::Action::PrintVersion);
  std::string help = agent::help_text();
  for (const char* flag : {"--runtime-endpoint", "--manifest-dir", "--manifest-url", "--root-dir", "--node-name",
                           "--listen", "--log-level", "--log-format", "--cluster-dns"})
    CHECK_MESSAGE(help.find(flag) != std::string::npos, flag);
  CHECK(help.find("(default 127.0.0.1:10255)") != std::string::npos);
  CHECK(agent::version_text().rfind("node-agent ", 0) == 0);
}

TEST_CASE("options: bad input names the flag") {
  CHECK(error_of({"--bogus"}).find("--bogus") != std::string::npos);
  CHECK(error_of({"--bogus=1"}).find("--bogus") != std::string::npos);
  CHECK(error_of({"positional"}).find("positional") != std::string::npos);
  CHECK(error_of({"--manifest-dir"}).find("--manifest-dir: needs a value") != std::string::npos);
  CHECK(error_of({"--manifest-dir="}).find("--manifest-dir") != std::string::npos);
  CHECK(error_of({"--sync-frequency-ms", "10s"}).find("--sync-frequency-ms") != std::string::npos);
  CHECK(error_of({"--sync-frequency-ms=-5"}).find("--sync-frequency-ms") != std::string::npos);
  CHECK(error_of({"--sync-frequency-ms=0"}).find("--sync-frequency-ms") != std::string::npos);
  CHECK(error_of({"--pleg-relist-period-ms=99999999999"}).find("--pleg-relist-period-ms") != std::string::npos);
  CHECK(error_of({"--log-level", "loud"}).find("--log-level") != std::string::npos);
  CHECK(error_of({"--log-format=xml"}).find("--log-format") != std::string::npos);
  CHECK(error_of({"--listen", "unix:///run/a.sock"}).rfind("--listen: ", 0) == 0);  // TCP only
  CHECK(error_of({"--runtime-endpoint", "unix://relative.sock"}).rfind("--runtime-endpoint: ", 0) == 0);
  CHECK(error_of({"--sync-frequency-ms=9999999999999999999"}).rfind("--sync-frequency-ms: ", 0) == 0);
}

TEST_CASE("options: the node managers' flags take kubelet's forms and defaults") {
  const auto defaults = parse_command_line({}).options;
  CHECK(defaults.cgroups_per_qos);
  CHECK(defaults.enforce_node_allocatable == Args{"pods"});
  CHECK(defaults.max_pods == 110);
  CHECK(defaults.eviction_hard.size() == 4);
  CHECK(defaults.image_gc_high_threshold == 85);
  CHECK(defaults.image_gc_low_threshold == 80);
  CHECK(defaults.image_minimum_gc_age_ms == 120000);
  CHECK(defaults.maximum_dead_containers_per_container == 1);
  CHECK(defaults.maximum_dead_containers == -1);

  auto o = parse_command_line({"--kube-reserved", "cpu=100m,memory=200Mi", "--eviction-hard", "memory.available<1Gi",
                               "--eviction-soft=memory.available<2Gi", "--eviction-soft-grace-period",
                               "memory.available=1m30s", "--minimum-container-ttl-duration", "1m",
                               "--enforce-node-allocatable", "none", "--cgroup-driver", "systemd"})
               .options;
  CHECK(o.kube_reserved.size() == 2);
  CHECK(o.eviction_hard.size() == 1);  // a given --eviction-hard replaces the defaults
  CHECK(o.minimum_container_ttl_duration_ms == 60000);
  CHECK(o.enforce_node_allocatable.empty());
  CHECK(o.cgroup_driver == "systemd");
  CHECK(agent::help_text().find("--eviction-hard THRESHOLDS") != std::string::npos);
}

TEST_CASE("options: the node managers' flags refuse what kubelet refuses") {
  CHECK(error_of({"--kube-reserved", "gpu=1"}).rfind("--kube-reserved: ", 0) == 0);
  CHECK(error_of({"--kube-reserved", "memory=lots"}).rfind("--kube-reserved: ", 0) == 0);
  CHECK(error_of({"--eviction-hard", "memory.free<1Gi"}).rfind("--eviction-hard: ", 0) == 0);
  CHECK(error_of({"--eviction-hard", "nodefs.available<120%"}).rfind("--eviction-hard: ", 0) == 0);
  CHECK(error_of({"--eviction-soft", "memory.available<1Gi"}).rfind("--eviction-soft: ", 0) == 0);
  CHECK(error_of({"--eviction-soft-grace-period", "memory.available=1m"}).rfind("--eviction-soft-grace-period: ", 0) ==
        0);
  CHECK(error_of({"--image-gc-high-threshold", "50", "--image-gc-low-threshold", "60"})
            .rfind("--image-gc-low-threshold", 0) == 0);
  CHECK(error_of({"--image-gc-high-threshold", "101"}).rfind("--image-gc-high-threshold: ", 0) == 0);
  CHECK(error_of({"--minimum-container-ttl-duration", "5"}).rfind("--minimum-container-ttl-duration: ", 0) == 0);
  CHECK(error_of({"--enforce-node-allocatable", "everything"}).rfind("--enforce-node-allocatable: ", 0) == 0);
  CHECK(error_of({"--enforce-node-allocatable", "kube-reserved"}).find("--kube-reserved-cgroup") != std::string::npos);
  CHECK(error_of({"--cgroups-per-qos=false"}).find("--cgroups-per-qos") != std::string::npos);
}
