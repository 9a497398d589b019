// The container store's memory: reads land in the order they were issued,
// tombstones outlive the reads they guard against, prefixes name one object.
#include <doctest/doctest.h>

#include "shim/state/record_map.h"

namespace {

shim::RecordMap::Record record(const std::string& id, const std::string& status, const std::string& kind = "container") {
  docker::ContainerInspect inspect;
  inspect.id = id;
  inspect.state.status = status;
  inspect.state.running = status == "running";
  inspect.config.labels["io.kubernetes.docker.type"] = kind;
  return std::make_shared<const docker::ContainerInspect>(std::move(inspect));
}

std::string id_of(char c) { return std::string(64, c); }

bool any(const docker::ContainerInspect&) { return true; }

}  // namespace

TEST_CASE("a read issued later wins, whichever lands first") {
  shim::RecordMap map;
  const auto a = id_of('a');
  const auto early = map.begin_read();
  const auto late = map.begin_read();
  map.land(a, late, record(a, "exited"));
  map.land(a, early, record(a, "running"));  // slow, and stale: dropped
  REQUIRE(map.get(a));
  CHECK(map.get(a)->state.status == "exited");
  CHECK(map.in_flight() == 0);
}

TEST_CASE("a removed object is not revived by a slow read issued before its removal") {
  shim::RecordMap map;
  const auto a = id_of('a');
  map.land(a, map.begin_read(), record(a, "running"));
  const auto slow = map.begin_read();       // an inspect sent while it still existed
  map.land(a, map.begin_read(), nullptr);   // destroy
  CHECK_FALSE(map.get(a));
  CHECK(map.tombstones() == 1);             // kept: `slow` is still in flight
  map.land(a, slow, record(a, "running"));
  CHECK_FALSE(map.get(a));
  CHECK(map.tombstones() == 0);             // no older read left: gone for good
  CHECK(map.size() == 0);
}

TEST_CASE("a failed read lands nothing but ends its ticket") {
  shim::RecordMap map;
  const auto a = id_of('a');
  map.land(a, map.begin_read(), record(a, "running"));
  map.land("", map.begin_read(), nullptr);
  CHECK(map.get(a)->state.status == "running");
  CHECK(map.in_flight() == 0);
}

TEST_CASE("a listing drops what it did not show, unless read after it began") {
  shim::RecordMap map;
  const auto a = id_of('a'), b = id_of('b'), c = id_of('c');
  map.land(a, map.begin_read(), record(a, "running"));
  map.land(b, map.begin_read(), record(b, "running"));
  const auto listing = map.begin_read();
  map.land(c, map.begin_read(), record(c, "created"));  // made while the listing ran
  map.drop_unlisted(listing, {a});
  map.land("", listing, nullptr);
  CHECK(map.get(a));
  CHECK_FALSE(map.get(b));
  CHECK(map.get(c));
  CHECK(map.older_than(a, listing));
  CHECK_FALSE(map.older_than(c, listing));
  CHECK(map.ids() == std::vector<std::string>{a, c});
}

TEST_CASE("find: a full ID, or a prefix that names exactly one accepted object") {
  shim::RecordMap map;
  const auto a1 = std::string(63, 'a') + "1";
  const auto a2 = std::string(63, 'a') + "2";
  const auto b = id_of('b');
  map.land(a1, map.begin_read(), record(a1, "running", "podsandbox"));
  map.land(a2, map.begin_read(), record(a2, "running", "container"));
  map.land(b, map.begin_read(), record(b, "running"));
  const auto sandboxes = [](const docker::ContainerInspect& inspect) {
    return inspect.config.labels.at("io.kubernetes.docker.type") == "podsandbox";
  };
  CHECK(map.find(b, any) == map.get(b));
  CHECK(map.find("bbb", any) == map.get(b));
  CHECK_FALSE(map.find("aaa", any));              // names two objects
  CHECK(map.find("aaa", sandboxes) == map.get(a1));  // one of the kind asked for
  CHECK_FALSE(map.find(a2, sandboxes));            // of the other kind
  CHECK_FALSE(map.find("c", any));
  CHECK_FALSE(map.find("", any));
  CHECK(map.all().size() == 3);
}

TEST_CASE("an event older than the read that made the record is seen already") {
  shim::RecordMap map;
  const auto a = id_of('a');
  map.land(a, map.begin_read(/*issued_at=*/1000), record(a, "running"));
  CHECK(map.read_after(a, 999));
  CHECK_FALSE(map.read_after(a, 1000));  // an event at the same moment: not known to be seen
  CHECK_FALSE(map.read_after(id_of('b'), 0));
  // Removed, with no read in flight: the tombstone goes at once, so a late
  // event is not known as seen (its inspect then finds nothing).
  map.land(a, map.begin_read(2000), nullptr);
  CHECK_FALSE(map.read_after(a, 1500));
}

TEST_CASE("the version moves with every change of the records, and only then") {
  shim::RecordMap map;
  const auto a = id_of('a'), b = id_of('b');
  auto v = map.version();
  const auto running = record(a, "running");
  map.land(a, map.begin_read(), running);
  CHECK(map.version() > v);
  v = map.version();

  map.land(a, map.begin_read(), running);  // the same record again
  CHECK(map.version() == v);
  map.land("", map.begin_read(), nullptr);  // a failed read
  CHECK(map.version() == v);
  const auto stale = map.begin_read();
  map.land(a, map.begin_read(), record(a, "exited"));
  CHECK(map.version() > v);
  v = map.version();
  map.land(a, stale, record(a, "running"));  // issued before: dropped
  CHECK(map.version() == v);

  map.land(b, map.begin_read(), record(b, "running"));
  v = map.version();
  const auto listing = map.begin_read();
  map.drop_unlisted(listing, {a});  // b is gone
  map.land("", listing, nullptr);
  CHECK(map.version() > v);
  v = map.version();
  map.land(b, map.begin_read(), nullptr);  // gone already
  CHECK(map.version() == v);
}
