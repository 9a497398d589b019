// ListContainers: one /containers/json call, filtered by Docker on kind,
// labels and (given in full) the sandbox; ID prefixes, sandbox prefixes and
// state are filtered here. Containers cri-shim did not make (cri-dockerd's)
// have their nanosecond creation time from one inspect each, remembered
// (state/creation_times.h), so that List and ContainerStatus agree.
#include "shim/container/container_view.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/state/labels.h"
#include "shim/state/list_filter.h"

namespace shim {

grpc::Status RuntimeService::ListContainers(grpc::ServerContext* context,
                                            const cri::ListContainersRequest* request,
                                            cri::ListContainersResponse* response) {
  return run("ListContainers", [&] {
    const auto& filter = request->filter();
    docker::ContainerListOptions list;
    list.all = true;
    list.filters = docker_list_filters(DockerObjectKind::kContainer, filter.label_selector());
    constexpr std::size_t kFullIdLength = 64;
    if (filter.pod_sandbox_id().size() == kFullIdLength)
      list.filters["label"].push_back(std::string(label::kSandboxId) + "=" + filter.pod_sandbox_id());
    const auto options = call_options(context);
    auto summaries = docker_.list_containers(list, options);
    keep_id_prefix_matches(summaries, filter.id());
    for (const auto& summary : summaries) {
      cri::Container container;
      if (!fill_container(summary, &container)) continue;
      if (filter.has_state() && container.state() != filter.state().state()) continue;
      if (!filter.pod_sandbox_id().empty() &&
          container.pod_sandbox_id().compare(0, filter.pod_sandbox_id().size(),
                                             filter.pod_sandbox_id()) != 0)
        continue;
      if (!summary.labels.count(std::string(label::kCreatedAt)))
        container.set_created_at(creation_times_.nanos(summary.id, container.created_at(), options));
      *response->add_containers() = std::move(container);
    }
  });
}

}  // namespace shim
