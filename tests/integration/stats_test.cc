// Stats and metrics through the real cri-shim with real containers: CPU that
// grows while a container burns it, memory that grows when one fills a
// tmpfs, a writable layer that grows with a file written, filters, unknown
// IDs, and pod network and process figures.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "tests/integration/pod_fixture.h"

using namespace itest;

namespace {

cri::ContainerStats container_stats(cri::RuntimeService::Stub& runtime, const std::string& id) {
  cri::ContainerStatsRequest request;
  request.set_container_id(id);
  cri::ContainerStatsResponse response;
  const auto status = runtime.ContainerStats(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return response.stats();
}

std::vector<cri::ContainerStats> list_stats(cri::RuntimeService::Stub& runtime,
                                            const cri::ContainerStatsFilter& filter) {
  cri::ListContainerStatsRequest request;
  *request.mutable_filter() = filter;
  cri::ListContainerStatsResponse response;
  const auto status = runtime.ListContainerStats(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return {response.stats().begin(), response.stats().end()};
}

std::set<std::string> ids_of(const std::vector<cri::ContainerStats>& stats) {
  std::set<std::string> ids;
  for (const auto& s : stats) ids.insert(s.attributes().id());
  return ids;
}

cri::PodSandboxStats pod_stats(cri::RuntimeService::Stub& runtime, const std::string& id) {
  cri::PodSandboxStatsRequest request;
  request.set_pod_sandbox_id(id);
  cri::PodSandboxStatsResponse response;
  const auto status = runtime.PodSandboxStats(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return response.stats();
}

}  // namespace

TEST_CASE("ContainerStats: CPU grows while a container burns it, with a rate on the second call") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "stats-cpu");
  pod.run();
  const auto id = pod.create_and_start("burn", "while :; do :; done");

  const auto first = container_stats(*runtime, id);
  CHECK(first.attributes().id() == id);
  CHECK(first.attributes().metadata().name() == "burn");
  CHECK(first.attributes().labels().at("io.kubernetes.pod.uid") == pod.config().metadata().uid());
  CHECK(first.cpu().timestamp() > 0);
  CHECK(first.memory().timestamp() > 0);
  REQUIRE(first.cpu().has_usage_core_nano_seconds());
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const auto second = container_stats(*runtime, id);
  CHECK(second.cpu().timestamp() > first.cpu().timestamp());
  // At least a tenth of a core over 1.2 s, however busy the machine is.
  CHECK(second.cpu().usage_core_nano_seconds().value() >
        first.cpu().usage_core_nano_seconds().value() + 100'000'000);
  REQUIRE(second.cpu().has_usage_nano_cores());
  CHECK(second.cpu().usage_nano_cores().value() > 100'000'000);
  CHECK(second.memory().working_set_bytes().value() > 0);
  CHECK(second.memory().usage_bytes().value() >= second.memory().working_set_bytes().value());
  CHECK(second.memory().has_rss_bytes());
  CHECK(second.memory().page_faults().value() > 0);
}

TEST_CASE("ContainerStats: working set grows when the container fills a tmpfs; limit gives available") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "stats-mem");
  pod.run();
  auto config = pod.container_config("mem", "sleep 3600");
  config.mutable_linux()->mutable_resources()->set_memory_limit_in_bytes(256 * 1024 * 1024);
  const auto id = pod.create(config);
  pod.start(id);

  const auto before = container_stats(*runtime, id);
  const auto exec = pod.exec(id, "head -c 41943040 /dev/zero > /dev/shm/fill && echo done");
  REQUIRE(exec.out == "done\n");
  const auto after = container_stats(*runtime, id);
  CHECK(after.memory().working_set_bytes().value() >=
        before.memory().working_set_bytes().value() + 30 * 1024 * 1024);
  REQUIRE(after.memory().has_available_bytes());
  CHECK(after.memory().available_bytes().value() ==
        256ull * 1024 * 1024 - after.memory().working_set_bytes().value());
  CHECK(after.memory().usage_bytes().value() >= after.memory().working_set_bytes().value());
}

TEST_CASE("ContainerStats: the writable layer grows after a file is written") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "stats-layer");
  pod.run();
  const auto id = pod.create_and_start("layer", "sleep 3600");

  const auto before = container_stats(*runtime, id);
  REQUIRE(before.has_writable_layer());
  CHECK_FALSE(before.writable_layer().fs_id().mountpoint().empty());
  CHECK(before.writable_layer().timestamp() > 0);
  REQUIRE(pod.exec(id, "mkdir /written && head -c 2097152 /dev/urandom > /written/blob && echo ok").out == "ok\n");
  // Walks are remembered for 2 s.
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  const auto after = container_stats(*runtime, id);
  CHECK(after.writable_layer().used_bytes().value() >=
        before.writable_layer().used_bytes().value() + 2097152);
  CHECK(after.writable_layer().inodes_used().value() >= before.writable_layer().inodes_used().value() + 2);
}

TEST_CASE("ListContainerStats: filters by ID, ID prefix, sandbox and labels; no filter is every running container") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod a(*runtime, "stats-list-a");
  a.run();
  Pod b(*runtime, "stats-list-b");
  b.run();
  const auto a1 = a.create_and_start("one", "sleep 3600");
  auto labelled = a.container_config("two", "sleep 3600");
  (*labelled.mutable_labels())["stats-test"] = "picked";
  const auto a2 = a.create(labelled);
  a.start(a2);
  const auto b1 = b.create_and_start("three", "sleep 3600");
  const auto created = b.create(b.container_config("never-started", "sleep 3600"));

  cri::ContainerStatsFilter none;
  const auto all = ids_of(list_stats(*runtime, none));
  CHECK(all.count(a1));
  CHECK(all.count(a2));
  CHECK(all.count(b1));
  CHECK_FALSE(all.count(created));  // not running
  CHECK_FALSE(all.count(a.id()));   // sandboxes are not containers

  cri::ContainerStatsFilter by_id;
  by_id.set_id(a1);
  CHECK(ids_of(list_stats(*runtime, by_id)) == std::set<std::string>{a1});
  by_id.set_id(a1.substr(0, 12));
  CHECK(ids_of(list_stats(*runtime, by_id)) == std::set<std::string>{a1});
  by_id.set_id(created);  // named: found although not running, with zero usage
  const auto stopped = list_stats(*runtime, by_id);
  REQUIRE(stopped.size() == 1);
  CHECK(stopped[0].cpu().usage_core_nano_seconds().value() == 0);
  CHECK(stopped[0].memory().timestamp() > 0);
  by_id.set_id("0000000000000000000000000000000000000000000000000000000000000000");
  CHECK(list_stats(*runtime, by_id).empty());

  cri::ContainerStatsFilter by_pod;
  by_pod.set_pod_sandbox_id(a.id());
  CHECK(ids_of(list_stats(*runtime, by_pod)) == std::set<std::string>{a1, a2});
  by_pod.set_pod_sandbox_id(b.id().substr(0, 13));
  CHECK(ids_of(list_stats(*runtime, by_pod)) == std::set<std::string>{b1});

  cri::ContainerStatsFilter by_label;
  (*by_label.mutable_label_selector())["stats-test"] = "picked";
  CHECK(ids_of(list_stats(*runtime, by_label)) == std::set<std::string>{a2});
  by_label.set_pod_sandbox_id(b.id());
  CHECK(list_stats(*runtime, by_label).empty());

  // The stream twin gives the same containers.
  cri::StreamContainerStatsRequest stream_request;
  stream_request.mutable_filter()->set_pod_sandbox_id(a.id());
  auto ctx = context();
  auto reader = runtime->StreamContainerStats(ctx.get(), stream_request);
  std::set<std::string> streamed;
  cri::StreamContainerStatsResponse page;
  while (reader->Read(&page))
    for (const auto& s : page.container_stats()) streamed.insert(s.attributes().id());
  const auto finished = reader->Finish();
  REQUIRE_MESSAGE(finished.ok(), finished.error_message());
  CHECK(streamed == std::set<std::string>{a1, a2});

  // A stopped container named by ContainerStats: no error, zero usage.
  const auto zero = container_stats(*runtime, created);
  CHECK(zero.attributes().id() == created);
  CHECK(zero.cpu().timestamp() > 0);
  CHECK(zero.memory().working_set_bytes().value() == 0);
}

TEST_CASE("Stats of unknown IDs: NOT_FOUND; an empty ID: INVALID_ARGUMENT") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  const std::string unknown = "feedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedfacefeedface";
  {
    cri::ContainerStatsRequest request;
    request.set_container_id(unknown);
    cri::ContainerStatsResponse response;
    const auto status = runtime->ContainerStats(context().get(), request, &response);
    CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);
    CHECK(status.error_message().find(unknown) != std::string::npos);
  }
  {
    cri::PodSandboxStatsRequest request;
    request.set_pod_sandbox_id(unknown);
    cri::PodSandboxStatsResponse response;
    CHECK(runtime->PodSandboxStats(context().get(), request, &response).error_code() ==
          grpc::StatusCode::NOT_FOUND);
  }
  {
    cri::ContainerStatsResponse response;
    CHECK(runtime->ContainerStats(context().get(), cri::ContainerStatsRequest(), &response).error_code() ==
          grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    cri::ListPodSandboxStatsRequest request;
    request.mutable_filter()->set_id(unknown);
    cri::ListPodSandboxStatsResponse response;
    REQUIRE(runtime->ListPodSandboxStats(context().get(), request, &response).ok());
    CHECK(response.stats_size() == 0);
  }
}

TEST_CASE("PodSandboxStats: network, process count, pod CPU and memory, its containers") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "stats-pod");
  (*pod.config().mutable_labels())["stats-pod-test"] = "yes";
  pod.run();
  const auto c1 = pod.create_and_start("one", "sleep 3600");
  const auto c2 = pod.create_and_start("two", "sleep 3600 & sleep 3600");
  // Some traffic through the pod's interface (to its gateway), so that
  // counters move even on a quiet bridge.
  pod.exec(c1, "ping -c 2 -W 1 $(ip route | awk '/default/ {print $3}') >/dev/null 2>&1; true");

  const auto stats = pod_stats(*runtime, pod.id());
  CHECK(stats.attributes().id() == pod.id());
  CHECK(stats.attributes().metadata().name() == pod.config().metadata().name());
  CHECK(stats.attributes().labels().at("stats-pod-test") == "yes");
  const auto& linux_stats = stats.linux();
  CHECK(linux_stats.cpu().timestamp() > 0);
  CHECK(linux_stats.cpu().usage_core_nano_seconds().value() > 0);
  CHECK(linux_stats.memory().working_set_bytes().value() > 0);
  CHECK(linux_stats.network().timestamp() > 0);
  CHECK(linux_stats.network().default_interface().name() == "eth0");
  CHECK(linux_stats.network().default_interface().rx_bytes().value() > 0);
  CHECK(linux_stats.network().interfaces_size() >= 1);
  // pause, one sleep, two sleeps and their sh.
  CHECK(linux_stats.process().process_count().value() >= 4);
  std::set<std::string> inside;
  for (const auto& c : linux_stats.containers()) inside.insert(c.attributes().id());
  CHECK(inside == std::set<std::string>{c1, c2});
  // The pod's CPU is at least its containers'.
  std::uint64_t containers_cpu = 0;
  for (const auto& c : linux_stats.containers()) containers_cpu += c.cpu().usage_core_nano_seconds().value();
  CHECK(linux_stats.cpu().usage_core_nano_seconds().value() >= containers_cpu);

  // By prefix too, and in the list with filters.
  CHECK(pod_stats(*runtime, pod.id().substr(0, 12)).attributes().id() == pod.id());
  cri::ListPodSandboxStatsRequest request;
  (*request.mutable_filter()->mutable_label_selector())["stats-pod-test"] = "yes";
  cri::ListPodSandboxStatsResponse response;
  REQUIRE(runtime->ListPodSandboxStats(context().get(), request, &response).ok());
  bool found = false;
  for (const auto& s : response.stats()) found = found || s.attributes().id() == pod.id();
  CHECK(found);
  request.mutable_filter()->set_id(pod.id());
  response.Clear();
  REQUIRE(runtime->ListPodSandboxStats(context().get(), request, &response).ok());
  REQUIRE(response.stats_size() == 1);
  CHECK(response.stats(0).linux().containers_size() == 2);

  cri::StreamPodSandboxStatsRequest stream_request;
  stream_request.mutable_filter()->set_id(pod.id());
  auto ctx = context();
  auto reader = runtime->StreamPodSandboxStats(ctx.get(), stream_request);
  int streamed = 0;
  cri::StreamPodSandboxStatsResponse page;
  while (reader->Read(&page)) streamed += page.pod_sandbox_stats_size();
  REQUIRE(reader->Finish().ok());
  CHECK(streamed == 1);
}

TEST_CASE("Metrics: descriptors, and each pod's and container's cAdvisor metrics") {
  ShimProcess shim;
  auto runtime = shim.runtime();
  Pod pod(*runtime, "stats-metrics");
  pod.run();
  const auto id = pod.create_and_start("app", "sleep 3600");

  cri::ListMetricDescriptorsResponse descriptors;
  REQUIRE(runtime->ListMetricDescriptors(context().get(), cri::ListMetricDescriptorsRequest(), &descriptors).ok());
  std::map<std::string, int> keys;
  for (const auto& d : descriptors.descriptors()) keys[d.name()] = d.label_keys_size();
  for (const char* name : {"container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
                           "container_memory_usage_bytes", "container_memory_rss",
                           "container_network_receive_bytes_total",
                           "container_network_transmit_bytes_total", "container_fs_usage_bytes"})
    CHECK_MESSAGE(keys.count(name), name);

  cri::ListPodSandboxMetricsResponse response;
  REQUIRE(runtime->ListPodSandboxMetrics(context().get(), cri::ListPodSandboxMetricsRequest(), &response).ok());
  const cri::PodSandboxMetrics* ours = nullptr;
  for (const auto& m : response.pod_metrics())
    if (m.pod_sandbox_id() == pod.id()) ours = &m;
  REQUIRE(ours != nullptr);
  std::set<std::string> pod_metric_names;
  for (const auto& metric : ours->metrics()) {
    pod_metric_names.insert(metric.name());
    CHECK(metric.label_values_size() == keys[metric.name()]);
  }
  CHECK(pod_metric_names.count("container_network_receive_bytes_total"));
  REQUIRE(ours->container_metrics_size() == 1);
  CHECK(ours->container_metrics(0).container_id() == id);
  std::set<std::string> names;
  for (const auto& metric : ours->container_metrics(0).metrics()) {
    names.insert(metric.name());
    CHECK(metric.label_values_size() == keys[metric.name()]);
    CHECK(metric.timestamp() > 0);
  }
  CHECK(names.count("container_memory_working_set_bytes"));
  CHECK(names.count("container_cpu_usage_seconds_total"));
  CHECK(names.count("container_fs_usage_bytes"));

  auto ctx = context();
  auto reader = runtime->StreamPodSandboxMetrics(ctx.get(), cri::StreamPodSandboxMetricsRequest());
  bool streamed = false;
  cri::StreamPodSandboxMetricsResponse page;
  while (reader->Read(&page))
    for (const auto& m : page.pod_sandbox_metrics()) streamed = streamed || m.pod_sandbox_id() == pod.id();
  REQUIRE(reader->Finish().ok());
  CHECK(streamed);
}
