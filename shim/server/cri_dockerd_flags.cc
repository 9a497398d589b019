#include "shim/server/cri_dockerd_flags.h"

#include <arpa/inet.h>

#include <array>
#include <stdexcept>

#include "common/endpoint.h"
#include "shim/server/listener.h"

namespace shim {
namespace {

using Flag = common::Flag<Options>;

// The flags of cri-dockerd 0.3 that change nothing in cri-shim, and why.
constexpr std::array<IgnoredFlag, 9> kIgnored = {{
    {"cni-cache-dir", false, "CNI results are kept in --root-dir/network"},
    {"network-plugin-mtu", false, "the MTU is the CNI network config's"},
    {"hairpin-mode", false, "hairpin mode is the CNI bridge config's (hairpinMode)"},
    {"pod-cidr", false, "kubelet sends the pod CIDR through UpdateRuntimeConfig"},
    {"ipv6-dual-stack", true, "the address families are the CNI config's"},
    {"image-pull-progress-deadline", false,
     "a pull that makes progress is never cut; the client's deadline bounds it"},
    {"runtime-request-timeout", false, "each Docker call has the deadline of the CRI call it serves"},
    {"runtime-cgroups", false, "cri-shim does not move dockerd or containerd between cgroups"},
    {"buildinfo", true, "--version prints the version"},
}};

// "IP", "IP:PORT", "[IPv6]:PORT" or "" (all addresses, as cri-dockerd reads it).
void set_streaming_bind_addr(Options& options, const std::string& value) {
  if (value.empty()) {
    options.streaming_address = "0.0.0.0";
    options.streaming_port = 0;
    return;
  }
  in6_addr ignored;
  const auto is_ip = [&ignored](const std::string& text) {
    return inet_pton(AF_INET, text.c_str(), &ignored) == 1 || inet_pton(AF_INET6, text.c_str(), &ignored) == 1;
  };
  if (is_ip(value)) {  // an IPv6 address alone has colons too
    options.streaming_address = value;
    options.streaming_port = 0;
    return;
  }
  const auto endpoint =
      common::Endpoint::parse("tcp://" + value, {.what = "streaming address", .unix_socket = false, .any_host = true});
  const std::string host = endpoint.host.empty() ? "0.0.0.0" : endpoint.host;
  if (!is_ip(host)) throw std::invalid_argument("\"" + host + "\" is not a numeric IPv4 or IPv6 address");
  options.streaming_address = host;
  options.streaming_port = std::stoi(endpoint.port);
}

}  // namespace

const common::FlagSet<Options>& cri_dockerd_alias_flags() {
  static const common::FlagSet<Options> kFlags({
      Flag{"container-runtime-endpoint", "URI", "= --listen (fd:// too)",
           [](Options& o, const std::string& v) {
             check_listen_address(v);
             o.listen = v;
           }},
      Flag{"cri-dockerd-root-directory", "DIR", "= --root-dir",
           [](Options& o, const std::string& v) {
             if (v.empty() || v.front() != '/')
               throw std::invalid_argument("must be an absolute path, got \"" + v + "\"");
             o.root_dir = v;
           }},
      Flag{"streaming-bind-addr", "IP[:PORT]", "= --streaming-address and --streaming-port; \"\" = all addresses",
           set_streaming_bind_addr},
  });
  return kFlags;
}

std::optional<IgnoredFlag> find_ignored_cri_dockerd_flag(const std::string& name) {
  for (const auto& flag : kIgnored)
    if (flag.name == name) return flag;
  return std::nullopt;
}

std::string cri_dockerd_flags_help() {
  std::string out = cri_dockerd_alias_flags().help(Options{}, /*with_standard_flags=*/false);
  out += common::flag_help_line("--network-plugin no-op", "= --network-plugin \"\"", "");
  out += common::flag_help_line("--log-level warning|fatal|panic", "= warn, critical, critical", "");
  std::string ignored;
  for (const auto& flag : kIgnored) ignored += (ignored.empty() ? "--" : ", --") + std::string(flag.name);
  out += "  Accepted with a warning, as they change nothing here: " + ignored + ".\n";
  return out;
}

}  // namespace shim
