// System calls: ping, version, info, df.
#include "docker-client/client.h"
#include "docker-client/client_internal.h"
#include "docker-client/json_mapping.h"

namespace docker {

using namespace detail;

void Client::ping(const CallOptions& options) {
  // Unversioned and without negotiation: the cheapest "is dockerd there?".
  expect_ok(transport_->call(make_request(verb::get, "/_ping"), options));
}

VersionInfo Client::version(const CallOptions& options) {
  return take<VersionInfo>(ok_json(transport_->call(make_request(verb::get, "/version"), options)));
}

SystemInfo Client::info(const CallOptions& options) {
  return take<SystemInfo>(
      ok_json(transport_->call(make_request(verb::get, path("/info", options)), options)));
}

DiskUsage Client::system_df(const CallOptions& options) {
  return take<DiskUsage>(
      ok_json(transport_->call(make_request(verb::get, path("/system/df", options)), options)));
}

}  // namespace docker
