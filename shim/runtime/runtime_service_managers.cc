// The RuntimeService's links to its managers: host security (OOM floor,
// security options) and container logs. Kept apart from the RPC files so
// that each RPC reads as a story and the managers stay swappable.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <spdlog/spdlog.h>

#include "shim/runtime/runtime_service.h"
#include "shim/state/labels.h"
#include "shim/security/security_options.h"
#include "shim/server/call.h"

namespace shim {
namespace {
// How long ContainerStatus waits for an exited container's log follower to
// copy the last output: Docker hands it over within milliseconds.
constexpr auto kLogDrainWait = std::chrono::seconds(2);
}  // namespace

int RuntimeService::oom_score_adj_floor() const { return host_.own_oom_score_adj; }

void RuntimeService::apply_container_security_options(
    const cri::LinuxContainerSecurityContext& security, docker::HostConfig& host) const {
  security::apply_container_security(security, host_, host);
}

void RuntimeService::create_log_file(const std::string& path) const {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0)
    throw CriError(grpc::StatusCode::FAILED_PRECONDITION,
                   "cannot create the log file " + path + ": " + std::strerror(errno));
  ::close(fd);
}

void RuntimeService::follow_container_log(const std::string& id, const std::string& path, bool tty) {
  logs_.follow(id, path, tty);
}

void RuntimeService::wait_for_container_log(const std::string& id) {
  logs_.wait_drained(id, std::chrono::steady_clock::now() + kLogDrainWait);
}

void RuntimeService::reopen_container_log(const std::string& id) { logs_.reopen(id); }

void RuntimeService::forget_container_log(const std::string& id) { logs_.forget(id); }

void RuntimeService::apply_hugepage_limits(const docker::ContainerInspect& container) {
  const auto label = container.config.labels.find(std::string(label::kHugepageLimits));
  if (label == container.config.labels.end()) return;
  const auto limits = parse_hugepage_limits(label->second);
  if (!limits) return;
  write_hugepage_limits_of(container, *limits);
}

void RuntimeService::write_hugepage_limits_of(const docker::ContainerInspect& container,
                                              const HugepageLimits& limits) {
  if (limits.empty() || !container.state.running || container.state.pid <= 0) return;
  const std::string& id = container.id;
  try {
    const auto missing = write_hugepage_limits(container.state.pid, limits);
    for (const auto& size : hugepage_warnings_.to_warn(limits, missing))
      spdlog::warn("container {}: its hugepage limit for {} pages ({} bytes) is not applied: this host has "
                   "no hugetlb cgroup controller for that page size (said once per size)",
                   id, size, limits.at(size));
    if (!missing.empty())
      spdlog::debug("container {}: no hugetlb cgroup for {} page size(s); limits left unapplied", id,
                    missing.size());
  } catch (const std::exception& e) {
    spdlog::warn("container {}: hugepage limits not applied: {}", id, e.what());
  }
}

}  // namespace shim
