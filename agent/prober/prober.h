// Runs one probe of a container once (kubelet's prober.probe): picks the
// handler, fills in what the probe leaves to the pod (the host of httpGet
// and tcpSocket is the pod's IP; grpc always goes to the pod's IP), and
// turns the handler's answer into a ProbeOutcome.
//
// exec runs through CRI ExecSync with the probe's timeout: exit code 0 is
// Success, another Failure (with the command's output), a timeout Failure;
// a runtime that fails the call gives Unknown (the result is dropped).
// Thread-safe.
#pragma once

#include <string>

#include "agent/pod/pod_spec.h"
#include "agent/prober/probe_result.h"

namespace agent::remote {
class CriClient;
}

namespace agent::prober {

class Prober {
 public:
  explicit Prober(remote::CriClient& cri) : cri_(cri) {}
  virtual ~Prober() = default;

  virtual ProbeOutcome probe(const pod::Probe& probe, const std::string& container_id,
                             const std::string& pod_ip) const;

 private:
  ProbeOutcome exec(const pod::ExecAction& action, const std::string& container_id, int timeout_seconds) const;

  remote::CriClient& cri_;
};

}  // namespace agent::prober
