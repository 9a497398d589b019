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

TEST_CASE("flags: Go durations, as kubelet's flags take them") {
  CHECK(common::parse_duration_ms("0") == 0);
  CHECK(common::parse_duration_ms("0s") == 0);
  CHECK(common::parse_duration_ms("300ms") == 300);
  CHECK(common::parse_duration_ms("90s") == 90000);
  CHECK(common::parse_duration_ms("1m30s") == 90000);
  CHECK(common::parse_duration_ms("2h") == 7200000);
  CHECK(common::parse_duration_ms("1.5h") == 5400000);
  CHECK(common::parse_duration_ms("1500us") == 1);
  CHECK(common::parse_duration_ms("999999ns") == 0);  // rounded down
  for (const char* bad : {"", "10", "s", "1x", "-1s", "1..2s", "1m30", " 1s"})
    CHECK_THROWS_AS_MESSAGE(common::parse_duration_ms(bad), std::invalid_argument, bad);
}

TEST_CASE("flags: key=value maps, as kubelet's map flags") {
  using KV = std::vector<std::pair<std::string, std::string>>;
  CHECK(common::parse_key_values("cpu=100m,memory=1Gi") == KV{{"cpu", "100m"}, {"memory", "1Gi"}});
  CHECK(common::parse_key_values("memory.available<100Mi, nodefs.available<10%", '<') ==
        KV{{"memory.available", "100Mi"}, {"nodefs.available", "10%"}});
  CHECK(common::parse_key_values("") == KV{});
  CHECK(common::parse_key_values("a=1,,") == KV{{"a", "1"}});
  for (const char* bad : {"cpu", "=1", "cpu=", "a=1,a=2"})
    CHECK_THROWS_AS_MESSAGE(common::parse_key_values(bad), std::invalid_argument, bad);
}
