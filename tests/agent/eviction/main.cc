#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

int main(int argc, char** argv) {
  // The manager logs every round; the tests' own output is what matters.
  spdlog::set_level(spdlog::level::err);
  return doctest::Context(argc, argv).run();
}
