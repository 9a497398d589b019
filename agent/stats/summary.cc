#include "agent/stats/summary.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "common/rfc3339.h"

namespace agent::stats {

namespace {

using nlohmann::json;

// Puts a CRI UInt64Value under `key` when the runtime set it (kubelet's
// pointer fields: unset is omitted, not 0).
template <typename Message>
void put_u64(json& out, const char* key, bool has, const Message& value) {
  if (has) out[key] = static_cast<uint64_t>(value.value());
}

void put_fs_capacity(json& out, const FsInfo& fs) {
  out["availableBytes"] = fs.available_bytes;
  out["capacityBytes"] = fs.capacity_bytes;
  out["inodesFree"] = fs.inodes_free;
  out["inodes"] = fs.inodes;
}

json interface_json(const cri::NetworkInterfaceUsage& i) {
  json out = {{"name", i.name()}};
  put_u64(out, "rxBytes", i.has_rx_bytes(), i.rx_bytes());
  put_u64(out, "rxErrors", i.has_rx_errors(), i.rx_errors());
  put_u64(out, "txBytes", i.has_tx_bytes(), i.tx_bytes());
  put_u64(out, "txErrors", i.has_tx_errors(), i.tx_errors());
  return out;
}

json interface_json(const InterfaceCounters& i) {
  return {{"name", i.name}, {"rxBytes", i.rx_bytes}, {"rxErrors", i.rx_errors}, {"txBytes", i.tx_bytes},
          {"txErrors", i.tx_errors}};
}

json cpu_json(const cri::CpuUsage& cpu) {
  json out = {{"time", metav1_time(cpu.timestamp())}};
  put_u64(out, "usageNanoCores", cpu.has_usage_nano_cores(), cpu.usage_nano_cores());
  put_u64(out, "usageCoreNanoSeconds", cpu.has_usage_core_nano_seconds(), cpu.usage_core_nano_seconds());
  return out;
}

json memory_json(const cri::MemoryUsage& m) {
  json out = {{"time", metav1_time(m.timestamp())}};
  put_u64(out, "availableBytes", m.has_available_bytes(), m.available_bytes());
  put_u64(out, "usageBytes", m.has_usage_bytes(), m.usage_bytes());
  put_u64(out, "workingSetBytes", m.has_working_set_bytes(), m.working_set_bytes());
  put_u64(out, "rssBytes", m.has_rss_bytes(), m.rss_bytes());
  put_u64(out, "pageFaults", m.has_page_faults(), m.page_faults());
  put_u64(out, "majorPageFaults", m.has_major_page_faults(), m.major_page_faults());
  return out;
}

// NetworkStats: the default interface inlined, every interface listed.
json pod_network_json(const cri::NetworkUsage& n) {
  json out = {{"time", metav1_time(n.timestamp())}};
  if (n.has_default_interface()) out.update(interface_json(n.default_interface()));
  else out["name"] = "";
  json list = json::array();
  for (const auto& i : n.interfaces()) list.push_back(interface_json(i));
  if (!list.empty()) out["interfaces"] = std::move(list);
  return out;
}

// Adds `value` to the optional counter at out[key] (kubelet's addUsage).
void add_usage(json& out, const char* key, uint64_t value) {
  out[key] = (out.contains(key) ? out[key].get<uint64_t>() : 0) + value;
}

void later_time(json& out, int64_t& latest_ns, int64_t candidate_ns) {
  if (candidate_ns > latest_ns) {
    latest_ns = candidate_ns;
    out["time"] = metav1_time(candidate_ns);
  }
}

struct PodKey {
  std::string namespace_, name;
  bool operator<(const PodKey& o) const { return std::tie(namespace_, name) < std::tie(o.namespace_, o.name); }
};

class PodBuilder {
 public:
  PodBuilder(const SummaryInputs& in) : in_(in) {
    for (const auto& c : in.pods.containers.containers())
      if (c.state() == cri::CONTAINER_RUNNING) running_[c.id()] = &c;
  }

  json build(const cri::PodSandbox& sandbox, const cri::PodSandboxStats* stats) const {
    const auto& meta = sandbox.metadata();
    json pod = {{"podRef", {{"name", meta.name()}, {"namespace", meta.namespace_()}, {"uid", meta.uid()}}},
                {"startTime", metav1_time(sandbox.created_at())},
                {"containers", json::array()}};
    const std::optional<FsInfo> root = in_.node.root_fs;
    int64_t eph_time = root ? root->time_ns : in_.now_ns;
    json eph = {{"time", metav1_time(eph_time)}};
    if (root) put_fs_capacity(eph, *root);

    if (stats != nullptr && stats->has_linux()) {
      const auto& linux = stats->linux();
      std::vector<json> containers;
      for (const auto& cs : linux.containers()) {
        auto it = running_.find(cs.attributes().id());
        if (it == running_.end()) continue;
        containers.push_back(container_json(cs, *it->second, meta.uid(), eph, eph_time));
      }
      std::sort(containers.begin(), containers.end(),
                [](const json& a, const json& b) { return a["name"] < b["name"]; });
      for (auto& c : containers) pod["containers"].push_back(std::move(c));
      if (linux.has_cpu()) pod["cpu"] = cpu_json(linux.cpu());
      if (linux.has_memory()) pod["memory"] = memory_json(linux.memory());
      if (linux.has_network()) pod["network"] = pod_network_json(linux.network());
      if (linux.has_process() && linux.process().has_process_count())
        pod["process_stats"] = {{"process_count", static_cast<uint64_t>(linux.process().process_count().value())}};
    }

    auto volumes = in_.pods.volumes.find(meta.uid());
    if (volumes != in_.pods.volumes.end() && !volumes->second.empty()) {
      json list = json::array();
      for (const auto& v : volumes->second) {
        json volume = {{"time", metav1_time(v.time_ns)}};
        if (root) put_fs_capacity(volume, *root);
        volume["usedBytes"] = v.usage.bytes;
        volume["inodesUsed"] = v.usage.inodes;
        volume["name"] = v.name;
        add_usage(eph, "usedBytes", v.usage.bytes);
        add_usage(eph, "inodesUsed", v.usage.inodes);
        later_time(eph, eph_time, v.time_ns);
        list.push_back(std::move(volume));
      }
      pod["volume"] = std::move(list);
    }
    pod["ephemeral-storage"] = std::move(eph);
    return pod;
  }

 private:
  json container_json(const cri::ContainerStats& cs, const cri::Container& container, const std::string& uid,
                      json& eph, int64_t& eph_time) const {
    const std::string name = cs.attributes().metadata().name();
    json out = {{"name", name}, {"startTime", metav1_time(container.created_at())}};
    if (cs.has_cpu()) out["cpu"] = cpu_json(cs.cpu());
    if (cs.has_memory()) out["memory"] = memory_json(cs.memory());
    if (cs.has_writable_layer()) {
      const auto& layer = cs.writable_layer();
      json rootfs = {{"time", metav1_time(layer.timestamp())}};
      auto fs = in_.filesystems.find(layer.fs_id().mountpoint());
      if (layer.has_fs_id() && fs != in_.filesystems.end()) put_fs_capacity(rootfs, fs->second);
      put_u64(rootfs, "usedBytes", layer.has_used_bytes(), layer.used_bytes());
      put_u64(rootfs, "inodesUsed", layer.has_inodes_used(), layer.inodes_used());
      if (layer.has_used_bytes()) add_usage(eph, "usedBytes", layer.used_bytes().value());
      if (layer.has_inodes_used()) add_usage(eph, "inodesUsed", layer.inodes_used().value());
      later_time(eph, eph_time, layer.timestamp());
      out["rootfs"] = std::move(rootfs);
    }
    auto logs = in_.pods.container_logs.find(container_log_key(uid, name));
    if (logs != in_.pods.container_logs.end()) {
      const std::optional<FsInfo>& root = in_.node.root_fs;
      const int64_t time = root ? root->time_ns : in_.now_ns;
      json l = {{"time", metav1_time(time)}};
      if (root) put_fs_capacity(l, *root);
      l["usedBytes"] = logs->second.bytes;
      l["inodesUsed"] = logs->second.inodes;
      add_usage(eph, "usedBytes", logs->second.bytes);
      add_usage(eph, "inodesUsed", logs->second.inodes);
      later_time(eph, eph_time, time);
      out["logs"] = std::move(l);
    }
    return out;
  }

  const SummaryInputs& in_;
  std::map<std::string, const cri::Container*> running_;
};

json node_json(const SummaryInputs& in) {
  const NodeInputs& n = in.node;
  json node = {{"nodeName", n.node_name}, {"startTime", metav1_time(n.start_time_ns)}};
  if (n.cpu_usage_core_ns) {
    json cpu = {{"time", metav1_time(n.cpu_time_ns)}};
    if (n.cpu_usage_nano_cores) cpu["usageNanoCores"] = *n.cpu_usage_nano_cores;
    cpu["usageCoreNanoSeconds"] = *n.cpu_usage_core_ns;
    node["cpu"] = std::move(cpu);
  }
  if (n.memory) {
    const auto& m = *n.memory;
    node["memory"] = {{"time", metav1_time(m.time_ns)},        {"availableBytes", m.available_bytes},
                      {"usageBytes", m.usage_bytes},           {"workingSetBytes", m.working_set_bytes},
                      {"rssBytes", m.rss_bytes},               {"pageFaults", m.page_faults},
                      {"majorPageFaults", m.major_page_faults}};
  }
  if (!n.interfaces.empty()) {
    json net = {{"time", metav1_time(n.network_time_ns)}, {"name", ""}};
    json list = json::array();
    for (const auto& i : n.interfaces) {
      if (i.name == n.default_interface) net.update(interface_json(i));
      list.push_back(interface_json(i));
    }
    net["interfaces"] = std::move(list);
    node["network"] = std::move(net);
  }
  if (n.root_fs) {
    json fs = {{"time", metav1_time(n.root_fs->time_ns)}};
    put_fs_capacity(fs, *n.root_fs);
    fs["usedBytes"] = n.root_fs->used_bytes;
    fs["inodesUsed"] = n.root_fs->inodes_used();
    node["fs"] = std::move(fs);
  }
  if (n.image_fs_usage) {
    const auto& u = *n.image_fs_usage;
    json image_fs = {{"time", metav1_time(u.timestamp())}};
    auto fs = in.filesystems.find(u.fs_id().mountpoint());
    // A mountpoint this node does not know leaves capacity out, as kubelet (heapster#1793).
    if (u.has_fs_id() && fs != in.filesystems.end()) put_fs_capacity(image_fs, fs->second);
    put_u64(image_fs, "usedBytes", u.has_used_bytes(), u.used_bytes());
    put_u64(image_fs, "inodesUsed", u.has_inodes_used(), u.inodes_used());
    node["runtime"] = {{"imageFs", std::move(image_fs)}};
  }
  if (n.max_pid || n.cur_proc) {
    json rlimit = {{"time", metav1_time(n.rlimit_time_ns)}};
    if (n.max_pid) rlimit["maxpid"] = *n.max_pid;
    if (n.cur_proc) rlimit["curproc"] = *n.cur_proc;
    node["rlimit"] = std::move(rlimit);
  }
  return node;
}

}  // namespace

std::string metav1_time(int64_t unix_nanos) {
  if (unix_nanos < 0) unix_nanos = 0;
  return common::format_rfc3339_nanos(unix_nanos - unix_nanos % 1000000000);
}

std::vector<const cri::PodSandbox*> reported_sandboxes(const cri::ListPodSandboxResponse& list) {
  // kubelet's removeTerminatedPods: per namespace/name, the READY sandboxes,
  // else the newest one.
  std::map<PodKey, std::vector<const cri::PodSandbox*>> by_pod;
  for (const auto& s : list.items()) by_pod[{s.metadata().namespace_(), s.metadata().name()}].push_back(&s);
  std::vector<const cri::PodSandbox*> out;
  for (auto& [key, sandboxes] : by_pod) {
    std::sort(sandboxes.begin(), sandboxes.end(),
              [](const cri::PodSandbox* a, const cri::PodSandbox* b) { return a->created_at() < b->created_at(); });
    bool ready = false;
    for (const auto* s : sandboxes)
      if (s->state() == cri::SANDBOX_READY) {
        out.push_back(s);
        ready = true;
      }
    if (!ready) out.push_back(sandboxes.back());
  }
  return out;
}

json build_summary(const SummaryInputs& in) {
  std::map<std::string, const cri::PodSandboxStats*> stats_by_id;
  for (const auto& s : in.pods.pod_stats.stats()) stats_by_id[s.attributes().id()] = &s;
  const PodBuilder builder(in);
  json pods = json::array();
  for (const auto* sandbox : reported_sandboxes(in.pods.sandboxes)) {
    auto it = stats_by_id.find(sandbox->id());
    pods.push_back(builder.build(*sandbox, it == stats_by_id.end() ? nullptr : it->second));
  }
  return {{"node", node_json(in)}, {"pods", std::move(pods)}};
}

json only_cpu_and_memory(const json& summary) {
  auto keep = [](const json& from, std::initializer_list<const char*> keys) {
    json out = json::object();
    for (const char* k : keys)
      if (from.contains(k)) out[k] = from[k];
    return out;
  };
  json pods = json::array();
  for (const auto& pod : summary.value("pods", json::array())) {
    json p = keep(pod, {"podRef", "startTime", "cpu", "memory"});
    p["containers"] = json::array();
    for (const auto& c : pod.value("containers", json::array()))
      p["containers"].push_back(keep(c, {"name", "startTime", "cpu", "memory"}));
    pods.push_back(std::move(p));
  }
  return {{"node", keep(summary.value("node", json::object()), {"nodeName", "systemContainers", "startTime", "cpu", "memory"})},
          {"pods", std::move(pods)}};
}

}  // namespace agent::stats
