// TEMPORARY wiring points, replaced when shim/security and shim/logs land.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "shim/runtime/runtime_service.h"
#include "shim/security/security_options.h"
#include "shim/server/call.h"

namespace shim {

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

void RuntimeService::follow_container_log(const std::string&, const std::string&, bool) {}
void RuntimeService::wait_for_container_log(const std::string&) {}
void RuntimeService::reopen_container_log(const std::string&) {}
void RuntimeService::forget_container_log(const std::string&) {}
void RuntimeService::apply_hugepage_limits(const docker::ContainerInspect&) {}

}  // namespace shim
