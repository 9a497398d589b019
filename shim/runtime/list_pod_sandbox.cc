// ListPodSandbox and StreamPodSandboxes: from the container store
// (state/container_store.h), no Docker call: the label selector, then the ID
// (full, or a prefix that names exactly one sandbox), then the state; each
// entry from the same record PodSandboxStatus reads.
#include "shim/runtime/runtime_service.h"
#include "shim/sandbox/sandbox_view.h"
#include "shim/server/call.h"
#include "shim/server/paged_writer.h"
#include "shim/state/list_filter.h"

namespace shim {

std::vector<cri::PodSandbox> RuntimeService::list_pod_sandboxes(const cri::PodSandboxFilter& filter,
                                                                const docker::CallOptions& options) {
  const auto records = select_records(store_.all(options), DockerObjectKind::kSandbox, filter.label_selector(),
                                      filter.id());
  std::vector<cri::PodSandbox> sandboxes;
  sandboxes.reserve(records.size());
  for (const auto& record : records) {
    if (filter.has_state() && sandbox_state(record->state) != filter.state().state()) continue;
    cri::PodSandbox sandbox;
    if (fill_pod_sandbox(*record, &sandbox)) sandboxes.push_back(std::move(sandbox));
  }
  return sandboxes;
}

grpc::Status RuntimeService::ListPodSandbox(grpc::ServerContext* context,
                                            const cri::ListPodSandboxRequest* request,
                                            cri::ListPodSandboxResponse* response) {
  return run("ListPodSandbox", [&] {
    for (auto& sandbox : list_pod_sandboxes(request->filter(), call_options(context)))
      *response->add_items() = std::move(sandbox);
  });
}

grpc::Status RuntimeService::StreamPodSandboxes(grpc::ServerContext* context,
                                                const cri::StreamPodSandboxesRequest* request,
                                                grpc::ServerWriter<cri::StreamPodSandboxesResponse>* writer) {
  return run("StreamPodSandboxes", [&] {
    auto sandboxes = list_pod_sandboxes(request->filter(), call_options(context));
    write_in_pages(writer, sandboxes, [](cri::StreamPodSandboxesResponse& page, cri::PodSandbox& sandbox) {
      *page.add_pod_sandboxes() = std::move(sandbox);
    });
  });
}

}  // namespace shim
