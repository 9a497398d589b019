// The Pod as node-agent understands it: a plain C++ model of the subset of
// the Kubernetes v1 Pod that a manifest may use (anything else is refused
// by the parser, never dropped). Everything here is
// already defaulted and validated by manifest_parser; a consumer never needs
// to re-apply Kubernetes defaults or re-check enums. Every struct compares
// by value (the pod manager tells an update from no change that way).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace agent::pod {

struct ObjectMeta {
  std::string name;
  std::string namespace_ = "default";
  std::string uid;  // from the manifest, or derived (static_uid.h)
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;

  bool operator==(const ObjectMeta&) const = default;
};

// One env entry: either a literal value or a fieldRef to pod metadata/status.
struct EnvVar {
  std::string name;
  std::string value;                      // when field_path is empty
  std::optional<std::string> field_path;  // e.g. "metadata.name", "status.podIP"

  bool operator==(const EnvVar&) const = default;
};

enum class Protocol { TCP, UDP, SCTP };

struct ContainerPort {
  std::string name;
  int32_t container_port = 0;
  int32_t host_port = 0;  // 0: not published on the host
  std::string host_ip;
  Protocol protocol = Protocol::TCP;

  bool operator==(const ContainerPort&) const = default;
};

// cpu in milli-CPU, memory in bytes; both rounded up as Kubernetes does.
struct ResourceList {
  std::optional<int64_t> cpu_milli;
  std::optional<int64_t> memory_bytes;

  bool operator==(const ResourceList&) const = default;
};

struct ResourceRequirements {
  ResourceList requests;  // defaulted from limits where absent, as the API server does
  ResourceList limits;

  bool operator==(const ResourceRequirements&) const = default;
};

struct Capabilities {
  std::vector<std::string> add;
  std::vector<std::string> drop;

  bool operator==(const Capabilities&) const = default;
};

enum class SeccompType { Unconfined, RuntimeDefault, Localhost };

struct SeccompProfile {
  SeccompType type = SeccompType::RuntimeDefault;
  std::string localhost_profile;  // only for Localhost

  bool operator==(const SeccompProfile&) const = default;
};

struct SecurityContext {
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  std::optional<bool> run_as_non_root;
  std::optional<Capabilities> capabilities;
  std::optional<bool> privileged;
  std::optional<bool> read_only_root_filesystem;
  std::optional<bool> allow_privilege_escalation;
  std::optional<SeccompProfile> seccomp_profile;

  bool operator==(const SecurityContext&) const = default;
};

// A port a probe names: a number, or the name of one of the container's
// ports (resolved by the parser, which refuses a name the container does
// not declare).
struct PortRef {
  int32_t number = 0;
  std::string name;  // as written, for messages; empty when given as a number

  bool operator==(const PortRef&) const = default;
};

struct HttpHeader {
  std::string name;
  std::string value;

  bool operator==(const HttpHeader&) const = default;
};

// The four ways to probe a container (core/v1 ProbeHandler); exactly one is set.
struct ExecAction {
  std::vector<std::string> command;  // run in the container, not in a shell

  bool operator==(const ExecAction&) const = default;
};

enum class UriScheme { Http, Https };

struct HttpGetAction {
  std::string path = "/";
  PortRef port;
  std::string host;  // empty: the pod's IP
  UriScheme scheme = UriScheme::Http;
  std::vector<HttpHeader> http_headers;

  bool operator==(const HttpGetAction&) const = default;
};

struct TcpSocketAction {
  PortRef port;
  std::string host;  // empty: the pod's IP

  bool operator==(const TcpSocketAction&) const = default;
};

struct GrpcAction {
  int32_t port = 0;
  std::optional<std::string> service;  // grpc.health.v1 HealthCheckRequest.service

  bool operator==(const GrpcAction&) const = default;
};

using ProbeHandler = std::variant<ExecAction, HttpGetAction, TcpSocketAction, GrpcAction>;

// A liveness, readiness or startup probe, with the API server's defaults
// applied (a 0 in the manifest is the default, as there).
struct Probe {
  ProbeHandler handler;
  int32_t initial_delay_seconds = 0;
  int32_t timeout_seconds = 1;
  int32_t period_seconds = 10;
  int32_t success_threshold = 1;  // always 1 for liveness and startup
  int32_t failure_threshold = 3;
  // Liveness and startup only: the grace period of a kill this probe
  // causes, in place of the pod's.
  std::optional<int64_t> termination_grace_period_seconds;

  bool operator==(const Probe&) const = default;
};

// A postStart or preStop hook's action (core/v1 LifecycleHandler).
using LifecycleHandler = std::variant<ExecAction, HttpGetAction>;

enum class PullPolicy { Always, IfNotPresent, Never };

struct Container {
  std::string name;
  std::string image;
  PullPolicy image_pull_policy = PullPolicy::IfNotPresent;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::vector<EnvVar> env;
  std::vector<ContainerPort> ports;
  std::string working_dir;
  ResourceRequirements resources;
  std::optional<SecurityContext> security_context;
  std::string termination_message_path = "/dev/termination-log";
  std::optional<Probe> liveness_probe;
  std::optional<Probe> readiness_probe;
  std::optional<Probe> startup_probe;
  std::optional<LifecycleHandler> post_start;  // lifecycle.postStart
  std::optional<LifecycleHandler> pre_stop;    // lifecycle.preStop

  bool operator==(const Container&) const = default;
};

enum class RestartPolicy { Always, OnFailure, Never };

enum class DnsPolicy { ClusterFirst, ClusterFirstWithHostNet, Default, None };

struct DnsOption {
  std::string name;
  std::optional<std::string> value;

  bool operator==(const DnsOption&) const = default;
};

struct DnsConfig {
  std::vector<std::string> nameservers;
  std::vector<std::string> searches;
  std::vector<DnsOption> options;

  bool operator==(const DnsConfig&) const = default;
};

struct PodSecurityContext {
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  std::optional<bool> run_as_non_root;
  std::optional<int64_t> fs_group;
  std::vector<int64_t> supplemental_groups;
  std::optional<SeccompProfile> seccomp_profile;

  bool operator==(const PodSecurityContext&) const = default;
};

struct PodSpec {
  std::vector<Container> init_containers;  // run in order, each to completion
  std::vector<Container> containers;       // at least one
  RestartPolicy restart_policy = RestartPolicy::Always;
  int64_t termination_grace_period_seconds = 30;
  bool host_network = false;
  bool host_pid = false;
  bool host_ipc = false;
  std::string hostname;
  std::string subdomain;
  DnsPolicy dns_policy = DnsPolicy::ClusterFirst;
  std::optional<DnsConfig> dns_config;
  PodSecurityContext security_context;
  std::string node_name;

  bool operator==(const PodSpec&) const = default;
};

struct Pod {
  ObjectMeta metadata;
  PodSpec spec;

  bool operator==(const Pod&) const = default;
};

const char* to_string(PullPolicy p);
const char* to_string(RestartPolicy p);
const char* to_string(DnsPolicy p);
const char* to_string(Protocol p);
const char* to_string(SeccompType t);
const char* to_string(UriScheme s);

}  // namespace agent::pod
