// Kubernetes port forwarding ("portforward.k8s.io") over a SPDY session,
// as kubelet's streaming server does it
// (pkg/kubelet/cri/streaming/portforward/httpstream.go): for every
// forwarded connection the client opens two streams that share a
// "requestid" header, one with "streamtype: error" and one with
// "streamtype: data", both carrying "port". accept() yields one
// PortForwardConnection per complete pair.
//   - No requestid (clients older than Kubernetes 1.6): the pair is
//     guessed from stream IDs as kubelet does (error: its ID, data: ID-2).
//   - A stream of another type is reset (PROTOCOL_ERROR).
//   - A missing or bad port, or a second stream of the same type for a
//     request: the message goes to the pair's error stream, which is then
//     closed, and the pair's data stream is reset (also one arriving
//     later, until the pair's timeout).
//   - A pair not complete within pair_timeout: "timed out waiting for
//     streams" on its error stream (if there is one), data stream reset.
//
// Threads: accept() from one thread at a time; the session must outlive
// this object.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "shim/streaming/byte_streams.h"
#include "shim/streaming/spdy/session.h"

namespace shim::streaming::spdy {

class SpdyPortForwardSession : public PortForwardSession {
 public:
  SpdyPortForwardSession(Session& session, std::chrono::milliseconds pair_timeout);

  // nullopt once the session has ended.
  std::optional<PortForwardConnection> accept() override;

 private:
  struct Pair {
    std::unique_ptr<Stream> error;
    std::unique_ptr<Stream> data;
    Session::Clock::time_point deadline;
    // Set once the pair failed: an error stream arriving later gets it, a
    // data stream arriving later is reset.
    std::optional<std::string> failure;
  };

  void fail(const std::string& request_id, Pair& pair, const std::string& message);
  void expire(Session::Clock::time_point now);

  Session& session_;
  std::chrono::milliseconds pair_timeout_;
  std::map<std::string, Pair> pairs_;
};

}  // namespace shim::streaming::spdy
