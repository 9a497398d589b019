// JSON mapping against replies captured from dockerd 20.10 (samples/), plus
// hand-written edge cases (nulls, "<none>" tags) and the create body.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "docker-client/client_internal.h"
#include "docker-client/error.h"
#include "docker-client/json_mapping.h"
#include "common/rfc3339.h"
#include "docker-client/types.h"

using namespace docker;
using nlohmann::json;

namespace {

json sample(const std::string& name) {
  std::ifstream in(std::string(DOCKER_SAMPLES_DIR) + "/" + name);
  REQUIRE_MESSAGE(in.good(), "missing sample " << name);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

}  // namespace

TEST_CASE("version and info") {
  auto v = sample("version.json").get<VersionInfo>();
  CHECK(v.version == "20.10.24+dfsg1");
  CHECK(v.api_version == "1.41");
  CHECK(v.min_api_version == "1.12");
  CHECK(v.os == "linux");
  CHECK(v.raw.contains("Components"));
  auto i = sample("info.json").get<SystemInfo>();
  CHECK(i.cgroup_driver == "cgroupfs");
  CHECK(i.cgroup_version == "1");
  CHECK(i.docker_root_dir == "/var/lib/docker");
  CHECK(i.logging_driver == "json-file");
  CHECK(i.ncpu > 0);
  CHECK(i.security_options == std::vector<std::string>{"name=seccomp,profile=default"});
}

TEST_CASE("image list and inspect with nulls") {
  auto list = sample("image_list.json");
  for (const auto& e : list) CHECK_NOTHROW(e.get<ImageSummary>());
  auto s = list[0].get<ImageSummary>();
  CHECK(s.id.rfind("sha256:", 0) == 0);
  CHECK(s.repo_digests.empty());  // null
  CHECK(s.labels.empty());        // null

  auto dangling = json::parse(R"({"Id":"sha256:1","RepoTags":["<none>:<none>"],
      "RepoDigests":["<none>@<none>","r@sha256:2"],"Size":5,"Created":7,"Labels":{"a":"b"}})")
                      .get<ImageSummary>();
  CHECK(dangling.repo_tags.empty());
  CHECK(dangling.repo_digests == std::vector<std::string>{"r@sha256:2"});
  CHECK(dangling.created == 7);
  CHECK(dangling.labels.at("a") == "b");

  auto img = sample("image_inspect.json").get<ImageInspect>();
  CHECK(img.repo_tags == std::vector<std::string>{"busybox-test:latest"});
  CHECK(img.size == 1982256);
  CHECK(img.config.cmd.empty());  // null
  CHECK(img.config.volumes.empty());
  CHECK(common::parse_rfc3339_nanos(img.created) > 0);

  auto full = json::parse(R"({"Id":"sha256:x","Config":{"User":"1003:1004","Env":["PATH=/bin"],
      "Entrypoint":"/entry.sh","Cmd":["a","b"],"WorkingDir":"/w","Labels":{"l":"v"},
      "Volumes":{"/data":{}},"ExposedPorts":{"80/tcp":{}},"StopSignal":"SIGQUIT"},
      "Os":"linux","Architecture":"amd64"})").get<ImageInspect>();
  CHECK(full.config.user == "1003:1004");
  CHECK(full.config.entrypoint == std::vector<std::string>{"/entry.sh"});
  CHECK(full.config.volumes == std::vector<std::string>{"/data"});
  CHECK(full.config.exposed_ports == std::vector<std::string>{"80/tcp"});
  CHECK(full.config.stop_signal == "SIGQUIT");
}

TEST_CASE("container inspect: created and running") {
  auto created = sample("container_created.json").get<ContainerInspect>();
  CHECK(created.state.status == "created");
  CHECK(common::parse_rfc3339_nanos(created.state.started_at) == 0);
  CHECK(created.host_config.binds.empty());  // null
  CHECK(created.host_config.cap_add.empty());
  CHECK(created.host_config.oom_score_adj == 0);
  CHECK(created.host_config.log_type == "json-file");
  CHECK(created.name.front() != '/');
  CHECK(created.network_settings.ports.empty());  // {} until started

  auto ports = json::parse(R"({"NetworkSettings":{"Ports":{
      "80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"},{"HostIp":"::","HostPort":"8080"}],
      "53/udp":null}}})").get<ContainerInspect>();
  REQUIRE(ports.network_settings.ports.size() == 2);
  CHECK(ports.network_settings.ports.at("80/tcp").size() == 2);
  CHECK(ports.network_settings.ports.at("80/tcp")[0].host_port == "8080");
  CHECK(ports.network_settings.ports.at("53/udp").empty());  // exposed, not published
  CHECK_FALSE(created.size_rw.has_value());

  auto c = sample("container_running.json").get<ContainerInspect>();
  CHECK(c.name == "sample-3843");
  CHECK(c.state.running);
  CHECK(c.state.pid == 6797);
  CHECK(common::parse_rfc3339_nanos(c.state.started_at) == 1795917090696687283LL);
  CHECK(common::parse_rfc3339_nanos(c.state.finished_at) == 0);
  CHECK(c.config.labels.at("io.kubernetes.pod.name") == "web");
  CHECK(c.config.cmd == std::vector<std::string>{"/bin/sleep", "30"});
  CHECK(c.host_config.network_mode == "none");
  CHECK(c.log_path.find("-json.log") != std::string::npos);
  CHECK(c.network_settings.sandbox_key == "/var/run/docker/netns/69992a5a252c");
  REQUIRE(c.network_settings.networks.count("none") == 1);
  CHECK(c.network_settings.networks.at("none").network_id.size() == 64);
  REQUIRE(c.mounts.size() == 1);
  CHECK(c.mounts[0].destination == "/host-tmp");
  CHECK_FALSE(c.mounts[0].rw);
  CHECK(c.mounts[0].propagation == "rprivate");
  CHECK(c.size_rw == 0);
  CHECK(c.size_root_fs == 1982256);
  CHECK(c.raw["Id"] == c.id);

  // take() moves the document instead of copying it.
  auto moved = detail::take<ContainerInspect>(sample("container_running.json"));
  CHECK(moved.id == c.id);
  CHECK(moved.raw == c.raw);
}

TEST_CASE("container list") {
  auto list = sample("container_list.json");
  auto s = list[0].get<ContainerSummary>();
  CHECK(s.names == std::vector<std::string>{"sample-3843"});
  CHECK(s.state == "running");
  CHECK(s.network_mode == "none");
  CHECK(s.labels.at("sample") == "yes");
  CHECK(s.created == 1795917090);
  CHECK(s.networks.count("none") == 1);
  auto nulls = json::parse(R"({"Id":"x","Names":null,"Labels":null,"HostConfig":null,
      "NetworkSettings":{"Networks":null},"Created":null})").get<ContainerSummary>();
  CHECK(nulls.names.empty());
  CHECK(nulls.created == 0);
}

TEST_CASE("exec inspect: ExitCode null while running") {
  auto created = sample("exec_created.json").get<ExecInspect>();
  CHECK_FALSE(created.exit_code.has_value());
  CHECK_FALSE(created.running);
  CHECK(created.pid == 0);
  CHECK(created.open_stdout);
  auto running = sample("exec_running.json").get<ExecInspect>();
  CHECK(running.running);
  CHECK(running.pid == 6882);
  CHECK(running.container_id.size() == 64);
  auto done = json::parse(R"({"ID":"e","Running":false,"ExitCode":7,"Pid":12})").get<ExecInspect>();
  CHECK(done.exit_code == 7);
}

TEST_CASE("events") {
  std::ifstream in(std::string(DOCKER_SAMPLES_DIR) + "/events.jsonl");
  std::string line;
  std::vector<Event> events;
  while (std::getline(in, line)) events.push_back(json::parse(line).get<Event>());
  REQUIRE(events.size() == 10);
  CHECK(events[0].type == "container");
  CHECK(events[0].action == "create");
  CHECK(events[0].id.size() == 64);
  CHECK(events[0].attributes.at("name") == "sample-3843");
  CHECK(events[0].time_nano / 1'000'000'000 == events[0].raw["time"].get<std::int64_t>());
  CHECK(events[4].action == "exec_create: /bin/sleep 5");
}

TEST_CASE("progress lines and delete items") {
  auto p = json::parse(R"({"status":"Downloading","progressDetail":{"current":100,"total":2000},
      "progress":"[=>  ]","id":"abc"})").get<ProgressEvent>();
  CHECK(p.status == "Downloading");
  CHECK(p.current == 100);
  CHECK(p.total == 2000);
  auto q = json::parse(R"({"status":"Pull complete","progressDetail":{},"id":"abc"})").get<ProgressEvent>();
  CHECK(q.total == 0);
  auto d = json::parse(R"({"Untagged":"a:b"})").get<ImageDeleteItem>();
  CHECK(d.untagged == "a:b");
  CHECK(d.deleted.empty());
}

TEST_CASE("create request body: exactly what Docker expects, defaults omitted") {
  ContainerCreateRequest r;
  r.image = "sha256:abc";
  json minimal = r.to_json();
  CHECK(minimal == json::parse(R"({"Image":"sha256:abc","Healthcheck":{"Test":["NONE"]},
      "HostConfig":{"RestartPolicy":{"Name":"no"}}})"));

  r.name = "k8s_c";  // query parameter, not in the body
  r.entrypoint_set = true;  // [] clears the image's entrypoint
  r.cmd = {"sh", "-c", "true"};
  r.env = {"A=1"};
  r.labels = {{"io.kubernetes.pod.name", "web"}};
  r.working_dir = "/w";
  r.user = "1000:1000";
  r.hostname = "web";
  r.tty = r.open_stdin = r.stdin_once = true;
  r.stop_signal = "SIGTERM";
  r.stop_timeout = 30;
  r.exposed_ports = {"80/tcp"};
  auto& h = r.host_config;
  h.binds = {"/a:/b:ro"};
  h.mounts.push_back({"bind", "/src", "/dst", true, "rslave"});
  h.network_mode = "container:sandbox";
  h.ipc_mode = "container:sandbox";
  h.pid_mode = "host";
  h.uts_mode = "host";
  h.port_bindings["80/tcp"] = {{"0.0.0.0", "8080"}};
  h.dns = {"8.8.8.8"};
  h.dns_search = {"svc.local"};
  h.dns_options = {"ndots:5"};
  h.extra_hosts = {"db:10.0.0.2"};
  h.privileged = true;
  h.readonly_rootfs = true;
  h.cap_add = {"NET_ADMIN"};
  h.cap_drop = {"ALL"};
  h.security_opt = {"seccomp=unconfined"};
  h.group_add = {"100"};
  h.set_masked_paths = true;  // empty but sent
  h.readonly_paths = {"/proc/sys"};
  h.sysctls = {{"net.core.somaxconn", "1024"}};
  h.log_driver = "json-file";
  h.log_config_options = {{"max-size", "10m"}};
  h.oom_score_adj = -998;
  h.shm_size = 64 << 20;
  h.runtime = "runc";
  h.resources.cgroup_parent = "/kubepods";
  h.resources.cpu_shares = 512;
  h.resources.cpu_period = 100000;
  h.resources.cpu_quota = 50000;
  h.resources.cpuset_cpus = "0-1";
  h.resources.cpuset_mems = "0";
  h.resources.memory = 128 << 20;
  h.resources.memory_swap = 128 << 20;
  h.resources.pids_limit = 100;
  h.resources.devices.push_back({"/dev/fuse", "/dev/fuse", "rwm"});
  h.resources.hugepage_limits["2MB"] = 1;  // no Docker field: not sent
  json body = r.to_json();
  json expected = json::parse(R"({
    "Image":"sha256:abc","Hostname":"web","User":"1000:1000","WorkingDir":"/w",
    "StopSignal":"SIGTERM","StopTimeout":30,"Env":["A=1"],"Entrypoint":[],
    "Cmd":["sh","-c","true"],"Labels":{"io.kubernetes.pod.name":"web"},
    "Tty":true,"OpenStdin":true,"StdinOnce":true,"ExposedPorts":{"80/tcp":{}},
    "Healthcheck":{"Test":["NONE"]},
    "HostConfig":{
      "Binds":["/a:/b:ro"],
      "Mounts":[{"Type":"bind","Source":"/src","Target":"/dst","ReadOnly":true,
                 "BindOptions":{"Propagation":"rslave"}}],
      "NetworkMode":"container:sandbox","IpcMode":"container:sandbox","PidMode":"host",
      "UTSMode":"host","PortBindings":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"}]},
      "Dns":["8.8.8.8"],"DnsSearch":["svc.local"],"DnsOptions":["ndots:5"],
      "ExtraHosts":["db:10.0.0.2"],"Privileged":true,"ReadonlyRootfs":true,
      "CapAdd":["NET_ADMIN"],"CapDrop":["ALL"],"SecurityOpt":["seccomp=unconfined"],
      "GroupAdd":["100"],"MaskedPaths":[],"ReadonlyPaths":["/proc/sys"],
      "Sysctls":{"net.core.somaxconn":"1024"},
      "LogConfig":{"Type":"json-file","Config":{"max-size":"10m"}},
      "OomScoreAdj":-998,"ShmSize":67108864,"Runtime":"runc","CgroupParent":"/kubepods",
      "CpuShares":512,"CpuPeriod":100000,"CpuQuota":50000,"CpusetCpus":"0-1","CpusetMems":"0",
      "Memory":134217728,"MemorySwap":134217728,"PidsLimit":100,
      "Devices":[{"PathOnHost":"/dev/fuse","PathInContainer":"/dev/fuse","CgroupPermissions":"rwm"}],
      "RestartPolicy":{"Name":"no"}}})");
  CHECK(body == expected);
  if (body != expected) MESSAGE(json::diff(expected, body).dump());
}

TEST_CASE("create request body: device cgroup rules, and empty masked/readonly paths sent when set") {
  ContainerCreateRequest r;
  r.image = "busybox";
  r.host_config.device_cgroup_rules = {"c *:* rwm", "b *:* rwm"};
  r.host_config.set_masked_paths = r.host_config.set_readonly_paths = true;
  json hc = r.to_json()["HostConfig"];
  CHECK(hc["DeviceCgroupRules"] == json::parse(R"(["c *:* rwm","b *:* rwm"])"));
  CHECK(hc["MaskedPaths"] == json::array());
  CHECK(hc["ReadonlyPaths"] == json::array());

  ContainerCreateRequest plain;  // absent = Docker's defaults
  plain.image = "busybox";
  json phc = plain.to_json()["HostConfig"];
  CHECK_FALSE(phc.contains("DeviceCgroupRules"));
  CHECK_FALSE(phc.contains("MaskedPaths"));
  CHECK_FALSE(phc.contains("ReadonlyPaths"));
}

TEST_CASE("exec config and update bodies") {
  ExecConfig e;
  e.cmd = {"sh"};
  e.attach_stdin = true;
  CHECK(e.to_json() == json::parse(R"({"Cmd":["sh"],"Tty":false,"AttachStdin":true,
      "AttachStdout":true,"AttachStderr":true})"));
  Resources r;
  CHECK(r.to_update_json() == json::object());
  r.cpu_quota = 20000;
  r.pids_limit = -1;
  r.oom_kill_disable = false;
  CHECK(r.to_update_json() == json::parse(R"({"CpuQuota":20000,"PidsLimit":-1,"OomKillDisable":false})"));
}

// Found by fuzzing (tests/fuzz/corpus/docker_json/crash-number-overflow):
// nlohmann reports a number beyond double as out_of_range, not parse_error,
// and it escaped parse_json as a bare nlohmann exception.
TEST_CASE("a reply with a number beyond double is a protocol error") {
  try {
    (void)detail::parse_json(R"({"Size":1e999})");
    FAIL("no exception");
  } catch (const DockerError& e) {
    CHECK(e.kind() == DockerError::Kind::Protocol);
  }
}

// Found by fuzzing (tests/fuzz/corpus/docker_events/crash-time-overflow and
// docker_json/crash-float-beyond-int64): an event's "time" in seconds times
// 10^9 overflowed int64, and a float beyond int64 was cast to it; both are
// undefined behaviour. Such values now read as 0, like any non-count.
TEST_CASE("numbers beyond int64 read as 0, never overflow") {
  Event e;
  from_json(json::parse(R"({"Type":"container","Action":"die","time":179917090702315531})"), e);
  CHECK(e.time_nano == 0);
  from_json(json::parse(R"({"Type":"container","Action":"die","time":1764384000})"), e);
  CHECK(e.time_nano == 1764384000LL * 1'000'000'000);
  ImageSummary image;
  from_json(json::parse(R"({"Id":"sha256:aa","Created":1e300,"Size":-1e300})"), image);
  CHECK(image.created == 0);
  CHECK(image.size == 0);
  from_json(json::parse(R"({"Id":"sha256:aa","Size":1.5e9})"), image);
  CHECK(image.size == 1'500'000'000);
}
