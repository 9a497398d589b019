#include "agent/oom/kmsg_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace agent::oom {

namespace {

std::optional<int64_t> to_int(std::string_view s) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  return value;
}

// The value of "key=" in a comma list whose values may hold commas of
// their own (cpuset=/,...): up to the next ",<known key>=".
std::string field(std::string_view line, std::string_view key, std::string_view next_key) {
  const std::string start = std::string(key) + "=";
  auto at = line.find(start);
  if (at == std::string_view::npos) return {};
  at += start.size();
  std::size_t end = next_key.empty() ? line.size() : line.find("," + std::string(next_key) + "=", at);
  if (end == std::string_view::npos) end = line.size();
  return std::string(line.substr(at, end - at));
}

bool is_hex_id(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto part = path.substr(0, slash);
    if (!part.empty()) out.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

std::string_view record_text(std::string_view record) {
  // A header is digits and commas (and the flags character) before ';'.
  const auto semi = record.find(';');
  if (semi != std::string_view::npos && semi > 0 && std::isdigit(static_cast<unsigned char>(record.front())) &&
      record.substr(0, semi).find(' ') == std::string_view::npos)
    record.remove_prefix(semi + 1);
  while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) record.remove_suffix(1);
  return record;
}

std::optional<OomKill> KmsgParser::feed(std::string_view line) {
  line = record_text(line);
  if (const auto at = line.find("oom-kill:"); at != std::string_view::npos) {
    const auto body = line.substr(at + 9);
    OomKill kill;
    kill.constraint = field(body, "constraint", "nodemask");
    kill.oom_memcg = field(body, "oom_memcg", "task_memcg");
    kill.task_memcg = field(body, "task_memcg", "task");
    kill.process = field(body, "task", "pid");
    const auto pid = to_int(field(body, "pid", "uid"));
    if (!pid || kill.process.empty()) return std::nullopt;
    kill.pid = *pid;
    last_oom_kill_pid_ = kill.pid;
    return kill;
  }
  if (const auto at = line.find("Killed process "); at != std::string_view::npos) {
    auto rest = line.substr(at + 15);
    const auto pid = to_int(rest);
    const auto open = rest.find(" (");
    const auto close = rest.find(')', open == std::string_view::npos ? 0 : open);
    if (!pid || open == std::string_view::npos || close == std::string_view::npos) return std::nullopt;
    if (*pid == last_oom_kill_pid_) return std::nullopt;  // told already by its oom-kill line
    OomKill kill;
    kill.pid = *pid;
    kill.process = std::string(rest.substr(open + 2, close - open - 2));
    return kill;
  }
  return std::nullopt;
}

std::optional<ContainerCgroup> container_of_cgroup(std::string_view cgroup) {
  const auto parts = split_path(cgroup);
  if (parts.empty()) return std::nullopt;
  std::string_view last = parts.back();
  // systemd's scope of a container: "<runtime>-<id>.scope".
  if (last.size() > 6 && last.substr(last.size() - 6) == ".scope") {
    last.remove_suffix(6);
    if (const auto dash = last.rfind('-'); dash != std::string_view::npos) last.remove_prefix(dash + 1);
  }
  if (!is_hex_id(last)) return std::nullopt;
  ContainerCgroup out;
  out.container_id = std::string(last);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (part.size() > 6 && part.substr(part.size() - 6) == ".slice") {
      part.remove_suffix(6);
      if (const auto dash = part.rfind('-'); dash != std::string_view::npos) part.remove_prefix(dash + 1);
    }
    if (part.size() > 3 && part.substr(0, 3) == "pod") {
      out.pod_uid = std::string(part.substr(3));
      std::replace(out.pod_uid.begin(), out.pod_uid.end(), '_', '-');  // systemd writes '-' as '_'
    }
  }
  return out;
}

std::string system_oom_message(const OomKill& kill) {
  std::string message = "System OOM encountered";
  if (!kill.process.empty() && kill.pid != 0)
    message += ", victim process: " + kill.process + ", pid: " + std::to_string(kill.pid);
  return message;
}

}  // namespace agent::oom
