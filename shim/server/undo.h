// Undo: the rollback steps of a handler that creates things. Each step that
// creates something (a Docker container, a log file) registers how to take it
// back; unless the handler reaches commit(), the destructor runs them in
// reverse order, so a failing call leaves nothing behind (containerd's CRI
// server does it with deferred rollbacks). Steps must not throw; a failing
// step is logged and the others still run.
#pragma once

#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

namespace shim {

class Undo {
 public:
  Undo() = default;
  Undo(const Undo&) = delete;
  Undo& operator=(const Undo&) = delete;
  ~Undo() {
    if (committed_) return;
    for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
      try {
        it->second();
      } catch (const std::exception& e) {
        spdlog::error("cleanup '{}' failed: {}", it->first, e.what());
      }
    }
  }

  void add(std::string what, std::function<void()> step) {
    steps_.emplace_back(std::move(what), std::move(step));
  }
  void commit() { committed_ = true; }

 private:
  std::vector<std::pair<std::string, std::function<void()>>> steps_;
  bool committed_ = false;
};

}  // namespace shim
