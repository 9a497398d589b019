// A client of the Docker Engine API over dockerd's unix socket (or tcp://).
//
// Callers never see HTTP: every method sends one API request, maps the reply
// to a type of types.h, and throws DockerError (error.h) for anything that is
// not success. All methods are thread-safe; connections are kept alive and
// reused from a small pool, and a connection is only returned to the pool
// after its reply was read whole.
//
// API version: the first call asks GET /version and from then on every path
// is prefixed with /v<min(server's ApiVersion, kNewestApiVersion)>. A server
// older than kOldestApiVersion is refused with a clear DockerError.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/endpoint.h"
#include "docker-client/call_options.h"
#include "docker-client/error.h"
#include "docker-client/hijacked_stream.h"
#include "docker-client/types.h"

namespace docker {

inline constexpr const char* kNewestApiVersion = "1.45";
inline constexpr const char* kOldestApiVersion = "1.40";

// dockerd's address in the forms DOCKER_HOST and cri-dockerd's
// --docker-endpoint take (common/endpoint.h): "unix:///var/run/docker.sock",
// "/var/run/docker.sock", "tcp://127.0.0.1:2375", "http://host" (port 2375).
struct Endpoint : common::Endpoint {
  static Endpoint parse(const std::string& uri);  // throws std::invalid_argument
};

struct ClientOptions {
  std::size_t max_idle_connections = 8;
  // Pin the API version instead of negotiating (tests); "" = negotiate.
  std::string api_version;
};

// Supplies a request body piece by piece (import from a tar stream).
// Returns the number of bytes written into buf; 0 means end of body.
using BodySource = std::function<std::size_t(char* buf, std::size_t capacity)>;

class Transport;  // transport.h
class LogStream;  // log_stream.h

// Sees every request to dockerd once it ended: the whole reply read, or for
// a streamed or hijacked reply its head; or failed. `status` is the HTTP
// status, 0 when no reply came. Called on the requesting thread: it must be
// cheap and must not throw. (Metrics: endpoint_label.h names the endpoint.)
using CallObserver = std::function<void(std::string_view method, std::string_view target, unsigned status,
                                        std::chrono::nanoseconds elapsed)>;

class Client {
 public:
  explicit Client(Endpoint endpoint, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const Endpoint& endpoint() const;
  // Sockets opened so far (debug/tests: shows that keep-alive reuse works).
  std::uint64_t connections_opened() const;
  // Set once, before the first call.
  void set_call_observer(CallObserver observer);
  // The negotiated API version ("1.41"); negotiates on first use.
  std::string api_version(const CallOptions& options = {});

  // ---- system
  void ping(const CallOptions& options = {});
  VersionInfo version(const CallOptions& options = {});
  SystemInfo info(const CallOptions& options = {});
  DiskUsage system_df(const CallOptions& options = {});

  // ---- images
  std::vector<ImageSummary> list_images(const Filters& filters = {}, bool all = false,
                                        const CallOptions& options = {});
  // nullopt when dockerd answers 404.
  std::optional<ImageInspect> inspect_image(const std::string& ref,
                                            const CallOptions& options = {});
  // POST /images/create?fromImage=<ref>. Reads the progress stream to its end,
  // calling `progress` for each line; an error line in the stream throws
  // DockerError(kind Stream, http_status 0, Docker's errorDetail message).
  void pull_image(const std::string& ref, const RegistryAuth& auth,
                  const std::function<void(const ProgressEvent&)>& progress = {},
                  const CallOptions& options = {});
  std::vector<ImageDeleteItem> remove_image(const std::string& ref, bool force = false,
                                            bool noprune = false,
                                            const CallOptions& options = {});
  // POST /images/create?fromSrc=-&repo=&tag=&changes=; the body is a tar stream.
  // Returns the new image's ID.
  std::string import_image(const BodySource& tar, const std::string& repo,
                           const std::string& tag,
                           const std::vector<std::string>& changes = {},
                           const CallOptions& options = {});
  void tag_image(const std::string& source, const std::string& repo, const std::string& tag,
                 const CallOptions& options = {});

  // ---- containers
  ContainerCreateResult create_container(const ContainerCreateRequest& request,
                                         const CallOptions& options = {});
  void start_container(const std::string& id, const CallOptions& options = {});
  // Timeout in seconds before SIGKILL, or negative for the container's own
  // StopTimeout (Docker's default 10 s when it has none); a 304 (already
  // stopped) is success.
  void stop_container(const std::string& id, int timeout_seconds,
                      const CallOptions& options = {});
  void kill_container(const std::string& id, const std::string& signal = "SIGKILL",
                      const CallOptions& options = {});
  // condition: "not-running" (default), "next-exit", "removed".
  ContainerWaitResult wait_container(const std::string& id,
                                     const std::string& condition = "not-running",
                                     const CallOptions& options = {});
  void remove_container(const std::string& id, bool force = false, bool volumes = false,
                        const CallOptions& options = {});
  // Throws DockerError (not_found()) for an unknown container.
  ContainerInspect inspect_container(const std::string& id, bool size = false,
                                     const CallOptions& options = {});
  std::vector<ContainerSummary> list_containers(const ContainerListOptions& list = {},
                                                const CallOptions& options = {});
  // Returns Docker's warnings.
  std::vector<std::string> update_container(const std::string& id, const Resources& resources,
                                            const CallOptions& options = {});
  // GET /containers/{id}/stats?stream=false&one-shot=true, as Docker sends it.
  nlohmann::json container_stats(const std::string& id, const CallOptions& options = {});
  // POST /containers/{id}/checkpoints: CRIU writes the checkpoint to
  // <directory>/<checkpoint_id>/ on the daemon's host; `exit` stops the
  // container afterwards. Docker offers it only on an experimental daemon.
  void create_checkpoint(const std::string& id, const std::string& checkpoint_id,
                         const std::string& directory, bool exit, const CallOptions& options = {});
  // Streams the log, demultiplexed; `sink` returns false to stop early.
  // Raw (all Stdout) for a TTY container: set logs.tty when known, otherwise
  // API 1.42+ tells by Content-Type and older APIs cost one inspect first.
  void container_logs(const std::string& id, const LogOptions& logs,
                      const std::function<bool(const OutputChunk&)>& sink,
                      const CallOptions& options = {});
  // The same log, read without blocking from the caller's event loop
  // (log_stream.h): the request and the reply's head are sent and read
  // here, within `options`; errors as container_logs().
  std::unique_ptr<LogStream> open_container_logs(const std::string& id, const LogOptions& logs,
                                                 const CallOptions& options = {});
  std::unique_ptr<HijackedStream> attach_container(const std::string& id, bool stdin_,
                                                   bool stdout_, bool stderr_, bool tty,
                                                   const CallOptions& options = {});
  void resize_container(const std::string& id, int height, int width,
                        const CallOptions& options = {});

  // ---- exec
  std::string create_exec(const std::string& container_id, const ExecConfig& config,
                          const CallOptions& options = {});
  // Attached start: the returned stream carries stdin/stdout/stderr.
  std::unique_ptr<HijackedStream> start_exec(const std::string& exec_id, bool tty,
                                             const CallOptions& options = {});
  void start_exec_detached(const std::string& exec_id, const CallOptions& options = {});
  ExecInspect inspect_exec(const std::string& exec_id, const CallOptions& options = {});
  void resize_exec(const std::string& exec_id, int height, int width,
                   const CallOptions& options = {});

  // ---- events
  // Streams GET /events until `sink` returns false, the options' deadline
  // passes or the caller cancels (then it returns normally), or the
  // connection breaks (throws DockerError Unavailable).
  void events(const EventOptions& events, const std::function<bool(const Event&)>& sink,
              const CallOptions& options = {});

 private:
  std::unique_ptr<Transport> transport_;
  std::string path(const std::string& api_path, const CallOptions& options);
  struct VersionCache;
  std::unique_ptr<VersionCache> version_;
};

}  // namespace docker
