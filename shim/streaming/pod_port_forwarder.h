// Port forwarding behind a streaming session: each connection the client
// opens becomes a TCP connection to localhost:<port> inside the pod
// sandbox's network namespace (netns_dial.h), or in the host's for a
// host-network pod.
//
// Per connection: bytes both ways until both sides closed. The client's end
// of stream half-closes the pod side (shutdown SHUT_WR) and the pod's end of
// stream half-closes the client side (data_out.close()), so request/response
// protocols that rely on half-close work. Connecting or copying errors go to
// that connection's error stream as text in kubelet's words — "error
// forwarding port 80 to pod <sandbox id>, uid : <cause>" — and end only that
// connection.
//
// Threads: serve_port_forward() blocks on the calling thread until the
// session accepts no more connections and every connection ended; each
// connection runs on a thread of its own plus one that copies client ->
// pod, all joined before it returns. It never throws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "docker-client/client.h"
#include "shim/streaming/byte_streams.h"

namespace shim::streaming {

// CRI's PortForwardRequest. `ports` is what the client named in CRI; like
// kubelet, the connections are not limited to them (a SPDY client names the
// port of each stream it opens).
struct PortForwardRequest {
  std::string sandbox_id;
  std::vector<std::uint16_t> ports;
};

void serve_port_forward(docker::Client& docker, const PortForwardRequest& request,
                        PortForwardSession& session);

}  // namespace shim::streaming
