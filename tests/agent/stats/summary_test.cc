// The Summary builder on fixed CRI answers and node readings: every field
// named and typed as kubelet's stats/v1alpha1 types, values where kubelet
// puts them.
#include <doctest/doctest.h>

#include "agent/stats/summary.h"
#include "tests/agent/support/json_schema.h"

namespace agent::stats {

namespace {

constexpr int64_t kSecond = 1000000000LL;
constexpr int64_t kNow = 1764979200LL * kSecond;  // 2025-12-06T00:00:00Z

void set(cri::UInt64Value* v, uint64_t value) { v->set_value(value); }

cri::PodSandbox sandbox(const std::string& id, const std::string& name, const std::string& uid, int64_t created,
                        cri::PodSandboxState state = cri::SANDBOX_READY) {
  cri::PodSandbox s;
  s.set_id(id);
  s.mutable_metadata()->set_name(name);
  s.mutable_metadata()->set_namespace_("default");
  s.mutable_metadata()->set_uid(uid);
  s.set_created_at(created);
  s.set_state(state);
  return s;
}

SummaryInputs fixture() {
  SummaryInputs in;
  in.now_ns = kNow;
  NodeInputs& n = in.node;
  n.node_name = "node-1";
  n.start_time_ns = kNow - 3600 * kSecond;
  n.cpu_time_ns = kNow;
  n.cpu_usage_core_ns = 5000000000ULL;
  n.cpu_usage_nano_cores = 250000000ULL;
  NodeMemory m;
  m.time_ns = kNow;
  m.capacity_bytes = 8ULL << 30;
  m.usage_bytes = 3ULL << 30;
  m.working_set_bytes = 2ULL << 30;
  m.available_bytes = 6ULL << 30;
  m.rss_bytes = 1ULL << 30;
  m.page_faults = 100;
  m.major_page_faults = 2;
  n.memory = m;
  n.network_time_ns = kNow;
  n.interfaces = {{"eth0", 1000, 1, 2000, 2}, {"ens4", 10, 0, 20, 0}};
  n.default_interface = "eth0";
  FsInfo root;
  root.time_ns = kNow;
  root.capacity_bytes = 100ULL << 30;
  root.available_bytes = 40ULL << 30;
  root.used_bytes = 60ULL << 30;
  root.inodes = 1000000;
  root.inodes_free = 900000;
  n.root_fs = root;
  cri::FilesystemUsage image_fs;
  image_fs.set_timestamp(kNow);
  image_fs.mutable_fs_id()->set_mountpoint("/var/lib/docker");
  set(image_fs.mutable_used_bytes(), 5ULL << 30);
  set(image_fs.mutable_inodes_used(), 5000);
  n.image_fs_usage = image_fs;
  in.filesystems["/var/lib/docker"] = root;
  n.rlimit_time_ns = kNow;
  n.max_pid = 4194304;
  n.cur_proc = 321;

  *in.pods.sandboxes.add_items() = sandbox("sb1", "web", "uid-1", kNow - 60 * kSecond);
  // An older, exited sandbox of the same pod: kubelet reports the READY one only.
  *in.pods.sandboxes.add_items() = sandbox("sb0", "web", "uid-1", kNow - 120 * kSecond, cri::SANDBOX_NOTREADY);
  auto* running = in.pods.containers.add_containers();
  running->set_id("c1");
  running->set_pod_sandbox_id("sb1");
  running->mutable_metadata()->set_name("app");
  running->set_created_at(kNow - 50 * kSecond);
  running->set_state(cri::CONTAINER_RUNNING);
  auto* exited = in.pods.containers.add_containers();
  exited->set_id("c0");
  exited->set_pod_sandbox_id("sb1");
  exited->mutable_metadata()->set_name("app");
  exited->set_state(cri::CONTAINER_EXITED);

  auto* ps = in.pods.pod_stats.add_stats();
  ps->mutable_attributes()->set_id("sb1");
  auto* linux = ps->mutable_linux();
  linux->mutable_cpu()->set_timestamp(kNow);
  set(linux->mutable_cpu()->mutable_usage_core_nano_seconds(), 777);
  set(linux->mutable_cpu()->mutable_usage_nano_cores(), 12);
  linux->mutable_memory()->set_timestamp(kNow);
  set(linux->mutable_memory()->mutable_working_set_bytes(), 4096);
  set(linux->mutable_memory()->mutable_usage_bytes(), 8192);
  linux->mutable_network()->set_timestamp(kNow);
  auto* eth0 = linux->mutable_network()->mutable_default_interface();
  eth0->set_name("eth0");
  set(eth0->mutable_rx_bytes(), 11);
  set(eth0->mutable_tx_bytes(), 22);
  *linux->mutable_network()->add_interfaces() = *eth0;
  linux->mutable_process()->set_timestamp(kNow);
  set(linux->mutable_process()->mutable_process_count(), 3);
  for (const char* id : {"c1", "c0"}) {
    auto* cs = linux->add_containers();
    cs->mutable_attributes()->set_id(id);
    cs->mutable_attributes()->mutable_metadata()->set_name("app");
    cs->mutable_cpu()->set_timestamp(kNow);
    set(cs->mutable_cpu()->mutable_usage_core_nano_seconds(), 700);
    cs->mutable_memory()->set_timestamp(kNow);
    set(cs->mutable_memory()->mutable_working_set_bytes(), 2048);
    cs->mutable_writable_layer()->set_timestamp(kNow);
    cs->mutable_writable_layer()->mutable_fs_id()->set_mountpoint("/var/lib/docker");
    set(cs->mutable_writable_layer()->mutable_used_bytes(), 4096);
    set(cs->mutable_writable_layer()->mutable_inodes_used(), 4);
  }
  in.pods.volumes["uid-1"] = {{"cache", {1048576 + 4096, 2}, kNow}};
  in.pods.container_logs[container_log_key("uid-1", "app")] = {8192, 3};
  return in;
}

}  // namespace

TEST_CASE("summary: every field is a field of kubelet's Summary with its JSON type") {
  const auto summary = build_summary(fixture());
  const auto errors = agent::testing::schema_errors(summary, agent::testing::summary_schema());
  for (const auto& e : errors) MESSAGE(e);
  CHECK(errors.empty());
}

TEST_CASE("summary: the node from its readings") {
  const auto node = build_summary(fixture())["node"];
  CHECK(node["nodeName"] == "node-1");
  CHECK(node["startTime"] == "2025-12-05T23:00:00Z");
  CHECK(node["cpu"]["usageNanoCores"] == 250000000ULL);
  CHECK(node["cpu"]["usageCoreNanoSeconds"] == 5000000000ULL);
  CHECK(node["memory"]["workingSetBytes"] == (2ULL << 30));
  CHECK(node["memory"]["availableBytes"] == (6ULL << 30));
  CHECK(node["memory"]["majorPageFaults"] == 2);
  // The default interface inlined, every interface listed.
  CHECK(node["network"]["name"] == "eth0");
  CHECK(node["network"]["rxBytes"] == 1000);
  CHECK(node["network"]["interfaces"].size() == 2);
  CHECK(node["fs"]["capacityBytes"] == (100ULL << 30));
  CHECK(node["fs"]["inodesUsed"] == 100000);
  CHECK(node["runtime"]["imageFs"]["usedBytes"] == (5ULL << 30));
  CHECK(node["runtime"]["imageFs"]["availableBytes"] == (40ULL << 30));
  CHECK(node["runtime"]["imageFs"]["inodesUsed"] == 5000);
  CHECK(node["rlimit"]["maxpid"] == 4194304);
  CHECK(node["rlimit"]["curproc"] == 321);
}

TEST_CASE("summary: the first CPU sample has no usageNanoCores, as kubelet's") {
  auto in = fixture();
  in.node.cpu_usage_nano_cores.reset();
  const auto cpu = build_summary(in)["node"]["cpu"];
  CHECK_FALSE(cpu.contains("usageNanoCores"));
  CHECK(cpu.contains("usageCoreNanoSeconds"));
}

TEST_CASE("summary: an image filesystem this node cannot stat has no capacity") {
  auto in = fixture();
  in.filesystems.clear();
  const auto image_fs = build_summary(in)["node"]["runtime"]["imageFs"];
  CHECK(image_fs.contains("usedBytes"));
  CHECK_FALSE(image_fs.contains("capacityBytes"));
  CHECK_FALSE(image_fs.contains("availableBytes"));
}

TEST_CASE("summary: one pod per pod, its running containers, volumes and ephemeral storage") {
  const auto pods = build_summary(fixture())["pods"];
  REQUIRE(pods.size() == 1);
  const auto& pod = pods[0];
  CHECK(pod["podRef"] == nlohmann::json{{"name", "web"}, {"namespace", "default"}, {"uid", "uid-1"}});
  CHECK(pod["startTime"] == "2025-12-05T23:59:00Z");
  REQUIRE(pod["containers"].size() == 1);  // the exited "app" is left out
  const auto& c = pod["containers"][0];
  CHECK(c["name"] == "app");
  CHECK(c["startTime"] == "2025-12-05T23:59:10Z");
  CHECK(c["memory"]["workingSetBytes"] == 2048);
  CHECK(c["rootfs"]["usedBytes"] == 4096);
  CHECK(c["rootfs"]["capacityBytes"] == (100ULL << 30));
  CHECK(c["logs"]["usedBytes"] == 8192);
  CHECK(pod["cpu"]["usageNanoCores"] == 12);
  CHECK(pod["memory"]["usageBytes"] == 8192);
  CHECK(pod["network"]["name"] == "eth0");
  CHECK(pod["network"]["txBytes"] == 22);
  CHECK_FALSE(pod["network"].contains("rxErrors"));  // unset by the runtime: omitted, not 0
  CHECK(pod["process_stats"]["process_count"] == 3);
  REQUIRE(pod["volume"].size() == 1);
  CHECK(pod["volume"][0]["name"] == "cache");
  CHECK(pod["volume"][0]["usedBytes"] == 1048576 + 4096);
  // rootfs + logs + volumes.
  CHECK(pod["ephemeral-storage"]["usedBytes"] == 4096 + 8192 + 1048576 + 4096);
  CHECK(pod["ephemeral-storage"]["inodesUsed"] == 4 + 3 + 2);
  CHECK(pod["ephemeral-storage"]["capacityBytes"] == (100ULL << 30));
}

TEST_CASE("summary: without any sandbox, pods is an empty list") {
  SummaryInputs in;
  in.node.node_name = "n";
  const auto summary = build_summary(in);
  CHECK(summary["pods"].is_array());
  CHECK(summary["pods"].empty());
  CHECK(agent::testing::schema_errors(summary, agent::testing::summary_schema()).empty());
}

TEST_CASE("summary: a pod with only exited sandboxes is reported by its newest") {
  cri::ListPodSandboxResponse list;
  *list.add_items() = sandbox("old", "p", "u1", 1, cri::SANDBOX_NOTREADY);
  *list.add_items() = sandbox("new", "p", "u2", 2, cri::SANDBOX_NOTREADY);
  const auto picked = reported_sandboxes(list);
  REQUIRE(picked.size() == 1);
  CHECK(picked[0]->id() == "new");
}

TEST_CASE("summary: only_cpu_and_memory keeps what metrics-server reads") {
  const auto view = only_cpu_and_memory(build_summary(fixture()));
  CHECK(agent::testing::schema_errors(view, agent::testing::summary_schema()).empty());
  CHECK(view["node"]["nodeName"] == "node-1");
  CHECK(view["node"].contains("cpu"));
  CHECK(view["node"].contains("memory"));
  CHECK_FALSE(view["node"].contains("fs"));
  CHECK_FALSE(view["node"].contains("network"));
  const auto& pod = view["pods"][0];
  CHECK(pod["podRef"]["uid"] == "uid-1");
  CHECK(pod.contains("memory"));
  CHECK_FALSE(pod.contains("ephemeral-storage"));
  CHECK_FALSE(pod.contains("volume"));
  CHECK(pod["containers"][0].contains("memory"));
  CHECK_FALSE(pod["containers"][0].contains("rootfs"));
}

TEST_CASE("summary: metav1 times are whole seconds in UTC") {
  CHECK(metav1_time(kNow + 999999999) == "2025-12-06T00:00:00Z");
}

}  // namespace agent::stats
