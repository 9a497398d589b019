#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "shim/logs/cri_log_writer.h"

using shim::CriLogRecord;
using shim::CriLogWriter;
using shim::LogStream;
using shim::LogTag;
using shim::parse_cri_log_line;

namespace {

constexpr shim::UnixNanos kT0 = 1795914123'000000000;  // 2026-11-29T01:02:03Z
constexpr auto kOut = LogStream::kStdout;
constexpr auto kErr = LogStream::kStderr;
constexpr auto kP = LogTag::kPartial;
constexpr auto kF = LogTag::kFull;

// Parses a writer's output back into records; every line must parse.
std::vector<CriLogRecord> records(const std::string& text) {
  std::vector<CriLogRecord> result;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    REQUIRE(end != std::string::npos);  // every record ends its line
    const auto record = parse_cri_log_line(std::string_view(text).substr(start, end - start + 1));
    REQUIRE(record);
    result.push_back(*record);
    start = end + 1;
  }
  return result;
}

CriLogRecord rec(shim::UnixNanos time, LogStream stream, LogTag tag, std::string content) {
  return CriLogRecord{time, stream, tag, std::move(content)};
}

}  // namespace

TEST_CASE("a complete line is one F record in containerd's exact format") {
  CriLogWriter writer;
  std::string out;
  writer.write(kOut, "hello world\n", kT0 + 123456789, out);
  CHECK(out == "2026-11-29T01:02:03.123456789Z stdout F hello world\n");
  out.clear();
  writer.write(kErr, "oops\n", kT0 + 500000000, out);
  CHECK(out == "2026-11-29T01:02:03.5Z stderr F oops\n");
}

TEST_CASE("a chunk with several lines gives one record per line") {
  CriLogWriter writer;
  std::string out;
  writer.write(kOut, "one\ntwo\nthree\n", kT0, out);
  CHECK(records(out) ==
        std::vector{rec(kT0, kOut, kF, "one"), rec(kT0, kOut, kF, "two"), rec(kT0, kOut, kF, "three")});
}

TEST_CASE("a line split across chunks waits for its end and takes the completing chunk's time") {
  CriLogWriter writer;
  std::string out;
  writer.write(kOut, "hel", kT0, out);
  CHECK(out.empty());
  CHECK(writer.pending_bytes(kOut) == 3);
  writer.write(kOut, "lo\nwor", kT0 + 1, out);
  writer.write(kOut, "ld\n", kT0 + 2, out);
  CHECK(records(out) == std::vector{rec(kT0 + 1, kOut, kF, "hello"), rec(kT0 + 2, kOut, kF, "world")});
  CHECK(writer.pending_bytes(kOut) == 0);
}

TEST_CASE("empty lines are F records with empty content") {
  CriLogWriter writer;
  std::string out;
  writer.write(kOut, "\n\na\n", kT0, out);
  CHECK(out ==
        "2026-11-29T01:02:03Z stdout F \n"
        "2026-11-29T01:02:03Z stdout F \n"
        "2026-11-29T01:02:03Z stdout F a\n");
}

TEST_CASE("carriage returns: a CRLF ending is dropped like containerd does, any other CR is content") {
  CriLogWriter writer;
  std::string out;
  writer.write(kOut, "tty line\r\n", kT0, out);
  writer.write(kOut, "progress 10%\rprogress 20%\r\n", kT0, out);
  writer.write(kOut, "split\r", kT0, out);  // CR and LF in different chunks
  writer.write(kOut, "\n", kT0, out);
  writer.write(kOut, "double\r\r\n", kT0, out);
  writer.write(kOut, "\r\n", kT0, out);
  CHECK(records(out) == std::vector{rec(kT0, kOut, kF, "tty line"), rec(kT0, kOut, kF, "progress 10%\rprogress 20%"),
                                    rec(kT0, kOut, kF, "split"), rec(kT0, kOut, kF, "double\r"),
                                    rec(kT0, kOut, kF, "")});
}

TEST_CASE("long lines are cut into P records of the maximum, then an F record") {
  CriLogWriter writer(4);
  std::string out;

  SUBCASE("in one chunk") {
    writer.write(kOut, "abcdefghij\n", kT0, out);
    CHECK(records(out) ==
          std::vector{rec(kT0, kOut, kP, "abcd"), rec(kT0, kOut, kP, "efgh"), rec(kT0, kOut, kF, "ij")});
  }
  SUBCASE("a line of exactly a multiple of the maximum ends with a full-size F, never an empty one") {
    writer.write(kOut, "abcdefgh\n", kT0, out);
    CHECK(records(out) == std::vector{rec(kT0, kOut, kP, "abcd"), rec(kT0, kOut, kF, "efgh")});
  }
  SUBCASE("a line of exactly the maximum is one F") {
    writer.write(kOut, "abcd\n", kT0, out);
    CHECK(records(out) == std::vector{rec(kT0, kOut, kF, "abcd")});
  }
  SUBCASE("byte by byte: P records leave as soon as the limit is passed") {
    const std::string line = "abcdefghij\n";
    for (std::size_t i = 0; i < line.size(); ++i) {
      writer.write(kOut, line.substr(i, 1), kT0 + static_cast<shim::UnixNanos>(i), out);
      CHECK(writer.pending_bytes(kOut) <= 4);
    }
    CHECK(records(out) == std::vector{rec(kT0 + 4, kOut, kP, "abcd"), rec(kT0 + 8, kOut, kP, "efgh"),
                                      rec(kT0 + 10, kOut, kF, "ij")});
  }
  SUBCASE("a CRLF right after the maximum is an ending, not content to split off") {
    writer.write(kOut, "abcd\r", kT0, out);
    CHECK(out.empty());
    writer.write(kOut, "\n", kT0, out);
    CHECK(records(out) == std::vector{rec(kT0, kOut, kF, "abcd")});
  }
  SUBCASE("a CR right after the maximum that is not followed by LF starts the next piece") {
    writer.write(kOut, "abcd\r", kT0, out);
    writer.write(kOut, "x\n", kT0, out);
    CHECK(records(out) == std::vector{rec(kT0, kOut, kP, "abcd"), rec(kT0, kOut, kF, "\rx")});
  }
}

TEST_CASE("the default maximum is containerd's 16 KiB") {
  CriLogWriter writer;
  std::string out;
  writer.write(kOut, std::string(16 * 1024 * 2 + 5, 'x') + "\n", kT0, out);
  const auto parsed = records(out);
  REQUIRE(parsed.size() == 3);
  CHECK(parsed[0].tag == kP);
  CHECK(parsed[0].content.size() == 16 * 1024);
  CHECK(parsed[1].tag == kP);
  CHECK(parsed[2].tag == kF);
  CHECK(parsed[2].content.size() == 5);
}

TEST_CASE("no maximum when it is 0") {
  CriLogWriter writer(0);
  std::string out;
  writer.write(kOut, std::string(100000, 'y') + "\n", kT0, out);
  CHECK(records(out) == std::vector{rec(kT0, kOut, kF, std::string(100000, 'y'))});
}

TEST_CASE("stdout and stderr keep separate unfinished lines") {
  CriLogWriter writer;
  std::string out;
  writer.write(kOut, "out-", kT0, out);
  writer.write(kErr, "err-", kT0 + 1, out);
  writer.write(kOut, "line\n", kT0 + 2, out);
  writer.write(kErr, "line\nnext", kT0 + 3, out);
  CHECK(records(out) == std::vector{rec(kT0 + 2, kOut, kF, "out-line"), rec(kT0 + 3, kErr, kF, "err-line")});
  CHECK(writer.pending_bytes(kOut) == 0);
  CHECK(writer.pending_bytes(kErr) == 4);
}

TEST_CASE("at end of stream an unfinished line is written as P, as containerd does") {
  CriLogWriter writer(4);
  std::string out;
  writer.write(kOut, "done\nno newline", kT0, out);
  writer.write(kErr, "ab", kT0, out);
  // Pieces beyond the maximum leave at once; the rest waits for the line's end.
  CHECK(records(out) ==
        std::vector{rec(kT0, kOut, kF, "done"), rec(kT0, kOut, kP, "no n"), rec(kT0, kOut, kP, "ewli")});
  out.clear();
  writer.finish(kOut, kT0 + 9, out);
  CHECK(records(out) == std::vector{rec(kT0 + 9, kOut, kP, "ne")});
  CHECK(writer.pending_bytes(kErr) == 2);  // the other stream is untouched

  SUBCASE("a held CR beyond the maximum becomes its own piece") {
    out.clear();
    writer.write(kErr, "cd\r", kT0, out);
    writer.finish(kErr, kT0, out);
    CHECK(records(out) == std::vector{rec(kT0, kErr, kP, "abcd"), rec(kT0, kErr, kP, "\r")});
  }
  SUBCASE("nothing pending, nothing written") {
    out.clear();
    writer.finish(kOut, kT0, out);
    CHECK(out.empty());
  }
}

TEST_CASE("binary bytes other than LF pass through unchanged") {
  CriLogWriter writer;
  std::string out;
  std::string binary;
  for (int byte = 0; byte < 256; ++byte)
    if (byte != '\n') binary += static_cast<char>(byte);
  writer.write(kOut, binary + "\n", kT0, out);
  CHECK(records(out) == std::vector{rec(kT0, kOut, kF, binary)});
}

TEST_CASE("parse_cri_log_line reads records the way kubelet does") {
  SUBCASE("round trip of every field") {
    std::string line;
    shim::append_cri_log_record(kT0 + 7, kErr, kP, "some text  with  spaces ", line);
    CHECK(parse_cri_log_line(line) == rec(kT0 + 7, kErr, kP, "some text  with  spaces "));
  }
  SUBCASE("the final newline is optional") {
    CHECK(parse_cri_log_line("2026-11-29T01:02:03Z stdout F x") == rec(kT0, kOut, kF, "x"));
  }
  SUBCASE("timestamps with offsets, as containerd writes in non-UTC zones") {
    CHECK(parse_cri_log_line("2026-11-29T02:02:03.25+01:00 stdout F x\n") ==
          rec(kT0 + 250000000, kOut, kF, "x"));
  }
  SUBCASE("tags with extra ':' fields count by their first field") {
    CHECK(parse_cri_log_line("2026-11-29T01:02:03Z stdout P:x y") == rec(kT0, kOut, kP, "y"));
  }
  SUBCASE("malformed lines") {
    for (const char* bad : {"", "\n", "2026-11-29T01:02:03Z stdout F",  // no space after the tag
                            "2026-11-29T01:02:03Z stdin F x", "2026-11-29T01:02:03Z stdout X x",
                            "yesterday stdout F x", "2026-11-29T01:02:03Z stdout F a\nb"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_cri_log_line(bad));
    }
  }
}
