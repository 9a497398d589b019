// Small tools of the benchmarks: a latency sample set with percentiles, the
// interleaved A/B loop that compares the shim with raw Docker calls in one
// run, and a report table.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

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
};

inline std::chrono::nanoseconds time_once(const std::function<void()>& call) {
  const auto start = std::chrono::steady_clock::now();
  call();
  return std::chrono::steady_clock::now() - start;
}

// Alternates raw and shim calls so that both see the same machine noise.
inline Comparison compare(const std::string& name, int warmup, int iterations,
                          const std::function<void()>& shim_call,
                          const std::function<void()>& raw_call) {
  for (int i = 0; i < warmup; ++i) {
    raw_call();
    shim_call();
  }
  Comparison result{name, {}, {}};
  for (int i = 0; i < iterations; ++i) {
    if (i % 2 == 0) {
      result.raw.add(time_once(raw_call));
      result.shim.add(time_once(shim_call));
    } else {
      result.shim.add(time_once(shim_call));
      result.raw.add(time_once(raw_call));
    }
  }
  return result;
}

inline void print_header() {
  std::printf("%-28s %10s %10s %10s %10s %8s %8s\n", "operation", "shim p50", "shim p95",
              "raw p50", "raw p95", "x p50", "x p95");
  std::printf("%-28s %10s %10s %10s %10s %8s %8s\n", "", "(us)", "(us)", "(us)", "(us)", "", "");
}

// A goal of 0 means the row is for information only.
inline void print_row(const Comparison& c, double goal) {
  const double r50 = c.shim.percentile(50) / c.raw.percentile(50);
  const double r95 = c.shim.percentile(95) / c.raw.percentile(95);
  std::printf("%-28s %10.0f %10.0f %10.0f %10.0f %8.2f %8.2f", c.name.c_str(),
              c.shim.percentile(50), c.shim.percentile(95), c.raw.percentile(50),
              c.raw.percentile(95), r50, r95);
  if (goal > 0)
    std::printf("  goal <= %.2f: %s", goal, r50 <= goal ? "met" : "NOT met");
  std::printf("\n");
}

}  // namespace bench
