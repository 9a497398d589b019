// Image GC's decisions (images/image_gc_policy.h) and its records file
// (images/image_records_file.h): which images are in use, the records a
// detection leaves, the order images go in, how much must go, and the
// records' round trip through the disk.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "agent/images/image_gc_policy.h"
#include "agent/images/image_records_file.h"
#include "tests/agent/support/temp_dir.h"

namespace agent::images {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kNow = 2'000'000'000 * kSecond;

ImageFacts image(const std::string& id, int64_t size = 100, bool pinned = false,
                 std::vector<std::string> references = {}) {
  return ImageFacts{id, size, pinned, std::move(references)};
}

TEST_SUITE("unit") {

TEST_CASE("an image is in use when a container names its ID or one of its tags or digests") {
  const std::vector<ImageFacts> images = {image("sha256:a", 1, false, {"busybox:latest"}),
                                          image("sha256:b", 1, false, {"pause:1", "pause@sha256:dd"}),
                                          image("sha256:c"), image("sha256:d")};
  CHECK(images_in_use(images, {"sha256:a"}) == std::set<std::string>{"sha256:a"});
  CHECK(images_in_use(images, {"pause@sha256:dd", "sha256:c"}) == std::set<std::string>{"sha256:b", "sha256:c"});
  CHECK(images_in_use(images, {"pause:1"}) == std::set<std::string>{"sha256:b"});
  CHECK(images_in_use(images, {"sha256:zzz", "other:tag"}).empty());
}

TEST_CASE("detection records first-seen and last-used times and forgets images that are gone") {
  ImageRecords records;
  // The agent's first detection: what it finds counts as seen long ago.
  CHECK(update_records(records, {image("a", 10), image("b", 20)}, {"a"}, kNow, 0));
  CHECK(records.at("a") == ImageRecord{0, kNow, 10});
  CHECK(records.at("b") == ImageRecord{0, 0, 20});

  // Later: a new image is first seen now, an old record keeps its first
  // time, the used one is stamped, a gone one is dropped.
  const int64_t later = kNow + 300 * kSecond;
  CHECK(update_records(records, {image("b", 21), image("c", 30)}, {"b"}, later, later));
  CHECK(records.count("a") == 0);
  CHECK(records.at("b") == ImageRecord{0, later, 21});
  CHECK(records.at("c") == ImageRecord{later, 0, 30});
  CHECK_FALSE(update_records(records, {image("b", 21), image("c", 30)}, {}, later + kSecond, later + kSecond));
}

TEST_CASE("images go least recently used first then earliest seen and never in use pinned or too young") {
  const ImageRecords records = {
      {"used-long-ago", {0, kNow - 3600 * kSecond, 1}},
      {"used-recently", {0, kNow - 60 * kSecond, 1}},
      {"never-used-old", {kNow - 7200 * kSecond, 0, 1}},
      {"never-used-older", {kNow - 9000 * kSecond, 0, 1}},
      {"in-use", {0, kNow, 1}},
      {"pinned", {0, 0, 1}},
      {"young", {kNow - 30 * kSecond, 0, 1}},
  };
  std::vector<ImageFacts> images;
  for (const auto& [id, record] : records) images.push_back(image(id, 1, id == "pinned"));
  images.push_back(image("not-detected-yet"));
  const int64_t two_minutes = 120 * kSecond;
  CHECK(eviction_order(records, images, {"in-use"}, kNow, two_minutes) ==
        std::vector<std::string>{"never-used-older", "never-used-old", "used-long-ago", "used-recently"});
  // Without a minimum age the young image may go too, in its place.
  CHECK(eviction_order(records, images, {"in-use"}, kNow, 0) ==
        std::vector<std::string>{"never-used-older", "never-used-old", "young", "used-long-ago", "used-recently"});
  // Exactly the minimum age old is old enough.
  CHECK(eviction_order({{"x", {kNow - two_minutes, 0, 1}}}, {image("x")}, {}, kNow, two_minutes) ==
        std::vector<std::string>{"x"});
}

TEST_CASE("usage at or over the high threshold asks to free down to the low one") {
  // 1000 bytes, 150 available: 85 % used, to 80 %: 200 available wanted.
  auto verdict = judge_usage(1000, 150, 85, 80);
  CHECK(verdict.usage_percent == 85);
  REQUIRE(verdict.bytes_to_free);
  CHECK(*verdict.bytes_to_free == 50);
  // Below the high threshold: nothing to do.
  verdict = judge_usage(1000, 151, 85, 80);
  CHECK(verdict.usage_percent == 85);  // 84.9 % rounds up, as kubelet's integer arithmetic
  verdict = judge_usage(1000, 160, 85, 80);
  CHECK(verdict.usage_percent == 84);
  CHECK_FALSE(verdict.bytes_to_free);
  // High 1, low 0: everything used must go.
  verdict = judge_usage(1000, 900, 1, 0);
  REQUIRE(verdict.bytes_to_free);
  CHECK(*verdict.bytes_to_free == 100);
  // More available than capacity counts as an empty filesystem.
  verdict = judge_usage(1000, 5000, 1, 0);
  CHECK(verdict.usage_percent == 0);
  CHECK_FALSE(verdict.bytes_to_free);
}

TEST_CASE("the records survive a round trip through their file") {
  testing::TempDir dir;
  ImageRecordsFile file(dir.file("state/image-gc-records.json"));
  CHECK(file.load().empty());  // no file yet

  const ImageRecords records = {{"sha256:aa", {kNow - 5 * kSecond + 123, kNow, 4096}},
                                {"sha256:bb", {0, 0, 7}}};
  file.save(records);
  CHECK(file.load() == records);
  CHECK((std::filesystem::status(file.path()).permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::none);

  // Times are RFC 3339; "never" is left out.
  const auto text = records_to_json(records);
  CHECK(text.find("\"kind\": \"ImageGCRecords\"") != std::string::npos);
  CHECK(records_from_json(text) == records);
  CHECK(records_from_json(R"({"kind":"ImageGCRecords","version":1,"images":{"x":{"sizeBytes":3}}})") ==
        ImageRecords{{"x", {0, 0, 3}}});

  CHECK_THROWS_AS(records_from_json("{"), std::invalid_argument);
  CHECK_THROWS_AS(records_from_json(R"({"kind":"Other","version":1})"), std::invalid_argument);
  CHECK_THROWS_AS(records_from_json(R"({"kind":"ImageGCRecords","version":2})"), std::invalid_argument);
  CHECK_THROWS_AS(records_from_json(R"({"kind":"ImageGCRecords","version":1,"images":{"x":{"firstSeen":"soon"}}})"),
                  std::invalid_argument);

  // A damaged file is no reason not to start: no records.
  std::ofstream(file.path(), std::ios::trunc) << "not json";
  CHECK(file.load().empty());
}

}  // TEST_SUITE

}  // namespace
}  // namespace agent::images
