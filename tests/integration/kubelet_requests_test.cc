// The requests kubelet v1.26 sends, replayed through CRI, and the Docker
// objects they make. The shapes are written from the facts of kubelet's
// kuberuntime (generatePodSandboxConfig, generateContainerConfig and their
// Linux parts): a Guaranteed, a Burstable and a BestEffort pod, each with its
// pod cgroup parent under a kubepods root (a private one, so nothing clashes
// with a real kubelet), kubelet's labels and annotations, the container
// named by image ID, resources with a hugepage limit for every page size,
// kubelet's masked and read-only paths, the /etc/hosts, termination-log and
// projected service-account mounts; a privileged container (and so a
// privileged sandbox); an ephemeral container in another container's PID
// namespace.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/integration/pod_fixture.h"

using namespace itest;

namespace {

enum class Qos { kGuaranteed, kBurstable, kBestEffort };

const char* const kMaskedPaths[] = {"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                                    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                                    "/proc/scsi", "/sys/firmware"};
const char* const kReadonlyPaths[] = {"/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                      "/proc/sysrq-trigger"};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

int own_oom_score_adj() { return std::stoi(slurp("/proc/self/oom_score_adj")); }

// The cpu controller's cgroup of `pid` (v1), or the unified one (v2).
std::string cpu_cgroup_of(int pid) {
  std::istringstream lines(slurp("/proc/" + std::to_string(pid) + "/cgroup"));
  std::string unified;
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    std::istringstream names(controllers);
    for (std::string name; std::getline(names, name, ',');)
      if (name == "cpu") return path;
    if (controllers.empty()) unified = path;
  }
  return unified;
}

bool host_has_hugetlb() {
  return slurp("/proc/self/cgroup").find("hugetlb") != std::string::npos ||
         slurp("/sys/fs/cgroup/cgroup.controllers").find("hugetlb") != std::string::npos;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// One pod as kubelet would run it: its directories under a kubelet root of
// the test's, its configs, and what it made.
class KubeletPod {
 public:
  KubeletPod(cri::RuntimeService::Stub& runtime, const std::string& kubelet_root, const std::string& kubepods,
             const std::string& name, Qos qos, bool privileged)
      : runtime_(runtime), name_(name), uid_("uid-" + unique_suffix()), qos_(qos) {
    pod_dir_ = kubelet_root + "/pods/" + uid_;
    sa_dir_ = pod_dir_ + "/volumes/kubernetes.io~projected/kube-api-access-x7k2p";
    std::filesystem::create_directories(sa_dir_);
    std::ofstream(sa_dir_ + "/token") << "eyJhbGciOiJSUzI1NiJ9.test.token";
    std::ofstream(sa_dir_ + "/namespace") << "kubelet-shapes";
    std::ofstream(sa_dir_ + "/ca.crt") << "-----BEGIN CERTIFICATE-----\n";
    std::ofstream(pod_dir_ + "/etc-hosts") << "127.0.0.1\tlocalhost\n10.0.0.7\t" << name << "\n";
    log_dir_ = kubelet_root + "/log/pods/kubelet-shapes_" + name + "_" + uid_;
    std::filesystem::create_directories(log_dir_);
    switch (qos) {
      case Qos::kGuaranteed: cgroup_parent_ = kubepods + "/pod" + uid_; break;
      case Qos::kBurstable: cgroup_parent_ = kubepods + "/burstable/pod" + uid_; break;
      case Qos::kBestEffort: cgroup_parent_ = kubepods + "/besteffort/pod" + uid_; break;
    }

    auto& c = sandbox_;
    c.mutable_metadata()->set_name(name);
    c.mutable_metadata()->set_namespace_("kubelet-shapes");
    c.mutable_metadata()->set_uid(uid_);
    c.mutable_metadata()->set_attempt(0);
    c.set_hostname(name);
    c.set_log_directory(log_dir_);
    c.mutable_dns_config()->add_servers("10.96.0.10");
    c.mutable_dns_config()->add_searches("kubelet-shapes.svc.cluster.local");
    c.mutable_dns_config()->add_searches("svc.cluster.local");
    c.mutable_dns_config()->add_options("ndots:5");
    auto& labels = *c.mutable_labels();
    labels["app"] = name;
    labels["io.kubernetes.pod.name"] = name;
    labels["io.kubernetes.pod.namespace"] = "kubelet-shapes";
    labels["io.kubernetes.pod.uid"] = uid_;
    auto& annotations = *c.mutable_annotations();
    annotations["kubernetes.io/config.seen"] = "2026-12-06T01:00:00.000000000Z";
    annotations["kubernetes.io/config.source"] = "api";
    auto* linux = c.mutable_linux();
    linux->set_cgroup_parent(cgroup_parent_);
    auto* security = linux->mutable_security_context();
    security->mutable_namespace_options()->set_network(cri::POD);
    security->mutable_namespace_options()->set_pid(cri::CONTAINER);
    security->mutable_namespace_options()->set_ipc(cri::POD);
    security->set_privileged(privileged);  // kubelet: any privileged container makes a privileged sandbox
    security->mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);
    // The pod-level sizes kubelet sends beside the cgroup parent.
    if (qos != Qos::kBestEffort) {
      linux->mutable_resources()->set_cpu_period(100000);
      linux->mutable_resources()->set_memory_limit_in_bytes(qos == Qos::kGuaranteed ? 64 << 20 : 256 << 20);
    }
  }

  ~KubeletPod() {
    if (!id_.empty()) {
      remove_sandbox(runtime_, id_);
      CHECK(docker_containers_with_label("io.kubernetes.pod.uid", uid_) == 0);
    }
  }

  const std::string& id() const { return id_; }
  const std::string& cgroup_parent() const { return cgroup_parent_; }
  const cri::PodSandboxConfig& sandbox() const { return sandbox_; }

  void run() {
    cri::RunPodSandboxRequest request;
    *request.mutable_config() = sandbox_;
    cri::RunPodSandboxResponse response;
    const auto status = runtime_.RunPodSandbox(context().get(), request, &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    id_ = response.pod_sandbox_id();
  }

  // kubelet's generateContainerConfig for a container of this pod's QoS.
  cri::ContainerConfig container(const std::string& name, const std::string& image_id, const std::string& command,
                                 std::int64_t hugepages_2mb = 0) {
    cri::ContainerConfig c;
    c.mutable_metadata()->set_name(name);
    c.mutable_metadata()->set_attempt(0);
    c.mutable_image()->set_image(image_id);  // kubelet v1.26 names the image by its ID
    c.add_command("/bin/sh");
    c.add_args("-c");
    c.add_args(command);
    c.set_log_path(name + "/0.log");
    std::filesystem::create_directories(log_dir_ + "/" + name);
    auto& labels = *c.mutable_labels();
    labels["io.kubernetes.container.name"] = name;
    labels["io.kubernetes.pod.name"] = name_;
    labels["io.kubernetes.pod.namespace"] = "kubelet-shapes";
    labels["io.kubernetes.pod.uid"] = uid_;
    auto& annotations = *c.mutable_annotations();
    annotations["io.kubernetes.container.hash"] = "7c1a5b3e";
    annotations["io.kubernetes.container.restartCount"] = "0";
    annotations["io.kubernetes.container.terminationMessagePath"] = "/dev/termination-log";
    annotations["io.kubernetes.container.terminationMessagePolicy"] = "File";
    annotations["io.kubernetes.pod.terminationGracePeriod"] = "2";
    for (const auto& [key, value] : std::map<std::string, std::string>{
             {"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"},
             {"KUBERNETES_PORT", "tcp://10.96.0.1:443"}}) {
      auto* env = c.add_envs();
      env->set_key(key);
      env->set_value(value);
    }
    const std::string termination_log = pod_dir_ + "/containers/" + name + "/3f2a9c1d";
    std::filesystem::create_directories(pod_dir_ + "/containers/" + name);
    std::ofstream(termination_log).flush();
    add_mount(c, pod_dir_ + "/etc-hosts", "/etc/hosts", false);
    add_mount(c, termination_log, "/dev/termination-log", false);
    add_mount(c, sa_dir_, "/var/run/secrets/kubernetes.io/serviceaccount", true);

    auto* resources = c.mutable_linux()->mutable_resources();
    resources->set_cpu_period(100000);
    switch (qos_) {
      case Qos::kGuaranteed:  // requests = limits = 500m, 64Mi
        resources->set_cpu_quota(50000);
        resources->set_cpu_shares(512);
        resources->set_memory_limit_in_bytes(64 << 20);
        resources->set_memory_swap_limit_in_bytes(64 << 20);
        resources->set_oom_score_adj(-997);
        break;
      case Qos::kBurstable:  // requests 100m, 32Mi; a 128Mi memory limit
        resources->set_cpu_shares(102);
        resources->set_memory_limit_in_bytes(128 << 20);
        resources->set_memory_swap_limit_in_bytes(128 << 20);
        resources->set_oom_score_adj(968);
        break;
      case Qos::kBestEffort:
        resources->set_cpu_shares(2);
        resources->set_oom_score_adj(1000);
        break;
    }
    // A limit for every page size the node has; 0 unless the pod asks.
    for (const auto& [size, bytes] : std::map<std::string, std::int64_t>{{"2MB", hugepages_2mb}, {"1GB", 0}}) {
      auto* limit = resources->add_hugepage_limits();
      limit->set_page_size(size);
      limit->set_limit(bytes);
    }
    auto* security = c.mutable_linux()->mutable_security_context();
    security->mutable_namespace_options()->set_network(cri::POD);
    security->mutable_namespace_options()->set_pid(cri::CONTAINER);
    security->mutable_namespace_options()->set_ipc(cri::POD);
    security->mutable_seccomp()->set_profile_type(cri::SecurityProfile::RuntimeDefault);
    for (const char* path : kMaskedPaths) security->add_masked_paths(path);
    for (const char* path : kReadonlyPaths) security->add_readonly_paths(path);
    return c;
  }

  std::string create_and_start(const cri::ContainerConfig& config) {
    cri::CreateContainerRequest create;
    create.set_pod_sandbox_id(id_);
    *create.mutable_config() = config;
    *create.mutable_sandbox_config() = sandbox_;
    cri::CreateContainerResponse created;
    auto status = runtime_.CreateContainer(context().get(), create, &created);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    cri::StartContainerRequest start;
    start.set_container_id(created.container_id());
    cri::StartContainerResponse started;
    status = runtime_.StartContainer(context().get(), start, &started);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    return created.container_id();
  }

  ExecResult exec(const std::string& id, const std::string& command) { return exec_sync(runtime_, id, command); }

 private:
  static void add_mount(cri::ContainerConfig& c, const std::string& host, const std::string& container, bool ro) {
    auto* mount = c.add_mounts();
    mount->set_host_path(host);
    mount->set_container_path(container);
    mount->set_readonly(ro);
    mount->set_propagation(cri::PROPAGATION_PRIVATE);
  }

  cri::RuntimeService::Stub& runtime_;
  std::string name_, uid_;
  Qos qos_;
  std::string pod_dir_, sa_dir_, log_dir_, cgroup_parent_;
  cri::PodSandboxConfig sandbox_;
  std::string id_;
};

void remove_cgroup_tree(const std::string& root) {
  for (const auto& hierarchy : std::filesystem::directory_iterator("/sys/fs/cgroup")) {
    const auto dir = hierarchy.path() / root.substr(1);
    std::error_code ignored;
    if (!std::filesystem::is_directory(dir, ignored)) continue;
    // Children first: rmdir works only on empty cgroups.
    std::vector<std::filesystem::path> dirs;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ignored))
      if (entry.is_directory(ignored)) dirs.push_back(entry.path());
    std::sort(dirs.rbegin(), dirs.rend());
    for (const auto& child : dirs) std::filesystem::remove(child, ignored);
    std::filesystem::remove(dir, ignored);
  }
}

}  // namespace

TEST_CASE("kubelet's requests for Guaranteed, Burstable and BestEffort pods make the Docker objects they should") {
  const std::string kubepods = "/kubepods-itest-" + unique_suffix();
  ScratchDir kubelet_root("cri-shim-kubelet-root");
  const std::string image = required_env("CRI_SHIM_TEST_IMAGE");
  const auto image_inspect = docker_client().inspect_image(image);
  const std::string image_id = image_inspect->id;
  // What kubelet shows as the image: its first tag (the test set-up adds a registry's).
  const std::string first_tag = image_inspect->repo_tags.front();
  const int floor = own_oom_score_adj();  // the shim, a child of this test, has the same
  {
    ShimProcess shim;
    auto runtime = shim.runtime();
    KubeletPod guaranteed(*runtime, kubelet_root.path(), kubepods, "guaranteed", Qos::kGuaranteed, false);
    KubeletPod burstable(*runtime, kubelet_root.path(), kubepods, "burstable", Qos::kBurstable, true);
    KubeletPod besteffort(*runtime, kubelet_root.path(), kubepods, "besteffort", Qos::kBestEffort, false);
    const char* const kSleep = "trap 'exit 0' TERM; sleep 3600 & wait";

    struct Expected {
      KubeletPod* pod;
      std::int64_t shares, quota, memory;
      int oom;
    };
    std::vector<std::pair<std::string, Expected>> apps;
    for (const auto& expected : {Expected{&guaranteed, 512, 50000, 64 << 20, -997},
                                 Expected{&burstable, 102, 0, 128 << 20, 968},
                                 Expected{&besteffort, 2, 0, 0, 1000}}) {
      expected.pod->run();
      // The burstable pod asks for 2 MB hugepages, in two containers.
      const std::int64_t hugepages = expected.pod == &burstable ? 4 << 20 : 0;
      apps.emplace_back(expected.pod->create_and_start(expected.pod->container("app", image_id, kSleep, hugepages)),
                        expected);
    }
    const auto second_burstable = burstable.create_and_start(burstable.container("sidecar", image_id, kSleep, 2 << 20));

    for (const auto& [id, expected] : apps) {
      CAPTURE(expected.pod->cgroup_parent());
      const auto sandbox = docker_client().inspect_container(expected.pod->id());
      const auto container = docker_client().inspect_container(id);
      // Every container in its pod's cgroup, beside the sandbox.
      CHECK(sandbox.host_config.cgroup_parent == expected.pod->cgroup_parent());
      CHECK(container.host_config.cgroup_parent == expected.pod->cgroup_parent());
      CHECK(cpu_cgroup_of(sandbox.state.pid) == expected.pod->cgroup_parent() + "/" + sandbox.id);
      CHECK(cpu_cgroup_of(container.state.pid) == expected.pod->cgroup_parent() + "/" + container.id);
      // Resources as kubelet sized them; the OOM score never below the shim's own.
      CHECK(container.host_config.cpu_shares == expected.shares);
      CHECK(container.host_config.cpu_quota == expected.quota);
      CHECK(container.host_config.cpu_period == 100000);
      CHECK(container.host_config.memory == expected.memory);
      if (expected.memory > 0) CHECK(container.host_config.memory_swap == expected.memory);
      CHECK(container.host_config.oom_score_adj.value_or(0) == std::max(expected.oom, floor));
      CHECK(container.raw["Config"]["Labels"]["io.cri-shim.hugepage-limits"] ==
            (expected.pod == &burstable ? "1GB=0,2MB=4194304" : "1GB=0,2MB=0"));
      // The mounts kubelet makes, the service account's read-only.
      const auto& binds = container.host_config.binds;
      const auto bound = [&](const std::string& suffix) {
        return std::any_of(binds.begin(), binds.end(), [&](const std::string& bind) {
          return bind.size() >= suffix.size() && bind.compare(bind.size() - suffix.size(), suffix.size(), suffix) == 0;
        });
      };
      CHECK(bound(":/var/run/secrets/kubernetes.io/serviceaccount:ro,rprivate"));
      CHECK(bound(":/etc/hosts:rw,rprivate"));
      CHECK(bound(":/dev/termination-log:rw,rprivate"));
      auto inside = expected.pod->exec(
          id, "cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo; "
              "touch /var/run/secrets/kubernetes.io/serviceaccount/x 2>/dev/null && echo writable || echo read-only; "
              "grep -c " + expected.pod->sandbox().metadata().name() + " /etc/hosts; "
              "cat /proc/timer_list | wc -c; touch /proc/sys/kernel/x 2>/dev/null && echo rw || echo ro; "
              "grep CapEff /proc/self/status; echo $KUBERNETES_SERVICE_HOST");
      REQUIRE_MESSAGE(inside.status.ok(), inside.status.error_message());
      CHECK(inside.out == "kubelet-shapes\nread-only\n1\n0\nro\nCapEff:\t00000000a80425fb\n10.96.0.1\n");
      // Status: the image as its tag, the ID kept as image_ref.
      cri::ContainerStatusRequest request;
      request.set_container_id(id);
      cri::ContainerStatusResponse response;
      REQUIRE(runtime->ContainerStatus(context().get(), request, &response).ok());
      CHECK(response.status().image().image() == first_tag);
      CHECK(response.status().image_ref() == image_id);
      cri::ListContainersRequest list;
      (*list.mutable_filter()->mutable_label_selector())["io.kubernetes.pod.uid"] =
          expected.pod->sandbox().metadata().uid();
      cri::ListContainersResponse listed;
      REQUIRE(runtime->ListContainers(context().get(), list, &listed).ok());
      REQUIRE(listed.containers_size() >= 1);
      for (const auto& entry : listed.containers()) {
        CHECK(entry.image().image() == first_tag);
        CHECK(entry.image_ref() == image_id);
      }
    }
    CHECK(cpu_cgroup_of(docker_client().inspect_container(second_burstable).state.pid) ==
          burstable.cgroup_parent() + "/" + second_burstable);

    // kubelet's CRI stats path (PodAndContainerStatsFromCRI): what it copies
    // into the Summary API for each pod.
    cri::ListPodSandboxStatsResponse stats;
    const auto stats_status = runtime->ListPodSandboxStats(context().get(), {}, &stats);
    REQUIRE_MESSAGE(stats_status.ok(), stats_status.error_message());
    for (const auto* pod : {&guaranteed, &burstable, &besteffort}) {
      const auto found = std::find_if(stats.stats().begin(), stats.stats().end(),
                                      [&](const cri::PodSandboxStats& s) { return s.attributes().id() == pod->id(); });
      REQUIRE(found != stats.stats().end());
      const auto& linux = found->linux();
      CHECK(linux.network().timestamp() > 0);
      CHECK(linux.network().default_interface().name() == "eth0");
      CHECK(linux.network().default_interface().has_rx_bytes());
      CHECK(linux.network().interfaces_size() >= 1);
      CHECK(linux.cpu().usage_core_nano_seconds().value() > 0);
      CHECK(linux.memory().working_set_bytes().value() > 0);
      CHECK(linux.containers_size() == (pod == &burstable ? 2 : 1));
    }

    SUBCASE("a privileged container in a privileged sandbox") {
      auto config = burstable.container("privileged", image_id, kSleep);
      config.mutable_linux()->mutable_security_context()->set_privileged(true);
      config.mutable_linux()->mutable_security_context()->clear_masked_paths();   // kubelet: none when privileged
      config.mutable_linux()->mutable_security_context()->clear_readonly_paths();
      const auto id = burstable.create_and_start(config);
      const auto inside = burstable.exec(id, "ls /dev | wc -l; grep ' /sys ' /proc/mounts | grep -c ' rw'");
      REQUIRE_MESSAGE(inside.status.ok(), inside.status.error_message());
      std::istringstream lines(inside.out);
      int devices = 0, sys_rw = 0;
      lines >> devices >> sys_rw;
      CHECK(devices > 20);  // the host's devices
      CHECK(sys_rw >= 1);   // a writable /sys
      CHECK(cpu_cgroup_of(docker_client().inspect_container(id).state.pid) == burstable.cgroup_parent() + "/" + id);
    }
    SUBCASE("an ephemeral container in another container's PID namespace") {
      const auto target = apps[2].first;  // besteffort's app
      auto config = besteffort.container("debugger-x8k2", image_id, kSleep);
      config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(cri::TARGET);
      config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_target_id(target);
      const auto id = besteffort.create_and_start(config);
      CHECK(docker_client().inspect_container(id).host_config.pid_mode == "container:" + target);
      const auto inside = besteffort.exec(id, "ps -o args | grep -c '^sleep 3600'");
      CHECK(trimmed(inside.out) == "2");  // the target's sleep and its own
    }

    // kubelet's zero limits for every page size are nothing to warn about;
    // a non-zero one that cannot be applied is said once per size.
    const auto log = shim.log();
    if (host_has_hugetlb()) {
      CHECK(count_of(log, "is not applied") == 0);
    } else {
      CHECK(count_of(log, "hugepage limit for 2MB pages") == 1);
      CHECK(count_of(log, "1GB pages") == 0);
    }
  }
  remove_cgroup_tree(kubepods);
}
