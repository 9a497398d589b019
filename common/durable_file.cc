#include "common/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace common {
namespace {

[[noreturn]] void fail(const std::string& step, const std::string& path, int error) {
  throw std::system_error(error, std::generic_category(), step + " " + path);
}

void sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open", path, errno);
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) fail("fsync", path, error);
}

void sync_directory_of(const std::string& path) {
  auto directory = std::filesystem::path(path).parent_path();
  if (directory.empty()) directory = ".";
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open", directory.string(), errno);
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) fail("fsync", directory.string(), error);
}

}  // namespace

void replace_durably(const std::string& temporary, const std::string& path) {
  try {
    sync_file(temporary);
    if (::rename(temporary.c_str(), path.c_str()) != 0) fail("rename", temporary, errno);
  } catch (...) {
    ::unlink(temporary.c_str());
    throw;
  }
  sync_directory_of(path);
}

void write_file_durably(const std::string& path, std::string_view bytes, unsigned mode) {
  if (const auto directory = std::filesystem::path(path).parent_path(); !directory.empty())
    std::filesystem::create_directories(directory);
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) fail("open", temporary, errno);
  int error = 0;
  for (std::size_t written = 0; written < bytes.size() && error == 0;) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n > 0) written += static_cast<std::size_t>(n);
    else if (n == 0) error = EIO;
    else if (errno != EINTR) error = errno;
  }
  ::close(fd);
  if (error != 0) {
    ::unlink(temporary.c_str());
    fail("write", temporary, error);
  }
  replace_durably(temporary, path);
}

}  // namespace common
