// Reading the small text files of cgroupfs, /proc and /sys whole: one read
// loop each, no streams (100 containers are several hundred files per stats
// call). Every node reader of both binaries reads them this way, once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace common {

// The whole file; nullopt when it cannot be opened or read.
std::optional<std::string> read_small_file(const std::string& path);

// "key value" lines (memory.stat, cpu.stat); lines that do not parse are skipped.
std::map<std::string, std::uint64_t> parse_flat_keyed(std::string_view content);

// One key of a parse_flat_keyed map; nullopt when absent.
std::optional<std::uint64_t> stat_of(const std::map<std::string, std::uint64_t>& stat, const char* key);

// A file holding one number ("123\n"); nullopt for "max" or anything else.
std::optional<std::uint64_t> parse_single_value(std::string_view content);

// read_small_file + parse_single_value.
std::optional<std::uint64_t> read_single_value(const std::string& path);

}  // namespace common
