// ListEntryCache (entries built once per record and variant) and
// append_serialized (sending those bytes as items of a repeated field).
#include <doctest/doctest.h>

#include "runtime/v1/api.h"
#include "shim/runtime/list_entry_cache.h"
#include "shim/server/serialized_items.h"

namespace {

namespace cri = ::runtime::v1;

shim::ContainerStore::Record record_of(const std::string& id, const std::string& status) {
  docker::ContainerInspect inspect;
  inspect.id = id;
  inspect.state.status = status;
  return std::make_shared<const docker::ContainerInspect>(std::move(inspect));
}

struct Counting {
  int builds = 0;
  shim::ListEntryCache<cri::Container> cache{[this](const docker::ContainerInspect& inspect, const std::string& image,
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
