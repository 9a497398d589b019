#include "tests/support/tmpfs_dir.h"

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace support {
namespace {

std::string mount_options(const std::string& size) { return "size=" + size + ",mode=0755"; }

}  // namespace

TmpfsDir::TmpfsDir(const std::string& prefix, const std::string& size) {
  std::string pattern = "/tmp/" + prefix + "-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp " + pattern + " failed");
  path_ = buffer.data();
  if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, mount_options(size).c_str()) != 0) {
    const std::string error = std::strerror(errno);
    ::rmdir(path_.c_str());
    throw std::runtime_error("cannot mount a tmpfs on " + path_ + ": " + error);
  }
}

TmpfsDir::~TmpfsDir() {
  ::umount2(path_.c_str(), MNT_DETACH);
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void TmpfsDir::resize(const std::string& size) {
  if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT, mount_options(size).c_str()) != 0)
    throw std::runtime_error("cannot resize the tmpfs on " + path_ + ": " + std::strerror(errno));
}

}  // namespace support
