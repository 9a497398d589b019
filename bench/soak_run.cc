#include "bench/soak_run.h"

#include <signal.h>

#include <cstdio>

#include "bench/bench_util.h"

namespace bench {

int soak_main(int argc, char** argv, const char* name, const std::function<int(const SoakSettings&)>& soak) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CRI_SHIM_BINARY (see the comment at the top of bench/%s.cc)\n", argv[0], name);
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  SoakSettings settings;
  settings.shim_binary = argv[1];
  settings.image = env_or("CRI_SHIM_TEST_IMAGE", "");
  if (settings.image.empty()) {
    std::fprintf(stderr, "CRI_SHIM_TEST_IMAGE is not set (scripts/with-test-env.sh sets it)\n");
    return 2;
  }
  settings.minutes = env_number("CRI_SHIM_SOAK_MINUTES", settings.minutes);
  settings.rate = env_number("CRI_SHIM_SOAK_PODS_PER_SECOND", settings.rate);
  settings.pod_seconds = env_number("CRI_SHIM_SOAK_POD_SECONDS", settings.pod_seconds);
  settings.sample_seconds = env_number("CRI_SHIM_SOAK_SAMPLE_SECONDS", settings.sample_seconds);
  std::printf("%s: %.0f min, %.1f pods/s, each living %.0f s, a sample every %.0f s\n", name, settings.minutes,
              settings.rate, settings.pod_seconds, settings.sample_seconds);
  try {
    return soak(settings);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
    return 1;
  }
}

}  // namespace bench
