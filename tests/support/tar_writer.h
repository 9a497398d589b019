// A minimal ustar archive holding one regular file: enough to docker-import
// distinct tiny images without any tool.
#pragma once

#include <cstdio>
#include <cstring>
#include <string>

namespace support {

inline std::string single_file_tar(const std::string& name, const std::string& content) {
  char header[512] = {};
  std::snprintf(header, 100, "%s", name.c_str());
  std::snprintf(header + 100, 8, "%07o", 0644);
  std::snprintf(header + 108, 8, "%07o", 0);
  std::snprintf(header + 116, 8, "%07o", 0);
  std::snprintf(header + 124, 12, "%011o", static_cast<unsigned>(content.size()));
  std::snprintf(header + 136, 12, "%011o", 0);
  header[156] = '0';
  std::memcpy(header + 257, "ustar", 6);
  std::memcpy(header + 263, "00", 2);
  std::memset(header + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : header) sum += c;
  std::snprintf(header + 148, 8, "%06o", sum);
  std::string tar(header, sizeof header);
  tar += content;
  tar.append((512 - content.size() % 512) % 512, '\0');
  tar.append(1024, '\0');
  return tar;
}

}  // namespace support
