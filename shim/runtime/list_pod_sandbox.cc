// ListPodSandbox and StreamPodSandboxes: from the container store
// (state/container_store.h), no Docker call: the label selector, then the ID
// (full, or a prefix that names exactly one sandbox), then the state; each
// entry from the same record PodSandboxStatus reads, built and serialized
// once per record (record_view_cache.h) and sent as those bytes
// (server/serialized_items.h); the unfiltered list, kubelet's relist, is
// kept whole between changes (full_list_cache.h).
#include "shim/runtime/runtime_service.h"
#include "shim/sandbox/sandbox_view.h"
#include "shim/server/call.h"
#include "shim/server/paged_writer.h"
#include "shim/server/serialized_items.h"
#include "shim/state/list_filter.h"

namespace shim {

std::vector<RuntimeService::SandboxEntry> RuntimeService::list_pod_sandboxes(const cri::PodSandboxFilter& filter,
                                                                             const docker::CallOptions& options) {
  const auto records = select_records(store_.all(options), DockerObjectKind::kSandbox, filter.label_selector(),
                                      filter.id());
  std::vector<SandboxEntry> sandboxes;
  sandboxes.reserve(records.size());
  for (const auto& record : records) {
    if (filter.has_state() && sandbox_state(record->state) != filter.state().state()) continue;
    if (auto entry = sandbox_entries_.get(record)) sandboxes.push_back(std::move(entry));
  }
  return sandboxes;
}

FullListCache::ItemsPtr RuntimeService::full_sandbox_list(const docker::CallOptions& options) {
  const FullListCache::Key key{store_.version(), 1};  // sandboxes report no image name
  if (auto items = full_sandbox_list_.find(key)) return items;
  auto items = FullListCache::join(list_pod_sandboxes({}, options));
  full_sandbox_list_.keep(key, items);
  return items;
}

grpc::Status RuntimeService::ListPodSandbox(grpc::ServerContext* context,
                                            const cri::ListPodSandboxRequest* request,
                                            cri::ListPodSandboxResponse* response) {
  return run("ListPodSandbox", [&] {
    const auto& filter = request->filter();
    if (filter.id().empty() && !filter.has_state() && filter.label_selector().empty()) {
      append_serialized_items(*response, cri::ListPodSandboxResponse::kItemsFieldNumber,
                              *full_sandbox_list(call_options(context)));
      return;
    }
    for (const auto& sandbox : list_pod_sandboxes(filter, call_options(context)))
      append_serialized(*response, cri::ListPodSandboxResponse::kItemsFieldNumber, sandbox->bytes);
  });
}

grpc::Status RuntimeService::StreamPodSandboxes(grpc::ServerContext* context,
                                                const cri::StreamPodSandboxesRequest* request,
                                                grpc::ServerWriter<cri::StreamPodSandboxesResponse>* writer) {
  return run("StreamPodSandboxes", [&] {
    auto sandboxes = list_pod_sandboxes(request->filter(), call_options(context));
    write_in_pages(writer, sandboxes, [](cri::StreamPodSandboxesResponse& page, const SandboxEntry& sandbox) {
      append_serialized(page, cri::StreamPodSandboxesResponse::kPodSandboxesFieldNumber, sandbox->bytes);
    });
  });
}

}  // namespace shim
