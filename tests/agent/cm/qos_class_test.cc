#include <doctest/doctest.h>

#include "agent/cm/qos_class.h"
#include "tests/agent/cm/pod_builder.h"

namespace agent::cm {
namespace {

using namespace testing;

TEST_CASE("qos: no request and no limit anywhere is BestEffort") {
  CHECK(pod_qos_class(make_pod("u", {container("a", -1, -1), container("b", -1, -1)})) == QosClass::BestEffort);
  // Zero values count as absent.
  CHECK(pod_qos_class(make_pod("u", {container("a", 0, 0)})) == QosClass::BestEffort);
}

TEST_CASE("qos: every container limiting cpu and memory with requests equal to limits is Guaranteed") {
  CHECK(pod_qos_class(make_pod("u", {container("a", 100, 100 * Mi, 100, 100 * Mi),
                                     container("b", 200, 50 * Mi, 200, 50 * Mi)})) == QosClass::Guaranteed);
  // Sums are compared, not each container: kubelet's rule.
  CHECK(pod_qos_class(make_pod("u", {container("a", 100, 100 * Mi, 200, 100 * Mi),
                                     container("b", 200, 50 * Mi, 100, 50 * Mi)})) == QosClass::Guaranteed);
  // Init containers count too.
  CHECK(pod_qos_class(make_pod("u", {container("a", 100, Mi, 100, Mi)}, {container("i", 50, Mi, 50, Mi)})) ==
        QosClass::Guaranteed);
}

TEST_CASE("qos: anything else is Burstable") {
  SUBCASE("a request below its limit") {
    CHECK(pod_qos_class(make_pod("u", {container("a", 50, 100 * Mi, 100, 100 * Mi)})) == QosClass::Burstable);
  }
  SUBCASE("only a memory limit") {
    CHECK(pod_qos_class(make_pod("u", {container("a", -1, 100 * Mi, -1, 100 * Mi)})) == QosClass::Burstable);
  }
  SUBCASE("one container without limits") {
    CHECK(pod_qos_class(make_pod("u", {container("a", 100, Mi, 100, Mi), container("b", -1, -1)})) ==
          QosClass::Burstable);
  }
  SUBCASE("an init container without limits") {
    CHECK(pod_qos_class(make_pod("u", {container("a", 100, Mi, 100, Mi)}, {container("i", 10, -1)})) ==
          QosClass::Burstable);
  }
  SUBCASE("only a request") { CHECK(pod_qos_class(make_pod("u", {container("a", 10, -1)})) == QosClass::Burstable); }
}

TEST_CASE("qos: names") {
  CHECK(std::string(to_string(QosClass::Guaranteed)) == "Guaranteed");
  CHECK(std::string(to_string(QosClass::Burstable)) == "Burstable");
  CHECK(std::string(to_string(QosClass::BestEffort)) == "BestEffort");
}

}  // namespace
}  // namespace agent::cm
