// Client construction and API version negotiation.
#include "docker-client/client.h"

#include <atomic>
#include <mutex>

#include "docker-client/client_internal.h"
#include "docker-client/encoding.h"
#include "docker-client/json_mapping.h"
#include "docker-client/transport.h"

namespace docker {

using namespace detail;

// Negotiated once, then read without locking on every call.
struct Client::VersionCache {
  std::mutex mu;
  std::atomic<bool> ready{false};
  std::string version;  // "1.41"
  std::string prefix;   // "/v1.41"

  void set(std::string v) {
    prefix = "/v" + v;
    version = std::move(v);
    ready.store(true, std::memory_order_release);
  }
};

namespace detail {

[[noreturn]] void throw_http_error(const Response& r) {
  std::string message;
  auto j = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("message") && j["message"].is_string())
    message = j["message"].get<std::string>();
  else
    message = r.body;
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (message.empty()) message = "dockerd answered HTTP " + std::to_string(r.status);
  throw DockerError(DockerError::Kind::Http, static_cast<int>(r.status), std::move(message));
}

nlohmann::json parse_json(const std::string& body) {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number beyond double ("1e999").
    throw DockerError(DockerError::Kind::Protocol, 0,
                      std::string("dockerd sent malformed JSON: ") + e.what());
  }
}

void check_stream_line(const nlohmann::json& line) {
  if (!line.is_object()) return;
  auto detail = line.find("errorDetail");
  auto error = line.find("error");
  if (detail == line.end() && error == line.end()) return;
  std::string message;
  if (detail != line.end() && detail->is_object()) {
    auto m = detail->find("message");
    if (m != detail->end() && m->is_string()) message = m->get<std::string>();
  }
  if (message.empty() && error != line.end() && error->is_string())
    message = error->get<std::string>();
  if (message.empty()) message = "dockerd reported an error: " + line.dump();
  throw DockerError(DockerError::Kind::Stream, 0, std::move(message));
}

}  // namespace detail

Client::Client(Endpoint endpoint, ClientOptions options)
    : transport_(std::make_unique<Transport>(std::move(endpoint), options.max_idle_connections)),
      version_(std::make_unique<VersionCache>()) {
  if (!options.api_version.empty()) version_->set(options.api_version);
}

Client::~Client() = default;

const Endpoint& Client::endpoint() const { return transport_->endpoint(); }

std::uint64_t Client::connections_opened() const { return transport_->connections_opened(); }

void Client::set_call_observer(CallObserver observer) { transport_->set_observer(std::move(observer)); }

std::string Client::api_version(const CallOptions& options) {
  path({}, options);
  return version_->version;
}

std::string Client::path(const std::string& api_path, const CallOptions& options) {
  VersionCache& vc = *version_;
  if (!vc.ready.load(std::memory_order_acquire)) {
    // Callers racing here wait for one negotiation; a failed one (dockerd
    // down) leaves the cache empty and the next call tries again.
    std::lock_guard lock(vc.mu);
    if (!vc.ready.load(std::memory_order_relaxed)) {
      // Unversioned on purpose: /version answers whatever version we speak.
      auto info = ok_json(transport_->call(make_request(verb::get, "/version"), options));
      std::string server = string_field(info, "ApiVersion");
      try {
        if (compare_api_versions(server, kOldestApiVersion) < 0)
          throw DockerError(DockerError::Kind::Protocol, 0,
                            "dockerd at " + endpoint().to_string() + " speaks Docker API " +
                                server + ", older than " + kOldestApiVersion +
                                ", the oldest cri-shim supports; upgrade Docker");
      } catch (const std::invalid_argument&) {
        throw DockerError(DockerError::Kind::Protocol, 0,
                          "dockerd sent an unreadable ApiVersion \"" + server + "\"");
      }
      vc.set(compare_api_versions(server, kNewestApiVersion) < 0 ? server : kNewestApiVersion);
    }
  }
  std::string p;
  p.reserve(vc.prefix.size() + api_path.size());
  p += vc.prefix;
  p += api_path;
  return p;
}

}  // namespace docker
