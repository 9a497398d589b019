// ListPodSandbox: one /containers/json call, filtered by Docker on kind and
// labels, then by ID prefix and state here. Sandboxes cri-shim did not make
// (cri-dockerd's) have their nanosecond creation time from one inspect each,
// remembered (state/creation_times.h), so that List and PodSandboxStatus agree.
#include "shim/runtime/runtime_service.h"
#include "shim/sandbox/sandbox_view.h"
#include "shim/server/call.h"
#include "shim/state/labels.h"
#include "shim/state/list_filter.h"

namespace shim {

grpc::Status RuntimeService::ListPodSandbox(grpc::ServerContext* context,
                                            const cri::ListPodSandboxRequest* request,
                                            cri::ListPodSandboxResponse* response) {
  return run("ListPodSandbox", [&] {
    const auto& filter = request->filter();
    docker::ContainerListOptions list;
    list.all = true;
    list.filters = docker_list_filters(DockerObjectKind::kSandbox, filter.label_selector());
    const auto options = call_options(context);
    auto summaries = docker_.list_containers(list, options);
    keep_id_prefix_matches(summaries, filter.id());
    for (const auto& summary : summaries) {
      cri::PodSandbox sandbox;
      if (!fill_pod_sandbox(summary, &sandbox)) continue;
      if (filter.has_state() && sandbox.state() != filter.state().state()) continue;
      if (!summary.labels.count(std::string(label::kCreatedAt)))
        sandbox.set_created_at(creation_times_.nanos(summary.id, sandbox.created_at(), options));
      *response->add_items() = std::move(sandbox);
    }
  });
}

}  // namespace shim
