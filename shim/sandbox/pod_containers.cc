#include "shim/sandbox/pod_containers.h"

#include <exception>
#include <mutex>
#include <thread>

namespace shim {

void for_each_concurrently(const std::vector<std::string>& ids,
                           const std::function<void(const std::string&)>& action) {
  if (ids.size() == 1) {
    action(ids.front());
    return;
  }
  std::mutex mutex;
  std::exception_ptr first_failure;
  std::vector<std::thread> threads;
  threads.reserve(ids.size());
  for (const auto& id : ids) {
    threads.emplace_back([&, id] {
      try {
        action(id);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first_failure) first_failure = std::current_exception();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (first_failure) std::rethrow_exception(first_failure);
}

}  // namespace shim
