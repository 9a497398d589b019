// eviction/eviction_message: kubelet's words and Kubernetes' quantity text.
#include <doctest/doctest.h>

#include "agent/eviction/eviction_message.h"

namespace agent::eviction {
namespace {

constexpr int64_t kMi = 1024 * 1024;

TEST_CASE("quantities in canonical form") {
  CHECK(format_binary_quantity(0) == "0");
  CHECK(format_binary_quantity(5 * 1024) == "5Ki");
  CHECK(format_binary_quantity(100 * kMi) == "100Mi");
  CHECK(format_binary_quantity(1024 * kMi) == "1Gi");
  CHECK(format_binary_quantity(1536) == "1536");
  CHECK(format_binary_quantity(512) == "512");
  CHECK(format_binary_quantity(1000) == "1k");  // below 1024: decimal form, as Kubernetes writes it
  CHECK(format_binary_quantity(123456789) == "123456789");
  CHECK(format_binary_quantity(-2048) == "-2Ki");
  CHECK(format_decimal_quantity(1500000) == "1500k");
  CHECK(format_decimal_quantity(2000000) == "2M");
  CHECK(format_decimal_quantity(123) == "123");
}

TEST_CASE("the memory eviction message names each container above its request, as kubelet's") {
  pod::Pod p;
  pod::Container x;
  x.name = "x";
  pod::Container y;
  y.name = "y";
  y.resources.requests.memory_bytes = 2048 * kMi;
  p.spec.containers = {x, y};
  PodUsage usage{{ContainerUsage{"x", 1024 * kMi, std::nullopt, std::nullopt},
                  ContainerUsage{"y", 1024 * kMi, std::nullopt, std::nullopt}}};
  CHECK(eviction_message(Signal::MemoryAvailable, 100 * kMi, 5 * 1024, p, &usage) ==
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: 5Ki. Container x was using "
        "1Gi, request is 0, has larger consumption of memory. ");
  CHECK(eviction_message(Signal::AllocatableMemoryAvailable, std::nullopt, std::nullopt, p, nullptr) ==
        "The node was low on resource: memory. ");
}

TEST_CASE("disk, inode and pid messages name their resource") {
  pod::Pod p;
  CHECK(eviction_message(Signal::NodeFsAvailable, 10 * kMi, 3 * kMi, p, nullptr) ==
        "The node was low on resource: ephemeral-storage. Threshold quantity: 10Mi, available: 3Mi. ");
  CHECK(eviction_message(Signal::ImageFsInodesFree, 5000, 1000, p, nullptr) ==
        "The node was low on resource: inodes. Threshold quantity: 5k, available: 1k. ");
  CHECK(resource_of(Signal::PidAvailable) == "pids");
}

TEST_CASE("the ephemeral-storage message names each container whose writable layer and logs exceed its request") {
  pod::Pod p;
  pod::Container writer;
  writer.name = "writer";
  pod::Container modest;
  modest.name = "modest";
  modest.resources.requests.ephemeral_storage_bytes = 10 * kMi;
  pod::Container unknown;
  unknown.name = "unknown";
  p.spec.containers = {writer, modest, unknown};
  ContainerUsage w{"writer", std::nullopt, 3 * kMi, 10, 1 * kMi, 2};
  ContainerUsage m{"modest", std::nullopt, 3 * kMi, 10, 1 * kMi, 2};
  ContainerUsage u{"unknown", std::nullopt, 30 * kMi, 10, std::nullopt, std::nullopt};  // logs unknown: left out
  PodUsage usage{{w, m, u}};
  CHECK(eviction_message(Signal::NodeFsAvailable, 25 * kMi, 20 * kMi, p, &usage) ==
        "The node was low on resource: ephemeral-storage. Threshold quantity: 25Mi, available: 20Mi. Container "
        "writer was using 4Mi, request is 0, has larger consumption of ephemeral-storage. ");
}

TEST_CASE("the admission refusal lists the node's conditions as Go prints a slice") {
  CHECK(node_condition_message({true, false, false}) == "The node had condition: [MemoryPressure]. ");
  CHECK(node_condition_message({true, true, false}) == "The node had condition: [MemoryPressure DiskPressure]. ");
}

}  // namespace
}  // namespace agent::eviction
