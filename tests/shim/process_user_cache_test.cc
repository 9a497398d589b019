#include "shim/runtime/process_user_cache.h"

#include <unistd.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/v1/api.h"

namespace {

// A fake /proc whose processes the test writes.
struct FakeProc {
  std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("cri-shim-proc-users-" + std::to_string(::getpid()));
  FakeProc() { std::filesystem::create_directories(root); }
  ~FakeProc() { std::filesystem::remove_all(root); }
  void write(int pid, const std::string& name, int uid) const {
    std::filesystem::create_directories(root / std::to_string(pid));
    std::ofstream(root / std::to_string(pid) / "status")
        << "Name:\t" << name << "\nUid:\t" << uid << "\t" << uid << "\t" << uid << "\t" << uid << "\nGid:\t7\t7\t7\t7\n";
  }
  void end(int pid) const { std::filesystem::remove_all(root / std::to_string(pid)); }
};

docker::ContainerInspect running(const std::string& id, int pid) {
  docker::ContainerInspect inspect;
  inspect.id = id;
  inspect.state.running = true;
  inspect.state.pid = pid;
  return inspect;
}

// The uid a serialized user says; -1 for none.
long uid_of(const std::string& bytes) {
  cri::ContainerStatus status;
  REQUIRE(status.ParseFromString(bytes));
  return status.has_user() ? static_cast<long>(status.user().linux().uid()) : -1;
}

}  // namespace

TEST_CASE("a process's user is read once, and given only while the process exists") {
  FakeProc proc;
  shim::ProcessUserCache users(proc.root.string());
  proc.write(42, "sleep", 1002);
  CHECK(uid_of(users.serialized_user(running("c1", 42))) == 1002);
  CHECK(uid_of(users.serialized_user(running("c1", 42))) == 1002);
  // The initial user stays the process's whatever it becomes.
  proc.write(42, "sleep", 0);
  CHECK(uid_of(users.serialized_user(running("c1", 42))) == 1002);
  // Gone before Docker noticed: no user, as a fresh read would say.
  proc.end(42);
  CHECK(users.serialized_user(running("c1", 42)).empty());
  // A new process of the same container (a restart) is read again.
  proc.write(43, "sleep", 1003);
  CHECK(uid_of(users.serialized_user(running("c1", 43))) == 1003);
  // Not running: no user, whatever /proc has.
  auto stopped = running("c1", 43);
  stopped.state.running = false;
  CHECK(users.serialized_user(stopped).empty());
}

TEST_CASE("a process still in the runtime's init is read again on every call") {
  FakeProc proc;
  shim::ProcessUserCache users(proc.root.string());
  proc.write(50, "exe", 0);
  CHECK(uid_of(users.serialized_user(running("c2", 50))) == 0);
  proc.write(50, "runc:[2:INIT]", 0);
  CHECK(uid_of(users.serialized_user(running("c2", 50))) == 0);
  proc.write(50, "nginx", 101);  // executed the container's command
  CHECK(uid_of(users.serialized_user(running("c2", 50))) == 101);
  proc.write(50, "nginx", 0);
  CHECK(uid_of(users.serialized_user(running("c2", 50))) == 101);
}
