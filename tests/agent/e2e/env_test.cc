// Environment from the Pod spec: plain values and fieldRef (the pod's name,
// namespace, IP and node), as the container sees them.
#include <doctest/doctest.h>

#include "tests/agent/e2e/e2e_fixture.h"

namespace e2e {
namespace {

json field_ref(const std::string& name, const std::string& path) {
  return {{"name", name}, {"valueFrom", {{"fieldRef", {{"fieldPath", path}}}}}};
}

TEST_CASE("env values and fieldRef (metadata.name, metadata.namespace, status.podIP, spec.nodeName) reach the container") {
  Node node;
  json app = shell_container(
      "app", "echo \"name=$POD_NAME ns=$POD_NAMESPACE ip=$POD_IP node=$NODE_NAME greeting=$GREETING\"; exec sleep 3600");
  app["env"] = json::array({field_ref("POD_NAME", "metadata.name"), field_ref("POD_NAMESPACE", "metadata.namespace"),
                            field_ref("POD_IP", "status.podIP"), field_ref("NODE_NAME", "spec.nodeName"),
                            {{"name", "GREETING"}, {"value", "hi there"}}});
  node.write_manifest("env.json", pod_manifest(node.ns(), "env", json::array({app})));
  const json pod = node.wait_pod(node.static_name("env"), running_and_ready, "Running");
  const std::string ip = pod_ip(pod);
  REQUIRE_FALSE(ip.empty());
  node.wait_log(pod, "app", "name=" + node.static_name("env") + " ns=" + node.ns() + " ip=" + ip + " node=" + node.node_name() + " greeting=hi there");

  // The same from outside, through the runtime: ExecSync in the container.
  cri::ExecSyncRequest request;
  request.set_container_id(current_id(container_status(pod, "app")));
  request.add_cmd("sh");
  request.add_cmd("-c");
  request.add_cmd("printf '%s' \"$POD_IP\"");
  request.set_timeout(30);
  cri::ExecSyncResponse response;
  const auto status = node.shim().runtime()->ExecSync(itest::context(60s).get(), request, &response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(response.exit_code() == 0);
  CHECK(response.stdout() == ip);
}

}  // namespace
}  // namespace e2e
