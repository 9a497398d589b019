// What every benchmark run needs around it: the shim binary and dockerd to
// use, the test image, a scratch directory and a tag for the Docker objects
// it makes, all cleaned up however the run ends.
//
//   bench::BenchRun run(argc, argv, "exec-bench", "x");
//   support::ShimProcess shim(run.binary(), run.endpoint(), run.shim_args());
//   bench::CriPods cri(*shim.runtime(), run.tag(), run.dir() + "/logs", run.image());
//
// Settings: argv[1] or CRI_SHIM_BINARY (default build/shim/cri-shim),
// CRI_SHIM_BENCH_SHIM_ARGS (more flags for the shim),
// CRI_SHIM_TEST_DOCKER_ENDPOINT, CRI_SHIM_TEST_IMAGE (scripts/bench.sh sets
// them up).
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "docker-client/client.h"

namespace bench {

class BenchRun {
 public:
  // `name` prefixes messages and the scratch directory; `tag_letter` and
  // the pid make the tag that names this run's Docker objects. Throws when
  // the scratch directory cannot be made or the test image is missing.
  BenchRun(int argc, char** argv, const std::string& name, const std::string& tag_letter)
      : name_(name),
        binary_(argc > 1 ? argv[1] : env_or("CRI_SHIM_BINARY", "build/shim/cri-shim")),
        endpoint_(env_or("CRI_SHIM_TEST_DOCKER_ENDPOINT", "unix:///var/run/docker.sock")),
        image_(env_or("CRI_SHIM_TEST_IMAGE", "cri-shim-test/busybox:latest")),
        tag_(tag_letter + std::to_string(getpid())),
        docker_(docker::Endpoint::parse(endpoint_)) {
    std::string pattern = "/tmp/cri-shim-" + name + "-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot make a scratch directory " + pattern);
    dir_ = pattern;
    if (!docker_.inspect_image(image_))
      throw std::runtime_error("test image " + image_ + " is missing: run scripts/bench.sh");
  }

  // Removes the containers whose Docker name carries tag(), and dir().
  ~BenchRun() {
    try {
      docker::ContainerListOptions list;
      list.all = true;
      for (const auto& c : docker_.list_containers(list)) {
        bool ours = false;
        for (const auto& name : c.names) ours = ours || name.find(tag_) != std::string::npos;
        if (ours) docker_.remove_container(c.id, true, true);
      }
    } catch (const std::exception& e) {
      std::cerr << name_ << ": clean-up: " << e.what() << "\n";
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  BenchRun(const BenchRun&) = delete;
  BenchRun& operator=(const BenchRun&) = delete;

  const std::string& binary() const { return binary_; }
  const std::string& endpoint() const { return endpoint_; }
  const std::string& image() const { return image_; }
  const std::string& dir() const { return dir_; }
  const std::string& tag() const { return tag_; }
  docker::Client& docker() { return docker_; }
  // The shim's flags for a quiet run whose state stays in dir().
  // CRI_SHIM_BENCH_SHIM_ARGS (space-separated) adds flags, e.g. to time the
  // shim with --metrics-address and --log-format json on.
  std::vector<std::string> shim_args() const {
    std::vector<std::string> args = {"--log-level", "warn", "--root-dir", dir_ + "/root"};
    if (const char* extra = std::getenv("CRI_SHIM_BENCH_SHIM_ARGS")) {
      std::istringstream words(extra);
      for (std::string word; words >> word;) args.push_back(word);
    }
    return args;
  }

 private:
  std::string name_, binary_, endpoint_, image_, tag_, dir_;
  docker::Client docker_;
};

}  // namespace bench
