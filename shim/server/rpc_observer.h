// Sees every CRI call from the server's side, as a gRPC server interceptor,
// whatever the method and however it answers (from memory, streamed, or
// through run_call):
//  - the metrics (shim/metrics/shim_metrics.h): started, handled by code,
//    latency, in flight;
//  - the log fields (--log-format json): while the handler runs, every line
//    it logs carries the call's rpc and subjects (request_log_fields.h);
//  - when it ends, a debug line with its code and duration_ms (an error's
//    own line comes from run_call, at warn or error).
#pragma once

#include <grpcpp/support/server_interceptor.h>

namespace shim {

class ShimMetrics;

class RpcObserverFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `metrics` may be null (no --metrics-address): then only the logs.
  explicit RpcObserverFactory(ShimMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;

 private:
  ShimMetrics* metrics_;
};

}  // namespace shim
