// ExecSync's stdout and stderr, held in memory only as far as one CRI reply
// can carry them.
//
// kubelet receives at most 16 MiB per gRPC message (its maxMsgSize, the
// shim's own send limit too), so output beyond that can never reach it.
// The output is capped, as containerd caps each stream at 16 MiB: the
// first bytes of each stream are kept while stdout and stderr together fit
// one reply, and what comes after is counted and dropped, so the reply
// still carries the exit code (kubelet's exec probes only look at the
// start of the output and the code). cri-dockerd instead failed the whole
// call, and containerd's two full 16 MiB streams can make a reply kubelet
// refuses. Dropping (not stopping to read) means the exec's process is
// never blocked on a full pipe, and the shim's memory stays bounded while
// the call reads on to the process's end.
//
// Not thread-safe: one reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "docker-client/hijacked_stream.h"

namespace shim::exec {

// What stdout and stderr together may hold: kubelet's 16 MiB message limit
// less room for the reply's own framing (two length-prefixed fields and the
// exit code: under 32 bytes).
inline constexpr std::size_t kMaxExecSyncOutputBytes = 16 * 1024 * 1024 - 64;

class ExecOutput {
 public:
  explicit ExecOutput(std::size_t limit = kMaxExecSyncOutputBytes) : limit_(limit) {}

  // Appends a chunk of the stream it came from (Stdin never comes; it is
  // dropped), as far as stdout and stderr together stay within the limit;
  // the rest is only counted.
  void add(docker::StreamKind stream, std::string_view data);

  // Whether some output was dropped.
  bool overflowed() const { return overflowed_; }
  // Bytes seen on each stream, kept or not.
  std::uint64_t stdout_bytes() const { return stdout_seen_; }
  std::uint64_t stderr_bytes() const { return stderr_seen_; }

  // The output kept.
  std::string take_stdout() { return std::move(stdout_); }
  std::string take_stderr() { return std::move(stderr_); }

 private:
  std::size_t limit_;
  bool overflowed_ = false;
  std::uint64_t stdout_seen_ = 0, stderr_seen_ = 0;
  std::string stdout_, stderr_;
};

}  // namespace shim::exec
