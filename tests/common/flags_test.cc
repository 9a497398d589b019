#include "common/flags.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

struct Toy {
  std::string name = "default";
  std::string level = "info";
  bool fast = false;
  int count = 3;
};

const common::FlagSet<Toy>& toy_flags() {
  static const common::FlagSet<Toy> flags({
      common::string_flag("name", "NAME", "a name", &Toy::name),
      common::choice_flag("level", "a log level", &Toy::level, common::kLogLevels),
      {"fast", "", "go fast", [](Toy& t, const std::string& v) { t.fast = common::parse_bool(v); }, {}, true},
      {"count", "N", "how many",
       [](Toy& t, const std::string& v) { t.count = static_cast<int>(common::parse_integer(v, 1, 10)); },
       [](const Toy& t) { return std::to_string(t.count); }},
  });
  return flags;
}

std::string error_of(const std::vector<std::string>& args) {
  Toy toy;
  try {
    toy_flags().parse(args, toy);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("flags: both spellings, bare booleans, in order") {
  Toy toy;
  CHECK(toy_flags().parse({"--name", "a", "--level=debug", "--fast", "--count=4", "--name=b"}, toy) ==
        common::FlagValues::Action::Run);
  CHECK(toy.name == "b");
  CHECK(toy.level == "debug");
  CHECK(toy.fast);
  CHECK(toy.count == 4);
  CHECK(toy_flags().parse({"--fast=false"}, toy) == common::FlagValues::Action::Run);
  CHECK_FALSE(toy.fast);
  CHECK(toy_flags().parse({"--name", "x", "-h"}, toy) == common::FlagValues::Action::PrintHelp);
  CHECK(toy_flags().parse({"--version"}, toy) == common::FlagValues::Action::PrintVersion);
}

TEST_CASE("flags: every error starts with the flag, or names the stray argument") {
  CHECK(error_of({"--level=loud"}) ==
        "--level: \"loud\" is not one of trace, debug, info, warn, error, critical, off");
  CHECK(error_of({"--name"}) == "--name: needs a value");
  CHECK(error_of({"--name="}) == "--name: needs a value");
  CHECK(error_of({"--count=0"}) == "--count: expected a whole number from 1 to 10, got \"0\"");
  CHECK(error_of({"--count", "1e3"}).rfind("--count: ", 0) == 0);
  CHECK(error_of({"--fast=maybe"}).rfind("--fast: ", 0) == 0);
  CHECK(error_of({"--nope"}) == "unknown flag --nope (see --help)");
  CHECK(error_of({"stray"}).find("\"stray\"") != std::string::npos);
}

TEST_CASE("flags: the help lists each flag with its default") {
  const auto help = toy_flags().help(Toy{});
  CHECK(help.find("  --name NAME") != std::string::npos);
  CHECK(help.find("a name (default default)") != std::string::npos);
  CHECK(help.find("--fast[=BOOL]") != std::string::npos);
  CHECK(help.find("how many (default 3)") != std::string::npos);
  CHECK(help.find("-h, --help") != std::string::npos);
  CHECK(common::parse_integer("-5", -10, 10) == -5);
}
