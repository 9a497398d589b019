// Writes the files of a configMap, secret, downwardAPI or projected volume
// so that a container never sees a half-written set, as kubelet's
// AtomicWriter does:
//
//   <dir>/..2026_12_06_17_05_23.123456789/<files>   the current payload
//   <dir>/..data -> ..2026_12_06_17_05_23.123456789 swapped by rename(2)
//   <dir>/<top-level name> -> ..data/<top-level name>  what the container reads
//
// A new payload goes into a new timestamped directory; `..data` is then
// replaced in one rename, the user-visible links of names no longer in the
// payload are removed, and the old directory last. A container that reads
// through the links sees the old set or the new one, never a mix.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace agent::volume {

struct FileProjection {
  std::string data;
  int32_t mode = 0644;

  bool operator==(const FileProjection&) const = default;
};

// Relative path (validated by the manifest parser: no "..", not absolute)
// -> content.
using Payload = std::map<std::string, FileProjection>;

struct WriteResult {
  bool changed = false;  // a new payload was put in place
  std::string error;     // "" on success
};

// Puts `payload` in `dir` (which must exist), unless what `..data` holds is
// already the same files with the same modes. With `fs_group`, every new
// file and directory gets that group and group read (kubelet's
// SetVolumeOwnership for a read-only volume).
WriteResult write_atomically(const std::string& dir, const Payload& payload, std::optional<int64_t> fs_group);

// What `..data` of `dir` holds now (empty when nothing was written yet).
Payload read_current(const std::string& dir);

}  // namespace agent::volume
