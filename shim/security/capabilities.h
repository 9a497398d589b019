// The Linux capability table: numbers 0..40 and the names Docker's API takes
// ("CAP_NET_ADMIN"). CRI clients send names with or without "CAP_" and in
// any case (kubelet sends "NET_ADMIN", crictl users write "cap_net_admin"),
// so capability_number() accepts all of those. "ALL" is not a capability
// here: callers handle it (security_options.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shim::security {

// The highest capability number this table knows (CAP_CHECKPOINT_RESTORE,
// Linux 5.9). Kernels may know more; those are never granted by the shim.
inline constexpr int kMaxKnownCapability = 40;

// "CAP_CHOWN" for 0 ... "CAP_CHECKPOINT_RESTORE" for 40; "" outside 0..40.
std::string_view capability_name(int number);

// The number of "NET_ADMIN", "CAP_NET_ADMIN", "cap_net_admin", ...;
// nullopt for an unknown name (and for "ALL").
std::optional<int> capability_number(std::string_view name);

}  // namespace shim::security
