// ListContainers and StreamContainers: from the container store
// (state/container_store.h), no Docker call. The filter's parts apply in
// CRI's order: label selector, ID (full, or a prefix that names exactly one
// container), sandbox ID (full or prefix), state. State, times and image are
// the ones ContainerStatus reports, from the same record: a container whose
// start failed is EXITED in both, and kubelet finds them in agreement. Each
// entry is built and serialized once per record and image name
// (record_view_cache.h) and sent as those bytes (server/serialized_items.h);
// the unfiltered list, kubelet's relist, is kept whole between changes
// (full_list_cache.h).
#include "shim/container/container_view.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/server/paged_writer.h"
#include "shim/server/serialized_items.h"
#include "shim/state/labels.h"
#include "shim/state/list_filter.h"

namespace shim {

std::vector<RuntimeService::ContainerEntry> RuntimeService::list_containers(const cri::ContainerFilter& filter,
                                                                            const docker::CallOptions& options) {
  const auto records = select_records(store_.all(options), DockerObjectKind::kContainer, filter.label_selector(),
                                      filter.id());
  const auto& sandbox_filter = filter.pod_sandbox_id();
  const auto tags = repo_tags(options);
  std::vector<ContainerEntry> containers;
  containers.reserve(records.size());
  for (const auto& record : records) {
    if (!sandbox_filter.empty()) {
      const auto sandbox = record->config.labels.find(std::string(label::kSandboxId));
      if (sandbox == record->config.labels.end() ||
          sandbox->second.compare(0, sandbox_filter.size(), sandbox_filter) != 0)
        continue;
    }
    if (filter.has_state() && container_state_of(record->state) != filter.state().state()) continue;
    if (auto entry = container_entries_.get(record, reported_image(*record, tags)))
      containers.push_back(std::move(entry));
  }
  return containers;
}

FullListCache::ItemsPtr RuntimeService::full_container_list(const docker::CallOptions& options) {
  const FullListCache::Key key{store_.version(), images_.names_version()};
  if (auto items = full_container_list_.find(key)) return items;
  auto items = FullListCache::join(list_containers({}, options));
  full_container_list_.keep(key, items);
  return items;
}

grpc::Status RuntimeService::ListContainers(grpc::ServerContext* context,
                                            const cri::ListContainersRequest* request,
                                            cri::ListContainersResponse* response) {
  return run("ListContainers", [&] {
    const auto& filter = request->filter();
    if (filter.id().empty() && filter.pod_sandbox_id().empty() && !filter.has_state() &&
        filter.label_selector().empty()) {
      append_serialized_items(*response, cri::ListContainersResponse::kContainersFieldNumber,
                              *full_container_list(call_options(context)));
      return;
    }
    for (const auto& container : list_containers(filter, call_options(context)))
      append_serialized(*response, cri::ListContainersResponse::kContainersFieldNumber, container->bytes);
  });
}

grpc::Status RuntimeService::StreamContainers(grpc::ServerContext* context,
                                              const cri::StreamContainersRequest* request,
                                              grpc::ServerWriter<cri::StreamContainersResponse>* writer) {
  return run("StreamContainers", [&] {
    auto containers = list_containers(request->filter(), call_options(context));
    write_in_pages(writer, containers, [](cri::StreamContainersResponse& page, const ContainerEntry& container) {
      append_serialized(page, cri::StreamContainersResponse::kContainersFieldNumber, container->bytes);
    });
  });
}

}  // namespace shim
