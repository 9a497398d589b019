// One way for cri-shim and node-agent to declare their flags. A flag is a
// name, the word its help shows for the value, a line of help, how it sets
// its option and how its default shows. Reading takes "--name value",
// "--name=value" and, for a boolean, a bare "--name"; "-h"/"--help" and
// "--version" stop it. Every error is a std::invalid_argument whose message
// starts with the flag ("--log-level: \"loud\" is not one of trace, ...") or
// names the stray argument, and both binaries print their help the same way.
#pragma once

#include <array>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace common {

// Value readers for flags: the value, or std::invalid_argument with the
// reason alone (FlagSet::set puts the flag's name before it).
std::string nonempty(const std::string& value);
std::string one_of(const std::string& value, std::span<const std::string_view> allowed);
bool parse_bool(const std::string& value);  // true/1, false/0
long long parse_integer(const std::string& value, long long min, long long max);
// A Go duration, as kubelet's flags take them ("0", "300ms", "1m30s", "2h";
// units ns us ms s m h; no sign), in whole milliseconds (rounded down).
long long parse_duration_ms(const std::string& value);
// "k1=v1,k2=v2" (kubelet's map flags, e.g. --kube-reserved) split at the
// first `separator` of each item ('=' or '<'); empty items are skipped; a
// key without a separator, an empty key or value, or a repeated key is refused.
std::vector<std::pair<std::string, std::string>> parse_key_values(const std::string& value, char separator = '=');

// What --log-level and --log-format take in both binaries (logging.h).
inline constexpr std::array<std::string_view, 7> kLogLevels = {"trace", "debug", "info", "warn",
                                                                "error", "critical", "off"};
inline constexpr std::array<std::string_view, 2> kLogFormats = {"text", "json"};

template <typename Options>
struct Flag {
  std::string name;        // without "--"
  std::string value_name;  // the help's word for the value ("URI", "N"); "" for a boolean
  std::string help;
  std::function<void(Options&, const std::string& value)> set;  // throws std::invalid_argument
  std::function<std::string(const Options&)> show_default = {};  // "" shows none
  bool is_bool = false;
};

// A flag that sets a string member, refusing an empty value.
template <typename Options>
Flag<Options> string_flag(std::string name, std::string value_name, std::string help, std::string Options::*field) {
  return {std::move(name), std::move(value_name), std::move(help),
          [field](Options& o, const std::string& v) { o.*field = nonempty(v); },
          [field](const Options& o) { return o.*field; }};
}

// A flag that sets a string member to one of `allowed`.
template <typename Options>
Flag<Options> choice_flag(std::string name, std::string help, std::string Options::*field,
                          std::span<const std::string_view> allowed) {
  return {std::move(name), "WORD", std::move(help),
          [field, allowed](Options& o, const std::string& v) { o.*field = one_of(v, allowed); },
          [field](const Options& o) { return o.*field; }};
}

// The arguments as read: what to do, and each flag's value in order.
struct FlagValues {
  enum class Action { Run, PrintHelp, PrintVersion } action = Action::Run;
  std::vector<std::pair<std::string, std::string>> values;  // flag name (no "--"), value
};

// The part of FlagSet that does not depend on Options. `is_bool` says of a
// known flag whether it is a boolean, and throws for an unknown one.
FlagValues read_flag_values(const std::vector<std::string>& args,
                            const std::function<bool(const std::string& name)>& is_bool);
std::string flag_help_line(const std::string& left, const std::string& help, const std::string& shown_default);
[[noreturn]] void throw_unknown_flag(const std::string& name);

template <typename Options>
class FlagSet {
 public:
  explicit FlagSet(std::vector<Flag<Options>> flags) : flags_(std::move(flags)) {}

  // Checks every name and that each flag has a value; sets nothing.
  FlagValues read(const std::vector<std::string>& args) const {
    return read_flag_values(args, [this](const std::string& name) { return is_bool(name); });
  }
  bool has(const std::string& name) const { return find(name) != nullptr; }
  // Whether flag `name` is a boolean; throws for an unknown flag.
  bool is_bool(const std::string& name) const { return require(name).is_bool; }
  // Sets flag `name` from `value`; the error names "--name".
  void set(Options& options, const std::string& name, const std::string& value) const {
    const auto& flag = require(name);
    try {
      flag.set(options, value);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("--" + name + ": " + e.what());
    }
  }
  // Reads `args` and sets each flag on `options` in order.
  FlagValues::Action parse(const std::vector<std::string>& args, Options& options) const {
    const auto read_values = read(args);
    if (read_values.action == FlagValues::Action::Run)
      for (const auto& [name, value] : read_values.values) set(options, name, value);
    return read_values.action;
  }
  // One line per flag, with the default `defaults` shows, then (unless
  // asked not to) -h and --version.
  std::string help(const Options& defaults, bool with_standard_flags = true) const {
    std::string out;
    for (const auto& flag : flags_) {
      const std::string left = "--" + flag.name + (flag.is_bool ? "[=BOOL]" : " " + flag.value_name);
      out += flag_help_line(left, flag.help, flag.show_default ? flag.show_default(defaults) : "");
    }
    if (!with_standard_flags) return out;
    out += flag_help_line("-h, --help", "print this help and exit", "");
    out += flag_help_line("--version", "print the version and exit", "");
    return out;
  }

 private:
  const Flag<Options>* find(const std::string& name) const {
    for (const auto& flag : flags_)
      if (flag.name == name) return &flag;
    return nullptr;
  }
  const Flag<Options>& require(const std::string& name) const {
    const auto* flag = find(name);
    if (!flag) throw_unknown_flag(name);
    return *flag;
  }

  std::vector<Flag<Options>> flags_;
};

}  // namespace common
