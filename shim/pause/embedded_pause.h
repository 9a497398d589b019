// The pause program, built statically from pause.cc and linked into cri-shim
// itself, so that one cri-shim binary is all a node needs: at start-up the
// shim wraps these bytes with make_pause_image_tar() and imports them when
// its pause image is absent. The bytes are placed in the binary at build
// time by embed_binary.py (an assembler .incbin of the built file).
#pragma once

#include <string_view>

namespace shim {

// The ELF executable's bytes; static storage, never empty in a real build.
std::string_view embedded_pause_binary();

}  // namespace shim
