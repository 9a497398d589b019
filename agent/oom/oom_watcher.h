// kubelet's OOMWatcher: follows the kernel log (/dev/kmsg; a file or FIFO
// in tests) from its end and reports each OOM kill (kmsg_parser.h) to
// `on_kill`, on a thread of its own.
//
// /dev/kmsg gives one record per read (EINVAL if the buffer is too small,
// which 8 KiB never is; EPIPE when records were overwritten before being
// read: the watcher says so and reads on). A plain file is read as lines,
// polled for more at its end.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "agent/oom/kmsg_parser.h"

namespace agent::oom {

class OomWatcher {
 public:
  OomWatcher(std::string path, std::function<void(const OomKill&)> on_kill);
  ~OomWatcher();

  // False (logged) when the log cannot be opened: OOM kills then go
  // unreported, as kubelet carries on without its watcher.
  bool start();
  void stop();  // joins the thread

 private:
  void run(int fd);

  std::string path_;
  std::function<void(const OomKill&)> on_kill_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace agent::oom
