// What both soaks (bench/soak.cc through cri-shim, bench/agent_soak.cc
// through node-agent) share besides their table (soak_series.h): their
// settings and main(), and the run itself.
//
// A run makes pods at a steady rate (creator threads take tickets issued
// at that rate, so a slow creation delays the next ones but loses none),
// keeps them in creation order, hands each to a remover once its time is
// up, calls a mixer about 4 times a second with the pods not about to go,
// and adds a sample row every period. When the time is up it stops all of
// them and hands back the pods still alive, for the soak to tear down.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/soak_series.h"

namespace bench {

struct SoakSettings {
  std::string shim_binary, image;
  double minutes = 60, rate = 2, pod_seconds = 15, sample_seconds = 60;
};

// main() of a soak named `name`: argv[1] is the cri-shim binary; reads
// CRI_SHIM_TEST_IMAGE and CRI_SHIM_SOAK_{MINUTES,PODS_PER_SECOND,
// POD_SECONDS,SAMPLE_SECONDS}, prints them, and returns what `soak` returns.
// Bad usage is exit code 2, an exception 1.
int soak_main(int argc, char** argv, const char* name, const std::function<int(const SoakSettings&)>& soak);

template <typename Pod>
class SoakRun {
 public:
  using Clock = std::chrono::steady_clock;
  struct Parts {
    int creators = 2, reapers = 2;
    std::function<std::optional<Pod>(long n)> make;  // the n-th pod (from 1); nullopt: it failed
    std::function<void(const Pod&)> remove;
    // Pods with at least 3 s left: a call racing a pod's removal proves nothing.
    std::function<void(long round, const std::vector<Pod>& lasting)> mix;
    std::function<std::vector<double>(double minute)> sample;
  };

  // Runs for `settings.minutes`, adding a row to `series` every sample
  // period; returns the pods still alive (the run forgets them).
  std::vector<Pod> run(const SoakSettings& settings, const Parts& parts, SoakSeries& series) {
    start_ = Clock::now();
    const auto end = start_ + seconds(settings.minutes * 60);
    std::atomic<long> tickets{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < parts.creators; ++i)
      threads.emplace_back([&] {
        while (!stop_) {
          if (tickets.load() <= 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
          }
          if (tickets.fetch_sub(1) <= 0) {  // another creator took the last one
            ++tickets;
            continue;
          }
          if (auto pod = parts.make(++made_)) {
            std::lock_guard lock(mutex_);
            live_.push_back({std::move(*pod), Clock::now() + seconds(settings.pod_seconds)});
          }
        }
      });
    for (int i = 0; i < parts.reapers; ++i) threads.emplace_back([&] { reap_until_stopped(parts.remove); });
    threads.emplace_back([&] {
      for (long round = 0; !stop_; ++round) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        if (const auto pods = lasting(); !pods.empty()) parts.mix(round, pods);
      }
    });

    series.print_header();
    const auto period = seconds(1.0 / settings.rate);
    auto next_ticket = start_, next_sample = start_ + seconds(settings.sample_seconds);
    while (Clock::now() < end) {
      const auto now = Clock::now();
      for (; next_ticket <= now; next_ticket += period) ++tickets;
      if (now >= next_sample) {
        series.add(parts.sample(minutes_so_far()));
        next_sample += seconds(settings.sample_seconds);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop_ = true;
    for (auto& t : threads) t.join();
    std::lock_guard lock(mutex_);
    std::vector<Pod> left;
    for (auto& alive : live_) left.push_back(std::move(alive.pod));
    live_.clear();
    return left;
  }

  double minutes_so_far() const { return std::chrono::duration<double>(Clock::now() - start_).count() / 60; }
  long made() const { return made_.load(); }
  long live() const {
    std::lock_guard lock(mutex_);
    return static_cast<long>(live_.size());
  }
  long errors() const { return errors_.load(); }
  // Counts an error; the first 20 are printed.
  void note_error(const std::string& what) {
    if (++errors_ <= 20) std::fprintf(stderr, "error: %s\n", what.c_str());
  }

 private:
  struct Alive {
    Pod pod;
    Clock::time_point expires;
  };
  static Clock::duration seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  }

  std::vector<Pod> lasting() const {
    const auto soon = Clock::now() + std::chrono::seconds(3);
    std::lock_guard lock(mutex_);
    std::vector<Pod> pods;
    for (const auto& alive : live_)
      if (alive.expires > soon) pods.push_back(alive.pod);
    return pods;
  }

  // Reapers take the oldest pod once its time is up (live_ is in creation
  // order), so several of them remove pods side by side.
  void reap_until_stopped(const std::function<void(const Pod&)>& remove) {
    while (!stop_) {
      std::optional<Pod> expired;
      {
        std::lock_guard lock(mutex_);
        if (!live_.empty() && live_.front().expires <= Clock::now()) {
          expired = std::move(live_.front().pod);
          live_.pop_front();
        }
      }
      if (expired)
        remove(*expired);
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  Clock::time_point start_ = Clock::now();
  mutable std::mutex mutex_;
  std::deque<Alive> live_;
  std::atomic<bool> stop_{false};
  std::atomic<long> made_{0}, errors_{0};
};

}  // namespace bench
