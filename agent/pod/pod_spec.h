// The Pod as node-agent understands it: a plain C++ model of the subset of
// the Kubernetes v1 Pod that issue 6 lets a manifest use. Everything here is
// already defaulted and validated by manifest_parser; a consumer never needs
// to re-apply Kubernetes defaults or re-check enums. Every struct compares
// by value (the pod manager tells an update from no change that way).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
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

}  // namespace agent::pod
