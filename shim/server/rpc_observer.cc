#include "shim/server/rpc_observer.h"

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>

#include "common/grpc_code_name.h"
#include "common/logging.h"
#include "shim/metrics/shim_metrics.h"
#include "shim/server/request_log_fields.h"

namespace shim {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

std::string_view type_name(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY: return "unary";
    case ServerRpcInfo::Type::SERVER_STREAMING: return "server_stream";
    case ServerRpcInfo::Type::CLIENT_STREAMING: return "client_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING: return "bidi_stream";
  }
  return "unknown";
}

// "/runtime.v1.RuntimeService/RunPodSandbox" -> "RunPodSandbox".
std::string_view method_name(std::string_view full_method) {
  const auto slash = full_method.rfind('/');
  return slash == std::string_view::npos ? full_method : full_method.substr(slash + 1);
}

class RpcObserver final : public grpc::experimental::Interceptor {
 public:
  RpcObserver(ServerRpcInfo* info, ShimMetrics* metrics)
      : full_method_(info->method()), type_(type_name(info->type())), metrics_(metrics),
        start_(std::chrono::steady_clock::now()) {
    if (metrics_) metrics_->rpc_started(full_method_, type_);
  }

  ~RpcObserver() override {
    const auto elapsed = std::chrono::steady_clock::now() - start_;
    const auto code = status_ ? status_->error_code() : grpc::StatusCode::CANCELLED;  // no status: the client left
    if (metrics_) metrics_->rpc_finished(full_method_, type_, code, elapsed);
    if (spdlog::should_log(spdlog::level::debug)) {
      char duration_ms[32];
      std::snprintf(duration_ms, sizeof duration_ms, "%.3f",
                    std::chrono::duration<double, std::milli>(elapsed).count());
      const auto rpc = method_name(full_method_);
      auto fields = request_fields_.value_or(common::LogFields{{"rpc", std::string(rpc)}});
      fields.emplace_back("code", common::grpc_code_name(code));
      fields.emplace_back("duration_ms", duration_ms);
      common::log_with_fields(spdlog::level::debug, fields,
                              std::string(rpc) + ": " + common::grpc_code_name(code) + " in " + duration_ms + " ms");
    }
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) && !request_fields_) {
      // The sync server runs the handler on this thread right after: the
      // scope covers what it logs. (Every CRI message is a protobuf one.)
      if (const auto* request = static_cast<const google::protobuf::Message*>(methods->GetRecvMessage())) {
        request_fields_ = request_log_fields(method_name(full_method_), *request);
        scope_.emplace(*request_fields_);
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      status_ = methods->GetSendStatus();
      scope_.reset();  // on the handler's thread, which sends the status
    }
    methods->Proceed();
  }

 private:
  std::string full_method_;
  std::string_view type_;
  ShimMetrics* metrics_;
  std::chrono::steady_clock::time_point start_;
  std::optional<common::LogFields> request_fields_;
  std::optional<common::LogFieldScope> scope_;
  std::optional<grpc::Status> status_;
};

}  // namespace

grpc::experimental::Interceptor* RpcObserverFactory::CreateServerInterceptor(ServerRpcInfo* info) {
  return new RpcObserver(info, metrics_);
}

}  // namespace shim
