// doctest's main, with SIGPIPE ignored as cri-shim itself does: tests that
// cut connections (the log tests' proxy, a killed shim) must see EPIPE as an
// error return, not die of the signal.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  return doctest::Context(argc, argv).run();
}
