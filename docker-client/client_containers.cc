// Container calls: lifecycle, inspect/list, update, stats, logs, attach, resize.
#include "docker-client/client.h"
#include "docker-client/client_internal.h"
#include "docker-client/encoding.h"
#include "docker-client/frame_decoder.h"
#include "docker-client/hijacked_socket.h"
#include "docker-client/json_mapping.h"
#include "docker-client/log_stream.h"
#include "docker-client/transport.h"

namespace docker {

using namespace detail;
using nlohmann::json;

namespace {
std::string container_path(const std::string& id, const char* tail = "") {
  return "/containers/" + escape_path(id) + tail;
}
}  // namespace

ContainerCreateResult Client::create_container(const ContainerCreateRequest& request,
                                               const CallOptions& options) {
  Query q;
  q.add_nonempty("name", request.name);
  json j = ok_json(transport_->call(
      make_request(verb::post, path("/containers/create" + q.str(), options),
                   request.to_json().dump()),
      options));
  ContainerCreateResult result;
  result.id = string_field(j, "Id");
  result.warnings = strings_field(j, "Warnings");  // often null
  return result;
}

void Client::start_container(const std::string& id, const CallOptions& options) {
  expect_ok(transport_->call(make_request(verb::post, path(container_path(id, "/start"), options)),
                             options));
}

void Client::stop_container(const std::string& id, int timeout_seconds,
                            const CallOptions& options) {
  Query q;
  q.add_if(timeout_seconds >= 0, "t", std::to_string(timeout_seconds));
  Response r = transport_->call(
      make_request(verb::post, path(container_path(id, "/stop") + q.str(), options)), options);
  if (r.status == 304) return;  // already stopped
  expect_ok(r);
}

void Client::kill_container(const std::string& id, const std::string& signal,
                            const CallOptions& options) {
  Query q;
  q.add_nonempty("signal", signal);
  expect_ok(transport_->call(
      make_request(verb::post, path(container_path(id, "/kill") + q.str(), options)), options));
}

ContainerWaitResult Client::wait_container(const std::string& id, const std::string& condition,
                                           const CallOptions& options) {
  Query q;
  q.add_nonempty("condition", condition);
  json j = ok_json(transport_->call(
      make_request(verb::post, path(container_path(id, "/wait") + q.str(), options)), options));
  ContainerWaitResult result;
  if (auto code = j.find("StatusCode"); code != j.end() && code->is_number_integer())
    result.status_code = code->get<int>();
  if (auto err = j.find("Error"); err != j.end())  // null when the wait went fine
    result.error = string_field(*err, "Message");
  return result;
}

void Client::remove_container(const std::string& id, bool force, bool volumes,
                              const CallOptions& options) {
  Query q;
  q.add_if(force, "force", "1").add_if(volumes, "v", "1");
  expect_ok(transport_->call(
      make_request(verb::delete_, path(container_path(id) + q.str(), options)), options));
}

ContainerInspect Client::inspect_container(const std::string& id, bool size,
                                           const CallOptions& options) {
  Query q;
  q.add_if(size, "size", "1");
  return take<ContainerInspect>(ok_json(transport_->call(
      make_request(verb::get, path(container_path(id, "/json") + q.str(), options)), options)));
}

std::vector<ContainerSummary> Client::list_containers(const ContainerListOptions& list,
                                                      const CallOptions& options) {
  Query q;
  q.add_if(list.all, "all", "1").add_if(list.size, "size", "1");
  q.add_if(list.limit > 0, "limit", std::to_string(list.limit));
  if (!list.filters.empty()) q.add("filters", encode_filters(list.filters));
  json j = ok_json(
      transport_->call(make_request(verb::get, path("/containers/json" + q.str(), options)), options));
  std::vector<ContainerSummary> out;
  if (!j.is_array()) return out;
  out.reserve(j.size());
  for (const auto& e : j) out.push_back(e.get<ContainerSummary>());
  return out;
}

std::vector<std::string> Client::update_container(const std::string& id,
                                                  const Resources& resources,
                                                  const CallOptions& options) {
  json j = ok_json(transport_->call(make_request(verb::post, path(container_path(id, "/update"), options),
                                                 resources.to_update_json().dump()),
                                    options));
  return strings_field(j, "Warnings");
}

json Client::container_stats(const std::string& id, const CallOptions& options) {
  return ok_json(transport_->call(
      make_request(verb::get,
                   path(container_path(id, "/stats") +
                            Query().add("stream", "false").add("one-shot", "true").str(),
                        options)),
      options));
}

void Client::create_checkpoint(const std::string& id, const std::string& checkpoint_id,
                               const std::string& directory, bool exit, const CallOptions& options) {
  const json body = {{"CheckpointID", checkpoint_id}, {"CheckpointDir", directory}, {"Exit", exit}};
  expect_ok(transport_->call(
      make_request(verb::post, path(container_path(id, "/checkpoints"), options), body.dump()), options));
}

// Raw or multiplexed: LogOptions::tty when the caller knows; else the reply's
// Content-Type on API 1.42+ (which names multiplexed-stream); else an inspect.
namespace {
std::string log_query(const LogOptions& logs) {
  Query q;
  q.add_if(logs.follow, "follow", "1")
      .add("stdout", logs.stdout_ ? "1" : "0")
      .add("stderr", logs.stderr_ ? "1" : "0")
      .add_if(logs.timestamps, "timestamps", "1")
      .add_nonempty("since", logs.since)
      .add_nonempty("until", logs.until)
      .add_nonempty("tail", logs.tail);
  return q.str();
}
}  // namespace

void Client::container_logs(const std::string& id, const LogOptions& logs,
                            const std::function<bool(const OutputChunk&)>& sink,
                            const CallOptions& options) {
  std::optional<bool> raw = logs.tty;
  std::string target = path(container_path(id, "/logs"), options) + log_query(logs);
  if (!raw && compare_api_versions(api_version(options), "1.42") < 0)
    raw = inspect_container(id, false, options).config.tty;
  FrameDecoder decoder;
  Response r = transport_->stream(
      make_request(verb::get, std::move(target)),
      [&](const Response& head) {
        if (!raw) raw = head.content_type != "application/vnd.docker.multiplexed-stream";
      },
      [&](const char* d, std::size_t n) {
        if (*raw) return sink(OutputChunk{StreamKind::Stdout, std::string(d, n)});
        decoder.feed(d, n);
        while (auto chunk = decoder.next())
          if (!sink(*chunk)) return false;
        return true;
      },
      options);
  expect_ok(r);
}

std::unique_ptr<LogStream> Client::open_container_logs(const std::string& id,
                                                       const LogOptions& logs,
                                                       const CallOptions& options) {
  std::optional<bool> raw = logs.tty;
  if (!raw && compare_api_versions(api_version(options), "1.42") < 0)
    raw = inspect_container(id, false, options).config.tty;
  auto opened = transport_->open_stream(
      make_request(verb::get, path(container_path(id, "/logs"), options) + log_query(logs)),
      options);
  expect_ok(opened.head);
  if (!raw) raw = opened.head.content_type != "application/vnd.docker.multiplexed-stream";
  return std::unique_ptr<LogStream>(new LogStream(std::move(opened.body), *raw));
}

std::unique_ptr<HijackedStream> Client::attach_container(const std::string& id, bool stdin_,
                                                         bool stdout_, bool stderr_, bool tty,
                                                         const CallOptions& options) {
  Query q;
  q.add("stream", "1").add_if(stdin_, "stdin", "1").add_if(stdout_, "stdout", "1");
  q.add_if(stderr_, "stderr", "1");
  Request r = make_request(verb::post, path(container_path(id, "/attach") + q.str(), options));
  r.upgrade = true;
  auto h = transport_->hijack(r, options);
  if (h.fd < 0) throw_http_error(h.head);
  return std::make_unique<HijackedSocket>(h.fd, std::move(h.leftover), tty);
}

void Client::resize_container(const std::string& id, int height, int width,
                              const CallOptions& options) {
  Query q;
  q.add("h", std::to_string(height)).add("w", std::to_string(width));
  expect_ok(transport_->call(
      make_request(verb::post, path(container_path(id, "/resize") + q.str(), options)), options));
}

}  // namespace docker
