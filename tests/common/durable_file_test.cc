#include "common/durable_file.h"

#include <unistd.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("cri-shim-durable-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("a durable write creates the directory, replaces the file whole, and leaves no temporary") {
  TempDir dir;
  const auto target = dir.path / "state" / "pod.json";
  common::write_file_durably(target.string(), "first", 0600);
  CHECK(read(target) == "first");
  CHECK((fs::status(target).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  common::write_file_durably(target.string(), std::string(100000, 'x'));
  CHECK(read(target) == std::string(100000, 'x'));
  common::write_file_durably(target.string(), "");
  CHECK(read(target).empty());
  CHECK_FALSE(fs::exists(target.string() + ".tmp"));
}

TEST_CASE("a durable write that cannot happen throws and leaves the target as it was") {
  TempDir dir;
  const auto target = dir.path / "kept";
  common::write_file_durably(target.string(), "old");
  // The temporary's name is taken by a directory: it cannot be opened.
  fs::create_directories(target.string() + ".tmp");
  CHECK_THROWS_AS(common::write_file_durably(target.string(), "new"), std::system_error);
  CHECK(read(target) == "old");
  fs::remove(target.string() + ".tmp");
  // A stream's own temporary, put in place.
  const auto temporary = dir.path / "archive.partial";
  std::ofstream(temporary) << "archive";
  common::replace_durably(temporary.string(), (dir.path / "archive").string());
  CHECK(read(dir.path / "archive") == "archive");
  CHECK_FALSE(fs::exists(temporary));
  // A missing temporary: an error, and nothing made.
  CHECK_THROWS_AS(common::replace_durably(temporary.string(), (dir.path / "other").string()), std::system_error);
  CHECK_FALSE(fs::exists(dir.path / "other"));
}
