// node-agent: a small kubelet. Reads Pod manifests (a directory, a URL, its
// own HTTP API) and runs them through a CRI runtime (cri-shim by default),
// reporting every pod's status as kubelet does on GET /pods.
//
// Once started (the runtime answers, the API serves) it tells systemd
// (Type=notify). SIGTERM/SIGINT: stop the sources, the API, PLEG and the
// workers (a sync in flight finishes), exit 0. Pods keep running: a restarted
// agent adopts them.
#include <iostream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "agent/app/node_agent.h"
#include "agent/app/options.h"
#include "build_version.h"
#include "common/logging.h"
#include "common/memory_trim.h"
#include "common/service_manager.h"
#include "common/stop_signals.h"

int main(int argc, char** argv) {
  common::limit_malloc_retention();  // before any thread
  const sigset_t stop_signals = common::block_stop_signals();
  agent::ParsedCommandLine command_line;
  try {
    command_line = agent::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "node-agent: " << e.what() << "\n(see node-agent --help)\n";
    return 2;
  }
  switch (command_line.action) {
    case agent::ParsedCommandLine::Action::PrintHelp:
      std::cout << agent::help_text();
      return 0;
    case agent::ParsedCommandLine::Action::PrintVersion:
      std::cout << "node-agent " << CRI_SHIM_VERSION << "\n";
      return 0;
    case agent::ParsedCommandLine::Action::Run:
      break;
  }
  try {
    common::init_logging(command_line.options.log_level, command_line.options.log_format, "node-agent");
  } catch (const std::exception& e) {
    std::cerr << "node-agent: " << e.what() << "\n";
    return 2;
  }

  try {
    agent::NodeAgent node_agent(command_line.options);
    int signal = 0;
    const bool started = node_agent.start([&](std::chrono::milliseconds wait) {
      signal = common::wait_for_stop_signal(stop_signals, wait);
      return signal == 0;
    });
    if (!started) {
      spdlog::info("node-agent: {} received while waiting for the runtime; stopping",
                   signal == SIGTERM ? "SIGTERM" : "SIGINT");
      return 0;
    }
    // Loading code (gRPC's registrations, yaml-cpp, the TLS library) ran
    // once; its pages come back only if something runs it again.
    const std::size_t dropped_kib = common::drop_startup_code_pages();
    spdlog::debug("gave back {} KiB of start-up-only code pages", dropped_kib);
    common::notify_ready("running pods");
    sigwait(&stop_signals, &signal);
    spdlog::info("node-agent: {} received; stopping (pods keep running)", signal == SIGTERM ? "SIGTERM" : "SIGINT");
    common::notify_stopping();
    node_agent.stop();
  } catch (const std::exception& e) {
    spdlog::error("node-agent: {}", e.what());
    return 1;
  }
  return 0;
}
