#include "shim/runtime/process_user_cache.h"

#include <unistd.h>

#include <vector>

#include "runtime/v1/api.h"
#include "shim/container/container_view.h"

namespace shim {
namespace {

// Names runc's init goes by before it executes the container's command.
bool is_runtime_init(const std::string& command) { return command == "exe" || command.rfind("runc:", 0) == 0; }

}  // namespace

std::string ProcessUserCache::serialized_user(const docker::ContainerInspect& container) {
  const int pid = container.state.pid;
  if (!container.state.running || pid <= 0) return {};
  {
    std::lock_guard lock(mutex_);
    if (prune_schedule_.due(by_container_.size())) prune();
    const auto kept = by_container_.find(container.id);
    if (kept != by_container_.end() && kept->second.pid == pid)
      return process_exists(pid) ? kept->second.bytes : std::string();
  }
  cri::ContainerStatus status;
  std::string command;
  if (!read_process_user(pid, status.mutable_user()->mutable_linux(), proc_root_, &command)) return {};
  auto bytes = status.SerializeAsString();
  if (!is_runtime_init(command)) {
    std::lock_guard lock(mutex_);
    by_container_[container.id] = Kept{pid, bytes};
  }
  return bytes;
}

bool ProcessUserCache::process_exists(int pid) const {
  return ::access((proc_root_ + "/" + std::to_string(pid)).c_str(), F_OK) == 0;
}

void ProcessUserCache::prune() {
  std::erase_if(by_container_, [this](const auto& item) { return !process_exists(item.second.pid); });
  prune_schedule_.pruned(by_container_.size());
}

}  // namespace shim
