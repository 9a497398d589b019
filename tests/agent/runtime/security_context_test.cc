#include <doctest/doctest.h>

#include "agent/runtime/security_context.h"
#include "pod_fixture.h"

using namespace agent;
using namespace agent::runtime;

namespace {

const AgentPaths kPaths{"/var/lib/na"};

pod::SecurityContext& container_sc(pod::Pod& pod) {
  auto& sc = pod.spec.containers[0].security_context;
  if (!sc) sc.emplace();
  return *sc;
}

cri::LinuxContainerSecurityContext effective(const pod::Pod& pod,
                                             const std::optional<ImageUser>& image = std::nullopt) {
  return make_container_security_context(pod, pod.spec.containers[0], kPaths, image);
}

}  // namespace

TEST_CASE("namespaces: POD / CONTAINER pid by default, NODE for host*") {
  pod::Pod pod = test::basic_pod();
  auto ns = pod_namespace_options(pod);
  CHECK(ns.network() == cri::POD);
  CHECK(ns.ipc() == cri::POD);
  CHECK(ns.pid() == cri::CONTAINER);
  pod.spec.host_network = pod.spec.host_pid = pod.spec.host_ipc = true;
  ns = pod_namespace_options(pod);
  CHECK(ns.network() == cri::NODE);
  CHECK(ns.ipc() == cri::NODE);
  CHECK(ns.pid() == cri::NODE);
  CHECK(effective(pod).namespace_options().pid() == cri::NODE);
}

TEST_CASE("a bare container: no user, Unconfined seccomp, kubelet's masked and read-only paths") {
  pod::Pod pod = test::basic_pod();
  auto sc = effective(pod);
  CHECK_FALSE(sc.has_run_as_user());
  CHECK_FALSE(sc.has_run_as_group());
  CHECK(sc.run_as_username().empty());
  CHECK_FALSE(sc.privileged());
  CHECK_FALSE(sc.readonly_rootfs());
  CHECK_FALSE(sc.no_new_privs());
  CHECK(sc.seccomp().profile_type() == cri::SecurityProfile::Unconfined);
  CHECK(sc.masked_paths_size() == 12);
  CHECK(sc.masked_paths(2) == "/proc/interrupts");
  CHECK(sc.masked_paths(0) == "/proc/asound");
  CHECK(sc.readonly_paths_size() == 5);
  CHECK(sc.readonly_paths(3) == "/proc/sys");
  CHECK(sc.supplemental_groups_size() == 0);
}

TEST_CASE("the container's fields win over the pod's") {
  pod::Pod pod = test::basic_pod();
  pod.spec.security_context.run_as_user = 1000;
  pod.spec.security_context.run_as_group = 3000;
  auto sc = effective(pod);
  CHECK(sc.run_as_user().value() == 1000);
  CHECK(sc.run_as_group().value() == 3000);

  container_sc(pod).run_as_user = 2000;
  sc = effective(pod);
  CHECK(sc.run_as_user().value() == 2000);
  CHECK(sc.run_as_group().value() == 3000);
  container_sc(pod).run_as_group = 4000;
  CHECK(effective(pod).run_as_group().value() == 4000);
}

TEST_CASE("fsGroup then supplementalGroups, on the container and the sandbox") {
  pod::Pod pod = test::basic_pod();
  pod.spec.security_context.fs_group = 2000;
  pod.spec.security_context.supplemental_groups = {10, 20};
  auto sc = effective(pod);
  REQUIRE(sc.supplemental_groups_size() == 3);
  CHECK(sc.supplemental_groups(0) == 2000);
  CHECK(sc.supplemental_groups(2) == 20);
  auto sandbox = make_sandbox_security_context(pod);
  REQUIRE(sandbox.supplemental_groups_size() == 3);
  CHECK(sandbox.supplemental_groups(0) == 2000);
}

TEST_CASE("runAsNonRoot") {
  pod::Pod pod = test::basic_pod();
  pod.spec.security_context.run_as_non_root = true;

  SUBCASE("runAsUser 0 is refused") {
    container_sc(pod).run_as_user = 0;
    CHECK_THROWS_WITH_AS(effective(pod), doctest::Contains("container's runAsUser breaks non-root policy"),
                         std::invalid_argument);
  }
  SUBCASE("the pod's runAsUser 0 too") {
    pod.spec.security_context.run_as_user = 0;
    CHECK_THROWS_AS(effective(pod), std::invalid_argument);
  }
  SUBCASE("a non-root runAsUser passes") {
    container_sc(pod).run_as_user = 1000;
    CHECK(effective(pod).run_as_user().value() == 1000);
  }
  SUBCASE("the container may turn it off") {
    container_sc(pod).run_as_non_root = false;
    container_sc(pod).run_as_user = 0;
    CHECK(effective(pod).run_as_user().value() == 0);
  }
  SUBCASE("without runAsUser and without the image's user: nothing to check, no user set") {
    auto sc = effective(pod);
    CHECK_FALSE(sc.has_run_as_user());
    CHECK(sc.run_as_username().empty());
  }
  SUBCASE("the image's numeric user is checked and used") {
    CHECK(effective(pod, ImageUser{1001, ""}).run_as_user().value() == 1001);
    CHECK_THROWS_WITH_AS(effective(pod, ImageUser{0, ""}), doctest::Contains("image will run as root"),
                         std::invalid_argument);
  }
  SUBCASE("an image without a user runs as root: refused") {
    CHECK_THROWS_WITH_AS(effective(pod, ImageUser{}), doctest::Contains("image will run as root"),
                         std::invalid_argument);
  }
  SUBCASE("an image's user name cannot be verified: refused") {
    CHECK_THROWS_WITH_AS(effective(pod, ImageUser{std::nullopt, "nginx"}),
                         doctest::Contains("non-numeric user (nginx)"), std::invalid_argument);
  }
}

TEST_CASE("the image's user fills in when the spec names none") {
  pod::Pod pod = test::basic_pod();
  CHECK(effective(pod, ImageUser{}).run_as_user().value() == 0);
  auto named = effective(pod, ImageUser{std::nullopt, "www"});
  CHECK_FALSE(named.has_run_as_user());
  CHECK(named.run_as_username() == "www");
  container_sc(pod).run_as_user = 5;
  CHECK(effective(pod, ImageUser{1001, ""}).run_as_user().value() == 5);
}

TEST_CASE("runAsGroup needs a user") {
  pod::Pod pod = test::basic_pod();
  pod.spec.security_context.run_as_group = 3000;
  CHECK_THROWS_WITH_AS(effective(pod), doctest::Contains("runAsGroup 3000 is set without runAsUser"),
                       std::invalid_argument);
  CHECK(effective(pod, ImageUser{1001, ""}).run_as_group().value() == 3000);
  CHECK(effective(pod, ImageUser{std::nullopt, "www"}).run_as_group().value() == 3000);
  // The sandbox leaves a lone group out rather than failing the pod.
  CHECK_FALSE(make_sandbox_security_context(pod).has_run_as_group());
}

TEST_CASE("capabilities, privileged, read-only root") {
  pod::Pod pod = test::basic_pod();
  container_sc(pod).capabilities = pod::Capabilities{{"NET_ADMIN", "SYS_TIME"}, {"ALL"}};
  container_sc(pod).read_only_root_filesystem = true;
  auto sc = effective(pod);
  REQUIRE(sc.capabilities().add_capabilities_size() == 2);
  CHECK(sc.capabilities().add_capabilities(1) == "SYS_TIME");
  CHECK(sc.capabilities().drop_capabilities(0) == "ALL");
  CHECK(sc.readonly_rootfs());
  CHECK_FALSE(sc.privileged());
  CHECK_FALSE(make_sandbox_security_context(pod).privileged());

  container_sc(pod).privileged = true;
  CHECK(effective(pod).privileged());
  CHECK(make_sandbox_security_context(pod).privileged());
}

TEST_CASE("a privileged init container makes the sandbox privileged") {
  pod::Pod pod = test::basic_pod();
  pod::Container init = pod.spec.containers[0];
  init.name = "init";
  init.security_context = pod::SecurityContext{};
  init.security_context->privileged = true;
  pod.spec.init_containers.push_back(init);
  CHECK(make_sandbox_security_context(pod).privileged());
}

TEST_CASE("no_new_privs only when allowPrivilegeEscalation is explicitly false") {
  pod::Pod pod = test::basic_pod();
  container_sc(pod);
  CHECK_FALSE(effective(pod).no_new_privs());
  container_sc(pod).allow_privilege_escalation = true;
  CHECK_FALSE(effective(pod).no_new_privs());
  container_sc(pod).allow_privilege_escalation = false;
  CHECK(effective(pod).no_new_privs());
}

TEST_CASE("seccomp: container, else pod, else Unconfined; Localhost under <root>/seccomp") {
  pod::Pod pod = test::basic_pod();
  pod.spec.security_context.seccomp_profile = pod::SeccompProfile{pod::SeccompType::RuntimeDefault, ""};
  CHECK(effective(pod).seccomp().profile_type() == cri::SecurityProfile::RuntimeDefault);

  container_sc(pod).seccomp_profile = pod::SeccompProfile{pod::SeccompType::Unconfined, ""};
  CHECK(effective(pod).seccomp().profile_type() == cri::SecurityProfile::Unconfined);

  container_sc(pod).seccomp_profile = pod::SeccompProfile{pod::SeccompType::Localhost, "profiles/audit.json"};
  auto sc = effective(pod);
  CHECK(sc.seccomp().profile_type() == cri::SecurityProfile::Localhost);
  CHECK(sc.seccomp().localhost_ref() == "/var/lib/na/seccomp/profiles/audit.json");

  for (const char* bad : {"", "/etc/x.json", "../x.json", "a/../../x.json", ".."}) {
    container_sc(pod).seccomp_profile = pod::SeccompProfile{pod::SeccompType::Localhost, bad};
    CHECK_THROWS_AS(effective(pod), std::invalid_argument);
  }
}

TEST_CASE("the sandbox: RuntimeDefault seccomp whatever the pod asks, the pod's user") {
  pod::Pod pod = test::basic_pod();
  pod.spec.security_context.seccomp_profile = pod::SeccompProfile{pod::SeccompType::Unconfined, ""};
  pod.spec.security_context.run_as_user = 1000;
  pod.spec.security_context.run_as_group = 3000;
  pod.spec.host_ipc = true;
  auto sc = make_sandbox_security_context(pod);
  CHECK(sc.seccomp().profile_type() == cri::SecurityProfile::RuntimeDefault);
  CHECK(sc.run_as_user().value() == 1000);
  CHECK(sc.run_as_group().value() == 3000);
  CHECK(sc.namespace_options().ipc() == cri::NODE);
  CHECK_FALSE(sc.readonly_rootfs());
}
