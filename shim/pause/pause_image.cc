#include "shim/pause/pause_image.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace shim {
namespace {

constexpr std::size_t kBlock = 512;

// Field offsets and widths of the ustar header (POSIX.1-1988).
struct Field {
  std::size_t offset, width;
};
constexpr Field kName{0, 100}, kMode{100, 8}, kUid{108, 8}, kGid{116, 8}, kSize{124, 12},
    kMtime{136, 12}, kChecksum{148, 8}, kTypeflag{156, 1}, kMagic{257, 6}, kVersion{263, 2},
    kUname{265, 32}, kGname{297, 32};

void put_text(char* header, Field field, std::string_view text) {
  std::memcpy(header + field.offset, text.data(), std::min(text.size(), field.width));
}

// Numeric fields: zero-padded octal filling the field but its last byte, NUL.
void put_octal(char* header, Field field, std::uint64_t value) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%0*llo", static_cast<int>(field.width - 1),
                static_cast<unsigned long long>(value));
  std::memcpy(header + field.offset, digits, field.width - 1);
  header[field.offset + field.width - 1] = '\0';
}

}  // namespace

std::string make_pause_image_tar(const std::string& binary_bytes) {
  constexpr std::uint64_t kMaxSize = 077777777777ULL;  // 11 octal digits
  if (binary_bytes.size() > kMaxSize) throw std::length_error("pause binary too large for ustar");

  char header[kBlock] = {};
  put_text(header, kName, kPauseBinaryPathInImage.substr(1));  // "pause", relative to the root
  put_octal(header, kMode, 0755);
  put_octal(header, kUid, 0);
  put_octal(header, kGid, 0);
  put_octal(header, kSize, binary_bytes.size());
  put_octal(header, kMtime, 0);
  header[kTypeflag.offset] = '0';  // regular file
  put_text(header, kMagic, std::string_view("ustar\0", 6));
  put_text(header, kVersion, "00");
  put_text(header, kUname, "root");
  put_text(header, kGname, "root");

  // The checksum is the byte sum of the header with its own field read as spaces,
  // stored as six octal digits, NUL, space.
  std::memset(header + kChecksum.offset, ' ', kChecksum.width);
  unsigned sum = 0;
  for (unsigned char byte : header) sum += byte;
  std::snprintf(header + kChecksum.offset, kChecksum.width, "%06o", sum);
  header[kChecksum.offset + 7] = ' ';

  const std::size_t padded = (binary_bytes.size() + kBlock - 1) / kBlock * kBlock;
  std::string archive;
  archive.reserve(kBlock + padded + 2 * kBlock);
  archive.append(header, kBlock);
  archive.append(binary_bytes);
  archive.append(padded - binary_bytes.size() + 2 * kBlock, '\0');
  return archive;
}

}  // namespace shim
