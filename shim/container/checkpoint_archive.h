// The archive CheckpointContainer leaves at the CRI `location`: a POSIX
// ustar of the checkpoint directory Docker (CRIU) wrote, as kubelet's
// checkpoint API expects a tar file there.
#pragma once

#include <string>

namespace shim {

// Packs every directory, regular file and symlink under `directory` (names
// relative to it) into a ustar archive at `archive_path`, written to a
// temporary file beside it and renamed, so that a failure never leaves a
// half archive. Throws std::runtime_error naming the file that failed (or a
// name too long for ustar).
void write_directory_archive(const std::string& directory, const std::string& archive_path);

}  // namespace shim
