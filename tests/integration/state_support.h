// Helpers of the state and concurrency tests (restart_test.cc,
// concurrency_test.cc, migration_test.cc): CRI log files checked line by
// line, what Docker and /proc show, and gRPC channels of their own.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace itest::state {

std::string read_file(const std::string& path);
std::vector<std::string> lines_of(const std::string& text);

// One CRI log record: "<RFC3339Nano time> <stdout|stderr> <P|F> <content>".
struct CriLine {
  std::string time, stream, tag, content;
};
// nullopt unless `line` is a well-formed CRI record (time in UTC,
// RFC3339Nano as kubelet parses it: up to 9 fractional digits, trailing
// zeros dropped as Go's time.RFC3339Nano and Docker write them).
std::optional<CriLine> parse_cri_line(const std::string& line);

// Checks (with doctest CHECKs naming `path`) that the file holds exactly the
// lines "<time> stdout F 1", "... 2", ..., each number once and in order,
// times not going backwards. Returns how many numbered lines it holds (0 when
// the first bad line was found, after reporting it).
int check_numbered_log(const std::string& path);

// The lines Docker's own log of `container_id` holds (stdout and stderr).
int docker_log_lines(const std::string& container_id);

// IDs of every Docker container (all states) carrying label key=value.
std::vector<std::string> docker_ids_with_label(const std::string& key, const std::string& value);

// Entries of /proc/<pid>/task.
int thread_count(pid_t pid);

// The log position state files (<root>/logs/<id>, and <id>.tmp) that exist of
// `container_ids`. Only these are the test's: a shim resumes the log of every
// container on its dockerd, other tests' too, and keeps their positions.
std::vector<std::string> position_files_of(const std::string& root,
                                          const std::vector<std::string>& container_ids);

// Logs of other cri-shims running now from tests (/tmp/cri-shim-test-*/)
// that mention container `id`: their lines that do.
std::vector<std::string> other_shims_following(const std::string& id);

// Files (recursively) under `dir`; 0 when it does not exist.
int files_under(const std::string& dir);

// stdout of `command` run through /bin/sh.
std::string capture(const std::string& command);

// A RuntimeService stub on a channel of its own (its own connection, not
// shared through the global subchannel pool), for parallel clients and for
// servers restarted on a reused socket.
std::unique_ptr<cri::RuntimeService::Stub> own_stub(const std::string& socket_path);

}  // namespace itest::state
