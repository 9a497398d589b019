// Small tools of the benchmarks: a latency sample set with percentiles, the
// interleaved A/B loop that compares the shim with raw Docker calls in one
// run (or one interleaved pair at a time, for stateful steps), and a report
// table with the raw equivalent of each row.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>
#include <unistd.h>

namespace bench {

class Samples {
 public:
  void add(std::chrono::nanoseconds d) { values_.push_back(d.count() / 1000.0); }
  // Percentile in microseconds (nearest rank).
  double percentile(double p) const {
    if (values_.empty()) return 0;
    std::vector<double> sorted = values_;
    std::sort(sorted.begin(), sorted.end());
    std::size_t rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size()));
    return sorted[std::min(rank, sorted.size() - 1)];
  }

 private:
  std::vector<double> values_;
};

struct Comparison {
  std::string name;
  Samples shim, raw;
  std::string raw_equivalent;  // what the raw column times, "" = the obvious call
};

// An environment variable, or `fallback` when unset or empty.
inline std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

// A number from the environment, or `fallback` when unset or empty.
inline double env_number(const char* name, double fallback) {
  const std::string text = env_or(name, "");
  return text.empty() ? fallback : std::stod(text);
}

// The node-agent binary: NODE_AGENT_BINARY, else the one the same build
// made (build/shim/cri-shim -> build/agent/app/node-agent).
inline std::string node_agent_binary(const std::string& shim_binary) {
  const std::string given = env_or("NODE_AGENT_BINARY", "");
  if (!given.empty()) return given;
  return (std::filesystem::path(shim_binary).parent_path().parent_path() / "agent" / "app" / "node-agent").string();
}

inline std::chrono::nanoseconds time_once(const std::function<void()>& call) {
  const auto start = std::chrono::steady_clock::now();
  call();
  return std::chrono::steady_clock::now() - start;
}

// One sample of each, raw first on even rounds and shim first on odd ones,
// so that neither side always runs right after the other's work. `gap`
// before each timed call lets the machine settle from the one before: a
// big Docker list leaves dockerd collecting garbage on both cores for a few
// milliseconds, which would be timed against whatever call comes next.
inline void measure_pair(Comparison& c, int round, const std::function<void()>& shim_call,
                         const std::function<void()>& raw_call,
                         std::chrono::milliseconds gap = std::chrono::milliseconds(0)) {
  const auto timed = [&](Samples& samples, const std::function<void()>& call) {
    if (gap.count() > 0) std::this_thread::sleep_for(gap);
    samples.add(time_once(call));
  };
  if (round % 2 == 0) {
    timed(c.raw, raw_call);
    timed(c.shim, shim_call);
  } else {
    timed(c.shim, shim_call);
    timed(c.raw, raw_call);
  }
}

// Alternates raw and shim calls so that both see the same machine noise.
inline Comparison compare(const std::string& name, int warmup, int iterations,
                          const std::function<void()>& shim_call,
                          const std::function<void()>& raw_call,
                          const std::string& raw_equivalent = "",
                          std::chrono::milliseconds gap = std::chrono::milliseconds(0)) {
  for (int i = 0; i < warmup; ++i) {
    raw_call();
    shim_call();
  }
  Comparison result{name, {}, {}, raw_equivalent};
  for (int i = 0; i < iterations; ++i) measure_pair(result, i, shim_call, raw_call, gap);
  return result;
}

inline void print_header() {
  std::printf("%-28s %10s %10s %10s %10s %8s %8s\n", "operation", "shim p50", "shim p95",
              "raw p50", "raw p95", "x p50", "x p95");
  std::printf("%-28s %10s %10s %10s %10s %8s %8s\n", "", "(us)", "(us)", "(us)", "(us)", "", "");
}

// A goal of 0 means the row is for information only; `goal` is a ratio to
// the raw p50, `goal_micros` an absolute p50.
inline void print_row(const Comparison& c, double goal, double goal_micros = 0) {
  const double r50 = c.shim.percentile(50) / c.raw.percentile(50);
  const double r95 = c.shim.percentile(95) / c.raw.percentile(95);
  std::printf("%-28s %10.0f %10.0f %10.0f %10.0f %8.2f %8.2f", c.name.c_str(),
              c.shim.percentile(50), c.shim.percentile(95), c.raw.percentile(50),
              c.raw.percentile(95), r50, r95);
  if (goal > 0)
    std::printf("  goal <= %.2f: %s", goal, r50 <= goal ? "met" : "NOT met");
  if (goal_micros > 0)
    std::printf("  goal p50 <= %.0f us: %s", goal_micros, c.shim.percentile(50) <= goal_micros ? "met" : "NOT met");
  std::printf("\n");
}

// The legend under the table: what each row's raw column does.
inline void print_equivalents(const std::vector<Comparison>& rows) {
  bool any = false;
  for (const auto& c : rows) {
    if (c.raw_equivalent.empty()) continue;
    if (!any) std::printf("raw equivalents:\n");
    any = true;
    std::printf("  %-26s = %s\n", c.name.c_str(), c.raw_equivalent.c_str());
  }
}

inline void print_rss(const char* what, long kib, double goal_mib) {
  std::printf("cri-shim RSS %s: %.1f MiB", what, kib / 1024.0);
  if (goal_mib > 0)
    std::printf("  goal <= %.0f MiB: %s", goal_mib, kib / 1024.0 <= goal_mib ? "met" : "NOT met");
  std::printf("\n");
}

// User + system CPU seconds of process `pid` (/proc/<pid>/stat fields 14
// and 15); -1 if unknown.
inline double cpu_seconds_of(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(stat)), {});
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
    if (i == 15) break;
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// dockerd's pid from its pid file; -1 when there is none.
inline pid_t dockerd_pid() {
  std::ifstream file("/var/run/docker.pid");
  pid_t pid = -1;
  file >> pid;
  return pid;
}

}  // namespace bench
