// cri-shim: serves CRI v1 (RuntimeService + ImageService) on a unix socket
// and carries every call out on dockerd through its Engine API.
//
// Start-up: parse flags, set up logging, connect the docker client (a dockerd
// that is down is not fatal: Status reports RuntimeReady=false until it is
// back), serve, and tell systemd (Type=notify) it is ready. SIGTERM/SIGINT:
// stop accepting calls, give in-flight calls the shutdown grace, cancel what
// is left, remove the socket (not systemd's, with --listen fd://), exit 0.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "build_version.h"
#include "docker-client/client.h"
#include "shim/image/image_service.h"
#include "shim/runtime/runtime_service.h"
#include "shim/security/host_security.h"
#include "shim/server/listener.h"
#include "common/logging.h"
#include "common/memory_trim.h"
#include "common/service_manager.h"
#include "common/stop_signals.h"
#include "shim/metrics/metrics_server.h"
#include "shim/metrics/runtime_sample.h"
#include "shim/metrics/shim_metrics.h"
#include "shim/server/options.h"
#include "shim/server/rpc_observer.h"
#include "shim/server/socket_acceptor.h"

namespace {

constexpr int kMaxMessageBytes = 16 * 1024 * 1024;  // as kubelet and cri-dockerd use

void log_docker_status(docker::Client& docker) {
  try {
    const auto version = docker.version(docker::CallOptions::with_timeout(std::chrono::seconds(5)));
    spdlog::info("dockerd at {}: Docker {} (API {}), using API {}", docker.endpoint().to_string(),
                 version.version, version.api_version, docker.api_version());
  } catch (const docker::DockerError& e) {
    spdlog::warn("dockerd at {} does not answer yet ({}); serving anyway, RuntimeReady is false "
                 "until it does",
                 docker.endpoint().to_string(), e.message());
  }
}

int serve(const shim::Options& options, const sigset_t& stop_signals) {
  // First: a taken socket fails the start before any work, and systemd's
  // sockets are taken (and their variables unset) before any child is run.
  shim::Listener listener(options.listen);
  common::limit_malloc_retention();
  std::unique_ptr<shim::ShimMetrics> metrics;
  if (!options.metrics_address.empty()) metrics = std::make_unique<shim::ShimMetrics>();
  docker::Client docker(docker::Endpoint::parse(options.docker_endpoint));
  if (metrics)
    docker.set_call_observer([m = metrics.get()](std::string_view method, std::string_view target, unsigned status,
                                                 std::chrono::nanoseconds elapsed) {
      m->docker_call(method, target, status, elapsed);
    });
  log_docker_status(docker);

  shim::RuntimeSettings runtime_settings;
  runtime_settings.pod_infra_image = options.pod_infra_container_image;
  runtime_settings.host = shim::security::HostSecurity::probe();
  runtime_settings.state_dir = options.root_dir;
  try {
    runtime_settings.host.docker_last_cap = shim::security::docker_last_cap_for_api(
        docker.api_version(docker::CallOptions::with_timeout(std::chrono::seconds(5))));
  } catch (const docker::DockerError&) {
    // dockerd is down: keep the oldest API's capability set.
  }
  if (!runtime_settings.host.has_all_capabilities())
    spdlog::info("this host's capability bounding set lacks capabilities the kernel knows; "
                 "privileged pods and containers are built from their parts");
  if (options.network_plugin == "cni") {
    shim::network::CniSettings cni;
    cni.bin_dirs = shim::network::split_dir_list(options.cni_bin_dir);
    cni.conf_dir = options.cni_conf_dir;
    cni.state_dir = options.root_dir + "/network";
    cni.plugin_timeout = std::chrono::seconds(options.cni_plugin_timeout_seconds);
    runtime_settings.cni = cni;
    spdlog::info("pod networking by CNI: configs in {}, plugins in {}", options.cni_conf_dir,
                 options.cni_bin_dir);
  }
  runtime_settings.streaming.address = options.streaming_address;
  runtime_settings.streaming.port = static_cast<std::uint16_t>(options.streaming_port);
  // Docker's images in memory, for the ImageService and for the names
  // container statuses report.
  shim::ImageStore image_store(docker);
  std::optional<shim::RuntimeService> runtime_holder;
  try {
    runtime_holder.emplace(docker, image_store, runtime_settings);
  } catch (const std::system_error& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  shim::RuntimeService& runtime_service = *runtime_holder;
  shim::ImageService image_service(docker, image_store);
  // Before serving: a metrics port in use fails the start.
  std::optional<shim::MetricsServer> metrics_server;
  if (metrics) {
    metrics->set_sampler([&runtime_service](common::metrics::Registry& registry) {
      shim::sample_runtime_metrics(registry, runtime_service.load());
      shim::sample_process_metrics(registry);
    });
    metrics_server.emplace(options.metrics_address, [m = metrics.get()] { return m->render(); });
  }

  grpc::ServerBuilder builder;
  // With fd://, systemd's sockets are served by a SocketAcceptor below.
  if (!listener.is_activated()) builder.AddListeningPort(listener.grpc_address(), grpc::InsecureServerCredentials());
  builder.RegisterService(&runtime_service);
  builder.RegisterService(&image_service);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  // One completion queue and few pollers: a CRI server has a handful of
  // clients, and every idle thread costs memory.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 2);
  // Every call seen from outside (metrics, JSON log fields, a debug line
  // each): only when something will show it, so that it costs nothing else.
  if (metrics || options.log_format == "json" || options.log_level == "debug" || options.log_level == "trace") {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> observers;
    observers.push_back(std::make_unique<shim::RpcObserverFactory>(metrics.get()));
    builder.experimental().SetInterceptorCreators(std::move(observers));
  }
  // Before the first call can arrive: a ContainerStatus right after a
  // restart must not take "no follower yet" for "log complete".
  runtime_service.expect_container_log_resume();
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    spdlog::error("cannot serve on {}", options.listen);
    return 1;
  }
  listener.after_bind(options.socket_group.empty() ? std::nullopt
                                                   : std::optional<gid_t>(shim::resolve_group(options.socket_group)));
  std::optional<shim::SocketAcceptor> acceptor;
  if (listener.is_activated()) acceptor.emplace(*server, listener.activation_sockets());
  const std::size_t dropped_kib = common::drop_startup_code_pages();
  spdlog::info("cri-shim {} serving CRI v1 on {}", CRI_SHIM_VERSION, options.listen);
  common::notify_ready("serving CRI v1 on " + options.listen);
  spdlog::debug("gave back {} KiB of start-up-only code pages", dropped_kib);

  // Logs written while the shim was down are copied in the background, so
  // that serving starts at once.
  std::thread log_resume_thread([&] {
    try {
      runtime_service.resume_container_logs();
    } catch (const std::exception& e) {
      spdlog::warn("could not resume container log followers: {}", e.what());
    }
  });
  std::thread signal_thread([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    spdlog::info("received {}; finishing in-flight calls (up to {} s)",
                 signal_number == SIGTERM ? "SIGTERM" : "SIGINT", options.shutdown_grace_seconds);
    common::notify_stopping();
    if (acceptor) acceptor->stop();  // new connections wait in systemd's socket for the next start
    runtime_service.begin_shutdown();  // streams that never end by themselves
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::seconds(options.shutdown_grace_seconds));
  });
  server->Wait();
  signal_thread.join();
  log_resume_thread.join();
  listener.remove();
  spdlog::info("cri-shim stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const sigset_t stop_signals = common::block_stop_signals();

  shim::ParsedCommandLine command_line;
  try {
    command_line = shim::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "cri-shim: " << e.what() << "\n";
    return 2;
  }
  using Action = shim::ParsedCommandLine::Action;
  if (command_line.action == Action::PrintHelp) {
    std::cout << shim::help_text();
    return 0;
  }
  if (command_line.action == Action::PrintVersion) {
    std::cout << "cri-shim " << CRI_SHIM_VERSION << " (CRI v1)\n";
    return 0;
  }

  try {
    common::init_logging(command_line.options.log_level, command_line.options.log_format);
    for (const auto& warning : command_line.warnings) spdlog::warn("{}", warning);
    return serve(command_line.options, stop_signals);
  } catch (const std::exception& e) {
    spdlog::error("cri-shim: {}", e.what());
    return 1;
  }
}
