#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "shim/container/checkpoint_archive.h"

namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Entry {
  char type;
  std::string content;  // files; the link target for symlinks
};

// Reads a ustar archive back, checking every header's checksum.
std::map<std::string, Entry> read_archive(const std::string& bytes) {
  std::map<std::string, Entry> entries;
  std::size_t at = 0;
  while (at + 512 <= bytes.size()) {
    const std::string header = bytes.substr(at, 512);
    if (header == std::string(512, '\0')) break;
    unsigned sum = 0;
    for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
    REQUIRE(std::stoul(header.substr(148, 7), nullptr, 8) == sum);
    REQUIRE(header.substr(257, 5) == "ustar");
    std::string name = header.substr(0, 100).c_str();
    const std::string prefix = header.substr(345, 155).c_str();
    if (!prefix.empty()) name = prefix + "/" + name;
    const std::size_t size = std::stoul(header.substr(124, 11), nullptr, 8);
    const char type = header[156];
    at += 512;
    entries[name] = {type, type == '2' ? std::string(header.substr(157, 100).c_str()) : bytes.substr(at, size)};
    at += (size + 511) / 512 * 512;
  }
  return entries;
}
}  // namespace

TEST_CASE("checkpoint archive: a directory tree as ustar, written whole or not at all") {
  const fs::path dir = fs::temp_directory_path() / ("cri-shim-ckpt-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "images/deep");
  std::ofstream(dir / "images/core-1.img", std::ios::binary) << std::string(1000, 'x') + std::string(3, '\0');
  std::ofstream(dir / "images/deep/empty.img");
  const std::string long_name = std::string(90, 'd') + "/" + std::string(60, 'f');
  fs::create_directories(dir / std::string(90, 'd'));
  std::ofstream(dir / long_name) << "long";
  fs::create_symlink("core-1.img", dir / "images/link");
  const std::string archive = dir.string() + ".tar";

  shim::write_directory_archive(dir.string(), archive);
  const auto entries = read_archive(slurp(archive));
  REQUIRE(entries.count("images/"));
  CHECK(entries.at("images/").type == '5');
  CHECK(entries.at("images/core-1.img").type == '0');
  CHECK(entries.at("images/core-1.img").content == std::string(1000, 'x') + std::string(3, '\0'));
  CHECK(entries.at("images/deep/empty.img").content.empty());
  CHECK(entries.at(long_name).content == "long");  // split into prefix and name
  CHECK(entries.at("images/link").type == '2');
  CHECK(entries.at("images/link").content == "core-1.img");
  CHECK(slurp(archive).size() % 512 == 0);
  CHECK_FALSE(fs::exists(archive + ".partial"));

  SUBCASE("a name ustar cannot hold fails and leaves no archive") {
    fs::remove(archive);
    fs::create_directories(dir / std::string(200, 'n'));
    CHECK_THROWS_WITH_AS(shim::write_directory_archive(dir.string(), archive), doctest::Contains("too long"),
                         std::runtime_error);
    CHECK_FALSE(fs::exists(archive));
    CHECK_FALSE(fs::exists(archive + ".partial"));
  }
  fs::remove_all(dir);
  fs::remove(archive);
}
