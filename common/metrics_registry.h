// A small Prometheus registry (both binaries' /metrics): counters, gauges and duration histograms with
// labels, rendered in the text exposition format (version 0.0.4) for
// `GET /metrics`. Thread-safe. Series are created on first use and live as
// long as the registry; label sets are given as ordered {name, value} pairs.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace common::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Registry {
 public:
  // Declares a family's help text and type ("counter", "gauge", "histogram").
  // Optional: an undeclared family gets an empty help line.
  void describe(const std::string& name, const std::string& type, const std::string& help);

  void add_counter(const std::string& name, const Labels& labels, double delta = 1);
  // A counter kept elsewhere (an atomic of the code that counts), copied
  // in before a render.
  void set_counter(const std::string& name, const Labels& labels, double value);
  void set_gauge(const std::string& name, const Labels& labels, double value);
  // Drops every series of a gauge family (before setting a fresh snapshot).
  void clear_gauge(const std::string& name);
  // Records one duration, in seconds, into a histogram with fixed buckets
  // from 1 ms to 60 s.
  void observe_seconds(const std::string& name, const Labels& labels, double seconds);

  std::string render() const;

 private:
  struct Histogram {
    std::vector<unsigned long long> buckets;  // cumulative at render time
    double sum = 0;
    unsigned long long count = 0;
  };
  struct Family {
    std::string type, help;
    std::map<Labels, double> values;          // counters and gauges
    std::map<Labels, Histogram> histograms;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

// Measures a scope and observes it into a histogram when it ends.
class ScopedTimer {
 public:
  ScopedTimer(Registry& registry, std::string name, Labels labels);
  ~ScopedTimer();
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  Registry& registry_;
  std::string name_;
  Labels labels_;
  long long start_ns_;
};

}  // namespace common::metrics
