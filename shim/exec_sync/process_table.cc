// Reading /proc for exec/process_table.h.
#include "shim/exec_sync/process_table.h"

#include <time.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace shim::exec {

namespace {

std::optional<std::string> read_small_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

template <typename Number>
bool parse_number(std::string_view text, Number& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<ProcessInfo> parse_proc_stat(std::string_view text) {
  // "<pid> (<comm>) <state> <ppid> <pgrp> <session> ... <starttime (22nd field)> ..."
  const auto open = text.find(" (");
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  ProcessInfo info;
  if (!parse_number(text.substr(0, open), info.pid)) return std::nullopt;
  // Fields after the command name, numbered as proc(5) numbers them (state is 3).
  std::vector<std::string_view> fields;
  std::string_view rest = text.substr(close + 1);
  while (!rest.empty() && fields.size() < 20) {
    const auto start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const auto end = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  constexpr std::size_t kStateField = 3, kStartTimeField = 22;
  if (fields.size() < kStartTimeField - kStateField + 1) return std::nullopt;
  auto field = [&](std::size_t number) { return fields[number - kStateField]; };
  if (field(3).size() != 1) return std::nullopt;
  info.state = field(3)[0];
  if (!parse_number(field(4), info.ppid) || !parse_number(field(6), info.session) ||
      !parse_number(field(22), info.start_ticks))
    return std::nullopt;
  return info;
}

std::optional<ProcessInfo> read_process(pid_t pid) {
  const auto text = read_small_file("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  return parse_proc_stat(*text);
}

std::vector<ProcessInfo> list_processes() {
  std::vector<ProcessInfo> processes;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    pid_t pid = 0;
    if (!parse_number(entry.path().filename().native(), pid)) continue;
    if (auto info = read_process(pid)) processes.push_back(*info);
  }
  return processes;
}

bool in_container_cgroup(pid_t pid, const std::string& container_id) {
  if (container_id.size() < 12) return false;  // a prefix could match another container
  const auto text = read_small_file("/proc/" + std::to_string(pid) + "/cgroup");
  if (!text) return false;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    // "<hierarchy>:<controllers>:<path>"; the ID must be a whole path part.
    const auto path_start = line.find(':', line.find(':') + 1);
    if (path_start == std::string::npos) continue;
    const std::string_view path = std::string_view(line).substr(path_start + 1);
    for (auto at = path.find(container_id); at != std::string_view::npos;
         at = path.find(container_id, at + 1)) {
      const char before = at == 0 ? '/' : path[at - 1];
      const auto after_index = at + container_id.size();
      const char after = after_index == path.size() ? '/' : path[after_index];
      if ((before == '/' || before == '-') && (after == '/' || after == '.')) return true;
    }
  }
  return false;
}

std::uint64_t boot_ticks_now() {
  timespec now{};
  clock_gettime(CLOCK_BOOTTIME, &now);
  static const long ticks_per_second = sysconf(_SC_CLK_TCK);
  return static_cast<std::uint64_t>(now.tv_sec) * ticks_per_second +
         static_cast<std::uint64_t>(now.tv_nsec) * ticks_per_second / 1'000'000'000;
}

}  // namespace shim::exec
