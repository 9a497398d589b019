#include "shim/network/cni_plugin_exec.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/string_helpers.h"
#include "shim/network/cni_result.h"

extern char** environ;

namespace shim::network {
namespace {

// A plugin result is a few KiB; anything far beyond is a broken plugin.
constexpr std::size_t kMaxOutputBytes = 1 << 20;

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

void make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  read_end.fd = fds[0];
  write_end.fd = fds[1];
}

// The shim's environment without CNI_* (ours replace them), then ours.
std::vector<std::string> plugin_environment(const PluginCall& call) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e)
    if (std::strncmp(*e, "CNI_", 4) != 0) env.emplace_back(*e);
  std::string path;
  for (const auto& dir : call.bin_dirs) path += (path.empty() ? "" : ":") + dir;
  env.push_back("CNI_COMMAND=" + call.command);
  env.push_back("CNI_CONTAINERID=" + call.container_id);
  env.push_back("CNI_NETNS=" + call.netns);
  env.push_back("CNI_IFNAME=" + call.ifname);
  env.push_back("CNI_ARGS=" + call.args);
  env.push_back("CNI_PATH=" + path);
  return env;
}

}  // namespace

std::string find_plugin(const std::string& type, const std::vector<std::string>& bin_dirs) {
  std::string searched;
  for (const auto& dir : bin_dirs) {
    const std::string path = dir + "/" + type;
    if (::access(path.c_str(), X_OK) == 0) return path;
    searched += (searched.empty() ? "" : ", ") + dir;
  }
  throw CniPluginNotFound("CNI plugin \"" + type + "\" not found in " +
                              (searched.empty() ? std::string("(no bin dir)") : searched));
}

std::string exec_plugin(const std::string& path, const PluginCall& call) {
  Fd in_read, in_write, out_read, out_write, err_read, err_write;
  make_pipe(in_read, in_write);
  make_pipe(out_read, out_write);
  make_pipe(err_read, err_write);

  auto env = plugin_environment(call);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string arg0 = path;
  char* argv[] = {arg0.data(), nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_read.fd, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.fd, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group, so a timeout kills the plugins it runs too
  // (bridge runs host-local); signals as a fresh process has them.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                            POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, path.c_str(), &actions, &attributes, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) throw std::system_error(spawned, std::generic_category(), "spawn " + path);
  in_read.reset();
  out_write.reset();
  err_write.reset();
  ::fcntl(in_write.fd, F_SETFL, O_NONBLOCK);

  std::string out, err;
  std::size_t written = 0;
  if (call.stdin_data.empty()) in_write.reset();
  const auto deadline = std::chrono::steady_clock::now() + call.timeout;
  bool timed_out = false;
  while (out_read.fd >= 0 || err_read.fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[3];
    int n = 0;
    Fd* owners[3];
    for (auto* fd : {&in_write, &out_read, &err_read}) {
      if (fd->fd < 0) continue;
      fds[n] = {fd->fd, static_cast<short>(fd == &in_write ? POLLOUT : POLLIN), 0};
      owners[n++] = fd;
    }
    const int ready = ::poll(fds, n, static_cast<int>(std::min<long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < n && ready > 0; ++i) {
      if (fds[i].revents == 0) continue;
      if (owners[i] == &in_write) {
        const ssize_t w = ::write(in_write.fd, call.stdin_data.data() + written,
                                  call.stdin_data.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 && errno != EAGAIN && errno != EINTR) in_write.reset();  // EPIPE: it quit reading
        if (written == call.stdin_data.size()) in_write.reset();
        continue;
      }
      char buffer[8192];
      const ssize_t r = ::read(owners[i]->fd, buffer, sizeof buffer);
      if (r > 0) {
        auto& sink = owners[i] == &out_read ? out : err;
        if (sink.size() < kMaxOutputBytes) sink.append(buffer, static_cast<std::size_t>(r));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        owners[i]->reset();
      }
    }
  }
  int status = 0;
  if (timed_out) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    throw CniPluginError(0, "CNI plugin " + path + " (" + call.command + ") did not finish within " +
                                std::to_string(call.timeout.count()) + " ms and was killed");
  }
  // Output closed: the plugin is ending (or left a child holding nothing).
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return out;

  CniErrorReply reply;
  if (parse_cni_error(out, &reply) || parse_cni_error(err, &reply)) {
    std::string message = "CNI plugin " + path + " (" + call.command + ") failed: " + reply.msg;
    if (!reply.details.empty()) message += ": " + reply.details;
    message += " (CNI error code " + std::to_string(reply.code) + ")";
    throw CniPluginError(reply.code, message);
  }
  std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                      : "was killed by signal " + std::to_string(WTERMSIG(status));
  const std::string said(common::trim(err.empty() ? out : err, " \n"));
  throw CniPluginError(0, "CNI plugin " + path + " (" + call.command + ") " + how +
                              (said.empty() ? "" : ": " + said));
}

}  // namespace shim::network
