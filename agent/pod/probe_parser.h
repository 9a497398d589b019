// A container's probes and lifecycle hooks as a manifest writes them (core/v1
// Probe, LifecycleHandler), defaulted and validated as the API server does:
// - exactly one handler: exec, httpGet, tcpSocket or grpc;
// - every number >= 0, a 0 taking the default (timeout 1 s, period 10 s,
//   success threshold 1, failure threshold 3);
// - liveness and startup probes: successThreshold 1; readiness probes: no
//   terminationGracePeriodSeconds; a given one must be > 0;
// - ports: 1..65535, or (httpGet, tcpSocket) the name of one of the
//   container's ports, resolved here: a name the container does not
//   declare is refused, where kubelet would fail the probe at every run;
// - httpGet: scheme HTTP or HTTPS, path "/" by default, headers with names.
// Errors are yaml_fields::FieldError, naming the field.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "agent/pod/pod_spec.h"

namespace agent::pod {

enum class ProbeKind { Liveness, Readiness, Startup };

const char* to_string(ProbeKind kind);  // "Liveness", "Readiness", "Startup"

// The container's probe of `kind` (empty when it has none).
const std::optional<Probe>& probe_of(const Container& container, ProbeKind kind);

Probe parse_probe(const YAML::Node& n, const std::string& path, ProbeKind kind,
                  const std::vector<ContainerPort>& ports);

// A lifecycle hook (lifecycle.postStart, lifecycle.preStop): exactly one of
// exec and httpGet, read as a probe's. tcpSocket, which the API accepts but
// kubelet does not run, is refused.
LifecycleHandler parse_lifecycle_handler(const YAML::Node& n, const std::string& path,
                                         const std::vector<ContainerPort>& ports);

}  // namespace agent::pod
