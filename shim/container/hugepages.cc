#include "shim/container/hugepages.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace shim {

std::string format_hugepage_limits(const HugepageLimits& limits) {
  std::string text;
  for (const auto& [size, bytes] : limits) {
    if (!text.empty()) text += ",";
    text += size + "=" + std::to_string(bytes);
  }
  return text;
}

std::optional<HugepageLimits> parse_hugepage_limits(const std::string& text) {
  HugepageLimits limits;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) return std::nullopt;
    try {
      std::size_t used = 0;
      const std::string number = item.substr(eq + 1);
      const long long bytes = std::stoll(number, &used);
      if (used != number.size() || bytes < 0) return std::nullopt;
      limits[item.substr(0, eq)] = bytes;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return limits;
}

std::optional<std::string> hugetlb_limit_file(int pid, const std::string& page_size,
                                              const std::string& root) {
  const std::filesystem::path base(root);
  std::ifstream cgroups(base / "proc" / std::to_string(pid) / "cgroup");
  std::string unified_path;
  for (std::string line; std::getline(cgroups, line);) {
    // "<id>:<controllers>:<path>"
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    std::istringstream names(controllers);
    for (std::string name; std::getline(names, name, ',');) {
      if (name == "hugetlb") {
        const auto file = base / "sys/fs/cgroup/hugetlb" / path.substr(path.front() == '/' ? 1 : 0) /
                          ("hugetlb." + page_size + ".limit_in_bytes");
        if (std::filesystem::exists(file)) return file.string();
      }
    }
    if (line.rfind("0::", 0) == 0) unified_path = path;
  }
  if (!unified_path.empty()) {
    const auto file = base / "sys/fs/cgroup" / unified_path.substr(unified_path.front() == '/' ? 1 : 0) /
                      ("hugetlb." + page_size + ".max");
    if (std::filesystem::exists(file)) return file.string();
  }
  return std::nullopt;
}

std::vector<std::string> write_hugepage_limits(int pid, const HugepageLimits& limits,
                                               const std::string& root) {
  std::vector<std::string> missing;
  for (const auto& [size, bytes] : limits) {
    const auto file = hugetlb_limit_file(pid, size, root);
    if (!file) {
      missing.push_back(size);
      continue;
    }
    std::ofstream out(*file);
    out << bytes;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + *file);
  }
  return missing;
}

std::vector<std::string> HugepageWarnings::to_warn(const HugepageLimits& limits,
                                                   const std::vector<std::string>& missing) {
  std::vector<std::string> out;
  std::lock_guard lock(mutex_);
  for (const auto& size : missing) {
    const auto limit = limits.find(size);
    if (limit == limits.end() || limit->second == 0) continue;
    if (warned_.insert(size).second) out.push_back(size);
  }
  return out;
}

}  // namespace shim
