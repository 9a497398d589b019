// Image calls: list, inspect, pull, import, tag, remove.
//
// What dockerd 20.10 (API 1.41) answers to a failing pull:
//  - registry unreachable (observed here, 127.0.0.1:1/nothing:latest): HTTP
//    500 before any stream, {"message":"Get \"http://127.0.0.1:1/v2/\": dial
//    tcp 127.0.0.1:1: connect: connection refused"} (loopback registries are
//    insecure by default, hence http).
//  - unknown repository or tag, or access denied (registry error codes
//    DENIED / MANIFEST_UNKNOWN / NAME_UNKNOWN): HTTP 404, "pull access denied
//    for <repo>, repository does not exist or may require 'docker login':
//    ..." or "manifest for <ref> not found: manifest unknown: ..."
//    (distribution/errors.go, translatePullError -> notFoundError).
//  - wrong credentials (UNAUTHORIZED, token fetch failures): not 401 but HTTP
//    500 (errdefs.Unknown), e.g. "Head \"https://.../manifests/latest\":
//    unauthorized: incorrect username or password".
//  - a failure after the stream started (layer download/extract): HTTP 200,
//    then a line {"errorDetail":{"message":...},"error":...}: thrown as
//    DockerError kind Stream, http_status 0.
// HTTP errors keep their status (DockerError kind Http) and Docker's message.
#include "docker-client/client.h"
#include "docker-client/client_internal.h"
#include "docker-client/encoding.h"
#include "docker-client/json_mapping.h"

namespace docker {

using namespace detail;
using nlohmann::json;

namespace {

// Reads a JSON-lines progress stream (pull, import): every line is checked for
// an error, then handed to `on_line`.
template <class F>
Response read_progress(Transport& t, const Request& r, const CallOptions& options, F&& on_line) {
  LineSplitter lines;
  auto handle = [&](std::string_view text) {
    json line = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (line.is_discarded()) return true;  // not JSON: nothing to learn from it
    check_stream_line(line);
    on_line(line);
    return true;
  };
  Response resp = t.stream(r, {}, [&](const char* d, std::size_t n) {
    return lines.feed(d, n, handle);
  }, options);
  expect_ok(resp);
  lines.finish(handle);
  return resp;
}

}  // namespace

std::vector<ImageSummary> Client::list_images(const Filters& filters, bool all,
                                              const CallOptions& options) {
  Query q;
  q.add_if(all, "all", "1");
  if (!filters.empty()) q.add("filters", encode_filters(filters));
  json j = ok_json(transport_->call(make_request(verb::get, path("/images/json" + q.str(), options)),
                                    options));
  std::vector<ImageSummary> out;
  if (!j.is_array()) return out;
  out.reserve(j.size());
  for (const auto& e : j) out.push_back(e.get<ImageSummary>());
  return out;
}

std::optional<ImageInspect> Client::inspect_image(const std::string& ref,
                                                  const CallOptions& options) {
  Response r = transport_->call(
      make_request(verb::get, path("/images/" + escape_path(ref) + "/json", options)), options);
  if (r.status == 404) return std::nullopt;
  return take<ImageInspect>(ok_json(r));
}

void Client::pull_image(const std::string& ref, const RegistryAuth& auth,
                        const std::function<void(const ProgressEvent&)>& progress,
                        const CallOptions& options) {
  // dockerd pulls every tag when "tag" is empty, so split ref and default to latest.
  auto [name, tag] = split_image_ref(ref);
  Request r = make_request(
      verb::post,
      path("/images/create" + Query().add("fromImage", name).add("tag", tag).str(), options));
  if (!auth.empty()) r.registry_auth = encode_registry_auth(auth);
  read_progress(*transport_, r, options, [&](const json& line) {
    if (progress) progress(line.get<ProgressEvent>());
  });
}

std::vector<ImageDeleteItem> Client::remove_image(const std::string& ref, bool force,
                                                  bool noprune, const CallOptions& options) {
  Query q;
  q.add_if(force, "force", "1").add_if(noprune, "noprune", "1");
  json j = ok_json(transport_->call(
      make_request(verb::delete_, path("/images/" + escape_path(ref) + q.str(), options)),
      options));
  std::vector<ImageDeleteItem> out;
  if (j.is_array())
    for (const auto& e : j) out.push_back(e.get<ImageDeleteItem>());
  return out;
}

std::string Client::import_image(const BodySource& tar, const std::string& repo,
                                 const std::string& tag, const std::vector<std::string>& changes,
                                 const CallOptions& options) {
  Query q;
  q.add("fromSrc", "-").add_nonempty("repo", repo).add_nonempty("tag", tag);
  for (const auto& c : changes) q.add("changes", c);
  Request r = make_request(verb::post, path("/images/create" + q.str(), options));
  r.upload = &tar;
  std::string id;
  // The last line is {"status":"sha256:<id>"}.
  read_progress(*transport_, r, options, [&](const json& line) {
    auto status = line.find("status");
    if (status != line.end() && status->is_string()) {
      const auto& s = status->get_ref<const std::string&>();
      if (s.rfind("sha256:", 0) == 0) id = s;
    }
  });
  if (id.empty())
    throw DockerError(DockerError::Kind::Protocol, 0, "dockerd's import reply carried no image ID");
  return id;
}

void Client::tag_image(const std::string& source, const std::string& repo, const std::string& tag,
                       const CallOptions& options) {
  Query q;
  q.add("repo", repo).add_nonempty("tag", tag);
  expect_ok(transport_->call(
      make_request(verb::post, path("/images/" + escape_path(source) + "/tag" + q.str(), options)),
      options));
}

}  // namespace docker
