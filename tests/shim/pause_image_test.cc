#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "shim/pause/embedded_pause.h"
#include "shim/pause/pause_image.h"

namespace {

// Reads a NUL- or space-terminated octal field of a tar header back.
std::uint64_t octal_field(std::string_view header, std::size_t offset, std::size_t width) {
  std::uint64_t value = 0;
  for (char c : header.substr(offset, width)) {
    if (c == '\0' || c == ' ') break;
    REQUIRE(c >= '0');
    REQUIRE(c <= '7');
    value = value * 8 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

std::string text_field(std::string_view header, std::size_t offset, std::size_t width) {
  std::string_view field = header.substr(offset, width);
  return std::string(field.substr(0, field.find('\0')));
}

unsigned header_checksum(std::string_view header) {
  unsigned sum = 0;
  for (std::size_t i = 0; i < 512; ++i) {
    const bool in_checksum_field = i >= 148 && i < 156;
    sum += in_checksum_field ? ' ' : static_cast<unsigned char>(header[i]);
  }
  return sum;
}

}  // namespace

TEST_CASE("the pause image archive holds one executable file named pause") {
  const std::string binary = std::string("\x7f" "ELF", 4) + std::string(1000, '\x01');
  const std::string tar = shim::make_pause_image_tar(binary);
  const std::string_view header(tar.data(), 512);

  CHECK(text_field(header, 0, 100) == "pause");
  CHECK(octal_field(header, 100, 8) == 0755);
  CHECK(octal_field(header, 108, 8) == 0);  // uid
  CHECK(octal_field(header, 116, 8) == 0);  // gid
  CHECK(octal_field(header, 124, 12) == binary.size());
  CHECK(octal_field(header, 136, 12) == 0);  // mtime
  CHECK(header[156] == '0');                 // regular file
  CHECK(header.substr(257, 6) == std::string_view("ustar\0", 6));
  CHECK(header.substr(263, 2) == "00");
  CHECK(text_field(header, 265, 32) == "root");
  CHECK(octal_field(header, 148, 8) == header_checksum(header));

  SUBCASE("content follows the header, padded to whole blocks, then two zero blocks") {
    CHECK(tar.size() % 512 == 0);
    CHECK(tar.substr(512, binary.size()) == binary);
    const std::size_t content_blocks = (binary.size() + 511) / 512;
    CHECK(tar.size() == 512 * (1 + content_blocks + 2));
    CHECK(tar.find_first_not_of('\0', 512 + binary.size()) == std::string::npos);
  }
}

TEST_CASE("a binary of a whole number of blocks needs no padding") {
  const std::string tar = shim::make_pause_image_tar(std::string(1024, 'x'));
  CHECK(tar.size() == 512 + 1024 + 1024);
  CHECK(octal_field(tar, 124, 12) == 1024);
}

TEST_CASE("the archive depends only on the binary") {
  CHECK(shim::make_pause_image_tar("abc") == shim::make_pause_image_tar("abc"));
  CHECK(shim::make_pause_image_tar("abc") != shim::make_pause_image_tar("abd"));
}

TEST_CASE("the pause program is embedded in the shim as a static ELF executable") {
  const std::string_view binary = shim::embedded_pause_binary();
  REQUIRE(binary.size() > 1024);
  CHECK(binary.substr(0, 4) == std::string_view("\x7f" "ELF", 4));
  CHECK(shim::kPauseImageChange == R"(ENTRYPOINT ["/pause"])");
}
