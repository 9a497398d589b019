#include "agent/volume/host_path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace agent::volume {

namespace {

std::string failed(const std::string& path, const char* what) {
  return "hostPath type check failed: " + path + " is not " + what;
}

}  // namespace

std::string check_host_path(const pod::HostPathVolume& volume) {
  using pod::HostPathType;
  const std::string& path = volume.path;
  struct stat st {};
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists && errno != ENOENT && volume.type != HostPathType::Unset)
    return "hostPath type check failed: cannot stat " + path + ": " + std::strerror(errno);
  switch (volume.type) {
    case HostPathType::Unset:
      return "";
    case HostPathType::DirectoryOrCreate:
      if (!exists) {
        std::error_code ec;
        std::filesystem::create_directories(path, ec);
        if (ec) return "hostPath type check failed: cannot create directory " + path + ": " + ec.message();
        ::chmod(path.c_str(), 0755);
        return "";
      }
      [[fallthrough]];
    case HostPathType::Directory:
      if (!exists) return "hostPath type check failed: " + path + " does not exist";
      return S_ISDIR(st.st_mode) ? "" : failed(path, "a directory");
    case HostPathType::FileOrCreate:
      if (!exists) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
          return "hostPath type check failed: cannot create file " + path + ": " + std::strerror(errno);
        if (fd >= 0) {
          ::fchmod(fd, 0644);
          ::close(fd);
          return "";
        }
        exists = ::stat(path.c_str(), &st) == 0;
      }
      [[fallthrough]];
    case HostPathType::File:
      if (!exists) return "hostPath type check failed: " + path + " does not exist";
      return S_ISREG(st.st_mode) ? "" : failed(path, "a file");
    case HostPathType::Socket:
      if (!exists) return "hostPath type check failed: " + path + " does not exist";
      return S_ISSOCK(st.st_mode) ? "" : failed(path, "a socket file");
    case HostPathType::CharDevice:
      if (!exists) return "hostPath type check failed: " + path + " does not exist";
      return S_ISCHR(st.st_mode) ? "" : failed(path, "a character device");
    case HostPathType::BlockDevice:
      if (!exists) return "hostPath type check failed: " + path + " does not exist";
      return S_ISBLK(st.st_mode) ? "" : failed(path, "a block device");
  }
  return "";
}

}  // namespace agent::volume
