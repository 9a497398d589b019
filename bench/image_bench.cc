// Benchmarks cri-shim's Version, ListImages (20+ images present),
// ImageStatus and a local PullImage against the raw Docker API calls that do
// the same job, in one run, interleaved; prints p50/p95, the ratios and the
// shim's RSS. Run through scripts/bench.sh, which provides dockerd, the
// local registry and the test image.
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/cri_call.h"
#include "tests/support/tar_writer.h"
#include "docker-client/client.h"
#include "tests/support/shim_process.h"

namespace {

using bench::check;
using bench::context;
using bench::env_or;

// 20 distinct small images, so that ListImages has real work; removed at exit.
class BenchImages {
 public:
  BenchImages(docker::Client& docker, int count) : docker_(docker) {
    for (int i = 0; i < count; ++i) {
      const std::string tar = support::single_file_tar("bench-" + std::to_string(i), std::to_string(i));
      std::size_t offset = 0;
      docker::BodySource source = [&](char* buf, std::size_t capacity) {
        const std::size_t n = std::min(capacity, tar.size() - offset);
        std::copy_n(tar.data() + offset, n, buf);
        offset += n;
        return n;
      };
      ids_.push_back(docker_.import_image(source, "cri-shim-bench/image-" + std::to_string(i), "v1"));
    }
  }
  ~BenchImages() {
    for (const auto& id : ids_) {
      try {
        docker_.remove_image(id, true);
      } catch (const docker::DockerError&) {
      }
    }
  }

 private:
  docker::Client& docker_;
  std::vector<std::string> ids_;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string binary = argc > 1 ? argv[1] : env_or("CRI_SHIM_BINARY", "build/shim/cri-shim");
  const int iterations = std::stoi(env_or("CRI_SHIM_BENCH_ITERATIONS", "300"));
  const std::string endpoint = env_or("CRI_SHIM_TEST_DOCKER_ENDPOINT", "unix:///var/run/docker.sock");
  const std::string image = env_or("CRI_SHIM_TEST_IMAGE", "cri-shim-test/busybox:latest");
  const std::string registry = env_or("CRI_SHIM_TEST_REGISTRY", "");

  try {
    docker::Client docker(docker::Endpoint::parse(endpoint));
    if (!docker.inspect_image(image))
      throw std::runtime_error("test image " + image + " is missing: run scripts/bench.sh");
    BenchImages images(docker, 20);

    support::ShimProcess shim(binary, endpoint, {"--log-level", "warn"});
    const long rss_idle = shim.rss_kib();
    auto runtime = shim.runtime();
    auto image_stub = shim.images();

    std::vector<std::pair<bench::Comparison, double>> results;
    // The floor: one gRPC round trip around Docker's cheapest call.
    results.emplace_back(
        bench::compare("Status (ping)", 20, iterations,
                       [&] {
                         cri::StatusResponse r;
                         check(runtime->Status(context().get(), cri::StatusRequest(), &r), "Status");
                       },
                       [&] { docker.ping(); }),
        0);
    results.emplace_back(
        bench::compare("Version", 20, iterations,
                       [&] {
                         cri::VersionResponse r;
                         check(runtime->Version(context().get(), cri::VersionRequest(), &r), "Version");
                       },
                       [&] { docker.version(); }),
        1.15);
    const std::size_t image_count = docker.list_images().size();
    results.emplace_back(
        bench::compare("ListImages (" + std::to_string(image_count) + " images)", 20, iterations,
                       [&] {
                         cri::ListImagesResponse r;
                         check(image_stub->ListImages(context().get(), cri::ListImagesRequest(), &r),
                               "ListImages");
                       },
                       [&] { docker.list_images(); }),
        1.15);
    results.emplace_back(
        bench::compare("ImageStatus", 20, iterations,
                       [&] {
                         cri::ImageStatusRequest q;
                         q.mutable_image()->set_image(image);
                         cri::ImageStatusResponse r;
                         check(image_stub->ImageStatus(context().get(), q, &r), "ImageStatus");
                       },
                       [&] { docker.inspect_image(image); }),
        1.15);
    if (!registry.empty()) {
      const std::string ref = registry + "/cri-shim-test/busybox:latest";
      results.emplace_back(
          bench::compare("PullImage (local registry)", 5, std::max(20, iterations / 6),
                         [&] {
                           cri::PullImageRequest q;
                           q.mutable_image()->set_image(ref);
                           cri::PullImageResponse r;
                           check(image_stub->PullImage(context().get(), q, &r), "PullImage");
                         },
                         [&] {
                           docker.pull_image(ref, {});
                           docker.inspect_image(ref);
                         }),
          1.15);
    } else {
      std::cout << "PullImage skipped: CRI_SHIM_TEST_REGISTRY is not set\n";
    }
    const long rss_after = shim.rss_kib();

    std::cout << "cri-shim vs raw Docker API, " << iterations << " iterations, interleaved\n";
    bench::print_header();
    for (const auto& [comparison, goal] : results) bench::print_row(comparison, goal);
    std::printf("cri-shim RSS idle: %.1f MiB (goal <= 12 MiB); after the runs: %.1f MiB\n",
                rss_idle / 1024.0, rss_after / 1024.0);
  } catch (const std::exception& e) {
    std::cerr << "shim-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
