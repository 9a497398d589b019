#include "agent/pleg/relist_diff.h"

#include <doctest/doctest.h>

using namespace agent::pleg;
using Type = PodLifecycleEvent::Type;
using S = EntityState;

namespace {

struct Ev {
  std::string uid;
  Type type;
  std::string id;
  bool operator==(const Ev&) const = default;
};

std::vector<Ev> diff(const Snapshot& a, const Snapshot& b) {
  std::vector<Ev> out;
  for (const auto& e : relist_diff(a, b)) out.push_back({e.pod_uid, e.type, e.id});
  return out;
}

doctest::String to_str(Type t) {
  switch (t) {
    case Type::ContainerStarted: return "ContainerStarted";
    case Type::ContainerDied: return "ContainerDied";
    case Type::ContainerRemoved: return "ContainerRemoved";
    case Type::ContainerChanged: return "ContainerChanged";
    case Type::SandboxChanged: return "SandboxChanged";
  }
  return "?";
}

}  // namespace

namespace doctest {
template <>
struct StringMaker<std::vector<Ev>> {
  static String convert(const std::vector<Ev>& v) {
    String s = "[";
    for (const auto& e : v) s += String(e.uid.c_str()) + " " + to_str(e.type) + " " + String(e.id.c_str()) + "; ";
    return s + "]";
  }
};
}  // namespace doctest

TEST_CASE("identical snapshots: no events") {
  Snapshot s;
  s.sandboxes["sb1"] = {"p1", S::Running};
  s.containers["c1"] = {"p1", S::Running};
  CHECK(diff(s, s).empty());
  CHECK(diff({}, {}).empty());
}

TEST_CASE("a new pod: sandbox changed, container changed then started") {
  Snapshot a, b, c;
  b.sandboxes["sb1"] = {"p1", S::Running};
  b.containers["c1"] = {"p1", S::Unknown};  // created, not started
  CHECK(diff(a, b) == std::vector<Ev>{{"p1", Type::SandboxChanged, "sb1"}, {"p1", Type::ContainerChanged, "c1"}});
  c = b;
  c.containers["c1"].state = S::Running;
  CHECK(diff(b, c) == std::vector<Ev>{{"p1", Type::ContainerStarted, "c1"}});
  // Created and started between two relists: only the start is seen.
  CHECK(diff(a, c) == std::vector<Ev>{{"p1", Type::SandboxChanged, "sb1"}, {"p1", Type::ContainerStarted, "c1"}});
}

TEST_CASE("container died, then removed") {
  Snapshot running, exited, gone;
  running.containers["c1"] = {"p1", S::Running};
  exited.containers["c1"] = {"p1", S::Exited};
  CHECK(diff(running, exited) == std::vector<Ev>{{"p1", Type::ContainerDied, "c1"}});
  CHECK(diff(exited, gone) == std::vector<Ev>{{"p1", Type::ContainerRemoved, "c1"}});
  // Died and removed between two relists: both are told.
  CHECK(diff(running, gone) == std::vector<Ev>{{"p1", Type::ContainerDied, "c1"}, {"p1", Type::ContainerRemoved, "c1"}});
}

TEST_CASE("exited container restarted in place") {
  Snapshot exited, running;
  exited.containers["c1"] = {"p1", S::Exited};
  running.containers["c1"] = {"p1", S::Running};
  CHECK(diff(exited, running) == std::vector<Ev>{{"p1", Type::ContainerStarted, "c1"}});
}

TEST_CASE("a container appearing already exited is told as died") {
  Snapshot a, b;
  b.containers["c1"] = {"p1", S::Exited};
  CHECK(diff(a, b) == std::vector<Ev>{{"p1", Type::ContainerDied, "c1"}});
}

TEST_CASE("sandbox not ready, replaced, removed") {
  Snapshot a, b, c;
  a.sandboxes["sb1"] = {"p1", S::Running};
  b.sandboxes["sb1"] = {"p1", S::Exited};
  CHECK(diff(a, b) == std::vector<Ev>{{"p1", Type::SandboxChanged, "sb1"}});
  c.sandboxes["sb2"] = {"p1", S::Running};
  CHECK(diff(b, c) == std::vector<Ev>{{"p1", Type::SandboxChanged, "sb1"}, {"p1", Type::SandboxChanged, "sb2"}});
}

TEST_CASE("events of several pods, sandboxes first, in ID order") {
  Snapshot a, b;
  a.containers["a1"] = {"p1", S::Running};
  a.containers["b1"] = {"p2", S::Running};
  b.containers["b1"] = {"p2", S::Exited};
  b.containers["c1"] = {"p2", S::Running};
  b.sandboxes["sb9"] = {"p3", S::Running};
  CHECK(diff(a, b) == std::vector<Ev>{{"p3", Type::SandboxChanged, "sb9"},
                                      {"p1", Type::ContainerDied, "a1"},
                                      {"p1", Type::ContainerRemoved, "a1"},
                                      {"p2", Type::ContainerDied, "b1"},
                                      {"p2", Type::ContainerStarted, "c1"}});
}
