// One GetContainerEvents stream of the real cri-shim, read on its own
// thread, for the tests of evented PLEG (container_events_test.cc) and of
// faults that events must survive (dockerd_restart_test.cc).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "runtime/v1/api.h"

namespace itest {

using Types = std::vector<cri::ContainerEventType>;

// The constructor returns once the shim sent its initial metadata: from
// then on, every change is reported to this reader.
class EventReader {
 public:
  explicit EventReader(cri::RuntimeService::Stub& runtime) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(600));
    reader_ = runtime.GetContainerEvents(&context_, cri::GetEventsRequest());
    reader_->WaitForInitialMetadata();
    thread_ = std::thread([this] {
      cri::ContainerEventResponse event;
      while (reader_->Read(&event)) {
        std::lock_guard lock(mutex_);
        events_.push_back(event);
        changed_.notify_all();
      }
      auto status = reader_->Finish();
      std::lock_guard lock(mutex_);
      status_ = status;
      changed_.notify_all();
    });
  }
  ~EventReader() {
    context_.TryCancel();
    thread_.join();
  }

  // The events of `ids` so far, in order.
  std::vector<cri::ContainerEventResponse> of(const std::set<std::string>& ids) {
    std::lock_guard lock(mutex_);
    std::vector<cri::ContainerEventResponse> out;
    for (const auto& e : events_)
      if (ids.count(e.container_id())) out.push_back(e);
    return out;
  }
  Types types_of(const std::string& id) {
    Types out;
    for (const auto& e : of({id})) out.push_back(e.container_event_type());
    return out;
  }
  // Waits until container `id` has had at least `count` events.
  bool wait_for(const std::string& id, std::size_t count, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
      std::size_t n = 0;
      for (const auto& e : events_) n += e.container_id() == id;
      return n >= count || status_.has_value();
    }) && !status_;
  }
  std::optional<grpc::Status> wait_end(std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return status_.has_value(); });
    return status_;
  }
  void cancel() { context_.TryCancel(); }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<cri::ContainerEventResponse>> reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<cri::ContainerEventResponse> events_;
  std::optional<grpc::Status> status_;
  std::thread thread_;
};

inline std::string types_text(const Types& types) {
  std::string out;
  for (auto t : types) out += std::string(out.empty() ? "" : ",") + cri::ContainerEventType_Name(t);
  return out;
}

}  // namespace itest
