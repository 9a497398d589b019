// ExecSync's bounded output: exact below the limit, counted and dropped past it.
#include <doctest/doctest.h>

#include <string>

#include "shim/exec_sync/exec_output.h"

using docker::StreamKind;
using shim::exec::ExecOutput;

TEST_CASE("ExecOutput keeps each stream exactly, binary bytes included") {
  ExecOutput output(100);
  const std::string binary("a\0b\r\n\xff", 6);
  output.add(StreamKind::Stdout, binary);
  output.add(StreamKind::Stderr, "err");
  output.add(StreamKind::Stdout, "\n");
  CHECK_FALSE(output.overflowed());
  CHECK(output.stdout_bytes() == 7);
  CHECK(output.stderr_bytes() == 3);
  CHECK(output.take_stdout() == binary + "\n");
  CHECK(output.take_stderr() == "err");
}

TEST_CASE("ExecOutput: exactly the limit fits, beyond it each stream keeps its first bytes") {
  ExecOutput output(10);
  output.add(StreamKind::Stdout, "12345");
  output.add(StreamKind::Stderr, "678");
  CHECK_FALSE(output.overflowed());
  output.add(StreamKind::Stderr, "9xy");  // only "9x" fits
  CHECK(output.overflowed());
  output.add(StreamKind::Stdout, std::string(1000, 'y'));  // read on, counted only
  CHECK(output.stdout_bytes() == 1005);
  CHECK(output.stderr_bytes() == 6);
  CHECK(output.take_stdout() == "12345");
  CHECK(output.take_stderr() == "6789x");
}

TEST_CASE("ExecOutput's default limit leaves room for the reply within kubelet's 16 MiB") {
  CHECK(shim::exec::kMaxExecSyncOutputBytes < 16u * 1024 * 1024);
  CHECK(shim::exec::kMaxExecSyncOutputBytes > 16u * 1024 * 1024 - 1024);
}
