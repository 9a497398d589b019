// Files that are either wholly the old version or wholly the new one, even
// after a crash of the process or of the machine: the bytes go to a
// temporary file beside the target, which is synced, renamed over the
// target, and then its directory is synced (a rename survives a power loss
// only once the directory does). Every state file of cri-shim and
// node-agent is written this way.
#pragma once

#include <string>
#include <string_view>

namespace common {

// Replaces `path` with `bytes` (file mode `mode` when it is created),
// creating its directory. Throws std::system_error naming the step that
// failed; the temporary file is then gone and `path` untouched, except when
// only the last step (syncing the directory) failed: `path` then holds the
// new bytes, which a crash may still undo.
void write_file_durably(const std::string& path, std::string_view bytes, unsigned mode = 0644);

// The last steps, for a writer that made `temporary` itself (a stream):
// syncs it, renames it over `path` and syncs the directory. Throws
// std::system_error; `temporary` is removed on failure.
void replace_durably(const std::string& temporary, const std::string& path);

}  // namespace common
