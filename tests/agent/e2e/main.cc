// doctest's main, with SIGPIPE ignored: a test that kills node-agent or
// cri-shim mid-request must see EPIPE as an error return, not die of it.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  return doctest::Context(argc, argv).run();
}
