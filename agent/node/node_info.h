// The machine facts of a Node's status.nodeInfo, read as kubelet reads
// them (cAdvisor's MachineInfo, /etc/os-release, uname). Missing files give
// "" (a container without /sys/class/dmi has no system UUID).
#pragma once

#include <string>
#include <string_view>

namespace agent::node {

struct NodeSystemInfo {
  std::string machine_id;         // /etc/machine-id (or /var/lib/dbus/machine-id)
  std::string system_uuid;        // /sys/class/dmi/id/product_uuid
  std::string boot_id;            // /proc/sys/kernel/random/boot_id
  std::string kernel_version;     // uname release
  std::string os_image;           // os-release PRETTY_NAME
  std::string container_runtime_version;  // "<runtime_name>://<runtime_version>" (CRI Version)
  std::string kubelet_version;
  std::string kube_proxy_version;
  std::string operating_system = "linux";
  std::string architecture;       // Go's GOARCH name: amd64, arm64, ...
};

// PRETTY_NAME of an os-release text, unquoted; "Linux" when absent (as kubelet).
std::string parse_os_release_pretty_name(std::string_view text);

// Go's GOARCH for this build's target.
std::string go_architecture();

// Everything above but the runtime and kubelet versions.
NodeSystemInfo read_system_info();

}  // namespace agent::node
