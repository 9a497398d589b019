// Images through the agent: imagePullPolicy Always pulls from the test
// registry; a missing image shows ErrImagePull, then ImagePullBackOff.
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "tests/agent/e2e/e2e_fixture.h"

namespace e2e {
namespace {

// The value of `family{method="<method>"}` in Prometheus text; 0 when absent.
double method_sample(const std::string& text, const std::string& family, const std::string& method) {
  std::istringstream in(text);
  std::string line;
  const std::string label = "method=\"" + method + "\"";
  while (std::getline(in, line))
    if (line.rfind(family + "{", 0) == 0 && line.find(label) != std::string::npos)
      return std::stod(line.substr(line.rfind(' ') + 1));
  return 0;
}

TEST_CASE("imagePullPolicy Always pulls the image from the registry") {
  Node node;
  const std::string image = test_registry() + "/cri-shim-test/busybox:latest";
  json app = shell_container("app", "exec sleep 3600");
  app["image"] = image;
  app["imagePullPolicy"] = "Always";
  node.write_manifest("pulled.json", pod_manifest(node.ns(), "pulled", json::array({app})));
  const json pod = node.wait_pod(node.static_name("pulled"), running_and_ready, "Running");
  const json status = container_status(pod, "app");
  CHECK(pick(status, {"image"}).get<std::string>().find("cri-shim-test/busybox") != std::string::npos);
  CHECK_FALSE(pick(status, {"imageID"}).get<std::string>().empty());
  const std::string metrics = node.http().metrics();
  CHECK_MESSAGE(method_sample(metrics, "node_agent_cri_call_duration_seconds_count", "PullImage") >= 1,
                "no PullImage call in /metrics:\n" << metrics);
}

TEST_CASE("a missing image gives ErrImagePull, then ImagePullBackOff, and the pod stays Pending") {
  Node node;  // image backoff 1 s doubling to 4 s
  json app = shell_container("app", "exec sleep 3600");
  app["image"] = test_registry() + "/cri-shim-test/does-not-exist:nope";
  app["imagePullPolicy"] = "IfNotPresent";
  node.write_manifest("missing.json", pod_manifest(node.ns(), "missing", json::array({app})));

  std::set<std::string> reasons;
  std::string message;
  const json pod = node.wait_pod(
      node.static_name("missing"),
      [&](const json& pod) {
        const json waiting = pick(container_status(pod, "app"), {"state", "waiting"});
        if (waiting.is_object()) {
          reasons.insert(waiting.value("reason", ""));
          if (waiting.value("reason", "") == "ErrImagePull") message = waiting.value("message", "");
        }
        return reasons.count("ErrImagePull") && reasons.count("ImagePullBackOff");
      },
      "waiting with ErrImagePull and later ImagePullBackOff");
  CHECK(phase(pod) == "Pending");
  CHECK_FALSE(message.empty());
  CHECK(node.containers_of(uid(pod)).empty());
}

}  // namespace
}  // namespace e2e
