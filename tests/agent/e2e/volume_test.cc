// Volumes on the real node-agent, cri-shim and dockerd: ConfigMap and Secret
// files (updated in place), env from both, emptyDir shared by two containers,
// Memory emptyDir, downwardAPI, projected, subPath and subPathExpr, hostPath
// types, FailedMount and CreateContainerConfigError, and everything removed
// with the pod.
#include <sys/stat.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/agent/e2e/e2e_fixture.h"

namespace e2e {
namespace {

namespace fs = std::filesystem;

// What `shell` prints in the container (ExecSync, sh -c); fails the test
// when the exec itself fails.
std::string exec_in(Node& node, const json& pod, const std::string& container, const std::string& shell) {
  cri::ExecSyncRequest request;
  request.set_container_id(current_id(container_status(pod, container)));
  request.add_cmd("sh");
  request.add_cmd("-c");
  request.add_cmd(shell);
  request.set_timeout(30);
  cri::ExecSyncResponse response;
  const auto status = node.shim().runtime()->ExecSync(itest::context(60s).get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return response.stdout() + response.stderr();
}

// Polls `shell` in the container until its output is `expected`.
std::string wait_exec(Node& node, const json& pod, const std::string& container, const std::string& shell,
                      const std::string& expected, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  while (std::chrono::steady_clock::now() < deadline) {
    out = exec_in(node, pod, container, shell);
    if (out == expected) return out;
    std::this_thread::sleep_for(200ms);
  }
  FAIL_CHECK("`" << shell << "` printed \"" << out << "\", not \"" << expected << "\"\n" << node.agent_log_tail());
  return out;
}

json config_map(const std::string& ns, const std::string& name, const json& data) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", ns}}}, {"data", data}};
}

json secret(const std::string& ns, const std::string& name, const json& string_data) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"stringData", string_data}};
}

bool mounted(const std::string& path) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.find(" " + path + " ") != std::string::npos) return true;
  return false;
}

bool pending_with(const json& pod, const std::string& text) {
  return !pod.is_null() && pick(pod, {"status", "message"}).is_string() &&
         pick(pod, {"status", "message"}).get<std::string>().find(text) != std::string::npos;
}

std::string events_of(Node& node, const std::string& pod_name) {
  return node.http().get("/events?pod=" + node.ns() + "/" + pod_name).body;
}

TEST_CASE("ConfigMap and Secret volumes and env: files and variables with an update in place and tmpfs secrets removed with the pod") {
  Node node;
  node.write_manifest("objects.json", json{{"apiVersion", "v1"},
                                           {"kind", "List"},
                                           {"items", json::array({config_map(node.ns(), "app-config",
                                                                             {{"level", "info"}, {"color", "blue"}}),
                                                                  secret(node.ns(), "app-secret",
                                                                         {{"token", "s3cr3t-value"}})})}});
  json app = shell_container("app", "echo \"level=$LEVEL token=$TOKEN color=$CFG_color\"; exec sleep 3600");
  app["env"] = json::array(
      {{{"name", "LEVEL"}, {"valueFrom", {{"configMapKeyRef", {{"name", "app-config"}, {"key", "level"}}}}}},
       {{"name", "TOKEN"}, {"valueFrom", {{"secretKeyRef", {{"name", "app-secret"}, {"key", "token"}}}}}}});
  app["envFrom"] = json::array({{{"prefix", "CFG_"}, {"configMapRef", {{"name", "app-config"}}}}});
  app["volumeMounts"] = json::array({{{"name", "config"}, {"mountPath", "/etc/config"}},
                                     {{"name", "creds"}, {"mountPath", "/etc/creds"}, {"readOnly", true}}});
  json pod_json = pod_manifest(node.ns(), "objects", json::array({app}));
  pod_json["spec"]["volumes"] = json::array(
      {{{"name", "config"}, {"configMap", {{"name", "app-config"}, {"items", json::array({{{"key", "level"}, {"path", "conf/level"}}})}}}},
       {{"name", "creds"}, {"secret", {{"secretName", "app-secret"}, {"defaultMode", 0400}}}}});
  node.write_manifest("objects-pod.json", pod_json);
  const std::string name = node.static_name("objects");
  const json pod = node.wait_pod(name, running_and_ready, "Running");

  node.wait_log(pod, "app", "level=info token=s3cr3t-value color=blue");
  CHECK(exec_in(node, pod, "app", "cat /etc/config/conf/level") == "info");
  CHECK(exec_in(node, pod, "app", "cat /etc/creds/token; stat -L -c ' %a' /etc/creds/token") == "s3cr3t-value 400\n");
  CHECK(exec_in(node, pod, "app", "grep -c ' /etc/creds tmpfs ' /proc/mounts").starts_with("1"));
  CHECK(exec_in(node, pod, "app", "touch /etc/creds/x 2>/dev/null && echo writable || echo read-only") == "read-only\n");

  // An update reaches the mounted file within a sync, without a restart.
  node.write_manifest("objects.json", json{{"apiVersion", "v1"},
                                           {"kind", "List"},
                                           {"items", json::array({config_map(node.ns(), "app-config",
                                                                             {{"level", "debug"}, {"color", "blue"}}),
                                                                  secret(node.ns(), "app-secret",
                                                                         {{"token", "s3cr3t-value"}})})}});
  wait_exec(node, pod, "app", "cat /etc/config/conf/level", "debug");
  const json after = node.wait_pod(name, running_and_ready, "still Running");
  CHECK(restart_count(container_status(after, "app")) == 0);
  CHECK(current_id(container_status(after, "app")) == current_id(container_status(pod, "app")));
  // The secret's value is nowhere in the agent's log.
  CHECK(node.agent().log().find("s3cr3t-value") == std::string::npos);

  // The volumes live under the pod's directory; the secret's is a tmpfs.
  const std::string volumes = node.agent().root_dir() + "/pods/" + uid(pod) + "/volumes";
  CHECK(fs::is_symlink(volumes + "/kubernetes.io~configmap/config/..data"));
  CHECK(mounted(volumes + "/kubernetes.io~secret/creds"));

  node.remove_manifest("objects-pod.json");
  node.wait_pod_gone(name);
  CHECK_FALSE(fs::exists(volumes));
  CHECK_FALSE(mounted(volumes + "/kubernetes.io~secret/creds"));
}

TEST_CASE("emptyDir shared by two containers with Memory emptyDir and downwardAPI and projected and subPath and subPathExpr and fsGroup") {
  Node node;
  node.write_manifest("cm.json", config_map(node.ns(), "site", {{"index.html", "hello"}}));
  json writer = shell_container("writer", "echo shared > /shared/note; echo sub > /sub/file; exec sleep 3600");
  writer["volumeMounts"] = json::array({{{"name", "shared"}, {"mountPath", "/shared"}},
                                        {{"name", "shared"}, {"mountPath", "/sub"}, {"subPath", "nested/dir"}}});
  json reader = shell_container("reader", "exec sleep 3600");
  reader["env"] = json::array({{{"name", "POD_NAME"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}}});
  reader["resources"] = {{"limits", {{"memory", "64Mi"}}}};
  reader["volumeMounts"] = json::array({{{"name", "shared"}, {"mountPath", "/data"}},
                                        {{"name", "shared"}, {"mountPath", "/mine"}, {"subPathExpr", "per-pod/$(POD_NAME)"}},
                                        {{"name", "cache"}, {"mountPath", "/cache"}},
                                        {{"name", "info"}, {"mountPath", "/etc/podinfo"}},
                                        {{"name", "all"}, {"mountPath", "/etc/all"}}});
  json pod_json = pod_manifest(node.ns(), "shared", json::array({writer, reader}));
  pod_json["metadata"]["labels"] = {{"app", "shared"}, {"tier", "web"}};
  pod_json["spec"]["securityContext"] = {{"fsGroup", 2345}};
  const json downward_items = json::array(
      {{{"path", "labels"}, {"fieldRef", {{"fieldPath", "metadata.labels"}}}},
       {{"path", "mem"},
        {"resourceFieldRef", {{"containerName", "reader"}, {"resource", "limits.memory"}, {"divisor", "1Mi"}}}},
       {{"path", "writer-mem"},
        {"resourceFieldRef", {{"containerName", "writer"}, {"resource", "limits.memory"}, {"divisor", "1Mi"}}}}});
  const json namespace_item = {{"path", "ns"}, {"fieldRef", {{"fieldPath", "metadata.namespace"}}}};
  const json projected_sources =
      json::array({{{"configMap", {{"name", "site"}}}},
                   {{"downwardAPI", {{"items", json::array({namespace_item})}}}}});
  pod_json["spec"]["volumes"] = json::array({
      {{"name", "shared"}, {"emptyDir", json::object()}},
      {{"name", "cache"}, {"emptyDir", {{"medium", "Memory"}, {"sizeLimit", "8Mi"}}}},
      {{"name", "info"}, {"downwardAPI", {{"items", downward_items}}}},
      {{"name", "all"}, {"projected", {{"sources", projected_sources}}}},
  });
  node.write_manifest("shared.json", pod_json);
  const std::string name = node.static_name("shared");
  const json pod = node.wait_pod(name, running_and_ready, "Running");

  wait_exec(node, pod, "reader", "cat /data/note 2>/dev/null", "shared\n");
  CHECK(exec_in(node, pod, "reader", "cat /data/nested/dir/file") == "sub\n");
  CHECK(exec_in(node, pod, "reader", "echo me > /mine/f && ls /data/per-pod") == name + "\n");
  CHECK(exec_in(node, pod, "reader", "grep ' /cache ' /proc/mounts | cut -d' ' -f3,4 | cut -d, -f1-3")
            .starts_with("tmpfs"));
  CHECK(exec_in(node, pod, "reader", "df -k /cache | tail -1 | awk '{print $2}'") == "8192\n");
  CHECK(exec_in(node, pod, "reader", "cat /etc/podinfo/labels") == "app=\"shared\"\ntier=\"web\"");
  CHECK(exec_in(node, pod, "reader", "cat /etc/podinfo/mem") == "64");
  // The writer has no limit: the node's allocatable memory, as kubelet writes
  // it (the capacity less the test agents' 100Mi hard eviction threshold),
  // rounded up to the divisor.
  constexpr long long kMi = 1024 * 1024;
  const long long allocatable = mem_total_bytes() - 100 * kMi;
  CHECK(exec_in(node, pod, "reader", "cat /etc/podinfo/writer-mem") == std::to_string((allocatable + kMi - 1) / kMi));
  CHECK(exec_in(node, pod, "reader", "cat /etc/all/index.html; echo; cat /etc/all/ns") == "hello\n" + node.ns());
  // fsGroup: the emptyDir is the group's (setgid, so new files are too),
  // the downwardAPI files are group-readable, and the container has it.
  CHECK(exec_in(node, pod, "reader", "stat -c '%g %a' /data; stat -c '%g' /data/note; id -G | tr ' ' '\\n' | grep -x 2345")
            == "2345 2777\n2345\n2345\n");
  CHECK(exec_in(node, pod, "reader", "stat -L -c '%g %a' /etc/podinfo/mem") == "2345 644\n");
}

TEST_CASE("hostPath types are checked: a mismatch keeps the pod waiting with FailedMount until it is fixed") {
  Node node;
  const std::string host = node.agent().dir() + "/host";
  fs::create_directories(host);
  std::ofstream(host + "/file.txt") << "from the host";
  json app = shell_container("app", "exec sleep 3600");
  app["volumeMounts"] = json::array({{{"name", "made"}, {"mountPath", "/made"}},
                                     {{"name", "file"}, {"mountPath", "/host-file"}, {"readOnly", true}}});
  json pod_json = pod_manifest(node.ns(), "hostpath", json::array({app}));
  pod_json["spec"]["volumes"] = json::array(
      {{{"name", "made"}, {"hostPath", {{"path", host + "/made"}, {"type", "DirectoryOrCreate"}}}},
       {{"name", "file"}, {"hostPath", {{"path", host + "/file.txt"}, {"type", "Socket"}}}}});
  node.write_manifest("hostpath.json", pod_json);
  const std::string name = node.static_name("hostpath");
  const json waiting = node.wait_pod(
      name, [](const json& p) { return pending_with(p, "hostPath type check failed"); }, "a hostPath type error");
  CHECK(phase(waiting) == "Pending");
  CHECK(pick(waiting, {"status", "message"}).get<std::string>().find(host + "/file.txt is not a socket file") !=
        std::string::npos);
  CHECK(node.sandboxes_of(uid(waiting)).empty());  // nothing is made before the volumes are
  CHECK(events_of(node, name).find("FailedMount") != std::string::npos);
  CHECK(fs::is_directory(host + "/made"));

  pod_json["spec"]["volumes"][1]["hostPath"]["type"] = "File";
  node.write_manifest("hostpath.json", pod_json);
  const json pod = node.wait_pod(name, running_and_ready, "Running once the type fits");
  CHECK(exec_in(node, pod, "app", "cat /host-file; touch /made/x && echo ok") == "from the host" "ok\n");
  node.remove_manifest("hostpath.json");
  node.wait_pod_gone(name);
  // What the host had, and what the pod wrote there, stays.
  CHECK(fs::exists(host + "/file.txt"));
  CHECK(fs::exists(host + "/made/x"));
}

TEST_CASE("a missing ConfigMap key gives CreateContainerConfigError and a missing ConfigMap FailedMount until they come") {
  Node node;
  json app = shell_container("app", "echo \"mode=$MODE\"; exec sleep 3600");
  app["env"] = json::array({{{"name", "MODE"}, {"valueFrom", {{"configMapKeyRef", {{"name", "late"}, {"key", "mode"}}}}}}});
  node.write_manifest("late.json", pod_manifest(node.ns(), "late", json::array({app})));
  const std::string name = node.static_name("late");
  node.write_manifest("cm.json", config_map(node.ns(), "late", {{"other", "x"}}));
  const json waiting = node.wait_pod(
      name,
      [](const json& p) {
        return !p.is_null() && pick(container_status(p, "app"), {"state", "waiting", "reason"}) == "CreateContainerConfigError";
      },
      "CreateContainerConfigError");
  CHECK(pick(container_status(waiting, "app"), {"state", "waiting", "message"}) ==
        "couldn't find key mode in ConfigMap " + node.ns() + "/late");
  node.write_manifest("cm.json", config_map(node.ns(), "late", {{"mode", "fast"}}));
  const json pod = node.wait_pod(name, running_and_ready, "Running once the key exists");
  node.wait_log(pod, "app", "mode=fast");

  json vol = shell_container("app", "exec sleep 3600");
  vol["volumeMounts"] = json::array({{{"name", "cfg"}, {"mountPath", "/cfg"}}});
  json vol_pod = pod_manifest(node.ns(), "needs-cm", json::array({vol}));
  vol_pod["spec"]["volumes"] = json::array({{{"name", "cfg"}, {"configMap", {{"name", "absent"}}}}});
  node.write_manifest("needs-cm.json", vol_pod);
  const std::string vol_name = node.static_name("needs-cm");
  node.wait_pod(vol_name, [](const json& p) { return pending_with(p, "configmap \"absent\" not found"); },
                "FailedMount for the missing ConfigMap");
  CHECK(events_of(node, vol_name).find("MountVolume.SetUp failed for volume \\\"cfg\\\"") != std::string::npos);
  node.write_manifest("absent.json", config_map(node.ns(), "absent", {{"k", "v"}}));
  const json running = node.wait_pod(vol_name, running_and_ready, "Running once the ConfigMap exists");
  CHECK(exec_in(node, running, "app", "cat /cfg/k") == "v");
}

TEST_CASE("kill -9 of the agent keeps the volumes of running pods as they are") {
  Node node;
  json app = shell_container("app", "echo warm > /cache/state; exec sleep 3600");
  app["volumeMounts"] = json::array({{{"name", "cache"}, {"mountPath", "/cache"}}});
  json pod_json = pod_manifest(node.ns(), "keeps", json::array({app}));
  pod_json["spec"]["volumes"] = json::array({{{"name", "cache"}, {"emptyDir", {{"medium", "Memory"}}}}});
  node.write_manifest("keeps.json", pod_json);
  const std::string name = node.static_name("keeps");
  const json pod = node.wait_pod(name, running_and_ready, "Running");
  wait_exec(node, pod, "app", "cat /cache/state", "warm\n");
  const std::string dir = node.agent().root_dir() + "/pods/" + uid(pod) + "/volumes/kubernetes.io~empty-dir/cache";
  REQUIRE(mounted(dir));

  node.agent().stop(SIGKILL);
  node.agent().restart();
  const json adopted = node.wait_pod(name, running_and_ready, "Running after the restart");
  std::this_thread::sleep_for(3s);  // a few syncs
  CHECK(mounted(dir));
  CHECK(exec_in(node, adopted, "app", "cat /cache/state") == "warm\n");
  CHECK(current_id(container_status(adopted, "app")) == current_id(container_status(pod, "app")));
  CHECK(restart_count(container_status(node.wait_pod(name, running_and_ready, "Running"), "app")) == 0);
}

TEST_CASE("the volumes of a pod removed while the agent was down are taken down at its next start") {
  Node node;
  json app = shell_container("app", "exec sleep 3600");
  app["volumeMounts"] = json::array({{{"name", "cache"}, {"mountPath", "/cache"}}});
  json pod_json = pod_manifest(node.ns(), "left", json::array({app}));
  pod_json["spec"]["volumes"] = json::array({{{"name", "cache"}, {"emptyDir", {{"medium", "Memory"}}}}});
  node.write_manifest("left.json", pod_json);
  const std::string name = node.static_name("left");
  const json pod = node.wait_pod(name, running_and_ready, "Running");
  const std::string volumes = node.agent().root_dir() + "/pods/" + uid(pod) + "/volumes";
  REQUIRE(mounted(volumes + "/kubernetes.io~empty-dir/cache"));

  // The agent dies after its pod's runtime objects went, before its volumes did.
  node.agent().stop(SIGKILL);
  node.remove_manifest("left.json");
  for (const auto& sandbox : node.sandboxes_of(uid(pod))) {
    cri::StopPodSandboxRequest stop;
    stop.set_pod_sandbox_id(sandbox.id());
    cri::StopPodSandboxResponse stopped;
    REQUIRE(node.shim().runtime()->StopPodSandbox(itest::context(60s).get(), stop, &stopped).ok());
    cri::RemovePodSandboxRequest remove;
    remove.set_pod_sandbox_id(sandbox.id());
    cri::RemovePodSandboxResponse removed;
    REQUIRE(node.shim().runtime()->RemovePodSandbox(itest::context(60s).get(), remove, &removed).ok());
  }
  REQUIRE(mounted(volumes + "/kubernetes.io~empty-dir/cache"));

  node.agent().restart();
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (fs::exists(volumes) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(200ms);
  CHECK_MESSAGE(!fs::exists(volumes), node.agent_log_tail());
  CHECK_FALSE(mounted(volumes + "/kubernetes.io~empty-dir/cache"));
}

}  // namespace
}  // namespace e2e
