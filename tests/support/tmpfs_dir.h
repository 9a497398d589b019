// A tmpfs of a given size on a fresh temporary directory: a small disk that
// a test can fill, and grow again. Needs root (mount(2)).
#pragma once

#include <string>

namespace support {

class TmpfsDir {
 public:
  // Mounts a tmpfs of `size` (mount's syntax: "64k", "64m") on a new
  // directory /tmp/<prefix>-XXXXXX. Throws std::runtime_error when it cannot.
  TmpfsDir(const std::string& prefix, const std::string& size);
  // Detached lazily (mounts below it, and processes still in it, do not
  // keep it), then the directory removed.
  ~TmpfsDir();
  TmpfsDir(const TmpfsDir&) = delete;
  TmpfsDir& operator=(const TmpfsDir&) = delete;

  const std::string& path() const { return path_; }
  // Remounts with a new size: space comes back (or goes) in place, with
  // every file kept. Throws std::runtime_error when it cannot.
  void resize(const std::string& size);

 private:
  std::string path_;
};

}  // namespace support
