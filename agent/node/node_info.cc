#include "agent/node/node_info.h"

#include <sys/utsname.h>

#include <fstream>
#include <sstream>

namespace agent::node {

namespace {

std::string read_trimmed(const char* path) {
  std::ifstream in(path);
  if (!in) return "";
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

std::string parse_os_release_pretty_name(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("PRETTY_NAME=", 0) != 0) continue;
    std::string value = line.substr(12);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    return value;
  }
  return "Linux";
}

std::string go_architecture() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__i386__)
  return "386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#else
  struct utsname u {};
  return ::uname(&u) == 0 ? u.machine : "";
#endif
}

NodeSystemInfo read_system_info() {
  NodeSystemInfo info;
  info.machine_id = read_trimmed("/etc/machine-id");
  if (info.machine_id.empty()) info.machine_id = read_trimmed("/var/lib/dbus/machine-id");
  info.system_uuid = read_trimmed("/sys/class/dmi/id/product_uuid");
  info.boot_id = read_trimmed("/proc/sys/kernel/random/boot_id");
  struct utsname u {};
  if (::uname(&u) == 0) info.kernel_version = u.release;
  std::ifstream os("/etc/os-release");
  if (!os) os.open("/usr/lib/os-release");
  std::string text((std::istreambuf_iterator<char>(os)), std::istreambuf_iterator<char>());
  info.os_image = parse_os_release_pretty_name(text);
  info.architecture = go_architecture();
  return info;
}

}  // namespace agent::node
