// A container's CRI log file, open for appending.
//
// Like containerd: the directory must exist (kubelet makes it; a missing one
// is an error, not something to create), the file is created 0640 when
// absent. Opened O_APPEND, and each append() is one write() of whole
// records, so a reader never sees half a record from a live shim, and a
// crash can at worst leave one torn last line (position_from_file cuts it).
//
// A symbolic link at the path is what cri-dockerd left (a link to Docker's
// json-file); it is replaced by a regular file in the CRI format, so a node
// switching from cri-dockerd gets its logs in the format kubelet expects.
//
// One writer: open() takes an exclusive flock(2) on the file, held until
// close(). Every cri-shim on a dockerd adopts every container that carries a
// log path, so a second shim on the same dockerd (a test's, a new one started
// before the old one has gone) would otherwise write each line a second time,
// and keep writing into a file the first one rotated away. The lock belongs
// to the open file, so the kernel drops it with a killed shim.
//
// Not thread-safe: the follower serialises append() and reopen().
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace shim {

// The file is locked by another writer (another process's LogFile).
class LogFileBusy : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LogFile {
 public:
  explicit LogFile(std::string path) : path_(std::move(path)) {}
  ~LogFile() { close(); }
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  const std::string& path() const { return path_; }
  bool is_open() const { return fd_ >= 0; }

  // Opens (creating) the file at path() and locks it. Throws LogFileBusy
  // when another writer holds the lock, else std::system_error.
  void open();
  // Closes the current file and opens path() again: after a rotation the
  // old file stops growing and new records go to a new file.
  void reopen() {
    close();
    open();
  }
  void close();
  // Appends `records` (whole lines) with one write(). Throws std::system_error.
  void append(std::string_view records);

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace shim
