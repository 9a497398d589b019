#include <doctest/doctest.h>

#include "build_version.h"
#include "shim/state/labels.h"

using shim::ContainerIdentity;
using shim::DockerObjectKind;
using shim::LabelMap;
using shim::PodMetadata;

namespace {

const PodMetadata kPod{"web_app", "uid-1", "team_a", 1};  // '_' on purpose

// What kubelet sends as CRI labels of a pod and of a container.
const LabelMap kKubeletPodLabels{{"io.kubernetes.pod.name", "web_app"},
                                 {"io.kubernetes.pod.namespace", "team_a"},
                                 {"io.kubernetes.pod.uid", "uid-1"},
                                 {"app", "web"}};
LabelMap kubelet_container_labels() {
  LabelMap labels = kKubeletPodLabels;
  labels.erase("app");
  labels["io.kubernetes.container.name"] = "nginx_main";
  return labels;
}

}  // namespace

TEST_CASE("a sandbox's Docker labels: cri-dockerd's keys, CRI labels, annotations, our metadata") {
  const LabelMap labels = shim::sandbox_docker_labels(kPod, kKubeletPodLabels, {{"kubernetes.io/config.seen", "x"}});
  CHECK(labels == LabelMap{
                      {"io.kubernetes.docker.type", "podsandbox"},
                      {"io.kubernetes.container.name", "POD"},
                      {"io.kubernetes.pod.name", "web_app"},
                      {"io.kubernetes.pod.namespace", "team_a"},
                      {"io.kubernetes.pod.uid", "uid-1"},
                      {"app", "web"},
                      {"annotation.kubernetes.io/config.seen", "x"},
                      {"io.cri-shim.version", CRI_SHIM_VERSION},
                      {"io.cri-shim.pod.name", "web_app"},
                      {"io.cri-shim.pod.namespace", "team_a"},
                      {"io.cri-shim.pod.uid", "uid-1"},
                      {"io.cri-shim.pod.attempt", "1"},
                  });
}

TEST_CASE("a container's Docker labels") {
  const LabelMap labels = shim::container_docker_labels({"nginx_main", 3}, kPod, "sandbox-id", "/var/log/pods/x/nginx/3.log",
                                                        kubelet_container_labels(), {{"io.kubernetes.container.restartCount", "3"}});
  CHECK(labels.at("io.kubernetes.docker.type") == "container");
  CHECK(labels.at("io.kubernetes.sandbox.id") == "sandbox-id");
  CHECK(labels.at("io.kubernetes.container.logpath") == "/var/log/pods/x/nginx/3.log");
  CHECK(labels.at("io.kubernetes.container.name") == "nginx_main");  // kubelet's CRI label, verbatim
  CHECK(labels.at("annotation.io.kubernetes.container.restartCount") == "3");
  CHECK(labels.at("io.cri-shim.container.name") == "nginx_main");
  CHECK(labels.at("io.cri-shim.container.attempt") == "3");
  CHECK(labels.at("io.cri-shim.pod.attempt") == "1");
  CHECK(labels.size() == 15);  // 4 CRI labels, 1 annotation, 3 shared internal keys, 7 of ours

  const LabelMap without_log = shim::container_docker_labels({"c", 0}, kPod, "sb", "", {}, {});
  CHECK(without_log.count("io.kubernetes.container.logpath") == 0);
}

TEST_CASE("labels and annotations come back exactly") {
  const LabelMap cri_labels{{"app", "web"}, {"empty", ""}, {"io.kubernetes.pod.name", "web_app"}};
  const LabelMap cri_annotations{{"a", "1"}, {"annotation.nested", "2"}, {"io.cri-shim.pod.name", "3"}};

  SUBCASE("sandbox") {
    const auto back = shim::split_docker_labels(shim::sandbox_docker_labels(kPod, cri_labels, cri_annotations));
    CHECK(back.labels == cri_labels);
    CHECK(back.annotations == cri_annotations);
  }
  SUBCASE("container") {
    const auto back = shim::split_docker_labels(
        shim::container_docker_labels({"c", 0}, kPod, "sb", "/log", cri_labels, cri_annotations));
    CHECK(back.labels == cri_labels);
    CHECK(back.annotations == cri_annotations);
  }
}

TEST_CASE("CRI labels whose keys clash with internal ones are escaped and restored") {
  const LabelMap clashing{{"io.kubernetes.docker.type", "mine"},
                          {"io.kubernetes.sandbox.id", "mine"},
                          {"io.kubernetes.container.logpath", "mine"},
                          {"annotation.looks-like-one", "mine"},
                          {"io.cri-shim.pod.name", "mine"}};
  for (const auto kind : {DockerObjectKind::kSandbox, DockerObjectKind::kContainer}) {
    for (const auto& [k, v] : clashing) CHECK(shim::docker_label_key(k, kind) == "io.cri-shim.label." + k);
  }
  CHECK(shim::docker_label_key("io.kubernetes.container.name", DockerObjectKind::kSandbox) ==
        "io.cri-shim.label.io.kubernetes.container.name");
  CHECK(shim::docker_label_key("io.kubernetes.container.name", DockerObjectKind::kContainer) ==
        "io.kubernetes.container.name");
  CHECK(shim::docker_label_key("app", DockerObjectKind::kSandbox) == "app");

  const LabelMap docker = shim::container_docker_labels({"c", 0}, kPod, "real-sandbox", "/real/log", clashing, {});
  CHECK(docker.at("io.kubernetes.docker.type") == "container");
  CHECK(docker.at("io.kubernetes.sandbox.id") == "real-sandbox");
  CHECK(docker.at("io.cri-shim.pod.name") == "web_app");
  const auto back = shim::split_docker_labels(docker);
  CHECK(back.labels == clashing);
  CHECK(back.annotations.empty());
}

TEST_CASE("the kind of a Docker container") {
  CHECK(shim::docker_object_kind({{"io.kubernetes.docker.type", "podsandbox"}}) == DockerObjectKind::kSandbox);
  CHECK(shim::docker_object_kind({{"io.kubernetes.docker.type", "container"}}) == DockerObjectKind::kContainer);
  CHECK_FALSE(shim::docker_object_kind({{"io.kubernetes.docker.type", "other"}}));
  CHECK_FALSE(shim::docker_object_kind({}));
}

TEST_CASE("metadata of our own objects comes from our labels, whatever the name") {
  const LabelMap sandbox = shim::sandbox_docker_labels(kPod, {}, {});
  CHECK(shim::sandbox_metadata(sandbox, "/" + shim::sandbox_docker_name(kPod)) == kPod);
  CHECK(shim::sandbox_metadata(sandbox, "renamed") == kPod);

  const LabelMap container = shim::container_docker_labels({"nginx_main", 3}, kPod, "sb", "", {}, {});
  CHECK(shim::container_metadata(container, "k8s_x") == ContainerIdentity{{"nginx_main", 3}, kPod});
}

// cri-dockerd's objects: its labels (the CRI labels kubelet sent plus its
// internal keys) and its names, without any io.cri-shim.* key.
TEST_CASE("cri-dockerd's sandboxes and containers") {
  SUBCASE("names without '_' in the metadata parse alone") {
    const LabelMap sandbox{{"io.kubernetes.docker.type", "podsandbox"}, {"io.kubernetes.container.name", "POD"}};
    CHECK(shim::sandbox_metadata(sandbox, "/k8s_POD_nginx_default_uid-9_4") == PodMetadata{"nginx", "uid-9", "default", 4});
    CHECK(shim::sandbox_metadata(sandbox, "/k8s_POD_nginx_default_uid-9_4_0badf00d") ==
          PodMetadata{"nginx", "uid-9", "default", 4});
    CHECK_FALSE(shim::sandbox_metadata(sandbox, "/k8s_POD_under_score_default_uid-9_4"));
    CHECK_FALSE(shim::sandbox_metadata(sandbox, "/some_other_container"));

    const LabelMap container{{"io.kubernetes.docker.type", "container"}, {"io.kubernetes.sandbox.id", "sb"}};
    CHECK(shim::container_metadata(container, "/k8s_web_nginx_default_uid-9_2") ==
          ContainerIdentity{{"web", 2}, {"nginx", "uid-9", "default", 0}});
  }

  SUBCASE("kubelet's labels make names with '_' readable") {
    LabelMap sandbox = kKubeletPodLabels;
    sandbox["io.kubernetes.docker.type"] = "podsandbox";
    sandbox["io.kubernetes.container.name"] = "POD";
    CHECK(shim::sandbox_metadata(sandbox, "/k8s_POD_web_app_team_a_uid-1_6") == PodMetadata{"web_app", "uid-1", "team_a", 6});
    CHECK(shim::sandbox_metadata(sandbox, "/k8s_POD_web_app_team_a_uid-1_6_0badf00d") ==
          PodMetadata{"web_app", "uid-1", "team_a", 6});

    LabelMap container = kubelet_container_labels();
    container["io.kubernetes.docker.type"] = "container";
    CHECK(shim::container_metadata(container, "/k8s_nginx_main_web_app_team_a_uid-1_2") ==
          ContainerIdentity{{"nginx_main", 2}, {"web_app", "uid-1", "team_a", 0}});
  }

  SUBCASE("kubelet's labels win over a name that says otherwise") {
    LabelMap sandbox = kKubeletPodLabels;
    sandbox["io.kubernetes.docker.type"] = "podsandbox";
    CHECK(shim::sandbox_metadata(sandbox, "/k8s_POD_other_ns_uid-x_3") == PodMetadata{"web_app", "uid-1", "team_a", 3});
  }

  SUBCASE("with kubelet's labels but a foreign name, the attempt is 0") {
    CHECK(shim::sandbox_metadata(kKubeletPodLabels, "/hand-made") == PodMetadata{"web_app", "uid-1", "team_a", 0});
  }

  SUBCASE("incomplete labels of our own fall back to the legacy way") {
    LabelMap sandbox{{"io.cri-shim.pod.name", "half"}, {"io.cri-shim.pod.attempt", "not a number"}};
    CHECK(shim::sandbox_metadata(sandbox, "k8s_POD_a_b_c_1") == PodMetadata{"a", "c", "b", 1});
  }

  SUBCASE("labels split as cri-dockerd splits them") {
    LabelMap sandbox = kKubeletPodLabels;
    sandbox["io.kubernetes.docker.type"] = "podsandbox";
    sandbox["io.kubernetes.container.name"] = "POD";
    sandbox["annotation.kubernetes.io/config.source"] = "api";
    const auto sandbox_back = shim::split_docker_labels(sandbox);
    CHECK(sandbox_back.labels == kKubeletPodLabels);
    CHECK(sandbox_back.annotations == LabelMap{{"kubernetes.io/config.source", "api"}});

    LabelMap container = kubelet_container_labels();
    container["io.kubernetes.docker.type"] = "container";
    container["io.kubernetes.sandbox.id"] = "sb";
    container["io.kubernetes.container.logpath"] = "/var/log/pods/p/c/0.log";
    container["annotation.io.kubernetes.container.hash"] = "abc";
    const auto container_back = shim::split_docker_labels(container);
    CHECK(container_back.labels == kubelet_container_labels());  // container.name kept for containers
    CHECK(container_back.annotations == LabelMap{{"io.kubernetes.container.hash", "abc"}});
  }
}
