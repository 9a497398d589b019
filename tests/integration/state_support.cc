#include "tests/integration/state_support.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace itest::state {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::optional<CriLine> parse_cri_line(const std::string& line) {
  static const std::regex record(
      R"(^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z) (stdout|stderr) ([PF]) (.*)$)");
  std::smatch m;
  if (!std::regex_match(line, m, record)) return std::nullopt;
  return CriLine{m[1], m[3], m[4], m[5]};
}

namespace {
// RFC 3339 in UTC with the fraction padded to 9 digits: text order is time order.
std::string sortable_time(std::string time) {
  time.pop_back();  // 'Z'
  if (time.size() == 19) time += '.';
  time.append(29 - time.size(), '0');
  return time;
}
}  // namespace

int check_numbered_log(const std::string& path) {
  const std::string text = read_file(path);
  if (!text.empty() && text.back() != '\n') {
    FAIL_CHECK(path << ": the last record is not terminated");
  }
  int expected = 1;
  std::string last_time;
  for (const auto& line : lines_of(text)) {
    const auto record = parse_cri_line(line);
    if (!record) {
      FAIL_CHECK(path << ": not a CRI record: \"" << line << "\"");
      return 0;
    }
    if (record->stream != "stdout" || record->tag != "F" ||
        record->content != std::to_string(expected)) {
      FAIL_CHECK(path << ": line " << expected << " is \"" << line << "\"");
      return 0;
    }
    const std::string time = sortable_time(record->time);
    if (time < last_time) {
      FAIL_CHECK(path << ": time goes back at line " << expected << ": " << line);
      return 0;
    }
    last_time = time;
    ++expected;
  }
  return expected - 1;
}

int docker_log_lines(const std::string& container_id) {
  docker::LogOptions options;
  options.follow = false;
  int lines = 0;
  docker_client().container_logs(container_id, options, [&](const docker::OutputChunk& chunk) {
    for (char c : chunk.data) lines += c == '\n';
    return true;
  });
  return lines;
}

std::vector<std::string> docker_ids_with_label(const std::string& key, const std::string& value) {
  docker::ContainerListOptions list;
  list.all = true;
  list.filters["label"] = {key + "=" + value};
  std::vector<std::string> ids;
  for (const auto& c : docker_client().list_containers(list)) ids.push_back(c.id);
  return ids;
}

int thread_count(pid_t pid) {
  int n = 0;
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error))
    ++n;
  return n;
}

std::vector<std::string> position_files_of(const std::string& root,
                                          const std::vector<std::string>& container_ids) {
  std::vector<std::string> found;
  for (const auto& id : container_ids)
    for (const auto& name : {id, id + ".tmp"})
      if (std::filesystem::exists(root + "/logs/" + name)) found.push_back(name);
  return found;
}

std::vector<std::string> other_shims_following(const std::string& id) {
  std::vector<std::string> found;
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator("/tmp", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    const auto name = it->path().filename().string();
    if (name.rfind("cri-shim-test-", 0) != 0) continue;
    for (const auto& line : lines_of(read_file(it->path().string() + "/cri-shim.log")))
      if (line.find(id) != std::string::npos && line.find("resuming its log") != std::string::npos)
        found.push_back(it->path().string() + ": " + line);
  }
  return found;
}

int files_under(const std::string& dir) {
  int n = 0;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error))
    if (!it->is_directory()) ++n;
  return n;
}

std::string capture(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  pclose(pipe);
  return output;
}

std::unique_ptr<cri::RuntimeService::Stub> own_stub(const std::string& socket_path) {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return cri::RuntimeService::NewStub(grpc::CreateCustomChannel(
      "unix:" + socket_path, grpc::InsecureChannelCredentials(), arguments));
}

}  // namespace itest::state
