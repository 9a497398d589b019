#include "common/metrics_registry.h"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace common::metrics {

namespace {

// Upper bounds, in seconds, from 1 ms to 60 s: fine enough for a CRI call,
// wide enough for an image pull or a pod's grace period.
constexpr std::array<double, 14> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                             0.25,  0.5,    1,     2.5,  5,     10,  60};

// A sample value as Prometheus reads it (Go's ParseFloat): +Inf, -Inf, NaN,
// else the shortest form that reads back the same.
std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  // Whole numbers (counts, most gauges) as integers: "4000", not "4e+03".
  if (std::fabs(v) < 1e15 && v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // Prefer the short form when it reads back the same (0.1 rather than 0.10000000000000001).
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[32];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
    if (std::strtod(shorter, nullptr) == v) return shorter;
  }
  return buf;
}

// Label values escape backslash, double quote and newline (format 0.0.4).
std::string escape_label(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// HELP text escapes only backslash and newline.
std::string escape_help(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string label_text(const Labels& labels, const std::pair<std::string, std::string>* extra = nullptr) {
  if (labels.empty() && !extra) return "";
  std::string out = "{";
  bool first = true;
  auto add = [&](const std::string& k, const std::string& v) {
    if (!first) out += ",";
    first = false;
    out += k + "=\"" + escape_label(v) + "\"";
  };
  for (const auto& [k, v] : labels) add(k, v);
  if (extra) add(extra->first, extra->second);
  return out + "}";
}

}  // namespace

void Registry::describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  f.type = type;
  f.help = help;
}

void Registry::add_counter(const std::string& name, const Labels& labels, double delta) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  if (f.type.empty()) f.type = "counter";
  f.values[labels] += delta;
}

void Registry::set_counter(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  if (f.type.empty()) f.type = "counter";
  f.values[labels] = value;
}

void Registry::set_gauge(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  if (f.type.empty()) f.type = "gauge";
  f.values[labels] = value;
}

void Registry::clear_gauge(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (auto it = families_.find(name); it != families_.end()) it->second.values.clear();
}

void Registry::observe_seconds(const std::string& name, const Labels& labels, double seconds) {
  std::lock_guard lock(mutex_);
  Family& f = families_[name];
  if (f.type.empty()) f.type = "histogram";
  Histogram& h = f.histograms[labels];
  if (h.buckets.empty()) h.buckets.assign(kBuckets.size(), 0);
  // Stored per bucket (not cumulative); render() accumulates.
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  h.sum += seconds;
  ++h.count;
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (f.values.empty() && f.histograms.empty()) continue;  // a cleared gauge, a described-only family
    out += "# HELP " + name + " " + escape_help(f.help) + "\n";
    out += "# TYPE " + name + " " + (f.type.empty() ? "untyped" : f.type) + "\n";
    for (const auto& [labels, v] : f.values) out += name + label_text(labels) + " " + number(v) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      unsigned long long cumulative = 0;
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.buckets[i];
        std::pair<std::string, std::string> le{"le", number(kBuckets[i])};
        out += name + "_bucket" + label_text(labels, &le) + " " + std::to_string(cumulative) + "\n";
      }
      std::pair<std::string, std::string> inf{"le", "+Inf"};
      out += name + "_bucket" + label_text(labels, &inf) + " " + std::to_string(h.count) + "\n";
      out += name + "_sum" + label_text(labels) + " " + number(h.sum) + "\n";
      out += name + "_count" + label_text(labels) + " " + std::to_string(h.count) + "\n";
    }
  }
  return out;
}

namespace {
long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

ScopedTimer::ScopedTimer(Registry& registry, std::string name, Labels labels)
    : registry_(registry), name_(std::move(name)), labels_(std::move(labels)), start_ns_(now_ns()) {}

ScopedTimer::~ScopedTimer() { registry_.observe_seconds(name_, labels_, static_cast<double>(now_ns() - start_ns_) / 1e9); }

}  // namespace common::metrics
