// cri-dockerd's flags, so that a unit file or a kubeadm set-up written for
// cri-dockerd runs cri-shim with only the binary's name changed.
//
//  - Aliases: flags whose meaning is the same as one of cri-shim's set that
//    option (--container-runtime-endpoint is --listen, fd:// included;
//    --cri-dockerd-root-directory is --root-dir; --streaming-bind-addr IP[:PORT]
//    sets --streaming-address and --streaming-port), with cri-dockerd's values
//    where they differ in spelling (--network-plugin no-op, logrus's levels).
//  - No use here: accepted, with a warning that says why they change nothing
//    (cri-shim keeps each call's own deadline, for instance).
// Anything else stays an unknown flag. Defaults are cri-shim's, not
// cri-dockerd's: the README's migration section lists the two that differ
// (the socket path and --network-plugin, whose default there is cni).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/flags.h"
#include "shim/server/options.h"

namespace shim {

// The aliases, as flags that set cri-shim's Options.
const common::FlagSet<Options>& cri_dockerd_alias_flags();

// A cri-dockerd flag that cri-shim accepts and ignores.
struct IgnoredFlag {
  std::string_view name;  // without "--"
  bool is_bool;           // takes no value unless given as --name=value
  std::string_view why;   // what the warning says after "has no use in cri-shim: "
};
std::optional<IgnoredFlag> find_ignored_cri_dockerd_flag(const std::string& name);

// The help's section on them.
std::string cri_dockerd_flags_help();

}  // namespace shim
