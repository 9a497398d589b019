#include "common/flags.h"

#include <algorithm>
#include <cctype>

#include "common/string_helpers.h"

namespace common {

std::string nonempty(const std::string& value) {
  if (value.empty()) throw std::invalid_argument("needs a value");
  return value;
}

std::string one_of(const std::string& value, std::span<const std::string_view> allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  std::vector<std::string> shown;
  for (const auto word : allowed) shown.push_back(word.empty() ? "\"\"" : std::string(word));
  throw std::invalid_argument("\"" + value + "\" is not one of " + join(shown, ", "));
}

bool parse_bool(const std::string& value) {
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  throw std::invalid_argument("expected true or false, got \"" + value + "\"");
}

long long parse_integer(const std::string& value, long long min, long long max) {
  const auto range = "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  // Digits (and a sign) only: "10s", "1e3" and "" are refused rather than half-read.
  const auto digits = value.find_first_not_of("0123456789", value.empty() || value[0] != '-' ? 0 : 1);
  if (value.empty() || value == "-" || digits != std::string::npos || value.size() > 19)
    throw std::invalid_argument("expected " + range + ", got \"" + value + "\"");
  try {
    const long long parsed = std::stoll(value);
    if (parsed >= min && parsed <= max) return parsed;
  } catch (const std::out_of_range&) {
  }
  throw std::invalid_argument("expected " + range + ", got \"" + value + "\"");
}

void throw_unknown_flag(const std::string& name) {
  throw std::invalid_argument("unknown flag --" + name + " (see --help)");
}

FlagValues read_flag_values(const std::vector<std::string>& args,
                            const std::function<bool(const std::string& name)>& is_bool) {
  FlagValues out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") return {FlagValues::Action::PrintHelp, {}};
    if (arg == "--version") return {FlagValues::Action::PrintVersion, {}};
    if (arg.rfind("--", 0) != 0 || arg.size() == 2)
      throw std::invalid_argument("unexpected argument \"" + arg + "\" (flags start with --; see --help)");
    const auto equals = arg.find('=');
    const std::string name = arg.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
    const bool boolean = is_bool(name);  // throws for an unknown flag
    if (equals != std::string::npos) {
      out.values.emplace_back(name, arg.substr(equals + 1));
    } else if (boolean) {
      out.values.emplace_back(name, "true");  // "--flag false" is not read as its value
    } else {
      if (i + 1 >= args.size()) throw std::invalid_argument("--" + name + ": needs a value");
      out.values.emplace_back(name, args[++i]);
    }
  }
  return out;
}

std::string flag_help_line(const std::string& left, const std::string& help, const std::string& shown_default) {
  // Flags on the left, help from a fixed column (past the longest flag).
  constexpr std::size_t kColumn = 38;
  std::string line = "  " + left;
  line.resize(std::max(line.size() + 1, kColumn), ' ');
  line += help;
  if (!shown_default.empty()) line += " (default " + shown_default + ")";
  return line + "\n";
}

}  // namespace common

namespace common {

long long parse_duration_ms(const std::string& value) {
  const auto bad = [&value](const std::string& why) {
    return std::invalid_argument("\"" + value + "\" is not a duration (" + why + "; e.g. 90s, 1m30s, 500ms)");
  };
  if (value.empty()) throw bad("empty");
  if (value == "0") return 0;
  // Nanoseconds in an __int128-free way: each part is read as a double
  // (Go accepts fractions: "1.5h") and summed in nanoseconds.
  long double total_ns = 0;
  std::size_t i = 0;
  while (i < value.size()) {
    const std::size_t number_start = i;
    while (i < value.size() && (std::isdigit(static_cast<unsigned char>(value[i])) || value[i] == '.')) ++i;
    if (i == number_start) throw bad("a number must come before each unit");
    const std::string number = value.substr(number_start, i - number_start);
    if (std::count(number.begin(), number.end(), '.') > 1 || number == ".") throw bad("\"" + number + "\" is not a number");
    const std::size_t unit_start = i;
    while (i < value.size() && std::isalpha(static_cast<unsigned char>(value[i]))) ++i;
    const std::string unit = value.substr(unit_start, i - unit_start);
    long double scale = 0;
    if (unit == "ns") scale = 1;
    else if (unit == "us" || unit == "\u00b5s") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else if (unit == "m") scale = 60e9;
    else if (unit == "h") scale = 3600e9;
    else throw bad(unit.empty() ? "a unit must follow " + number : "unknown unit \"" + unit + "\"");
    total_ns += std::stold(number) * scale;
  }
  const long double ms = total_ns / 1e6;
  if (ms > 9.2e15L) throw bad("too long");
  return static_cast<long long>(ms);
}

std::vector<std::pair<std::string, std::string>> parse_key_values(const std::string& value, char separator) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& raw : split(value, ',')) {
    const std::string item(trim(raw));
    if (item.empty()) continue;
    const auto at = item.find(separator);
    if (at == std::string::npos || at == 0 || at + 1 == item.size())
      throw std::invalid_argument("\"" + item + "\" is not of the form KEY" + std::string(1, separator) + "VALUE");
    std::string key = item.substr(0, at);
    for (const auto& [seen, unused] : out)
      if (seen == key) throw std::invalid_argument("\"" + key + "\" is given twice");
    out.emplace_back(std::move(key), item.substr(at + 1));
  }
  return out;
}

}  // namespace common
