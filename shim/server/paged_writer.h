// The Stream* twins of CRI's List methods (StreamImages, StreamContainers,
// StreamPodSandboxes, the stats and metrics streams) send the same items as
// the List call, in pages, so that a node with very many objects never needs
// one message larger than gRPC's limit.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "shim/server/call.h"

namespace shim {

// Items per message: small enough that a page of the largest items (pod
// stats with every container) stays far below 4 MiB.
inline constexpr std::size_t kItemsPerPage = 100;

// Writes `items` as pages of at most kItemsPerPage, each page filled by
// `add(page, item)` (which may move from the item). No items, no message.
// Throws CriError CANCELLED when the client went away mid-stream.
template <typename Response, typename Item, typename Add>
void write_in_pages(grpc::ServerWriterInterface<Response>* writer, std::vector<Item>& items, Add add) {
  for (std::size_t start = 0; start < items.size(); start += kItemsPerPage) {
    Response page;
    const std::size_t end = std::min(items.size(), start + kItemsPerPage);
    for (std::size_t i = start; i < end; ++i) add(page, items[i]);
    if (!writer->Write(page)) throw CriError(grpc::StatusCode::CANCELLED, "client went away");
  }
}

}  // namespace shim
