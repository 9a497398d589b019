#include <doctest/doctest.h>

#include "agent/runtime/cri_configs.h"
#include "pod_fixture.h"

using namespace agent;
using namespace agent::runtime;

namespace {

pod::ResourceRequirements cpu(std::optional<int64_t> request, std::optional<int64_t> limit) {
  pod::ResourceRequirements r;
  r.requests.cpu_milli = request;
  r.limits.cpu_milli = limit;
  return r;
}

pod::Container with_resources(std::optional<int64_t> cpu_req, std::optional<int64_t> mem_req,
                              std::optional<int64_t> cpu_lim, std::optional<int64_t> mem_lim,
                              const std::string& name = "app") {
  pod::Container c;
  c.name = name;
  c.image = "busybox";
  c.resources.requests = {cpu_req, mem_req};
  c.resources.limits = {cpu_lim, mem_lim};
  return c;
}

constexpr int64_t Mi = 1024 * 1024;

}  // namespace

TEST_CASE("cpu shares follow kubelet's milliCPUToShares") {
  CHECK(make_linux_resources(cpu(100, std::nullopt)).cpu_shares() == 102);
  CHECK(make_linux_resources(cpu(1000, std::nullopt)).cpu_shares() == 1024);
  CHECK(make_linux_resources(cpu(250, std::nullopt)).cpu_shares() == 256);
  // No request: the minimum, 2.
  CHECK(make_linux_resources(cpu(std::nullopt, std::nullopt)).cpu_shares() == 2);
  // 1m would be 1 share: raised to the minimum.
  CHECK(make_linux_resources(cpu(1, std::nullopt)).cpu_shares() == 2);
  // Capped at the cgroup maximum.
  CHECK(make_linux_resources(cpu(1000000, std::nullopt)).cpu_shares() == 262144);
  // A limit without a request gives the shares (kubelet, before defaulting).
  CHECK(make_linux_resources(cpu(std::nullopt, 500)).cpu_shares() == 512);
}

TEST_CASE("cpu quota and period come from the limit only") {
  auto r = make_linux_resources(cpu(100, 500));
  CHECK(r.cpu_period() == 100000);
  CHECK(r.cpu_quota() == 50000);
  CHECK(r.cpu_shares() == 102);

  r = make_linux_resources(cpu(std::nullopt, 2000));
  CHECK(r.cpu_quota() == 200000);

  // 1m would be a 100 µs quota: raised to kubelet's 1 ms minimum.
  CHECK(make_linux_resources(cpu(1, 1)).cpu_quota() == 1000);

  r = make_linux_resources(cpu(100, std::nullopt));
  CHECK(r.cpu_period() == 0);
  CHECK(r.cpu_quota() == 0);
}

TEST_CASE("memory limit in bytes; no limit leaves it 0") {
  pod::ResourceRequirements r;
  r.limits.memory_bytes = 128 * Mi;
  CHECK(make_linux_resources(r).memory_limit_in_bytes() == 128 * Mi);
  CHECK(make_linux_resources(pod::ResourceRequirements{}).memory_limit_in_bytes() == 0);
  CHECK(make_linux_resources(r).oom_score_adj() == 0);  // set by make_container_config
}

TEST_CASE("QoS class over init and app containers") {
  pod::Pod pod = test::basic_pod();
  CHECK(pod_qos_class(pod) == QosClass::BestEffort);

  pod.spec.containers[0] = with_resources(500, 64 * Mi, 500, 64 * Mi);
  CHECK(pod_qos_class(pod) == QosClass::Guaranteed);
  CHECK(std::string(to_string(pod_qos_class(pod))) == "Guaranteed");

  SUBCASE("request below the limit: Burstable") {
    pod.spec.containers[0].resources.requests.cpu_milli = 250;
    CHECK(pod_qos_class(pod) == QosClass::Burstable);
  }
  SUBCASE("one container without limits: Burstable") {
    pod.spec.containers.push_back(with_resources(std::nullopt, std::nullopt, std::nullopt, std::nullopt, "side"));
    CHECK(pod_qos_class(pod) == QosClass::Burstable);
  }
  SUBCASE("an init container counts too") {
    pod.spec.init_containers.push_back(with_resources(100, std::nullopt, std::nullopt, std::nullopt, "init"));
    CHECK(pod_qos_class(pod) == QosClass::Burstable);
  }
  SUBCASE("only a cpu limit: Burstable") {
    pod.spec.containers[0] = with_resources(500, std::nullopt, 500, std::nullopt);
    CHECK(pod_qos_class(pod) == QosClass::Burstable);
  }
}

TEST_CASE("OOM score by QoS, as kubelet's policy") {
  pod::Pod pod = test::basic_pod();
  CHECK(container_oom_score_adj(pod, pod.spec.containers[0], 1024 * Mi) == 1000);

  pod.spec.containers[0] = with_resources(500, 64 * Mi, 500, 64 * Mi);
  CHECK(container_oom_score_adj(pod, pod.spec.containers[0], 1024 * Mi) == -997);

  // Burstable: 1000 - 1000 * request / capacity.
  pod.spec.containers[0] = with_resources(100, 256 * Mi, std::nullopt, std::nullopt);
  CHECK(container_oom_score_adj(pod, pod.spec.containers[0], 1024 * Mi) == 750);
  // At least 3 (above Guaranteed), at most 999 (below BestEffort).
  pod.spec.containers[0] = with_resources(100, 1024 * Mi, std::nullopt, std::nullopt);
  CHECK(container_oom_score_adj(pod, pod.spec.containers[0], 1024 * Mi) == 3);
  pod.spec.containers[0] = with_resources(100, std::nullopt, std::nullopt, std::nullopt);
  CHECK(container_oom_score_adj(pod, pod.spec.containers[0], 1024 * Mi) == 999);
  // Capacity unknown: 999.
  pod.spec.containers[0] = with_resources(100, 256 * Mi, std::nullopt, std::nullopt);
  CHECK(container_oom_score_adj(pod, pod.spec.containers[0], 0) == 999);
}
