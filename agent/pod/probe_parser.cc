#include "agent/pod/probe_parser.h"

#include <algorithm>
#include <cctype>

#include "agent/pod/yaml_fields.h"

namespace agent::pod {

const char* to_string(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::Liveness: return "Liveness";
    case ProbeKind::Readiness: return "Readiness";
    case ProbeKind::Startup: return "Startup";
  }
  return "?";
}

const std::optional<Probe>& probe_of(const Container& container, ProbeKind kind) {
  switch (kind) {
    case ProbeKind::Liveness: return container.liveness_probe;
    case ProbeKind::Readiness: return container.readiness_probe;
    case ProbeKind::Startup: return container.startup_probe;
  }
  return container.liveness_probe;
}

const char* to_string(UriScheme s) { return s == UriScheme::Https ? "HTTPS" : "HTTP"; }

namespace {

using namespace yaml_fields;

int32_t port_number(int64_t value, const std::string& path) {
  if (value < 1 || value > 65535) fail(path, "must be between 1 and 65535");
  return static_cast<int32_t>(value);
}

// IANA_SVC_NAME, as Kubernetes validates a port name.
bool is_port_name(const std::string& s) {
  if (s.empty() || s.size() > 15 || s.front() == '-' || s.back() == '-') return false;
  if (s.find("--") != std::string::npos) return false;
  bool letter = false;
  for (char c : s) {
    if (std::islower(static_cast<unsigned char>(c))) letter = true;
    else if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return letter;
}

// An IntOrString port: a plain number, or a name of one of `ports`.
PortRef port_ref(const YAML::Node& n, const std::string& path, const std::vector<ContainerPort>& ports) {
  if (!present(n)) fail(path, "required");
  if (!n.IsScalar()) fail(path, "expected a port number or name");
  const std::string& text = n.Scalar();
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
  if (digits && n.Tag() != "!") return PortRef{port_number(integer(n, path), path), ""};
  if (!is_port_name(text))
    fail(path, "\"" + text + "\" is neither a port number nor a port name (at most 15 lower-case letters, digits "
                               "and '-', with a letter)");
  for (const auto& p : ports)
    if (p.name == text) return PortRef{p.container_port, text};
  fail(path, "the container has no port named \"" + text + "\"");
}

// An HTTP header name: an RFC 7230 token.
bool is_header_name(const std::string& s) {
  static const std::string kSpecials = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kSpecials.find(c) != std::string::npos;
  });
}

HttpGetAction http_get(const YAML::Node& n, const std::string& path, const std::vector<ContainerPort>& ports) {
  expect_map(n, path);
  check_keys(n, path, {"path", "port", "host", "scheme", "httpHeaders"});
  HttpGetAction a;
  if (present(n["path"])) a.path = str(n["path"], join(path, "path"));
  if (a.path.empty()) a.path = "/";
  a.port = port_ref(n["port"], join(path, "port"), ports);
  if (present(n["host"])) a.host = str(n["host"], join(path, "host"));
  if (present(n["scheme"])) {
    const std::string scheme = str(n["scheme"], join(path, "scheme"));
    if (scheme == "HTTP") a.scheme = UriScheme::Http;
    else if (scheme == "HTTPS") a.scheme = UriScheme::Https;
    else fail(join(path, "scheme"), "unknown scheme \"" + scheme + "\" (HTTP, HTTPS)");
  }
  if (present(n["httpHeaders"])) {
    const std::string hpath = join(path, "httpHeaders");
    expect_seq(n["httpHeaders"], hpath);
    for (std::size_t i = 0; i < n["httpHeaders"].size(); ++i) {
      const YAML::Node h = n["httpHeaders"][i];
      const std::string ipath = at(hpath, i);
      expect_map(h, ipath);
      check_keys(h, ipath, {"name", "value"});
      HttpHeader header;
      if (!present(h["name"])) fail(join(ipath, "name"), "required");
      header.name = str(h["name"], join(ipath, "name"));
      if (!is_header_name(header.name)) fail(join(ipath, "name"), "\"" + header.name + "\" is not an HTTP header name");
      if (present(h["value"])) header.value = str(h["value"], join(ipath, "value"));
      a.http_headers.push_back(std::move(header));
    }
  }
  return a;
}

TcpSocketAction tcp_socket(const YAML::Node& n, const std::string& path, const std::vector<ContainerPort>& ports) {
  expect_map(n, path);
  check_keys(n, path, {"port", "host"});
  TcpSocketAction a;
  a.port = port_ref(n["port"], join(path, "port"), ports);
  if (present(n["host"])) a.host = str(n["host"], join(path, "host"));
  return a;
}

GrpcAction grpc(const YAML::Node& n, const std::string& path) {
  expect_map(n, path);
  check_keys(n, path, {"port", "service"});
  GrpcAction a;
  if (!present(n["port"])) fail(join(path, "port"), "required");
  a.port = port_number(integer(n["port"], join(path, "port")), join(path, "port"));
  if (present(n["service"])) a.service = str(n["service"], join(path, "service"));
  return a;
}

ExecAction exec(const YAML::Node& n, const std::string& path) {
  expect_map(n, path);
  check_keys(n, path, {"command"});
  ExecAction a;
  a.command = strings(n["command"], join(path, "command"));
  if (a.command.empty()) fail(join(path, "command"), "required");
  return a;
}

// A count or a number of seconds: >= 0, and 0 (or absent) is `default_value`.
int32_t defaulted(const YAML::Node& parent, const char* key, const std::string& path, int32_t default_value) {
  if (!present(parent[key])) return default_value;
  const int64_t v = integer(parent[key], join(path, key));
  if (v < 0) fail(join(path, key), "must be greater than or equal to 0");
  if (v > 2147483647) fail(join(path, key), "too large");
  return v == 0 ? default_value : static_cast<int32_t>(v);
}

}  // namespace

Probe parse_probe(const YAML::Node& n, const std::string& path, ProbeKind kind,
                  const std::vector<ContainerPort>& ports) {
  expect_map(n, path);
  check_keys(n, path,
             {"exec", "httpGet", "tcpSocket", "grpc", "initialDelaySeconds", "timeoutSeconds", "periodSeconds",
              "successThreshold", "failureThreshold", "terminationGracePeriodSeconds"});
  Probe p;
  int handlers = 0;
  if (present(n["exec"])) ++handlers, p.handler = exec(n["exec"], join(path, "exec"));
  if (present(n["httpGet"])) ++handlers, p.handler = http_get(n["httpGet"], join(path, "httpGet"), ports);
  if (present(n["tcpSocket"])) ++handlers, p.handler = tcp_socket(n["tcpSocket"], join(path, "tcpSocket"), ports);
  if (present(n["grpc"])) ++handlers, p.handler = grpc(n["grpc"], join(path, "grpc"));
  if (handlers == 0) fail(path, "must specify a handler type (exec, httpGet, tcpSocket or grpc)");
  if (handlers > 1) fail(path, "may not specify more than 1 handler type");

  p.initial_delay_seconds = defaulted(n, "initialDelaySeconds", path, 0);
  p.timeout_seconds = defaulted(n, "timeoutSeconds", path, 1);
  p.period_seconds = defaulted(n, "periodSeconds", path, 10);
  p.success_threshold = defaulted(n, "successThreshold", path, 1);
  p.failure_threshold = defaulted(n, "failureThreshold", path, 3);
  if (kind != ProbeKind::Readiness && p.success_threshold != 1)
    fail(join(path, "successThreshold"), "must be 1");
  if (present(n["terminationGracePeriodSeconds"])) {
    const std::string gpath = join(path, "terminationGracePeriodSeconds");
    if (kind == ProbeKind::Readiness) fail(gpath, "must not be set for readinessProbes");
    const int64_t grace = integer(n["terminationGracePeriodSeconds"], gpath);
    if (grace <= 0) fail(gpath, "must be greater than 0");
    p.termination_grace_period_seconds = grace;
  }
  return p;
}

LifecycleHandler parse_lifecycle_handler(const YAML::Node& n, const std::string& path,
                                         const std::vector<ContainerPort>& ports) {
  expect_map(n, path);
  if (present(n["tcpSocket"])) fail(join(path, "tcpSocket"), "not run by kubelet for lifecycle hooks (exec, httpGet)");
  check_keys(n, path, {"exec", "httpGet"});
  if (present(n["exec"]) && present(n["httpGet"])) fail(path, "may not specify more than 1 handler type");
  if (present(n["exec"])) return exec(n["exec"], join(path, "exec"));
  if (present(n["httpGet"])) return http_get(n["httpGet"], join(path, "httpGet"), ports);
  fail(path, "must specify a handler type (exec or httpGet)");
}

}  // namespace agent::pod
