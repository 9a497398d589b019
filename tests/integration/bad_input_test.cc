// Issue 16, bad input on the CRI socket: every method of both services gets
// random bytes and truncated real requests as its message, a message over the
// 16 MiB limit, and the socket itself gets bytes that are not HTTP/2. Every
// call ends with a status within its deadline, the shim keeps serving, and
// its memory stays where it was (the figures are printed). The shim runs on
// a private dockerd: garbage can decode to a valid request (an empty one
// always does), and what it would make must not touch the shared dockerd.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <future>
#include <map>
#include <random>
#include <thread>

#include <grpcpp/generic/generic_stub.h>

#include "tests/integration/pod_fixture.h"
#include "tests/integration/private_dockerd.h"
#include "tests/support/sanitizer_run.h"

using namespace itest;

namespace {

// Every unary method of the CRI services, as "/runtime.v1.<Service>/<Method>".
std::vector<std::string> unary_methods() {
  std::vector<std::string> methods;
  const auto* file = cri::VersionRequest::descriptor()->file();  // runtime/v1/api.proto
  for (const auto* service : {file->FindServiceByName("RuntimeService"), file->FindServiceByName("ImageService")})
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      if (method->client_streaming() || method->server_streaming()) continue;
      methods.push_back("/" + service->full_name() + "/" + method->name());
    }
  return methods;
}

// One unary call of `method` with `bytes` as its serialized message.
grpc::Status raw_call(grpc::GenericStub& stub, const std::string& method, const std::string& bytes) {
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status status) { done.set_value(std::move(status)); });
  return done.get_future().get();
}

// A well-formed request of every kind, serialized: RunPodSandbox's carries
// the most nested fields, so its truncations cut the most structures.
std::string full_request() {
  cri::RunPodSandboxRequest request;
  auto* config = request.mutable_config();
  config->mutable_metadata()->set_name("bad-input");
  config->mutable_metadata()->set_namespace_("itest");
  config->mutable_metadata()->set_uid("uid-bad-input");
  config->set_log_directory("/tmp/cri-shim-itest-logs/bad-input");
  (*config->mutable_labels())["a"] = "b";
  (*config->mutable_annotations())["c"] = "d";
  config->mutable_dns_config()->add_servers("10.0.0.10");
  auto* mapping = config->add_port_mappings();
  mapping->set_container_port(80);
  mapping->set_host_port(8080);
  config->mutable_linux()->set_cgroup_parent("/kubepods/besteffort/pod1");
  config->mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(cri::POD);
  return request.SerializeAsString();
}

}  // namespace

TEST_CASE("bad_input_test: random and truncated messages on every CRI method get a status, the shim serves on") {
  if (std::getenv("CRI_SHIM_TEST_DOCKER_ENDPOINT") == nullptr) {
    MESSAGE("no test environment (scripts/test.sh sets it up): skipped");
    return;
  }
  ScratchDir dir("cri-shim-bad-input");
  PrivateDockerd dockerd(dir.path() + "/dockerd");
  ShimProcess shim({"--docker-endpoint", dockerd.endpoint(), "--root-dir", dir.path() + "/root"});
  auto runtime = shim.runtime();
  grpc::GenericStub stub(shim.channel());
  const long rss_before = shim.rss_kib();
  std::mt19937 random(20261207);
  const auto methods = unary_methods();
  REQUIRE(methods.size() >= 30);
  const std::string real = full_request();

  std::map<grpc::StatusCode, int> codes;
  int calls = 0;
  auto slowest = std::chrono::milliseconds(0);
  for (const auto& method : methods) {
    // Methods that would act on what a garbage message may decode to
    // (an empty request is valid protobuf): they run, and must answer too.
    for (int i = 0; i < 12; ++i) {
      std::string bytes;
      if (i < 6) {
        bytes.resize(random() % 300);
        for (auto& c : bytes) c = static_cast<char>(random());
      } else {
        bytes = real.substr(0, random() % real.size());
      }
      const auto started = std::chrono::steady_clock::now();
      const auto status = raw_call(stub, method, bytes);
      slowest = std::max(slowest, std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - started));
      ++codes[status.error_code()];
      ++calls;
      CHECK_MESSAGE(status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED, method);
      CHECK_MESSAGE(status.error_code() != grpc::StatusCode::UNAVAILABLE, method << ": the shim died?");
    }
  }
  // Over the limit: refused before any work.
  const auto huge = raw_call(stub, "/runtime.v1.RuntimeService/Version", std::string(17 * 1024 * 1024, 'x'));
  CHECK(huge.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);

  // Bytes that are not HTTP/2 on the socket: the connection is dropped.
  for (const std::string garbage : {std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), std::string(4096, '\xff'),
                                    std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + std::string(64, '\x07')}) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", shim.socket_path().c_str());
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    ::send(fd, garbage.data(), garbage.size(), MSG_NOSIGNAL);
    timeval timeout{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buffer[4096];
    ssize_t n;
    const auto started = std::chrono::steady_clock::now();
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
    }
    CHECK(n == 0);  // closed by the server, not our timeout
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    ::close(fd);
  }

  cri::VersionRequest request;
  cri::VersionResponse response;
  REQUIRE(runtime->Version(context().get(), request, &response).ok());
  CHECK(shim.running());
  const long rss_after = shim.rss_kib();
  if (!support::sanitizer_run()) CHECK(rss_after - rss_before < 32 * 1024);  // the 17 MiB message was not kept
  std::string code_list;
  for (const auto& [code, count] : codes) code_list += " " + std::to_string(code) + ":" + std::to_string(count);
  MESSAGE(calls << " garbage calls on " << methods.size() << " methods, codes" << code_list << "; slowest "
                << slowest.count() << " ms; RSS " << rss_before / 1024 << " -> " << rss_after / 1024 << " MiB");
}
