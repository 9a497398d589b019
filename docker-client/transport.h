// HTTP/1.1 to dockerd: one request, one reply, over a pooled keep-alive
// connection (connection.h), with the call's deadline and cancellation
// applied to every wait on the socket.
//
// Four shapes of exchange:
//   call()   - the whole reply body in memory (inspect, list, create, ...);
//   stream() - the body handed out piece by piece as it arrives (pull
//              progress, events, logs); a sink returning false stops early;
//   open_stream() - the same body, read without blocking by the caller's
//              event loop (many log streams on one thread);
//   hijack() - after a 101/200 to `Upgrade: tcp` the socket itself is handed
//              over (exec start, attach) with any bytes already read past
//              the headers.
// Any status is returned, not thrown: mapping statuses to DockerError is the
// client's business. Transport failures throw DockerError Unavailable (or
// DeadlineExceeded / Cancelled / Protocol). A connection goes back to the
// pool only after its reply was read whole and dockerd allowed keep-alive;
// when a reused connection fails before any byte of the reply arrived (dockerd
// closed it while idle), the request is sent once more on a new connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/http/verb.hpp>

#include "docker-client/call_options.h"
#include "docker-client/client.h"
#include "docker-client/connection.h"

namespace docker {

struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;                  // "/v1.41/containers/json?all=1"
  std::string body;                    // JSON; Content-Type application/json when set
  std::string registry_auth;           // X-Registry-Auth header when set
  const BodySource* upload = nullptr;  // chunked application/x-tar body instead
  bool upgrade = false;                // Connection: Upgrade, Upgrade: tcp
};

struct Response {
  unsigned status = 0;
  std::string content_type;
  std::string body;  // stream(): only for a non-2xx reply
  bool ok() const { return status >= 200 && status < 300; }
};

// A piece of a streamed body; return false to stop reading.
using DataSink = std::function<bool(const char* data, std::size_t size)>;

class Transport;

// A 2xx body read from the caller's event loop instead of a blocking loop
// (Transport::open_stream()). Owns its connection, which is never reused.
class BodyReader {
 public:
  ~BodyReader();
  BodyReader(const BodyReader&) = delete;
  BodyReader& operator=(const BodyReader&) = delete;
  // The socket to watch for readability (level-triggered).
  int fd() const;
  // Hands `sink` what the socket holds now (and what was read with the
  // head), never waiting. True while more may come; false once the body
  // ended. Throws DockerError Unavailable/Protocol when it broke. Call it
  // once right after open_stream(): body bytes may have come with the head.
  bool read_available(const std::function<void(const char*, std::size_t)>& sink);

 private:
  friend class Transport;
  struct Exchange;
  BodyReader(Transport& transport, Request request);
  Transport& transport_;
  Request request_;  // for error messages
  std::unique_ptr<Exchange> exchange_;
};

class Transport {
 public:
  Transport(Endpoint endpoint, std::size_t max_idle) : pool_(std::move(endpoint), max_idle) {}

  const Endpoint& endpoint() const { return pool_.endpoint(); }
  std::uint64_t connections_opened() const { return pool_.opened(); }
  // Every exchange below is reported to it (client.h); set before any.
  void set_observer(CallObserver observer) { observer_ = std::move(observer); }

  Response call(const Request& request, const CallOptions& options);

  // For a 2xx reply: `on_head` (may be empty) sees status and content type,
  // then `sink` gets the body as it arrives. For any other status the body is
  // collected into the returned Response and neither callback is called.
  Response stream(const Request& request, const std::function<void(const Response&)>& on_head,
                  const DataSink& sink, const CallOptions& options);

  struct OpenedStream {
    Response head;                      // body filled for a non-2xx reply
    std::unique_ptr<BodyReader> body;   // only for a 2xx reply
  };
  // Sends the request and reads the head (blocking, within `options`); the
  // body is left to the returned reader.
  OpenedStream open_stream(const Request& request, const CallOptions& options);

  struct Hijacked {
    Response head;         // body filled only when the upgrade was refused
    int fd = -1;           // the raw socket, owned by the caller, when upgraded
    std::string leftover;  // bytes of the raw stream already read
  };
  Hijacked hijack(const Request& request, const CallOptions& options);

 private:
  friend class BodyReader;
  struct Exchange;
  void send(const Request& request, Exchange& ex, const CallOptions& options);
  void read_body(Exchange& ex, const Request& request, const DataSink& sink, bool& stopped);
  void read_body_into(Exchange& ex, const Request& request, std::string& out);
  void finish(Exchange& ex);

  detail::ConnectionPool pool_;
  CallObserver observer_;
};

}  // namespace docker
