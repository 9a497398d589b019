#include "shim/container/checkpoint_archive.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "common/durable_file.h"

namespace shim {
namespace {

namespace fs = std::filesystem;
constexpr std::size_t kBlock = 512;

// An octal field: width - 1 digits with leading zeros, then a NUL. A value
// with more digits would be cut short, and the archive wrong: it throws.
void put_octal(char* field, std::size_t width, unsigned long long value) {
  const std::size_t digits = width - 1;
  for (std::size_t i = digits; i-- > 0; value >>= 3) field[i] = static_cast<char>('0' + (value & 7));
  if (value != 0) throw std::runtime_error("checkpoint archive: a value too large for its tar header field");
  field[digits] = '\0';
}

// ustar keeps a name of up to 100 bytes, or a prefix of up to 155 and a
// name of up to 100 split at a '/'.
void put_name(char* header, const std::string& name) {
  if (name.size() <= 100) {
    std::memcpy(header, name.data(), name.size());
    return;
  }
  for (std::size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1)) {
    if (slash <= 155 && name.size() - slash - 1 <= 100) {
      std::memcpy(header + 345, name.data(), slash);
      std::memcpy(header, name.data() + slash + 1, name.size() - slash - 1);
      return;
    }
  }
  throw std::runtime_error("checkpoint archive: name too long for a tar header: " + name);
}

std::array<char, kBlock> header_for(const std::string& name, const struct stat& st, char type,
                                    std::uint64_t size, const std::string& link) {
  std::array<char, kBlock> h{};
  put_name(h.data(), name);
  put_octal(h.data() + 100, 8, st.st_mode & 07777);
  put_octal(h.data() + 108, 8, st.st_uid);
  put_octal(h.data() + 116, 8, st.st_gid);
  put_octal(h.data() + 124, 12, size);
  put_octal(h.data() + 136, 12, static_cast<unsigned long long>(st.st_mtime));
  h[156] = type;
  if (link.size() > 100) throw std::runtime_error("checkpoint archive: link target too long: " + link);
  std::memcpy(h.data() + 157, link.data(), link.size());
  std::memcpy(h.data() + 257, "ustar", 6);
  std::memcpy(h.data() + 263, "00", 2);
  std::memset(h.data() + 148, ' ', 8);  // the checksum counts its own field as spaces
  unsigned sum = 0;
  for (const char c : h) sum += static_cast<unsigned char>(c);
  put_octal(h.data() + 148, 7, sum);  // six digits and a NUL; the space after stays
  return h;
}

void write_entry(std::ofstream& out, const fs::path& path, const std::string& name) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) throw std::runtime_error("checkpoint archive: cannot stat " + path.string());
  if (S_ISDIR(st.st_mode)) {
    const auto h = header_for(name + "/", st, '5', 0, "");
    out.write(h.data(), h.size());
  } else if (S_ISLNK(st.st_mode)) {
    const auto h = header_for(name, st, '2', 0, fs::read_symlink(path).string());
    out.write(h.data(), h.size());
  } else if (S_ISREG(st.st_mode)) {
    const auto h = header_for(name, st, '0', static_cast<std::uint64_t>(st.st_size), "");
    out.write(h.data(), h.size());
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("checkpoint archive: cannot read " + path.string());
    std::vector<char> buffer(64 * 1024);
    std::uint64_t copied = 0;
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
      out.write(buffer.data(), in.gcount());
      copied += static_cast<std::uint64_t>(in.gcount());
    }
    if (copied != static_cast<std::uint64_t>(st.st_size))
      throw std::runtime_error("checkpoint archive: " + path.string() + " changed while it was archived");
    const std::array<char, kBlock> padding{};
    out.write(padding.data(), static_cast<std::streamsize>((kBlock - copied % kBlock) % kBlock));
  }
  // Sockets, FIFOs and devices are no part of a CRIU image directory.
}

}  // namespace

void write_directory_archive(const std::string& directory, const std::string& archive_path) {
  std::vector<fs::path> entries;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) entries.push_back(entry.path());
  std::sort(entries.begin(), entries.end());  // the same tree gives the same archive

  const std::string temporary = archive_path + ".partial";
  try {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("checkpoint archive: cannot create " + temporary);
    for (const auto& path : entries) write_entry(out, path, path.lexically_relative(directory).string());  // relative() would follow symlinks
    const std::array<char, 2 * kBlock> end{};
    out.write(end.data(), end.size());
    out.close();
    if (!out) throw std::runtime_error("checkpoint archive: cannot write " + temporary);
    common::replace_durably(temporary, archive_path);
  } catch (const std::system_error& e) {  // the filesystem's, and replace_durably's
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw std::runtime_error(std::string("checkpoint archive: ") + e.what());
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
}

}  // namespace shim
