#include "agent/prober/network_probes.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include "grpc/health/v1/health.grpc.pb.h"

namespace agent::prober {

std::string host_port(const std::string& host, int port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

namespace {

constexpr std::size_t kMaxBody = 10 * 1024;  // kubelet reads no more of a probe's answer
constexpr int kMaxRedirects = 10;

bool same_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

// Where a Location header points, against the request it answers.
struct Redirect {
  bool same_host = false;
  std::string path;  // for a same-host redirect
};

Redirect resolve(const std::string& location, const HttpProbeTarget& from) {
  Redirect r;
  if (location.empty()) return r;
  if (location.front() == '/' && location.rfind("//", 0) != 0) {  // a path on the same host
    r.same_host = true;
    r.path = location;
    return r;
  }
  const std::string http = "http://", https = "https://";
  std::string rest;
  pod::UriScheme scheme;
  if (location.rfind(http, 0) == 0) scheme = pod::UriScheme::Http, rest = location.substr(http.size());
  else if (location.rfind(https, 0) == 0) scheme = pod::UriScheme::Https, rest = location.substr(https.size());
  else return r;  // relative without a slash, or another scheme: not followed
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  const std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  const int default_port = scheme == pod::UriScheme::Https ? 443 : 80;
  const std::string target = host_port(from.host, from.port);
  const bool explicit_port = authority.rfind(':') != std::string::npos && authority.back() != ']';
  const std::string with_port = explicit_port ? authority : authority + ":" + std::to_string(default_port);
  if (scheme == from.scheme && same_name(with_port, target)) {
    r.same_host = true;
    r.path = path;
  }
  return r;
}

httplib::Headers request_headers(const HttpProbeTarget& target) {
  httplib::Headers headers;
  bool agent = false, accept = false;
  for (const auto& h : target.headers) {
    headers.emplace(h.name, h.value);
    agent = agent || same_name(h.name, "User-Agent");
    accept = accept || same_name(h.name, "Accept");
  }
  if (!agent) headers.emplace("User-Agent", kProbeUserAgent);
  if (!accept) headers.emplace("Accept", "*/*");
  return headers;
}

}  // namespace

HttpAnswer http_get(const HttpProbeTarget& target, std::chrono::seconds timeout) {
  const std::string base =
      std::string(target.scheme == pod::UriScheme::Https ? "https://" : "http://") + host_port(target.host, target.port);
  httplib::Client client(base);
  const auto seconds = static_cast<time_t>(timeout.count());
  client.set_connection_timeout(seconds);
  client.set_read_timeout(seconds);
  client.set_write_timeout(seconds);
  client.set_follow_location(false);
  client.set_url_encode(false);  // the path is sent as written
  client.set_keep_alive(false);
  client.enable_server_certificate_verification(false);
  const httplib::Headers headers = request_headers(target);

  std::string path = target.path.empty() ? "/" : target.path;
  for (int redirects = 0;; ++redirects) {
    HttpAnswer answer;
    std::string location;
    auto result = client.Get(
        path, headers,
        [&](const httplib::Response& response) {
          answer.status = response.status;
          location = response.get_header_value("Location");
          return true;
        },
        [&](const char* data, std::size_t length) {
          answer.body.append(data, std::min(length, kMaxBody - answer.body.size()));
          return answer.body.size() < kMaxBody;  // enough read: stop, as kubelet does
        });
    if (!result && answer.status == 0) {
      answer.error = "Get \"" + base + path + "\": " + httplib::to_string(result.error());
      return answer;
    }
    if (answer.status < 300 || answer.status >= 400 || location.empty()) return answer;
    const Redirect next = resolve(location, target);
    if (!next.same_host) {
      answer.stopped_at_redirect = true;
      return answer;
    }
    if (redirects + 1 >= kMaxRedirects) {
      answer.status = 0;
      answer.error = "Get \"" + base + next.path + "\": stopped after 10 redirects";
      return answer;
    }
    path = next.path;
  }
}

ProbeOutcome http_probe(const HttpProbeTarget& target, std::chrono::seconds timeout) {
  HttpAnswer answer = http_get(target, timeout);
  if (answer.status == 0) return {ProbeResult::Failure, std::move(answer.error)};
  if (answer.stopped_at_redirect)
    return {ProbeResult::Warning, "Probe terminated redirects, Response body: " + answer.body};
  if (answer.status >= 200 && answer.status < 400) return {ProbeResult::Success, std::move(answer.body)};
  return {ProbeResult::Failure, "HTTP probe failed with statuscode: " + std::to_string(answer.status)};
}

ProbeOutcome tcp_probe(const std::string& host, int port, std::chrono::seconds timeout) {
  const std::string where = host_port(host, port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0)
    return {ProbeResult::Failure, "dial tcp " + where + ": " + gai_strerror(rc)};
  const int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(found);
    return {ProbeResult::Failure, "dial tcp " + where + ": socket: " + std::strerror(errno)};
  }
  int error = 0;
  if (::connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    error = errno;
    if (error == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(std::chrono::milliseconds(timeout).count()));
      if (ready == 0) {
        error = ETIMEDOUT;
      } else {
        socklen_t length = sizeof(error);
        if (ready < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
      }
    }
  }
  freeaddrinfo(found);
  ::close(fd);
  if (error != 0) return {ProbeResult::Failure, "dial tcp " + where + ": connect: " + std::strerror(error)};
  return {ProbeResult::Success, ""};
}

ProbeOutcome grpc_probe(const std::string& host, int port, const std::optional<std::string>& service,
                        std::chrono::seconds timeout) {
  const std::string where = host_port(host, port);
  grpc::ChannelArguments arguments;
  arguments.SetUserAgentPrefix(kProbeUserAgent);
  auto channel = grpc::CreateCustomChannel(where, grpc::InsecureChannelCredentials(), arguments);
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  context.set_wait_for_ready(true);  // a connection not yet up is waited for, within the timeout
  grpc::health::v1::HealthCheckRequest request;
  if (service) request.set_service(*service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (status.ok()) {
    if (response.status() == grpc::health::v1::HealthCheckResponse::SERVING) return {ProbeResult::Success, ""};
    return {ProbeResult::Failure, "service unhealthy (responded with \"" +
                                      grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) +
                                      "\")"};
  }
  switch (status.error_code()) {
    case grpc::StatusCode::UNIMPLEMENTED:
      return {ProbeResult::Failure,
              "error: this server does not implement the grpc health protocol (grpc.health.v1.Health): " +
                  status.error_message()};
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return {ProbeResult::Failure, "timeout: health rpc did not complete within " +
                                        std::to_string(timeout.count()) + "s"};
    default:
      return {ProbeResult::Failure, "error: health rpc probe failed: " + status.error_message()};
  }
}

}  // namespace agent::prober
