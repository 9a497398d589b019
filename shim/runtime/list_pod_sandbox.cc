// ListPodSandbox and StreamPodSandboxes: one /containers/json call, filtered
// by Docker on kind and labels, then by ID prefix and state here. Sandboxes
// cri-shim did not make (cri-dockerd's) have their nanosecond creation time
// from one inspect each, remembered (state/creation_times.h), so that List
// and PodSandboxStatus agree.
#include "shim/runtime/runtime_service.h"
#include "shim/sandbox/sandbox_view.h"
#include "shim/server/call.h"
#include "shim/server/paged_writer.h"
#include "shim/state/labels.h"
#include "shim/state/list_filter.h"

namespace shim {

std::vector<cri::PodSandbox> RuntimeService::list_pod_sandboxes(const cri::PodSandboxFilter& filter,
                                                                const docker::CallOptions& options) {
  docker::ContainerListOptions list;
  list.all = true;
  list.filters = docker_list_filters(DockerObjectKind::kSandbox, filter.label_selector());
  auto summaries = docker_.list_containers(list, options);
  keep_id_prefix_matches(summaries, filter.id());
  std::vector<cri::PodSandbox> sandboxes;
  sandboxes.reserve(summaries.size());
  for (const auto& summary : summaries) {
    cri::PodSandbox sandbox;
    if (!fill_pod_sandbox(summary, &sandbox)) continue;
    if (filter.has_state() && sandbox.state() != filter.state().state()) continue;
    if (!summary.labels.count(std::string(label::kCreatedAt)))
      sandbox.set_created_at(creation_times_.nanos(summary.id, sandbox.created_at(), options));
    sandboxes.push_back(std::move(sandbox));
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
