// RecordViewCache (views built once per record and variant), FullListCache
// (an unfiltered list kept whole per version) and append_serialized /
// append_serialized_items (sending those bytes as items of a repeated field).
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "runtime/v1/api.h"
#include "shim/runtime/full_list_cache.h"
#include "shim/runtime/record_view_cache.h"
#include "shim/server/serialized_items.h"

namespace {

shim::ContainerStore::Record record_of(const std::string& id, const std::string& status) {
  docker::ContainerInspect inspect;
  inspect.id = id;
  inspect.state.status = status;
  return std::make_shared<const docker::ContainerInspect>(std::move(inspect));
}

struct Counting {
  int builds = 0;
  shim::RecordViewCache<cri::Container> cache{[this](const docker::ContainerInspect& inspect, const std::string& image,
                                                    cri::Container* out) {
    ++builds;
    if (inspect.state.status == "dead") return false;
    out->set_id(inspect.id);
    out->mutable_image()->set_image(image);
    return true;
  }};
};

}  // namespace

TEST_CASE("an entry is built once per record and variant") {
  Counting c;
  auto a = record_of("a", "running");
  const auto first = c.cache.get(a, "busybox:1");
  REQUIRE(first);
  CHECK(c.cache.get(a, "busybox:1") == first);
  CHECK(c.builds == 1);

  // The image's tags moved: the same record reports another name.
  const auto renamed = c.cache.get(a, "busybox:2");
  CHECK(c.builds == 2);
  cri::Container parsed;
  REQUIRE(parsed.ParseFromString(renamed->bytes));
  CHECK(parsed.image().image() == "busybox:2");

  // A new record of the same container (a new state) is a new entry.
  auto a_again = record_of("a", "exited");
  c.cache.get(a_again, "busybox:2");
  CHECK(c.builds == 3);

  // A record that makes no entry gives none, and is not rebuilt each time.
  auto dead = record_of("d", "dead");
  CHECK_FALSE(c.cache.get(dead));
  CHECK_FALSE(c.cache.get(dead));
  CHECK(c.builds == 4);
}

TEST_CASE("views of removed containers go once the cache has doubled, however rarely it is asked") {
  Counting c;
  // A steady 10 live containers while 5000 others come and go, each asked
  // for once: the uses alone (one per container) would have let every
  // removed one's view stay until the 4096th.
  std::vector<shim::ContainerStore::Record> live;
  for (int i = 0; i < 10; ++i) live.push_back(record_of("live-" + std::to_string(i), "running"));
  std::size_t most = 0;
  for (int i = 0; i < 5000; ++i) {
    auto passing = record_of("gone-" + std::to_string(i), "running");
    c.cache.get(passing);
    c.cache.get(live[static_cast<std::size_t>(i) % live.size()]);
    most = std::max(most, c.cache.size());
  }
  CHECK(most <= 256);
  // A live container's view survives every scan: built once.
  const int builds = c.builds;
  for (const auto& record : live) c.cache.get(record);
  CHECK(c.builds == builds);
}

TEST_CASE("a prune schedule: every N uses, or when the cache doubled since its last scan") {
  shim::PruneSchedule schedule(5, 4);
  CHECK_FALSE(schedule.due(0));
  CHECK_FALSE(schedule.due(1));
  CHECK(schedule.due(4));  // the floor
  schedule.pruned(3);
  CHECK_FALSE(schedule.due(5));
  CHECK(schedule.due(6));  // twice 3
  schedule.pruned(1);
  for (int i = 0; i < 4; ++i) CHECK_FALSE(schedule.due(1));
  CHECK(schedule.due(1));  // the fifth use
}

TEST_CASE("serialized items go out as the items the usual way would") {
  cri::Container one, two;
  one.set_id("one");
  one.mutable_metadata()->set_name("first");
  (*one.mutable_labels())["k"] = "v";
  two.set_id("two");
  two.set_state(cri::CONTAINER_EXITED);

  cri::ListContainersResponse usual;
  *usual.add_containers() = one;
  *usual.add_containers() = two;

  cri::ListContainersResponse appended;
  shim::append_serialized(appended, cri::ListContainersResponse::kContainersFieldNumber, one.SerializeAsString());
  shim::append_serialized(appended, cri::ListContainersResponse::kContainersFieldNumber, two.SerializeAsString());

  CHECK(appended.SerializeAsString() == usual.SerializeAsString());
  cri::ListContainersResponse received;
  REQUIRE(received.ParseFromString(appended.SerializeAsString()));
  REQUIRE(received.containers_size() == 2);
  CHECK(received.containers(0).metadata().name() == "first");
  CHECK(received.containers(0).labels().at("k") == "v");
  CHECK(received.containers(1).state() == cri::CONTAINER_EXITED);
}

TEST_CASE("a build that throws keeps nothing and throws again next time") {
  int builds = 0;
  shim::RecordViewCache<cri::ContainerStatus> cache{
      [&](const docker::ContainerInspect&, const std::string&, cri::ContainerStatus*) -> bool {
        ++builds;
        throw std::runtime_error("no metadata");
      }};
  auto a = record_of("a", "running");
  CHECK_THROWS(cache.get(a));
  CHECK_THROWS(cache.get(a));
  CHECK(builds == 2);
}

TEST_CASE("a full list is kept for its key only, and never for a key with a zero") {
  cri::Container one, two;
  one.set_id("one");
  (*one.mutable_annotations())["a"] = "b";
  two.set_id("two");
  struct Entry {
    std::string bytes;
  };
  std::vector<std::shared_ptr<const Entry>> entries{std::make_shared<const Entry>(Entry{one.SerializeAsString()}),
                                                    std::make_shared<const Entry>(Entry{two.SerializeAsString()})};
  const auto items = shim::FullListCache::join(entries);
  REQUIRE(items->ends.size() == 2);

  shim::FullListCache cache;
  CHECK_FALSE(cache.find({1, 1}));
  cache.keep({0, 1}, items);  // not from memory: never kept
  CHECK_FALSE(cache.find({0, 1}));
  cache.keep({1, 0}, items);
  CHECK_FALSE(cache.find({1, 0}));
  cache.keep({3, 7}, items);
  CHECK(cache.find({3, 7}) == items);
  CHECK_FALSE(cache.find({4, 7}));  // the store moved on
  CHECK_FALSE(cache.find({3, 8}));  // the image names moved on

  // Sent as the items set the usual way would be.
  cri::ListContainersResponse usual, appended;
  *usual.add_containers() = one;
  *usual.add_containers() = two;
  shim::append_serialized_items(appended, cri::ListContainersResponse::kContainersFieldNumber, *items);
  CHECK(appended.SerializeAsString() == usual.SerializeAsString());

  // No entries: an empty answer.
  cri::ListContainersResponse empty;
  shim::append_serialized_items(empty, cri::ListContainersResponse::kContainersFieldNumber,
                                *shim::FullListCache::join(std::vector<std::shared_ptr<const Entry>>{}));
  CHECK(empty.SerializeAsString().empty());
}

TEST_CASE("a kept status and a user read later go out as one status") {
  cri::ContainerStatus kept, user_only, whole;
  kept.set_id("c");
  kept.set_state(cri::CONTAINER_RUNNING);
  (*kept.mutable_labels())["k"] = "v";
  user_only.mutable_user()->mutable_linux()->set_uid(1002);
  user_only.mutable_user()->mutable_linux()->add_supplemental_groups(1004);
  whole = kept;
  *whole.mutable_user() = user_only.user();

  cri::ContainerStatusResponse response;
  shim::append_serialized(response, cri::ContainerStatusResponse::kStatusFieldNumber,
                          kept.SerializeAsString() + user_only.SerializeAsString());
  cri::ContainerStatusResponse received;
  REQUIRE(received.ParseFromString(response.SerializeAsString()));
  CHECK(received.status().SerializeAsString() == whole.SerializeAsString());
}
