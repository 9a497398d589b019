// The AtomicWriter's layout and swap: what a container reads through the
// top-level links is always one whole payload.
#include "agent/volume/atomic_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <filesystem>

#include "tests/agent/support/temp_dir.h"

using namespace agent::volume;
using agent::testing::TempDir;
using agent::testing::read_file;
namespace fs = std::filesystem;

namespace {


int mode_of(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return static_cast<int>(st.st_mode & 07777);
}

}  // namespace

TEST_CASE("a payload is written behind ..data and linked at the top level") {
  TempDir dir;
  const Payload payload = {{"app.conf", {"level=info\n", 0644}}, {"conf/extra.conf", {"x", 0600}}};
  const WriteResult first = write_atomically(dir.path(), payload, std::nullopt);
  REQUIRE(first.error.empty());
  CHECK(first.changed);
  const fs::path base(dir.path());
  CHECK(fs::is_symlink(base / "..data"));
  CHECK(fs::read_symlink(base / "..data").string().starts_with(".."));
  CHECK(fs::read_symlink(base / "app.conf") == "..data/app.conf");
  CHECK(fs::read_symlink(base / "conf") == "..data/conf");
  CHECK(read_file(base / "app.conf") == "level=info\n");
  CHECK(read_file(base / "conf/extra.conf") == "x");
  CHECK(mode_of(base / "conf/extra.conf") == 0600);
  CHECK(read_current(dir.path()) == payload);

  // The same payload again: nothing is rewritten.
  CHECK_FALSE(write_atomically(dir.path(), payload, std::nullopt).changed);
}

TEST_CASE("an update swaps the whole set and drops names no longer in it") {
  TempDir dir;
  REQUIRE(write_atomically(dir.path(), {{"a", {"1", 0644}}, {"b", {"2", 0644}}}, std::nullopt).error.empty());
  const fs::path base(dir.path());
  const fs::path old_target = fs::read_symlink(base / "..data");
  const WriteResult second = write_atomically(dir.path(), {{"a", {"10", 0644}}, {"c", {"3", 0644}}}, std::nullopt);
  REQUIRE(second.error.empty());
  CHECK(second.changed);
  CHECK(read_file(base / "a") == "10");
  CHECK(read_file(base / "c") == "3");
  CHECK_FALSE(fs::exists(base / "b"));
  CHECK_FALSE(fs::is_symlink(base / "b"));
  CHECK_FALSE(fs::exists(base / old_target));  // the old set is gone
  CHECK_FALSE(fs::exists(base / "..data_tmp"));
  // Only ..data, its target and the two links remain.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(base)) ++entries;
  CHECK(entries == 4);
}

TEST_CASE("a mode change alone is an update") {
  TempDir dir;
  REQUIRE(write_atomically(dir.path(), {{"a", {"1", 0644}}}, std::nullopt).error.empty());
  CHECK(write_atomically(dir.path(), {{"a", {"1", 0400}}}, std::nullopt).changed);
  CHECK(mode_of(fs::path(dir.path()) / "a") == 0400);
}

TEST_CASE("an fsGroup gives the files that group and group read") {
  TempDir dir;
  const int64_t gid = static_cast<int64_t>(::getegid()) == 0 ? 4321 : static_cast<int64_t>(::getegid());
  const WriteResult r = write_atomically(dir.path(), {{"a", {"1", 0600}}}, gid);
  REQUIRE(r.error.empty());
  struct stat st {};
  REQUIRE(::stat((fs::path(dir.path()) / "a").c_str(), &st) == 0);
  CHECK(static_cast<int64_t>(st.st_gid) == gid);
  CHECK((st.st_mode & 0777) == 0640);
  // Written again with the same fsGroup: already in place.
  CHECK_FALSE(write_atomically(dir.path(), {{"a", {"1", 0600}}}, gid).changed);
}
