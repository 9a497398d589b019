#include "agent/runtime/host_facts.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace agent::runtime {
namespace {

std::vector<std::string> fields_of(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) fields.emplace_back(line.substr(start, i - start));
  }
  return fields;
}

std::string option_name(const std::string& option) { return option.substr(0, option.find(':')); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

HostResolvConf parse_resolv_conf(std::string_view text) {
  HostResolvConf conf;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::vector<std::string> fields = fields_of(text.substr(pos, end - pos));
    pos = end + 1;
    if (fields.empty() || fields[0][0] == '#' || fields[0][0] == ';') continue;
    if (fields[0] == "nameserver" && fields.size() >= 2) {
      conf.nameservers.push_back(fields[1]);
    } else if (fields[0] == "search") {
      conf.searches.clear();  // the last search line wins, as in the resolver
      for (std::size_t i = 1; i < fields.size(); ++i) {
        if (fields[i] == ".") continue;
        std::string domain = fields[i];
        if (domain.back() == '.') domain.pop_back();
        conf.searches.push_back(domain);
      }
    } else if (fields[0] == "options") {
      for (std::size_t i = 1; i < fields.size(); ++i) {
        bool replaced = false;
        for (auto& existing : conf.options)
          if (option_name(existing) == option_name(fields[i])) {
            existing = fields[i];
            replaced = true;
          }
        if (!replaced) conf.options.push_back(fields[i]);
      }
    }
  }
  return conf;
}

HostResolvConf read_host_resolv_conf(const std::string& path) { return parse_resolv_conf(read_file(path)); }

}  // namespace agent::runtime
