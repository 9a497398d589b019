#include "agent/config/url_source.h"

#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include "agent/objects/object_store.h"
#include "agent/pod/pod_manager.h"
#include "tests/agent/support/manifests.h"
#include "tests/agent/support/recording_listener.h"

using namespace std::chrono_literals;
using agent::config::UrlSource;
using agent::objects::ObjectStore;
using agent::pod::PodManager;
using agent::testing::bad_pod_yaml;
using agent::testing::pod_yaml;
using agent::testing::RecordingListener;

namespace {

// A manifest server on 127.0.0.1 with a free port whose answer tests change.
class ManifestServer {
 public:
  ManifestServer() {
    server_.Get("/pods", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      ++hits_;
      res.status = status_;
      res.set_content(body_, "application/yaml");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // httplib's stop() is lost if called before the loop runs: wait for it.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~ManifestServer() {
    server_.stop();
    thread_.join();
  }
  void answer(int status, std::string body) {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
  }
  int hits() {
    std::lock_guard lock(mutex_);
    return hits_;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/pods"; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  int status_ = 200;
  std::string body_;
  int hits_ = 0;
};

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST_CASE("url source: the first fetch is done by start(); later bodies are diffed") {
  ManifestServer server;
  server.answer(200, pod_yaml("web", "busybox:1"));
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  UrlSource src(server.url(), "", m, o, 20ms);
  src.start();
  CHECK(l.summary() == std::vector<std::string>{"added default/web"});
  CHECK(m.pod_by_name("default", "web")->metadata.annotations["kubernetes.io/config.source"] == "http");

  size_t before = l.events().size();
  server.answer(200, pod_yaml("web", "busybox:1") + "---\n" + pod_yaml("db"));
  REQUIRE(l.wait_for("added", "default/db", before));

  SUBCASE("a failing URL keeps the last good set") {
    server.answer(500, "boom");
    int hits = server.hits();
    REQUIRE(l.wait_until([&](const RecordingListener&) { return server.hits() >= hits + 3; }));
    CHECK(m.pods().size() == 2);
    server.answer(200, pod_yaml("db"));
    REQUIRE(l.wait_for("removed", "default/web", before));
    CHECK(m.pods().size() == 1);
  }
  SUBCASE("an empty 2xx body means no pods") {
    server.answer(200, "");
    REQUIRE(l.wait_until([&](const RecordingListener&) { return m.pods().empty(); }));
  }
  SUBCASE("a bad document is rejected with its name") {
    server.answer(200, pod_yaml("web", "busybox:1") + "---\n" + bad_pod_yaml("broken"));
    std::string key = "url:" + server.url();
    REQUIRE(l.wait_until([&](const RecordingListener& r) { return r.rejected()[key].size() == 1; }));
    CHECK(l.rejected()[key][0].name == "broken");
    CHECK(m.pod_by_name("default", "web"));
  }
  src.stop();
}

TEST_CASE("url source: a body where nothing parses keeps the last set; an empty one removes it") {
  ManifestServer server;
  server.answer(200, pod_yaml("web", "busybox:1"));
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  UrlSource src(server.url(), "", m, o, 20ms);
  src.start();
  REQUIRE(m.pod_by_name("default", "web"));
  server.answer(200, "<html><body>502 Bad Gateway</body></html>");
  const int hits = server.hits();
  for (int i = 0; i < 200 && server.hits() < hits + 3; ++i) std::this_thread::sleep_for(10ms);
  CHECK(m.pod_by_name("default", "web"));
  server.answer(200, "");
  CHECK(l.wait_for("removed", "default/web", 0));
  src.stop();
}

TEST_CASE("url source: a URL that refuses is not fatal") {
  // A port that was free a moment ago and is closed now: connections are refused.
  int port = free_port();
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  UrlSource src("http://127.0.0.1:" + std::to_string(port) + "/", "", m, o, 20ms);
  src.start();
  CHECK(m.pods().empty());
  // Its pods are unknown, not none: the agent must not sweep them as orphans.
  CHECK_FALSE(src.has_synced());
  src.stop();
}

TEST_CASE("url source: has_synced once a fetch succeeded, and stays so while the URL fails") {
  ManifestServer server;
  server.answer(500, "");
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  UrlSource src(server.url(), "", m, o, 20ms);
  src.start();
  CHECK_FALSE(src.has_synced());
  server.answer(200, pod_yaml("web", "busybox:1"));
  REQUIRE(l.wait_for("added", "default/web", 0));
  // Marked synced only after the pods are handed over (so an orphan sweep
  // never sees "synced" without them): a moment after the listener heard.
  for (int i = 0; i < 1000 && !src.has_synced(); ++i) std::this_thread::sleep_for(10ms);  // 10 s, was 2 s
  CHECK(src.has_synced());
  server.answer(500, "");
  const int hits = server.hits();
  for (int i = 0; i < 200 && server.hits() < hits + 2; ++i) std::this_thread::sleep_for(10ms);
  CHECK(src.has_synced());
  CHECK(m.pod_by_name("default", "web"));
  src.stop();
}

TEST_CASE("url source: a bad URL is refused at construction") {
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  CHECK_THROWS_AS(UrlSource("ftp://x/pods", "", m, o), std::invalid_argument);
  CHECK_THROWS_AS(UrlSource("127.0.0.1/pods", "", m, o), std::invalid_argument);
  CHECK_THROWS_AS(UrlSource("http:///pods", "", m, o), std::invalid_argument);
}

TEST_CASE("url source: stop() does not wait out the poll period") {
  ManifestServer server;
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  UrlSource src(server.url(), "", m, o, std::chrono::hours(1));
  src.start();
  src.stop();  // would hang for an hour if the wait were not interruptible
  CHECK(server.hits() == 1);
}

TEST_CASE("url source: stop() breaks a fetch in flight") {
  // The second GET hangs until the test lets it go; stop() must not wait for it.
  httplib::Server server;
  std::mutex mutex;
  std::condition_variable cv;
  int hits = 0;
  bool released = false, answered_late = false;
  server.Get("/pods", [&](const httplib::Request&, httplib::Response& res) {
    std::unique_lock lock(mutex);
    if (++hits > 1) {
      cv.notify_all();
      cv.wait_for(lock, std::chrono::seconds(30), [&] { return released; });
      answered_late = true;
    }
    res.set_content("", "application/yaml");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread loop([&] { server.listen_after_bind(); });

  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  UrlSource src("http://127.0.0.1:" + std::to_string(port) + "/pods", "", m, o, 10ms);
  src.start();
  {
    std::unique_lock lock(mutex);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return hits > 1; }));  // was 5 s; ends when seen
  }
  src.stop();
  {
    std::lock_guard lock(mutex);
    CHECK_FALSE(answered_late);  // stop() returned while the server still held the request
    released = true;
  }
  cv.notify_all();
  server.stop();
  loop.join();
}

TEST_CASE("url source: ConfigMaps and Secrets go to the object store; a body of bad ones keeps the last set") {
  ManifestServer server;
  server.answer(200, agent::testing::secret_yaml("creds", "password", "p1"));
  RecordingListener l;
  PodManager m(l);
  ObjectStore o;
  UrlSource src(server.url(), "", m, o, 20ms);
  src.start();
  auto creds = o.get(agent::pod::ObjectKind::Secret, "default", "creds");
  REQUIRE(creds);
  CHECK(creds->data.at("password") == "p1");
  CHECK(src.has_synced());

  // Nothing that parses: the last set stays.
  server.answer(200, "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\ndata: {password: \"!\"}\n");
  const int hits = server.hits();
  REQUIRE(l.wait_until([&](const RecordingListener&) { return server.hits() >= hits + 3; }));
  CHECK(o.get(agent::pod::ObjectKind::Secret, "default", "creds"));

  server.answer(200, agent::testing::config_map_yaml("settings", "k", "v"));
  REQUIRE(l.wait_until([&](const RecordingListener&) {
    return !o.get(agent::pod::ObjectKind::Secret, "default", "creds") &&
           o.get(agent::pod::ObjectKind::ConfigMap, "default", "settings");
  }));
  src.stop();
}
