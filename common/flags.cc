#include "common/flags.h"

#include <algorithm>

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
