// Kubernetes quantities as the API server writes them (resource.Quantity's
// canonical String()), for the Node's capacity and allocatable:
//   cpu 2000m -> "2", 1500m -> "1500m"; memory 25105600512 -> "24517188Ki";
//   pods 110 -> "110"; 1000 bytes -> "1k" (BinarySI below 1024 is DecimalSI).
#pragma once

#include <cstdint>
#include <string>

namespace agent::node {

// DecimalSI of value * 10^-3 (a milli count: CPU).
std::string format_milli(int64_t milli);
// DecimalSI of an integer (pods).
std::string format_decimal(int64_t value);
// BinarySI of a byte count (memory, ephemeral-storage, hugepages-*).
std::string format_binary(int64_t bytes);

// The quantity of resource `name` in the unit node_resources.h keeps it:
// cpu in millicores, memory, ephemeral-storage and hugepages-* in bytes,
// anything else (pods) a count.
std::string format_resource(const std::string& name, int64_t value);

}  // namespace agent::node
