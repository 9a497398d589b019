#include "agent/volume/atomic_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace agent::volume {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDataLink = "..data";
constexpr const char* kDataTmpLink = "..data_tmp";

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// "..2026_12_06_17_05_23.123456789", as kubelet names them (UTC).
std::string timestamped_name() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() % 1000000000LL;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "..%04d_%02d_%02d_%02d_%02d_%02d.%09lld", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(nanos));
  return buf;
}

std::string top_level(const std::string& relative) { return relative.substr(0, relative.find('/')); }

bool write_file(const std::string& path, const FileProjection& file, std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    error = errno_text("cannot create", path);
    return false;
  }
  std::size_t done = 0;
  while (done < file.data.size()) {
    const ssize_t n = ::write(fd, file.data.data() + done, file.data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno_text("cannot write", path);
      ::close(fd);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  // An explicit chmod: the umask must not narrow the mode the pod asked for.
  const bool ok = ::fchmod(fd, static_cast<mode_t>(file.mode)) == 0;
  if (!ok) error = errno_text("cannot chmod", path);
  ::close(fd);
  return ok;
}

// kubelet's SetVolumeOwnership for a read-only volume: group `gid`, group
// read on files, and on directories group read+search and setgid.
bool apply_group(const std::string& root, int64_t gid, std::string& error) {
  std::error_code ec;
  auto one = [&](const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return true;
    if (::lchown(p.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(gid)) != 0) {
      error = errno_text("cannot chown", p.string());
      return false;
    }
    mode_t mode = st.st_mode & 07777;
    mode |= S_ISDIR(st.st_mode) ? (S_IRGRP | S_IXGRP | S_ISGID) : S_IRGRP;
    if (::chmod(p.c_str(), mode) != 0) {
      error = errno_text("cannot chmod", p.string());
      return false;
    }
    return true;
  };
  if (!one(root)) return false;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (!one(it->path())) return false;
  return !ec || (error = "cannot walk " + root + ": " + ec.message(), false);
}

}  // namespace

Payload read_current(const std::string& dir) {
  Payload payload;
  std::error_code ec;
  const fs::path data = fs::path(dir) / kDataLink;
  if (!fs::is_symlink(data, ec)) return payload;
  const fs::path target = fs::path(dir) / fs::read_symlink(data, ec);
  if (ec) return payload;
  for (auto it = fs::recursive_directory_iterator(target, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    struct stat st {};
    ::stat(it->path().c_str(), &st);
    payload[fs::relative(it->path(), target, ec).string()] = FileProjection{text.str(), static_cast<int32_t>(st.st_mode & 0777)};
  }
  return payload;
}

WriteResult write_atomically(const std::string& dir, const Payload& payload, std::optional<int64_t> fs_group) {
  WriteResult result;
  std::error_code ec;
  const fs::path base(dir);
  const fs::path data = base / kDataLink;
  std::string old_target;
  if (fs::is_symlink(data, ec)) {
    old_target = fs::read_symlink(data, ec).string();
    // With an fsGroup the stored modes carry group bits the payload may
    // not: compare what the payload would become.
    Payload expected = payload;
    if (fs_group)
      for (auto& [path, file] : expected) file.mode |= S_IRGRP;
    if (read_current(dir) == expected) return result;
  }

  // The new set, in full, beside the old one.
  const std::string name = timestamped_name();
  const fs::path staging = base / name;
  if (::mkdir(staging.c_str(), 0755) != 0) {
    result.error = errno_text("cannot create", staging.string());
    return result;
  }
  ::chmod(staging.c_str(), 0755);
  auto abandon = [&](std::string why) {
    fs::remove_all(staging, ec);
    result.error = std::move(why);
    return result;
  };
  for (const auto& [relative, file] : payload) {
    const fs::path path = staging / relative;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return abandon("cannot create " + path.parent_path().string() + ": " + ec.message());
    std::string error;
    if (!write_file(path.string(), file, error)) return abandon(error);
  }
  if (fs_group) {
    std::string error;
    if (!apply_group(staging.string(), *fs_group, error)) return abandon(error);
  }

  // The swap: a new link under a temporary name, renamed over ..data.
  const fs::path tmp_link = base / kDataTmpLink;
  fs::remove(tmp_link, ec);
  if (::symlink(name.c_str(), tmp_link.c_str()) != 0) return abandon(errno_text("cannot link", tmp_link.string()));
  if (::rename(tmp_link.c_str(), data.c_str()) != 0) {
    fs::remove(tmp_link, ec);
    return abandon(errno_text("cannot rename", tmp_link.string()));
  }
  result.changed = true;

  // The names the container reads: one link per top-level entry.
  std::set<std::string> wanted;
  for (const auto& [relative, file] : payload) wanted.insert(top_level(relative));
  for (const auto& entry : wanted) {
    const fs::path link = base / entry;
    if (fs::is_symlink(link, ec)) continue;
    const std::string target = std::string(kDataLink) + "/" + entry;
    if (::symlink(target.c_str(), link.c_str()) != 0) {
      result.error = errno_text("cannot link", link.string());
      return result;
    }
  }
  // Links of names the payload no longer has, then the old set.
  for (const auto& entry : fs::directory_iterator(base, ec)) {
    const std::string entry_name = entry.path().filename().string();
    if (entry_name.rfind("..", 0) == 0 || wanted.count(entry_name)) continue;
    if (fs::is_symlink(entry.path(), ec)) fs::remove(entry.path(), ec);
  }
  if (!old_target.empty() && old_target != name) fs::remove_all(base / old_target, ec);
  return result;
}

}  // namespace agent::volume
