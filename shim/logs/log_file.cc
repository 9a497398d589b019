#include "shim/logs/log_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace shim {
namespace {
[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}
}  // namespace

void LogFile::open() {
  if (fd_ >= 0) return;
  struct stat st;
  if (::lstat(path_.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) throw_errno("unlink " + path_);
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) throw_errno("open " + path_);
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    if (error == EINTR) continue;
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK)
      throw LogFileBusy(path_ + " is locked by another writer (another cri-shim on this dockerd?)");
    errno = error;
    throw_errno("flock " + path_);
  }
}

void LogFile::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void LogFile::append(std::string_view records) {
  if (fd_ < 0) open();
  while (!records.empty()) {
    // One write() for all of it unless the disk fills or a signal cuts it short.
    const ssize_t n = ::write(fd_, records.data(), records.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("write " + path_);
    }
    records.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace shim
