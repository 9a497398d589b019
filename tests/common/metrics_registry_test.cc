#include "common/metrics_registry.h"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

using namespace common::metrics;

namespace {
bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}
}  // namespace

TEST_CASE("metrics: counters and gauges with HELP and TYPE") {
  Registry r;
  r.describe("agent_pods", "gauge", "Pods by phase.");
  r.set_gauge("agent_pods", {{"phase", "Running"}}, 3);
  r.set_gauge("agent_pods", {{"phase", "Pending"}}, 1);
  r.add_counter("agent_syncs_total", {});
  r.add_counter("agent_syncs_total", {}, 2);
  std::string text = r.render();
  INFO(text);
  CHECK(has_line(text, "# HELP agent_pods Pods by phase."));
  CHECK(has_line(text, "# TYPE agent_pods gauge"));
  CHECK(has_line(text, "agent_pods{phase=\"Running\"} 3"));
  CHECK(has_line(text, "agent_pods{phase=\"Pending\"} 1"));
  CHECK(has_line(text, "# HELP agent_syncs_total "));
  CHECK(has_line(text, "# TYPE agent_syncs_total counter"));
  CHECK(has_line(text, "agent_syncs_total 3"));
  // HELP and TYPE come before the family's samples.
  CHECK(text.find("# TYPE agent_pods gauge") < text.find("agent_pods{"));
}

TEST_CASE("metrics: clear_gauge drops a family's series") {
  Registry r;
  r.set_gauge("g", {{"phase", "Running"}}, 3);
  r.clear_gauge("g");
  r.set_gauge("g", {{"phase", "Failed"}}, 1);
  std::string text = r.render();
  CHECK(text.find("Running") == std::string::npos);
  CHECK(has_line(text, "g{phase=\"Failed\"} 1"));
  r.clear_gauge("g");
  CHECK(r.render().find("# TYPE g") == std::string::npos);
}

TEST_CASE("metrics: histograms render cumulative buckets, +Inf, sum and count") {
  Registry r;
  r.describe("cri_seconds", "histogram", "CRI call latency.");
  Labels l{{"method", "RunPodSandbox"}};
  r.observe_seconds("cri_seconds", l, 0.0005);
  r.observe_seconds("cri_seconds", l, 0.2);
  r.observe_seconds("cri_seconds", l, 120);
  std::string text = r.render();
  INFO(text);
  CHECK(has_line(text, "# TYPE cri_seconds histogram"));
  CHECK(has_line(text, "cri_seconds_bucket{method=\"RunPodSandbox\",le=\"0.001\"} 1"));
  CHECK(has_line(text, "cri_seconds_bucket{method=\"RunPodSandbox\",le=\"0.1\"} 1"));
  CHECK(has_line(text, "cri_seconds_bucket{method=\"RunPodSandbox\",le=\"0.25\"} 2"));
  CHECK(has_line(text, "cri_seconds_bucket{method=\"RunPodSandbox\",le=\"60\"} 2"));
  CHECK(has_line(text, "cri_seconds_bucket{method=\"RunPodSandbox\",le=\"+Inf\"} 3"));
  CHECK(has_line(text, "cri_seconds_sum{method=\"RunPodSandbox\"} 120.2005"));
  CHECK(has_line(text, "cri_seconds_count{method=\"RunPodSandbox\"} 3"));
}

TEST_CASE("metrics: label values and help are escaped") {
  Registry r;
  r.describe("m", "gauge", "a \\ b\nc");
  r.set_gauge("m", {{"v", "q\"uote\\back\nline"}}, 1.5);
  std::string text = r.render();
  INFO(text);
  CHECK(has_line(text, "# HELP m a \\\\ b\\nc"));
  CHECK(has_line(text, "m{v=\"q\\\"uote\\\\back\\nline\"} 1.5"));
}

TEST_CASE("metrics: ScopedTimer observes once") {
  Registry r;
  { ScopedTimer t(r, "sync_seconds", {{"pod", "default/web"}}); }
  CHECK(has_line(r.render(), "sync_seconds_count{pod=\"default/web\"} 1"));
}

TEST_CASE("metrics: concurrent writers lose nothing") {
  Registry r;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        r.add_counter("c", {{"k", "v"}});
        r.observe_seconds("h", {}, 0.01);
      }
    });
  for (auto& t : threads) t.join();
  std::string text = r.render();
  CHECK(has_line(text, "c{k=\"v\"} 4000"));
  CHECK(has_line(text, "h_count 4000"));
}

TEST_CASE("metrics: set_counter copies a count kept elsewhere") {
  Registry r;
  r.set_counter("x_total", {{"kind", "exec"}}, 3);
  r.set_counter("x_total", {{"kind", "exec"}}, 5);
  const auto text = r.render();
  CHECK(has_line(text, "# TYPE x_total counter"));
  CHECK(has_line(text, "x_total{kind=\"exec\"} 5"));
}
