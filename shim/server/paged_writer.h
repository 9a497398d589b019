// The Stream* twins of CRI's List methods (StreamImages, StreamContainers,
// StreamPodSandboxes, the stats and metrics streams) send the same items as
// the List call, in pages, so that a node with very many objects never needs
// one message larger than gRPC's limit.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "shim/server/call.h"

namespace shim {

// Items per message by default: small enough that a page of containers or
// images stays far below gRPC's 4 MiB; pages of pods (which carry their
// containers) are smaller.
inline constexpr std::size_t kItemsPerPage = 100;

// Writes `items` (a vector, const or not) as pages of at most `per_page`,
// each page filled by `add(page, item)` (which may move from a non-const
// item). No items, no message. Throws CriError CANCELLED when the client
// went away mid-stream.
template <typename Response, typename Items, typename Add>
void write_in_pages(grpc::ServerWriterInterface<Response>* writer, Items& items, Add add,
                    std::size_t per_page = kItemsPerPage) {
  for (std::size_t start = 0; start < items.size(); start += per_page) {
    Response page;
    const std::size_t end = std::min(items.size(), start + per_page);
    for (std::size_t i = start; i < end; ++i) add(page, items[i]);
    if (!writer->Write(page)) throw CriError(grpc::StatusCode::CANCELLED, "client went away");
  }
}

}  // namespace shim
