// ImageService end to end: the real cri-shim, the real dockerd, real
// registries (plain and TLS + htpasswd) started by scripts/test.sh.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "tests/integration/fault_proxy.h"
#include "tests/integration/harness.h"
#include "tests/support/tar_writer.h"

using namespace itest;

namespace {

bool has(const google::protobuf::RepeatedPtrField<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

grpc::Status pull(cri::ImageService::Stub& stub, const std::string& image,
                  cri::PullImageResponse* response, const cri::AuthConfig* auth = nullptr,
                  std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
  cri::PullImageRequest request;
  request.mutable_image()->set_image(image);
  if (auth) *request.mutable_auth() = *auth;
  return stub.PullImage(context(timeout).get(), request, response);
}

cri::ImageStatusResponse image_status(cri::ImageService::Stub& stub, const std::string& image) {
  cri::ImageStatusRequest request;
  request.mutable_image()->set_image(image);
  cri::ImageStatusResponse response;
  auto status = stub.ImageStatus(context().get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return response;
}

grpc::Status remove_image(cri::ImageService::Stub& stub, const std::string& image) {
  cri::RemoveImageRequest request;
  request.mutable_image()->set_image(image);
  cri::RemoveImageResponse response;
  return stub.RemoveImage(context().get(), request, &response);
}

// "repo:tag" / "repo@digest" -> "repo" (a ':' before the last '/' is a port).
std::string repository_of(const std::string& ref) {
  if (auto at = ref.find('@'); at != std::string::npos) return ref.substr(0, at);
  const auto colon = ref.rfind(':'), slash = ref.rfind('/');
  return colon != std::string::npos && (slash == std::string::npos || colon > slash)
             ? ref.substr(0, colon)
             : ref;
}

// Makes `ref` unknown locally: drops that tag and the repository's digests.
// The image itself stays when other tags use it (the registry copies of the
// test images share their IDs with the local test images).
void docker_remove(const std::string& ref) {
  auto image = docker_client().inspect_image(ref);
  if (!image) return;
  std::vector<std::string> refs = {ref};
  for (const auto& digest : image->repo_digests)
    if (repository_of(digest) == repository_of(ref)) refs.push_back(digest);
  for (const auto& r : refs) {
    try {
      docker_client().remove_image(r);
    } catch (const docker::DockerError&) {
    }
  }
}

// An image of its own (one file holding `content`, by default its name),
// pushed to the plain registry and not present locally: removing it can
// take nothing else with it, and pulling it downloads its layer.
std::string push_unique_image(const std::string& prefix = "remove", std::string content = {}) {
  const std::string name = "cri-shim-test/" + prefix + "-" + unique_suffix();
  const std::string tar = support::single_file_tar("unique", content.empty() ? name : content);
  std::size_t offset = 0;
  const std::string id = docker_client().import_image(
      [&](char* buf, std::size_t capacity) {
        const std::size_t n = std::min(capacity, tar.size() - offset);
        std::copy_n(tar.data() + offset, n, buf);
        offset += n;
        return n;
      },
      name, "v1");
  const std::string remote = required_env("CRI_SHIM_TEST_REGISTRY") + "/" + name;
  docker_client().tag_image(id, remote, "v1");
  REQUIRE(run("docker push " + remote + ":v1 >/dev/null") == 0);
  docker_client().remove_image(id, true);
  return remote + ":v1";
}

// `size` random bytes: a layer gzip cannot shrink, so its download takes
// as long as its size says.
std::string random_bytes(std::size_t size) {
  std::mt19937_64 random(std::random_device{}());
  std::string bytes(size, '\0');
  for (auto& c : bytes) c = static_cast<char>(random());
  return bytes;
}

// A TCP listener on loopback that accepts connections and never answers:
// a registry that hangs.
class HangingServer {
 public:
  HangingServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    REQUIRE(listen(fd_, 16) == 0);
  }
  ~HangingServer() { close(fd_); }
  int port() const { return port_; }
  // Whether a client (dockerd, pulling) has connected within `timeout`: the
  // connection waits, never accepted, in the listen queue, which makes the
  // socket readable. Lets a test act on a pull once it is surely in flight
  // instead of after a fixed sleep that a loaded machine can outlast.
  bool wait_connection(std::chrono::milliseconds timeout) const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace

TEST_CASE("ListImages lists Docker's images, and filters by reference") {
  ShimProcess shim;
  auto stub = shim.images();
  const std::string image = required_env("CRI_SHIM_TEST_IMAGE");
  const auto expected = docker_client().inspect_image(image);
  REQUIRE(expected);

  cri::ListImagesResponse all;
  auto status = stub->ListImages(context().get(), cri::ListImagesRequest(), &all);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(static_cast<std::size_t>(all.images_size()) == docker_client().list_images().size());
  bool found = false;
  for (const auto& listed : all.images()) {
    if (listed.id() != expected->id) continue;
    found = true;
    CHECK(has(listed.repo_tags(), image));
    CHECK(listed.size() > 0);
  }
  CHECK(found);

  cri::ListImagesRequest by_ref;
  by_ref.mutable_filter()->mutable_image()->set_image(image);
  cri::ListImagesResponse filtered;
  status = stub->ListImages(context().get(), by_ref, &filtered);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  REQUIRE(filtered.images_size() >= 1);
  for (const auto& listed : filtered.images()) CHECK(listed.id() == expected->id);

  cri::ListImagesRequest by_id;
  by_id.mutable_filter()->mutable_image()->set_image(expected->id);
  cri::ListImagesResponse one;
  REQUIRE(stub->ListImages(context().get(), by_id, &one).ok());
  REQUIRE(one.images_size() == 1);
  CHECK(one.images(0).id() == expected->id);

  cri::ListImagesRequest none;
  none.mutable_filter()->mutable_image()->set_image("cri-shim-test/absent-" + unique_suffix());
  cri::ListImagesResponse empty;
  REQUIRE(stub->ListImages(context().get(), none, &empty).ok());
  CHECK(empty.images_size() == 0);

  cri::ListImagesRequest bad;
  bad.mutable_filter()->mutable_image()->set_image("Not A Reference");
  cri::ListImagesResponse ignored;
  CHECK(stub->ListImages(context().get(), bad, &ignored).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE("ImageStatus: tags, verbose info, unknown images are an empty reply") {
  ShimProcess shim;
  auto stub = shim.images();
  const std::string image = required_env("CRI_SHIM_TEST_IMAGE");
  const auto expected = docker_client().inspect_image(image);
  REQUIRE(expected);

  for (const std::string& name : {image, expected->id, expected->id.substr(7, 12)}) {
    CAPTURE(name);
    auto response = image_status(*stub, name);
    REQUIRE(response.has_image());
    CHECK(response.image().id() == expected->id);
    CHECK(has(response.image().repo_tags(), image));
  }

  cri::ImageStatusRequest verbose;
  verbose.mutable_image()->set_image(image);
  verbose.set_verbose(true);
  cri::ImageStatusResponse detailed;
  REQUIRE(stub->ImageStatus(context().get(), verbose, &detailed).ok());
  REQUIRE(detailed.info().count("info"));
  CHECK(detailed.info().at("info").find(expected->id) != std::string::npos);

  auto absent = image_status(*stub, "cri-shim-test/absent-" + unique_suffix() + ":v1");
  CHECK_FALSE(absent.has_image());

  cri::ImageStatusRequest empty;
  cri::ImageStatusResponse ignored;
  CHECK(stub->ImageStatus(context().get(), empty, &ignored).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE("ImageStatus derives uid and username from the image's user, as critest checks") {
  ShimProcess shim;
  auto stub = shim.images();
  struct Case {
    const char* image;
    std::optional<std::int64_t> uid;
    const char* username;
  };
  for (const Case& c : {Case{"cri-shim-test/user:uid1002", 1002, ""},
                        Case{"cri-shim-test/user:www-data", std::nullopt, "www-data"},
                        Case{"cri-shim-test/user:uid-gid", 1003, ""},
                        Case{"cri-shim-test/user:name-gid", std::nullopt, "www-data"}}) {
    CAPTURE(c.image);
    auto response = image_status(*stub, c.image);
    REQUIRE_MESSAGE(response.has_image(), "test image missing: run scripts/test.sh");
    CHECK(response.image().has_uid() == c.uid.has_value());
    if (c.uid) CHECK(response.image().uid().value() == *c.uid);
    CHECK(response.image().username() == c.username);
  }
}

TEST_CASE("PullImage from a registry: the reply is the image ID; repo digest recorded") {
  ShimProcess shim;
  auto stub = shim.images();
  const std::string ref = required_env("CRI_SHIM_TEST_REGISTRY") + "/cri-shim-test/busybox:latest";
  docker_remove(ref);
  REQUIRE_FALSE(docker_client().inspect_image(ref));

  cri::PullImageResponse response;
  auto status = pull(*stub, ref, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  const auto pulled = docker_client().inspect_image(ref);
  REQUIRE(pulled);
  CHECK(response.image_ref() == pulled->id);

  auto listed = image_status(*stub, ref);
  REQUIRE(listed.has_image());
  CHECK(has(listed.image().repo_tags(), ref));
  // The pull recorded the registry's digest (the image may carry others:
  // the registry copies share the local test image's ID).
  const std::string digest_prefix =
      required_env("CRI_SHIM_TEST_REGISTRY") + "/cri-shim-test/busybox@sha256:";
  std::string by_digest;
  for (const auto& digest : listed.image().repo_digests())
    if (digest.rfind(digest_prefix, 0) == 0) by_digest = digest;
  REQUIRE_MESSAGE(!by_digest.empty(), "no repo digest starts with " << digest_prefix);

  // Without a tag the shim pulls :latest (never every tag of the repository).
  docker_remove(ref);
  status = pull(*stub, required_env("CRI_SHIM_TEST_REGISTRY") + "/cri-shim-test/busybox", &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(docker_client().inspect_image(ref));

  // By digest.
  docker_remove(ref);
  status = pull(*stub, by_digest, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(docker_client().inspect_image(by_digest));
  docker_remove(by_digest);
}

TEST_CASE("PullImage errors: missing image NOT_FOUND, bad references INVALID_ARGUMENT") {
  ShimProcess shim;
  auto stub = shim.images();
  const std::string registry = required_env("CRI_SHIM_TEST_REGISTRY");
  cri::PullImageResponse response;

  auto status = pull(*stub, registry + "/cri-shim-test/busybox:no-such-tag", &response);
  CHECK_MESSAGE(status.error_code() == grpc::StatusCode::NOT_FOUND, status.error_message());
  status = pull(*stub, registry + "/cri-shim-test/no-such-repo-" + unique_suffix(), &response);
  CHECK_MESSAGE(status.error_code() == grpc::StatusCode::NOT_FOUND, status.error_message());

  for (const std::string& bad : {std::string(), std::string("UPPER/case"),
                                 std::string("sha256:") + std::string(64, 'a'),
                                 std::string("busybox:"), std::string("a b")}) {
    CAPTURE(bad);
    status = pull(*stub, bad, &response);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_FALSE(status.error_message().empty());
  }
  CHECK(shim.running());
}

TEST_CASE("PullImage with registry credentials: password, auth string, and refusals") {
  ShimProcess shim;
  auto stub = shim.images();
  const std::string ref = required_env("CRI_SHIM_TEST_AUTH_REGISTRY") + "/cri-shim-test/busybox:latest";
  const std::string user = required_env("CRI_SHIM_TEST_AUTH_USER");
  const std::string password = required_env("CRI_SHIM_TEST_AUTH_PASSWORD");
  cri::PullImageResponse response;

  docker_remove(ref);
  auto status = pull(*stub, ref, &response);
  CHECK_MESSAGE(status.error_code() == grpc::StatusCode::UNAUTHENTICATED, status.error_message());

  cri::AuthConfig wrong;
  wrong.set_username(user);
  wrong.set_password(password + "-wrong");
  status = pull(*stub, ref, &response, &wrong);
  CHECK_MESSAGE(status.error_code() == grpc::StatusCode::UNAUTHENTICATED, status.error_message());
  CHECK_FALSE(docker_client().inspect_image(ref));

  cri::AuthConfig right;
  right.set_username(user);
  right.set_password(password);
  status = pull(*stub, ref, &response, &right);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(docker_client().inspect_image(ref));

  // The same credentials as a base64 "user:password" auth string.
  docker_remove(ref);
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string plain = user + ":" + password;
  std::string encoded;
  for (std::size_t i = 0; i < plain.size(); i += 3) {
    unsigned n = static_cast<unsigned char>(plain[i]) << 16;
    if (i + 1 < plain.size()) n |= static_cast<unsigned char>(plain[i + 1]) << 8;
    if (i + 2 < plain.size()) n |= static_cast<unsigned char>(plain[i + 2]);
    encoded += alphabet[(n >> 18) & 63];
    encoded += alphabet[(n >> 12) & 63];
    encoded += i + 1 < plain.size() ? alphabet[(n >> 6) & 63] : '=';
    encoded += i + 2 < plain.size() ? alphabet[n & 63] : '=';
  }
  cri::AuthConfig auth_string;
  auth_string.set_auth(encoded);
  status = pull(*stub, ref, &response, &auth_string);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(docker_client().inspect_image(ref));
  docker_remove(ref);
}

TEST_CASE("RemoveImage by tag, by ID and by digest; absent images succeed") {
  ShimProcess shim;
  auto stub = shim.images();
  const std::string registry_ref = push_unique_image();
  cri::PullImageResponse pulled;

  // By tag: an image with two tags loses both, as containerd does.
  REQUIRE(pull(*stub, registry_ref, &pulled).ok());
  const std::string second_repo = "cri-shim-test/remove-me-" + unique_suffix();
  docker_client().tag_image(registry_ref, second_repo, "v2");
  auto status = remove_image(*stub, second_repo + ":v2");
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK_FALSE(docker_client().inspect_image(second_repo + ":v2"));
  CHECK_FALSE(docker_client().inspect_image(registry_ref));
  CHECK_FALSE(docker_client().inspect_image(pulled.image_ref()));

  // By ID.
  REQUIRE(pull(*stub, registry_ref, &pulled).ok());
  status = remove_image(*stub, pulled.image_ref());
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK_FALSE(docker_client().inspect_image(pulled.image_ref()));

  // By digest.
  REQUIRE(pull(*stub, registry_ref, &pulled).ok());
  auto image = docker_client().inspect_image(registry_ref);
  REQUIRE(image);
  REQUIRE_FALSE(image->repo_digests.empty());
  status = remove_image(*stub, image->repo_digests.front());
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK_FALSE(docker_client().inspect_image(pulled.image_ref()));

  // Twice, and never there.
  CHECK(remove_image(*stub, registry_ref).ok());
  CHECK(remove_image(*stub, "cri-shim-test/never-" + unique_suffix()).ok());
  CHECK(remove_image(*stub, "").error_code() == grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE("ImageFsInfo reports bytes and inodes of Docker's image store") {
  ShimProcess shim;
  auto stub = shim.images();
  cri::ImageFsInfoResponse response;
  auto status = stub->ImageFsInfo(context().get(), cri::ImageFsInfoRequest(), &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  REQUIRE(response.image_filesystems_size() == 1);
  const auto& fs = response.image_filesystems(0);
  const auto info = docker_client().info();
  CHECK(fs.fs_id().mountpoint() == info.docker_root_dir + "/" + info.driver);
  CHECK(fs.used_bytes().value() > 0);
  CHECK(fs.inodes_used().value() > 0);
  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(fs.timestamp() > now_ns - std::int64_t(120) * 1000000000);
  CHECK(fs.timestamp() <= now_ns);
}

TEST_CASE("a client's deadline reaches the pull: a hanging registry gives DEADLINE_EXCEEDED fast") {
  ShimProcess shim;
  auto stub = shim.images();
  HangingServer registry;
  cri::PullImageResponse response;
  const auto start = std::chrono::steady_clock::now();
  auto status = pull(*stub, "127.0.0.1:" + std::to_string(registry.port()) + "/hang/image:v1",
                     &response, nullptr, std::chrono::milliseconds(1500));
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  CHECK(took < std::chrono::seconds(10));
  // The shim is still serving and answered within its deadline.
  cri::ListImagesResponse list;
  CHECK(stub->ListImages(context().get(), cri::ListImagesRequest(), &list).ok());
  // Its log shows that the shim itself gave up on the Docker call (the
  // client's deadline reached it), not only the client.
  const std::string failed = "hang/image:v1 failed";
  // Polled for up to 30 s (was 5 s): on a loaded machine the shim's log line
  // can come late; a shim that never gives up still fails.
  for (int i = 0; i < 300 && shim.log().find(failed) == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK_MESSAGE(shim.log().find(failed) != std::string::npos, shim.log());
}

TEST_CASE("SIGTERM lets an in-flight call finish before the shim exits") {
  ShimProcess shim;
  auto stub = shim.images();
  HangingServer registry;
  std::atomic<int> code{-1};
  std::thread caller([&] {
    cri::PullImageResponse response;
    auto status = pull(*stub, "127.0.0.1:" + std::to_string(registry.port()) + "/hang/x:v1",
                       &response, nullptr, std::chrono::milliseconds(2000));
    code = static_cast<int>(status.error_code());
  });
  // SIGTERM once dockerd is at the registry, so the call is surely in
  // flight (a fixed 500 ms sleep could send it before the call reached the
  // shim, which then refuses the call: UNAVAILABLE, not DEADLINE_EXCEEDED).
  CHECK(registry.wait_connection(std::chrono::seconds(30)));
  const int status = shim.stop(SIGTERM);
  caller.join();
  // The call ran to its own end (its deadline), not cut off by the shutdown.
  CHECK(code.load() == static_cast<int>(grpc::StatusCode::DEADLINE_EXCEEDED));
  REQUIRE(status != -1);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("images changed behind the shim's back (docker CLI) show up in its answers") {
  ShimProcess shim;
  auto stub = shim.images();
  const std::string image = required_env("CRI_SHIM_TEST_IMAGE");
  // Warm the shim's copy of the image list first.
  cri::ListImagesResponse before;
  REQUIRE(stub->ListImages(context().get(), cri::ListImagesRequest(), &before).ok());

  const std::string repo = "cri-shim-test/behind-" + unique_suffix();
  docker_client().tag_image(image, repo, "v1");
  // Polled for up to 30 s (was 5 s): how soon the shim's image list follows
  // Docker's events depends on the machine's load.
  auto visible = [&](bool want) {
    for (int i = 0; i < 300; ++i) {
      if (image_status(*stub, repo + ":v1").has_image() == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  CHECK(visible(true));
  cri::ListImagesRequest by_repo;
  by_repo.mutable_filter()->mutable_image()->set_image(repo);
  cri::ListImagesResponse listed;
  REQUIRE(stub->ListImages(context().get(), by_repo, &listed).ok());
  REQUIRE(listed.images_size() == 1);
  CHECK(has(listed.images(0).repo_tags(), repo + ":v1"));

  docker_client().remove_image(repo + ":v1");
  CHECK(visible(false));
  REQUIRE(stub->ListImages(context().get(), by_repo, &listed).ok());
  CHECK(listed.images_size() == 0);
}

TEST_CASE("a client's cancellation reaches the pull: the shim stops waiting on Docker") {
  ShimProcess shim;
  auto stub = shim.images();
  HangingServer registry;
  const std::string image = "127.0.0.1:" + std::to_string(registry.port()) + "/hang/cancel:v1";
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  // Cancelled once dockerd is at the registry (not after a fixed 700 ms): a
  // call cancelled before it reached the shim leaves no "failed" in its log.
  std::atomic<bool> connected{false};
  std::thread canceller([&] {
    connected = registry.wait_connection(std::chrono::seconds(30));
    ctx.TryCancel();
  });
  cri::PullImageRequest request;
  request.mutable_image()->set_image(image);
  cri::PullImageResponse response;
  auto status = stub->PullImage(&ctx, request, &response);
  canceller.join();
  CHECK(connected.load());
  CHECK(status.error_code() == grpc::StatusCode::CANCELLED);
  // Well within the 60 s deadline the shim gave up on Docker (polled for up
  // to 30 s, was 5 s: a loaded machine can delay the log line).
  const std::string failed = "hang/cancel:v1 failed";
  for (int i = 0; i < 300 && shim.log().find(failed) == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK_MESSAGE(shim.log().find(failed) != std::string::npos, shim.log());
}

namespace {

// A registry to break mid-pull: an image of its own (one 4 MiB layer of
// random bytes, never present locally) in the plain registry, reached
// through a proxy that lets replies out at 256 KiB/s, so its pull takes
// about 16 s and a test can kill the registry in the middle of the layer.
struct BreakableRegistry {
  std::unique_ptr<FaultProxy> proxy;
  std::string image;  // the image's reference through the proxy

  BreakableRegistry() {
    const std::string registry = required_env("CRI_SHIM_TEST_REGISTRY");
    const std::string pushed = push_unique_image("layer", random_bytes(4 << 20));
    proxy = FaultProxy::loopback_tcp(registry);
    proxy->set_reply_rate(256 << 10);
    image = "127.0.0.1:" + std::to_string(proxy->port()) + pushed.substr(registry.size());
  }
  ~BreakableRegistry() { docker_remove(image); }

  // Kills the registry (every connection breaks, new ones are closed at
  // once) once 1 MiB of replies went out: the layer's download is under
  // way. False when that never happened within 60 s.
  bool kill_mid_layer() {
    for (int i = 0; i < 600 && proxy->reply_bytes() < (1u << 20); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (proxy->reply_bytes() < (1u << 20)) return false;
    proxy->set_down(true);
    return true;
  }
  // Brings it back, at full speed.
  void revive() {
    proxy->set_reply_rate(0);
    proxy->set_down(false);
  }
};

}  // namespace

TEST_CASE("a registry that dies mid-pull and comes back: Docker's retry completes the pull, whole") {
  ShimProcess shim;
  auto stub = shim.images();
  BreakableRegistry registry;
  std::atomic<bool> killed{false};
  std::thread fault([&] {
    killed = registry.kill_mid_layer();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    registry.revive();
  });
  cri::PullImageResponse response;
  const auto status = pull(*stub, registry.image, &response);
  fault.join();
  REQUIRE(killed.load());
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  const auto image = docker_client().inspect_image(registry.image);
  REQUIRE(image);
  CHECK(response.image_ref() == image->id);
  // Docker checks the layer's digest before it keeps it: the image holds
  // the whole 4 MiB, fetched again on a new connection.
  CHECK(image_status(*stub, registry.image).image().size() >= (4u << 20));
  CHECK(registry.proxy->connections() >= 2);
}

TEST_CASE("a registry that dies mid-pull for good: the deadline ends the pull, nothing is left, Docker stops") {
  ShimProcess shim;
  auto stub = shim.images();
  BreakableRegistry registry;
  std::atomic<bool> killed{false};
  std::thread fault([&] { killed = registry.kill_mid_layer(); });
  cri::PullImageResponse response;
  const auto start = std::chrono::steady_clock::now();
  const auto status = pull(*stub, registry.image, &response, nullptr, std::chrono::seconds(12));
  const auto took = std::chrono::steady_clock::now() - start;
  fault.join();
  REQUIRE(killed.load());
  // Docker retries the layer while the registry stays dead; the client's
  // deadline, not a hang, ends the call.
  CHECK(status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  CHECK(took < std::chrono::seconds(20));
  CHECK_FALSE(image_status(*stub, registry.image).has_image());

  // The shim gave up on Docker, and Docker on the pull: with the registry
  // back, no download resumes behind the client's back (Docker's next
  // retry would have come within this wait).
  registry.revive();
  const int connections = registry.proxy->connections();
  std::this_thread::sleep_for(std::chrono::seconds(12));
  CHECK(registry.proxy->connections() == connections);
  CHECK_FALSE(docker_client().inspect_image(registry.image));
  cri::ListImagesResponse list;
  CHECK(stub->ListImages(context().get(), cri::ListImagesRequest(), &list).ok());
}

TEST_CASE("a registry already dead: PullImage fails at once, naming it") {
  ShimProcess shim;
  auto stub = shim.images();
  BreakableRegistry registry;
  registry.proxy->set_down(true);
  cri::PullImageResponse response;
  const auto start = std::chrono::steady_clock::now();
  const auto status = pull(*stub, registry.image, &response);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK_FALSE(status.ok());
  CHECK(status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED);
  CHECK(took < std::chrono::seconds(30));
  const std::string host = "127.0.0.1:" + std::to_string(registry.proxy->port());
  CHECK_MESSAGE(status.error_message().find(host) != std::string::npos, status.error_message());
  CHECK_FALSE(docker_client().inspect_image(registry.image));
}
