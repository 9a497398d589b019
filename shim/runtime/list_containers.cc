// ListContainers and StreamContainers: one /containers/json call, filtered by
// Docker on kind, labels and (given in full) the sandbox; ID prefixes,
// sandbox prefixes and state are filtered here. A summary in state
// "created" may be a container whose start failed, which ContainerStatus
// reports EXITED (start_failure.h); the summary lacks the exit code, so each
// such container is inspected (through the inspect cache: created
// containers are few and short-lived, and running or exited ones, the
// common case, cost nothing more) before the state filter, so that List,
// its state filter and ContainerStatus agree. Containers cri-shim did not
// make (cri-dockerd's) have their nanosecond creation time from one inspect
// each, remembered (state/creation_times.h), so that List and
// ContainerStatus agree.
#include "docker-client/error.h"
#include "shim/container/container_view.h"
#include "shim/runtime/runtime_service.h"
#include "shim/server/call.h"
#include "shim/server/paged_writer.h"
#include "shim/state/labels.h"
#include "shim/state/list_filter.h"

namespace shim {

std::vector<cri::Container> RuntimeService::list_containers(const cri::ContainerFilter& filter,
                                                           const docker::CallOptions& options) {
  docker::ContainerListOptions list;
  list.all = true;
  list.filters = docker_list_filters(DockerObjectKind::kContainer, filter.label_selector());
  constexpr std::size_t kFullIdLength = 64;
  if (filter.pod_sandbox_id().size() == kFullIdLength)
    list.filters["label"].push_back(std::string(label::kSandboxId) + "=" + filter.pod_sandbox_id());
  auto summaries = docker_.list_containers(list, options);
  keep_id_prefix_matches(summaries, filter.id());
  std::vector<cri::Container> containers;
  containers.reserve(summaries.size());
  for (const auto& summary : summaries) {
    cri::Container container;
    if (!fill_container(summary, &container)) continue;
    if (!filter.pod_sandbox_id().empty() &&
        container.pod_sandbox_id().compare(0, filter.pod_sandbox_id().size(), filter.pod_sandbox_id()) != 0)
      continue;
    // A filter for RUNNING needs no inspect: a created container is never
    // running, whether its start failed or not.
    const bool state_matters = !filter.has_state() || filter.state().state() != cri::CONTAINER_RUNNING;
    if (container.state() == cri::CONTAINER_CREATED && state_matters) {
      try {
        container.set_state(container_state_of(inspects_.inspect(summary.id, options).state));
      } catch (const docker::DockerError& e) {
        if (!e.not_found()) throw;
        continue;  // removed since the list: as if listed a moment later
      }
    }
    if (filter.has_state() && container.state() != filter.state().state()) continue;
    if (!summary.labels.count(std::string(label::kCreatedAt)))
      container.set_created_at(creation_times_.nanos(summary.id, container.created_at(), options));
    containers.push_back(std::move(container));
  }
  return containers;
}

grpc::Status RuntimeService::ListContainers(grpc::ServerContext* context,
                                            const cri::ListContainersRequest* request,
                                            cri::ListContainersResponse* response) {
  return run("ListContainers", [&] {
    for (auto& container : list_containers(request->filter(), call_options(context)))
      *response->add_containers() = std::move(container);
  });
}

grpc::Status RuntimeService::StreamContainers(grpc::ServerContext* context,
                                              const cri::StreamContainersRequest* request,
                                              grpc::ServerWriter<cri::StreamContainersResponse>* writer) {
  return run("StreamContainers", [&] {
    auto containers = list_containers(request->filter(), call_options(context));
    write_in_pages(writer, containers, [](cri::StreamContainersResponse& page, cri::Container& container) {
      *page.add_containers() = std::move(container);
    });
  });
}

}  // namespace shim
