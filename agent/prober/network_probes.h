// The probes that reach a container over the network, as kubelet's
// pkg/probe/{http,tcp,grpc} do. Each takes the probe's timeout and never
// waits much longer; none throws.
//
// httpGet:
// - GET scheme://host:port/path with the probe's headers (a "Host" header
//   sets the request's host), User-Agent "kube-probe/<version>" and
//   Accept "*/*" unless the probe sets them; HTTPS without verifying the
//   certificate, as kubelet.
// - 200..399 is Success, anything else Failure ("HTTP probe failed with
//   statuscode: N"); an error of the connection Failure with its reason.
// - Redirects to the same host and port are followed (at most 10); one to
//   another host is not, and counts as Warning ("Probe terminated
//   redirects"), which is a success.
// - At most 10 KiB of the body is read (the output on success).
// tcpSocket: a TCP connection opened within the timeout is Success.
// grpc: grpc.health.v1.Health/Check with the probe's service name; SERVING
// is Success, any other answer or error Failure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "agent/pod/pod_spec.h"
#include "agent/prober/probe_result.h"

namespace agent::prober {

// kubelet's User-Agent for probes names its own minor version; node-agent
// follows kubelet v1.26's behaviour.
inline constexpr const char* kProbeUserAgent = "kube-probe/1.26";

struct HttpProbeTarget {
  pod::UriScheme scheme = pod::UriScheme::Http;
  std::string host;
  int port = 0;
  std::string path = "/";
  std::vector<pod::HttpHeader> headers;
};

// The GET itself, as a probe makes it (headers, redirects, body limit): the
// last answer's status and body, or why there was none. A redirect to
// another host is not followed: its 3xx is the answer, `stopped_at_redirect`.
struct HttpAnswer {
  int status = 0;  // 0: no answer, see `error`
  std::string body;
  std::string error;
  bool stopped_at_redirect = false;
};
HttpAnswer http_get(const HttpProbeTarget& target, std::chrono::seconds timeout);

// http_get judged as a probe: 2xx/3xx Success (Warning when stopped at a
// redirect), anything else Failure.
ProbeOutcome http_probe(const HttpProbeTarget& target, std::chrono::seconds timeout);
ProbeOutcome tcp_probe(const std::string& host, int port, std::chrono::seconds timeout);
ProbeOutcome grpc_probe(const std::string& host, int port, const std::optional<std::string>& service,
                        std::chrono::seconds timeout);

// "host:port", with an IPv6 host in brackets.
std::string host_port(const std::string& host, int port);

}  // namespace agent::prober
