#include "docker-client/transport.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <limits>

#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/write.hpp>

#include "docker-client/error.h"

namespace docker {

namespace http = boost::beast::http;
using boost::system::error_code;
using detail::Connection;
using detail::WaitResult;

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kUploadChunk = 64 * 1024;

template <class Message>
void set_common_headers(Message& m, const Request& r, const Endpoint& ep) {
  // Go's client sends "docker" as Host over unix sockets; dockerd ignores it.
  m.set(http::field::host, ep.kind == Endpoint::Kind::Unix ? std::string("docker")
                                                           : ep.host + ":" + ep.port);
  m.set(http::field::user_agent, "cri-shim");
  if (!r.registry_auth.empty()) m.set("X-Registry-Auth", r.registry_auth);
  if (r.upgrade) {
    m.set(http::field::connection, "Upgrade");
    m.set(http::field::upgrade, "tcp");
  }
}

void write_plain(detail::PollingStream& s, const Request& r, const Endpoint& ep, error_code& ec) {
  // span_body: the JSON body is sent from the caller's string, never copied.
  http::request<http::span_body<const char>> m{r.method, r.target, 11};
  set_common_headers(m, r, ep);
  if (!r.body.empty()) {
    m.set(http::field::content_type, "application/json");
    m.body() = boost::beast::span<const char>(r.body.data(), r.body.size());
  }
  // POST without a body still needs Content-Length: 0.
  m.prepare_payload();
  http::write(s, m, ec);
}

// Chunked transfer encoding by hand: one writev per chunk (size line, data, CRLF).
void write_upload(detail::PollingStream& s, const Request& r, const Endpoint& ep,
                  bool& started, error_code& ec) {
  http::request<http::empty_body> m{r.method, r.target, 11};
  set_common_headers(m, r, ep);
  m.set(http::field::content_type, "application/x-tar");
  m.chunked(true);
  http::request_serializer<http::empty_body> sr{m};
  http::write_header(s, sr, ec);
  if (ec) return;
  std::string buf(kUploadChunk, '\0');
  for (;;) {
    started = true;  // the source is consumed from here on: no retry possible
    std::size_t n = (*r.upload)(buf.data(), buf.size());
    char size_line[24];
    int len = n == 0 ? std::snprintf(size_line, sizeof size_line, "0\r\n\r\n")
                     : std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
    std::array<boost::asio::const_buffer, 3> parts{
        boost::asio::const_buffer(size_line, std::size_t(len)),
        boost::asio::const_buffer(buf.data(), n),
        boost::asio::const_buffer("\r\n", n == 0 ? 0 : 2)};
    boost::asio::write(s, parts, ec);
    if (ec || n == 0) return;
  }
}

[[noreturn]] void fail(const Connection& c, const Endpoint& ep, error_code ec,
                       const Request& r) {
  std::string what = std::string(http::to_string(r.method)) + " " + r.target;
  const auto& s = c.stream();
  if (s.aborted() == WaitResult::Deadline)
    throw DockerError(DockerError::Kind::DeadlineExceeded, 0,
                      "deadline exceeded waiting for dockerd (" + what + ")");
  if (s.aborted() == WaitResult::Cancelled)
    throw DockerError(DockerError::Kind::Cancelled, 0, "call cancelled (" + what + ")");
  if (ec.category() == http::make_error_code(http::error::need_buffer).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message)
    throw DockerError(DockerError::Kind::Protocol, 0,
                      "malformed reply from dockerd to " + what + ": " + ec.message());
  throw DockerError(DockerError::Kind::Unavailable, 0,
                    "connection to dockerd at " + ep.to_string() + " failed during " + what +
                        ": " + ec.message());
}

}  // namespace

struct Transport::Exchange {
  std::unique_ptr<Connection> conn;
  std::optional<http::response_parser<http::buffer_body>> parser;

  Response head() const {
    Response r;
    r.status = parser->get().result_int();
    auto ct = parser->get().find(http::field::content_type);
    if (ct != parser->get().end()) r.content_type = std::string(ct->value());
    return r;
  }
};

// The reader's exchange is a transport exchange that lives on with the reader.
struct BodyReader::Exchange : Transport::Exchange {};

void Transport::send(const Request& r, Exchange& ex, const CallOptions& options) {
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<Connection> conn;
    if (attempt == 0) conn = pool_.take_idle();
    const bool reused = conn != nullptr;
    if (!conn) conn = pool_.open(options);
    auto& s = conn->stream();
    s.arm(options);
    const std::uint64_t before = s.bytes_read();
    bool upload_started = false;
    error_code ec;
    if (r.upload) write_upload(s, r, endpoint(), upload_started, ec);
    else write_plain(s, r, endpoint(), ec);
    if (!ec) {
      ex.parser.emplace();
      // Image lists and inspects can be large. Not boost::none: Beast 1.74
      // compares Content-Length against the optional and rejects any body.
      ex.parser->body_limit(std::numeric_limits<std::uint64_t>::max());
      http::read_header(s, conn->buffer(), *ex.parser, ec);
    }
    if (!ec) {
      ex.conn = std::move(conn);
      return;
    }
    // A keep-alive connection dockerd closed while it sat idle fails exactly
    // like this: nothing of the reply came back. Once more, on a fresh one.
    if (reused && s.aborted() == WaitResult::Ready && s.bytes_read() == before &&
        !upload_started)
      continue;
    fail(*conn, endpoint(), ec, r);
  }
}

void Transport::read_body(Exchange& ex, const Request& r, const DataSink& sink, bool& stopped) {
  stopped = false;
  auto& p = *ex.parser;
  if (p.is_done()) return;
  std::unique_ptr<char[]> buf(new char[kReadChunk]);
  while (!p.is_done()) {
    auto& body = p.get().body();
    body.data = buf.get();
    body.size = kReadChunk;
    error_code ec;
    // read_some returns as soon as the parser made progress: streamed
    // events/progress lines reach the sink when they arrive, not when 64 KiB did.
    http::read_some(ex.conn->stream(), ex.conn->buffer(), p, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) fail(*ex.conn, endpoint(), ec, r);
    std::size_t n = kReadChunk - body.size;
    if (n > 0 && !sink(buf.get(), n)) {
      stopped = true;
      return;
    }
  }
}

void Transport::read_body_into(Exchange& ex, const Request& r, std::string& out) {
  auto& p = *ex.parser;
  // The parser writes straight into `out`: no bounce buffer, and with a
  // Content-Length (dockerd sends one for replies under ~2 KiB) one allocation.
  std::size_t used = out.size();
  if (auto len = p.content_length()) out.reserve(used + static_cast<std::size_t>(*len));
  while (!p.is_done()) {
    if (out.capacity() - used < 4096)
      out.reserve(std::max<std::size_t>(2 * out.capacity(), used + 16384));
    out.resize(out.capacity());
    auto& body = p.get().body();
    body.data = out.data() + used;
    body.size = out.size() - used;
    error_code ec;
    http::read_some(ex.conn->stream(), ex.conn->buffer(), p, ec);
    if (ec == http::error::need_buffer) ec = {};
    used = out.size() - body.size;
    out.resize(used);
    if (ec) fail(*ex.conn, endpoint(), ec, r);
  }
}

void Transport::finish(Exchange& ex) {
  if (ex.parser->is_done() && ex.parser->keep_alive()) pool_.give_back(std::move(ex.conn));
}

namespace {

// Reports one exchange to the observer: report() with the status once it
// ended, or (leaving by an exception) status 0 from the destructor.
class ExchangeReport {
 public:
  ExchangeReport(const CallObserver& observer, const Request& request)
      : observer_(observer), request_(request), start_(std::chrono::steady_clock::now()) {}
  ~ExchangeReport() { report(0); }
  ExchangeReport(const ExchangeReport&) = delete;
  ExchangeReport& operator=(const ExchangeReport&) = delete;

  void report(unsigned status) {
    if (reported_ || !observer_) return;
    reported_ = true;
    const auto method = http::to_string(request_.method);
    try {
      observer_(std::string_view(method.data(), method.size()), request_.target, status,
                std::chrono::steady_clock::now() - start_);
    } catch (...) {
      // An observer must not throw; if it does, the call's outcome stands.
    }
  }

 private:
  const CallObserver& observer_;
  const Request& request_;
  std::chrono::steady_clock::time_point start_;
  bool reported_ = false;
};

}  // namespace

Response Transport::call(const Request& r, const CallOptions& options) {
  ExchangeReport report(observer_, r);
  Exchange ex;
  send(r, ex, options);
  Response resp = ex.head();
  read_body_into(ex, r, resp.body);
  finish(ex);
  report.report(resp.status);
  return resp;
}

Response Transport::stream(const Request& r, const std::function<void(const Response&)>& on_head,
                           const DataSink& sink, const CallOptions& options) {
  ExchangeReport report(observer_, r);
  Exchange ex;
  send(r, ex, options);
  Response resp = ex.head();
  report.report(resp.status);  // the body lasts as long as the caller wants
  bool stopped = false;
  if (!resp.ok()) {
    read_body_into(ex, r, resp.body);
  } else {
    if (on_head) on_head(resp);
    read_body(ex, r, sink, stopped);
  }
  if (!stopped) finish(ex);  // a stream left mid-body is closed, never reused
  return resp;
}

Transport::OpenedStream Transport::open_stream(const Request& r, const CallOptions& options) {
  ExchangeReport report(observer_, r);
  OpenedStream opened;
  std::unique_ptr<BodyReader> reader(new BodyReader(*this, r));
  auto& ex = *reader->exchange_;
  send(r, ex, options);
  opened.head = ex.head();
  report.report(opened.head.status);
  if (!opened.head.ok()) {
    read_body_into(ex, r, opened.head.body);
    finish(ex);
    return opened;
  }
  // From here the caller's event loop decides when to read: no deadline, no
  // waiting (the options of this call end with it).
  static const CallOptions kUnlimited;
  ex.conn->stream().arm(kUnlimited);
  ex.conn->stream().set_nonblocking_reads(true);
  // A stream lives as long as its container and mostly idles: the 64 KiB
  // read buffer a reply needs would be held by every follower (a node's
  // hundred log streams: megabytes). It grows back with what comes.
  ex.conn->buffer().shrink_to_fit();
  opened.body = std::move(reader);
  return opened;
}

BodyReader::BodyReader(Transport& transport, Request request)
    : transport_(transport), request_(std::move(request)), exchange_(new Exchange) {
  request_.body.clear();  // only target and method are needed for messages
}

BodyReader::~BodyReader() = default;

int BodyReader::fd() const { return exchange_->conn->fd(); }

bool BodyReader::read_available(
    const std::function<void(const char*, std::size_t)>& sink) {
  auto& ex = *exchange_;
  auto& p = *ex.parser;
  char buf[16 * 1024];  // log and event messages are small; the stack is cheap
  while (!p.is_done()) {
    auto& body = p.get().body();
    body.data = buf;
    body.size = sizeof buf;
    error_code ec;
    http::read_some(ex.conn->stream(), ex.conn->buffer(), p, ec);
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t n = sizeof buf - body.size;
    if (n > 0) sink(buf, n);
    if (ec == boost::asio::error::would_block) return true;
    if (ec) fail(*ex.conn, transport_.endpoint(), ec, request_);
  }
  return false;
}

Transport::Hijacked Transport::hijack(const Request& r, const CallOptions& options) {
  ExchangeReport report(observer_, r);
  Exchange ex;
  send(r, ex, options);
  Hijacked h;
  h.head = ex.head();
  report.report(h.head.status);
  // 101 Switching Protocols; dockerd < 17.x (and some proxies) answer 200 and
  // just start streaming.
  if (h.head.status == 101 || h.head.status == 200) {
    auto data = ex.conn->buffer().data();
    h.leftover.assign(static_cast<const char*>(data.data()), data.size());
    h.fd = ex.conn->release();
    return h;
  }
  read_body_into(ex, r, h.head.body);
  // The connection asked for an upgrade; don't reuse it.
  return h;
}

}  // namespace docker
