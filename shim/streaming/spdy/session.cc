#include "shim/streaming/spdy/session.h"

#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "shim/streaming/spdy/header_compression.h"

namespace shim::streaming::spdy {
namespace detail {

enum class Claim { kUnclaimed, kClaimed, kAbandoned };

struct StreamState {
  std::uint32_t id = 0;
  Headers headers;

  // From the client.
  std::deque<std::string> chunks;
  std::size_t buffered = 0;
  bool remote_fin = false;
  Claim input = Claim::kUnclaimed;
  std::int64_t recv_window = kDefaultWindow;
  std::int64_t recv_credit = 0;  // consumed, not yet announced by WINDOW_UPDATE

  // To the client.
  std::int64_t send_window = kDefaultWindow;
  bool local_fin = false;
  bool output_taken = false;

  bool reset = false;  // RST_STREAM either way: both directions are over
};

struct SessionCore {
  SessionCore(int socket_fd, SessionOptions opts)
      : fd(socket_fd),
        options(opts),
        parser(ParserLimits{static_cast<std::uint32_t>(
            std::min<std::size_t>(kMaxFrameLength, opts.max_header_block + 64 * 1024))}),
        decompressor(opts.max_header_block) {}

  const int fd;
  const SessionOptions options;

  // Used by the reader thread alone.
  FrameParser parser;
  HeaderDecompressor decompressor;

  mutable std::mutex mu;
  std::condition_variable changed;    // streams, windows, queue space, end
  std::condition_variable writer_cv;  // frames queued, end
  HeaderCompressor compressor;        // under mu: blocks compress in send order

  std::map<std::uint32_t, std::shared_ptr<StreamState>> streams;
  std::deque<std::shared_ptr<StreamState>> pending;  // opened, not yet taken by next_stream
  std::uint32_t last_stream_id = 0;

  bool peer_flow_controlled = false;
  std::int64_t peer_initial_window = kDefaultWindow;
  std::int64_t session_send_window = kDefaultWindow;
  std::int64_t session_recv_credit = 0;

  // Control frames go before data: they are small and unblock the peer.
  std::deque<std::string> urgent;
  std::size_t urgent_bytes = 0;
  std::deque<std::string> ordered;  // DATA, FIN and a closing GOAWAY, in write order
  std::size_t ordered_bytes = 0;

  bool ended = false;
  std::string end_reason;
  bool reader_done = false;
  bool writer_done = false;
  // Session::close() ended it with every stream done: the peer closes
  // first (see write_loop).
  bool closed_gracefully = false;

  std::thread reader;
  std::thread writer;

  // ---- under mu ----

  void end_locked(std::string reason) {
    if (ended) return;
    ended = true;
    end_reason = std::move(reason);
    pending.clear();
    changed.notify_all();
    writer_cv.notify_all();
  }

  void queue_urgent_locked(const Frame& frame) {
    if (ended && !std::holds_alternative<GoAwayFrame>(frame)) return;
    std::string bytes = serialize(frame);
    urgent_bytes += bytes.size();
    urgent.push_back(std::move(bytes));
    writer_cv.notify_one();
    if (urgent_bytes > options.max_queued_control) {
      end_locked("the peer does not read the control frames it causes");
    }
  }

  void queue_ordered_locked(std::string bytes) {
    ordered_bytes += bytes.size();
    ordered.push_back(std::move(bytes));
    writer_cv.notify_one();
  }

  void protocol_error_locked(const std::string& why) {
    if (ended) return;
    spdlog::warn("spdy session: protocol error, sending GOAWAY: {}", why);
    queue_urgent_locked(GoAwayFrame{last_stream_id, static_cast<std::uint32_t>(GoAwayStatus::kProtocolError)});
    end_locked("protocol error: " + why);
  }

  void forget_if_done_locked(const std::shared_ptr<StreamState>& s) {
    if (s->reset || (s->remote_fin && s->local_fin)) {
      auto it = streams.find(s->id);
      if (it != streams.end() && it->second == s) streams.erase(it);
    }
  }

  void reset_locked(const std::shared_ptr<StreamState>& s, RstStatus status) {
    if (s->reset) return;
    s->reset = true;
    s->chunks.clear();
    s->buffered = 0;
    queue_urgent_locked(RstStreamFrame{s->id, static_cast<std::uint32_t>(status)});
    forget_if_done_locked(s);
    changed.notify_all();
  }

  // Gives consumed (or discarded) bytes back to the client's stream window,
  // in WINDOW_UPDATEs of at least half a window so they stay few.
  void credit_stream_locked(StreamState& s, std::size_t n) {
    if (s.reset || s.remote_fin || ended) return;  // nothing more will come
    s.recv_credit += static_cast<std::int64_t>(n);
    if (s.recv_credit >= kDefaultWindow / 2) {
      queue_urgent_locked(WindowUpdateFrame{s.id, static_cast<std::uint32_t>(s.recv_credit)});
      s.recv_window += s.recv_credit;
      s.recv_credit = 0;
    }
  }

  void credit_session_locked(std::size_t n) {
    session_recv_credit += static_cast<std::int64_t>(n);
    if (session_recv_credit >= kDefaultWindow / 2) {
      queue_urgent_locked(WindowUpdateFrame{0, static_cast<std::uint32_t>(session_recv_credit)});
      session_recv_credit = 0;
    }
  }

  void discard_input_locked(StreamState& s) {
    s.input = Claim::kAbandoned;
    std::size_t n = s.buffered;
    s.chunks.clear();
    s.buffered = 0;
    credit_stream_locked(s, n);
    changed.notify_all();
  }

  // ---- reader thread ----

  void read_loop(std::string initial);
  void handle(Frame& frame);
  void on_syn_stream(SynStreamFrame& f);
  void on_data(DataFrame& f);
  void on_settings(const SettingsFrame& f);
  void on_window_update(const WindowUpdateFrame& f);

  // ---- writer thread ----

  void write_loop();
};

namespace {

// 0 when all was sent, else the errno of the failed send.
int send_all(int fd, const std::string& bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    off += static_cast<std::size_t>(n);
  }
  return 0;
}

// Why the connection failed, from either direction: a peer that went away
// is named the same whether the reader or the writer noticed first (a
// write to a closed socket fails with EPIPE before a read sees its FIN).
std::string connection_failure(const char* doing, int err) {
  if (err == 0 || err == EPIPE) return "peer closed the connection";
  if (err == ECONNRESET) return "peer reset the connection";
  return std::string(doing) + " the connection failed: " + std::strerror(err);
}

Headers reply_headers() { return {{":status", "200"}, {":version", "HTTP/1.1"}}; }

}  // namespace

void SessionCore::read_loop(std::string initial) {
  std::string buffer(64 * 1024, '\0');
  std::string pending_bytes = std::move(initial);
  try {
    for (;;) {
      parser.feed(pending_bytes);
      while (std::optional<Frame> frame = parser.next()) {
        {
          std::lock_guard lock(mu);
          if (ended) break;
        }
        handle(*frame);
      }
      {
        std::lock_guard lock(mu);
        if (ended) break;
      }
      ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n < 0 && errno == EINTR) {
        pending_bytes.clear();
        continue;
      }
      if (n <= 0) {
        int err = n == 0 ? 0 : errno;
        std::lock_guard lock(mu);
        end_locked(connection_failure("reading", err));
        break;
      }
      pending_bytes.assign(buffer.data(), static_cast<std::size_t>(n));
    }
  } catch (const FrameError& e) {
    std::lock_guard lock(mu);
    protocol_error_locked(e.what());
  } catch (const CompressionError& e) {
    std::lock_guard lock(mu);
    protocol_error_locked(e.what());
  } catch (const std::exception& e) {
    std::lock_guard lock(mu);
    spdlog::error("spdy session: internal error: {}", e.what());
    queue_urgent_locked(GoAwayFrame{last_stream_id, static_cast<std::uint32_t>(GoAwayStatus::kInternalError)});
    end_locked(std::string("internal error: ") + e.what());
  }
  // The session is over; read on until the peer closes (or the destructor
  // shuts the socket down), so that closing never meets unread bytes and
  // turns into a TCP reset that could destroy the last frames we sent.
  for (;;) {
    ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
  }
  std::lock_guard lock(mu);
  reader_done = true;
  changed.notify_all();
}

void SessionCore::handle(Frame& frame) {
  if (auto* f = std::get_if<SynStreamFrame>(&frame)) return on_syn_stream(*f);
  if (auto* f = std::get_if<DataFrame>(&frame)) return on_data(*f);
  if (auto* f = std::get_if<SettingsFrame>(&frame)) return on_settings(*f);
  if (auto* f = std::get_if<WindowUpdateFrame>(&frame)) return on_window_update(*f);

  if (auto* f = std::get_if<HeadersFrame>(&frame)) {
    // Inflate even when the stream is gone: the zlib stream must stay in step.
    std::optional<std::string> bad_block;
    try {
      decompressor.decompress(f->header_block);
    } catch (const HeaderBlockError& e) {
      bad_block = e.what();
    }
    std::lock_guard lock(mu);
    auto it = streams.find(f->stream_id);
    if (it == streams.end()) return;
    std::shared_ptr<StreamState> s = it->second;
    if (bad_block) return reset_locked(s, RstStatus::kProtocolError);
    if (f->flags & kFlagFin) {
      s->remote_fin = true;
      forget_if_done_locked(s);
      changed.notify_all();
    }
    return;
  }
  if (auto* f = std::get_if<SynReplyFrame>(&frame)) {
    // This server opens no streams, so there is nothing to reply to.
    try {
      decompressor.decompress(f->header_block);
    } catch (const HeaderBlockError&) {
    }
    std::lock_guard lock(mu);
    auto it = streams.find(f->stream_id);
    if (it != streams.end()) {
      reset_locked(it->second, RstStatus::kProtocolError);
    } else {
      queue_urgent_locked(RstStreamFrame{f->stream_id, static_cast<std::uint32_t>(RstStatus::kProtocolError)});
    }
    return;
  }
  std::lock_guard lock(mu);
  if (auto* f = std::get_if<RstStreamFrame>(&frame)) {
    auto it = streams.find(f->stream_id);
    if (it == streams.end()) return;
    std::shared_ptr<StreamState> s = it->second;
    s->reset = true;
    s->chunks.clear();
    s->buffered = 0;
    streams.erase(it);
    changed.notify_all();
  } else if (auto* f = std::get_if<PingFrame>(&frame)) {
    // Odd IDs are the client's pings; even ones would answer ours (none).
    if (f->id % 2 == 1) queue_urgent_locked(PingFrame{f->id});
  } else if (auto* f = std::get_if<GoAwayFrame>(&frame)) {
    end_locked("peer sent GOAWAY (status " + std::to_string(f->status) + ")");
  }
}

void SessionCore::on_syn_stream(SynStreamFrame& f) {
  Headers headers;
  std::optional<std::string> bad_block;
  try {
    headers = decompressor.decompress(f.header_block);  // CompressionError ends the session
  } catch (const HeaderBlockError& e) {
    bad_block = e.what();
  }
  std::lock_guard lock(mu);
  if (ended) return;
  if (f.stream_id % 2 == 0) {
    return protocol_error_locked("SYN_STREAM with even stream ID " + std::to_string(f.stream_id) +
                                 ": clients open odd ones");
  }
  if (f.stream_id <= last_stream_id) {
    return protocol_error_locked("SYN_STREAM ID " + std::to_string(f.stream_id) + " is not above " +
                                 std::to_string(last_stream_id));
  }
  last_stream_id = f.stream_id;
  auto refuse = [&](RstStatus status, const std::string& why) {
    spdlog::debug("spdy session: stream {} refused: {}", f.stream_id, why);
    queue_urgent_locked(RstStreamFrame{f.stream_id, static_cast<std::uint32_t>(status)});
  };
  if (bad_block) return refuse(RstStatus::kProtocolError, *bad_block);
  if (f.associated_stream_id != 0) return refuse(RstStatus::kProtocolError, "clients cannot push streams");
  if (streams.size() >= options.max_streams) return refuse(RstStatus::kRefusedStream, "too many open streams");

  auto s = std::make_shared<StreamState>();
  s->id = f.stream_id;
  s->headers = std::move(headers);
  s->remote_fin = (f.flags & kFlagFin) != 0;
  s->send_window = peer_initial_window;
  // A unidirectional stream is half-closed on our side from the start and
  // gets no SYN_REPLY.
  s->local_fin = (f.flags & kFlagUnidirectional) != 0;
  if (!s->local_fin) {
    queue_urgent_locked(SynReplyFrame{s->id, 0, compressor.compress(reply_headers())});
  }
  streams[s->id] = s;
  pending.push_back(s);
  forget_if_done_locked(s);
  changed.notify_all();
}

void SessionCore::on_data(DataFrame& f) {
  std::unique_lock lock(mu);
  if (ended) return;
  std::size_t n = f.data.size();
  // Credited on arrival (see session.h): stream windows bound the buffers.
  credit_session_locked(n);
  auto it = streams.find(f.stream_id);
  if (it == streams.end()) {
    // Never opened: an error. Opened and already over: data in flight.
    if (f.stream_id > last_stream_id || f.stream_id % 2 == 0) {
      queue_urgent_locked(RstStreamFrame{f.stream_id, static_cast<std::uint32_t>(RstStatus::kInvalidStream)});
    }
    return;
  }
  std::shared_ptr<StreamState> s = it->second;
  if (s->remote_fin) return reset_locked(s, RstStatus::kStreamAlreadyClosed);
  s->recv_window -= static_cast<std::int64_t>(n);
  if (peer_flow_controlled && s->recv_window < 0) {
    spdlog::debug("spdy session: stream {} overran its window by {} bytes", s->id, -s->recv_window);
    return reset_locked(s, RstStatus::kFlowControlError);
  }
  if (n > 0) {
    if (s->input != Claim::kAbandoned && !peer_flow_controlled) {
      changed.wait(lock, [&] {
        return s->buffered < options.max_buffered_input || s->input == Claim::kAbandoned || s->reset || ended;
      });
      if (ended) return;
    }
    if (s->reset) return;
    if (s->input == Claim::kAbandoned) {
      credit_stream_locked(*s, n);
    } else {
      s->buffered += n;
      s->chunks.push_back(std::move(f.data));
    }
  }
  if (f.flags & kFlagFin) {
    s->remote_fin = true;
    forget_if_done_locked(s);
  }
  changed.notify_all();
}

void SessionCore::on_settings(const SettingsFrame& f) {
  std::lock_guard lock(mu);
  for (const Setting& setting : f.settings) {
    if (setting.id != kSettingsInitialWindowSize) continue;
    if (setting.value > kMaxWindow) {
      return protocol_error_locked("SETTINGS_INITIAL_WINDOW_SIZE " + std::to_string(setting.value) +
                                   " above 2^31-1");
    }
    peer_flow_controlled = true;
    // The change applies to every open stream's window, which may go
    // negative: that stream then waits for WINDOW_UPDATEs.
    std::int64_t delta = static_cast<std::int64_t>(setting.value) - peer_initial_window;
    peer_initial_window = setting.value;
    for (auto& [id, s] : streams) s->send_window += delta;
  }
  changed.notify_all();
}

void SessionCore::on_window_update(const WindowUpdateFrame& f) {
  std::lock_guard lock(mu);
  peer_flow_controlled = true;
  if (f.stream_id == 0) {
    session_send_window += f.delta;
    if (session_send_window > kMaxWindow) {
      return protocol_error_locked("session window raised above 2^31-1");
    }
  } else {
    auto it = streams.find(f.stream_id);
    if (it == streams.end()) return;  // over already; updates may cross our FIN
    std::shared_ptr<StreamState> s = it->second;
    s->send_window += f.delta;
    if (s->send_window > kMaxWindow) return reset_locked(s, RstStatus::kFlowControlError);
  }
  changed.notify_all();
}

void SessionCore::write_loop() {
  constexpr std::size_t kBatch = 256 * 1024;
  std::unique_lock lock(mu);
  for (;;) {
    writer_cv.wait(lock, [&] { return !urgent.empty() || !ordered.empty() || ended; });
    if (urgent.empty() && ordered.empty()) break;  // ended and all sent
    std::string batch;
    while (!urgent.empty() && batch.size() < kBatch) {
      batch += urgent.front();
      urgent_bytes -= urgent.front().size();
      urgent.pop_front();
    }
    while (!ordered.empty() && batch.size() < kBatch) {
      batch += ordered.front();
      ordered_bytes -= ordered.front().size();
      ordered.pop_front();
    }
    changed.notify_all();  // queue space for writers
    lock.unlock();
    int err = send_all(fd, batch);
    lock.lock();
    if (err != 0) {
      end_locked(connection_failure("writing", err));
      urgent.clear();
      ordered.clear();
      urgent_bytes = ordered_bytes = 0;
      break;
    }
  }
  // Everything queued is out. After a graceful close the peer is given
  // the linger time to close first, as kubectl does once it has the status:
  // a client that parses frames asynchronously (Node's spdy-transport
  // inflates headers off the socket's thread) drops the frames it has not
  // parsed yet when our FIN closes its socket. After an error we close at
  // once: the peer is not to be waited for.
  if (closed_gracefully) {
    changed.wait_for(lock, options.linger, [&] { return reader_done; });
  }
  // Our FIN tells the peer no more frames come.
  ::shutdown(fd, SHUT_WR);
  writer_done = true;
  changed.notify_all();
}

// ---- the byte streams ----

namespace {

class SpdyInputStream : public InputStream {
 public:
  SpdyInputStream(std::shared_ptr<SessionCore> core, std::shared_ptr<StreamState> s)
      : core_(std::move(core)), s_(std::move(s)) {}

  ~SpdyInputStream() override {
    std::lock_guard lock(core_->mu);
    core_->discard_input_locked(*s_);
  }

  std::optional<std::string> read() override {
    std::unique_lock lock(core_->mu);
    core_->changed.wait(lock, [&] { return !s_->chunks.empty() || s_->remote_fin || s_->reset || core_->ended; });
    if (s_->reset || s_->chunks.empty()) return std::nullopt;
    std::string chunk = std::move(s_->chunks.front());
    s_->chunks.pop_front();
    s_->buffered -= chunk.size();
    core_->credit_stream_locked(*s_, chunk.size());
    core_->changed.notify_all();  // the reader may wait for buffer room
    return chunk;
  }

 private:
  std::shared_ptr<SessionCore> core_;
  std::shared_ptr<StreamState> s_;
};

class SpdyOutputStream : public OutputStream {
 public:
  SpdyOutputStream(std::shared_ptr<SessionCore> core, std::shared_ptr<StreamState> s)
      : core_(std::move(core)), s_(std::move(s)) {}

  void write(std::string_view data) override {
    SessionCore& c = *core_;
    std::unique_lock lock(c.mu);
    while (!data.empty()) {
      c.changed.wait(lock, [&] {
        if (c.ended || s_->reset || s_->local_fin) return true;
        if (c.ordered_bytes >= c.options.max_queued_output) return false;
        return !c.peer_flow_controlled || (s_->send_window > 0 && c.session_send_window > 0);
      });
      if (c.ended) throw StreamClosed("spdy stream " + std::to_string(s_->id) + ": session ended: " + c.end_reason);
      if (s_->reset) throw StreamClosed("spdy stream " + std::to_string(s_->id) + " was reset");
      if (s_->local_fin) throw StreamClosed("spdy stream " + std::to_string(s_->id) + ": write after close");
      std::size_t n = std::min(data.size(), c.options.max_data_frame);
      if (c.peer_flow_controlled) {
        n = std::min<std::size_t>(n, static_cast<std::size_t>(std::min(s_->send_window, c.session_send_window)));
      }
      // Counted even for peers that ignore windows, so that a peer that
      // starts doing flow control later finds true numbers.
      s_->send_window -= static_cast<std::int64_t>(n);
      c.session_send_window -= static_cast<std::int64_t>(n);
      c.queue_ordered_locked(serialize(DataFrame{s_->id, 0, std::string(data.substr(0, n))}));
      data.remove_prefix(n);
    }
  }

  void close() override {
    SessionCore& c = *core_;
    std::lock_guard lock(c.mu);
    if (s_->local_fin) return;
    s_->local_fin = true;
    if (!c.ended && !s_->reset) c.queue_ordered_locked(serialize(DataFrame{s_->id, kFlagFin, {}}));
    c.forget_if_done_locked(s_);
    c.changed.notify_all();
  }

 private:
  std::shared_ptr<SessionCore> core_;
  std::shared_ptr<StreamState> s_;
};

}  // namespace
}  // namespace detail

// ---- Stream ----

Stream::Stream(std::shared_ptr<detail::SessionCore> core, std::shared_ptr<detail::StreamState> state)
    : core_(std::move(core)), state_(std::move(state)) {}

Stream::~Stream() {
  std::lock_guard lock(core_->mu);
  if (state_->input == detail::Claim::kUnclaimed) core_->discard_input_locked(*state_);
}

std::uint32_t Stream::id() const { return state_->id; }
const Headers& Stream::headers() const { return state_->headers; }
std::optional<std::string> Stream::header(std::string_view name) const { return header_value(state_->headers, name); }

std::unique_ptr<InputStream> Stream::take_input() {
  std::lock_guard lock(core_->mu);
  if (state_->input != detail::Claim::kUnclaimed) return nullptr;
  state_->input = detail::Claim::kClaimed;
  return std::make_unique<detail::SpdyInputStream>(core_, state_);
}

std::unique_ptr<OutputStream> Stream::take_output() {
  std::lock_guard lock(core_->mu);
  if (state_->output_taken) return nullptr;
  state_->output_taken = true;
  return std::make_unique<detail::SpdyOutputStream>(core_, state_);
}

void Stream::reset(RstStatus status) {
  std::lock_guard lock(core_->mu);
  if (core_->ended) return;
  core_->reset_locked(state_, status);
}

// ---- Session ----

Session::Session(int fd, std::string_view already_read, SessionOptions options)
    : core_(std::make_shared<detail::SessionCore>(fd, options)) {
  detail::SessionCore* c = core_.get();
  c->writer = std::thread([c] { c->write_loop(); });
  c->reader = std::thread([c, initial = std::string(already_read)]() mutable { c->read_loop(std::move(initial)); });
}

Session::~Session() {
  close();
  detail::SessionCore& c = *core_;
  {
    std::unique_lock lock(c.mu);
    c.changed.wait_for(lock, c.options.linger, [&] { return c.reader_done && c.writer_done; });
  }
  // Unblocks a recv() waiting on a silent peer and a send() to a peer
  // that stopped reading.
  ::shutdown(c.fd, SHUT_RDWR);
  c.reader.join();
  c.writer.join();
  ::close(c.fd);
}

std::unique_ptr<Stream> Session::next_stream(Clock::time_point deadline) {
  detail::SessionCore& c = *core_;
  std::unique_lock lock(c.mu);
  auto ready = [&] { return !c.pending.empty() || c.ended; };
  if (deadline == Clock::time_point::max()) {
    c.changed.wait(lock, ready);
  } else {
    c.changed.wait_until(lock, deadline, ready);
  }
  if (c.ended || c.pending.empty()) return nullptr;
  std::shared_ptr<detail::StreamState> s = std::move(c.pending.front());
  c.pending.pop_front();
  return std::unique_ptr<Stream>(new Stream(core_, std::move(s)));
}

void Session::close() {
  detail::SessionCore& c = *core_;
  std::lock_guard lock(c.mu);
  if (c.ended) return;
  // After the data already queued, so the client gets all of it first.
  c.queue_ordered_locked(serialize(GoAwayFrame{c.last_stream_id, static_cast<std::uint32_t>(GoAwayStatus::kOk)}));
  c.closed_gracefully = true;
  c.end_locked("closed by the server");
}

bool Session::ended() const {
  std::lock_guard lock(core_->mu);
  return core_->ended;
}

std::string Session::end_reason() const {
  std::lock_guard lock(core_->mu);
  return core_->end_reason;
}

}  // namespace shim::streaming::spdy
