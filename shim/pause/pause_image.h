// The pause image: a root filesystem holding nothing but the pause program.
//
// cri-shim needs no registry for pods: when its default infra image is
// absent it feeds this archive to `docker import` (POST /images/create with
// fromSrc=-) together with kPauseImageChange, the Dockerfile instruction
// that makes /pause the entrypoint.
#pragma once

#include <string>
#include <string_view>

namespace shim {

// Where the program sits inside the image.
inline constexpr std::string_view kPauseBinaryPathInImage = "/pause";

// The `changes` argument of the import (docker import --change ...).
inline constexpr std::string_view kPauseImageChange = R"(ENTRYPOINT ["/pause"])";

// A POSIX ustar archive with one regular file, "pause" (mode 0755, owner
// 0:0, mtime 0 so the archive depends only on the binary), holding
// `binary_bytes`, followed by the two zero blocks that end an archive.
// Throws std::length_error for binaries of 8 GiB and more (ustar's limit).
std::string make_pause_image_tar(const std::string& binary_bytes);

}  // namespace shim
