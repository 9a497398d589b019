#include "common/process_stats.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <ctime>
#include <thread>

TEST_CASE("read_process_stats: this process's memory, threads, fds, CPU and start time") {
  std::thread idle([] { std::this_thread::sleep_for(std::chrono::milliseconds(200)); });
  const auto stats = common::read_process_stats();
  idle.join();
  CHECK(stats.resident_bytes > 100 * 1024);
  CHECK(stats.virtual_bytes >= stats.resident_bytes);
  CHECK(stats.threads >= 2);
  CHECK(stats.open_fds >= 3);
  CHECK(stats.max_fds >= stats.open_fds);
  CHECK(stats.cpu_seconds >= 0);
  const double now = static_cast<double>(std::time(nullptr));
  CHECK(stats.start_time_seconds > now - 3600);
  CHECK(stats.start_time_seconds <= now + 1);
  // Another process's, by pid; an unknown one is all zeros.
  CHECK(common::read_process_stats(std::to_string(::getpid())).threads >= 1);
  CHECK(common::read_process_stats("999999999").resident_bytes == 0);
}
