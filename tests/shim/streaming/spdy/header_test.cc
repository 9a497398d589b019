#include <zlib.h>

#include <doctest/doctest.h>

#include "shim/streaming/spdy/header_block.h"
#include "shim/streaming/spdy/header_compression.h"

using namespace shim::streaming::spdy;

namespace {

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string u32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string entry(std::string_view name, std::string_view value) {
  return u32(static_cast<std::uint32_t>(name.size())) + std::string(name) + u32(static_cast<std::uint32_t>(value.size())) + std::string(value);
}

}  // namespace

TEST_CASE("spdy header block: names are lower-cased, values may hold several") {
  Headers in = {{"StreamType", "stdout"}, {"accept", std::string("a\0b", 3)}, {"empty", ""}};
  std::string block = encode_name_value_block(in);
  CHECK(block == u32(3) + entry("streamtype", "stdout") + entry("accept", std::string("a\0b", 3)) + entry("empty", ""));
  Headers out = decode_name_value_block(block);
  CHECK(out.size() == 3);
  CHECK(out[0] == Header{"streamtype", "stdout"});
  CHECK(header_value(out, "StreamType") == "stdout");
  CHECK(header_value(out, "accept") == "a");  // the first of several, as Go's Header.Get
  CHECK(header_value(out, "port") == std::nullopt);
}

TEST_CASE("spdy header block: malformed blocks name their fault") {
  CHECK_THROWS_WITH_AS(decode_name_value_block(""), doctest::Contains("truncated header count"), HeaderBlockError);
  CHECK_THROWS_WITH_AS(decode_name_value_block(u32(1) + u32(5) + "abcd"), doctest::Contains("truncated"), HeaderBlockError);
  CHECK_THROWS_WITH_AS(decode_name_value_block(u32(1) + entry("Port", "1")), doctest::Contains("not lower case"), HeaderBlockError);
  CHECK_THROWS_WITH_AS(decode_name_value_block(u32(2) + entry("a", "1") + entry("a", "2")), doctest::Contains("given twice"), HeaderBlockError);
  CHECK_THROWS_WITH_AS(decode_name_value_block(u32(1) + entry("", "1")), doctest::Contains("empty header name"), HeaderBlockError);
  CHECK_THROWS_WITH_AS(decode_name_value_block(u32(1) + entry("a", std::string("x\0\0y", 4))), doctest::Contains("NUL"), HeaderBlockError);
  CHECK_THROWS_WITH_AS(decode_name_value_block(u32(1) + entry("a", std::string("\0y", 2))), doctest::Contains("NUL"), HeaderBlockError);
  CHECK_THROWS_WITH_AS(decode_name_value_block(u32(1) + entry("a", "1") + "z"), doctest::Contains("after the last header"), HeaderBlockError);
  CHECK_THROWS_WITH_AS(decode_name_value_block(u32(0x7fffffff)), doctest::Contains("cannot fit"), HeaderBlockError);
  CHECK_THROWS_AS(encode_name_value_block({{"a", "1"}, {"A", "2"}}), std::invalid_argument);
  CHECK_THROWS_AS(encode_name_value_block({{"", "1"}}), std::invalid_argument);
}

TEST_CASE("spdy header compression: the SPDY/3 dictionary") {
  std::string_view d = spdy3_dictionary();
  CHECK(d.size() == 1423);
  // zlib's dictionary ID (its Adler-32) as every SPDY/3 stream announces
  // it in its zlib header: 0xe3c6a7c2.
  CHECK(adler32(adler32(0, nullptr, 0), reinterpret_cast<const Bytef*>(d.data()), static_cast<uInt>(d.size())) == 0xe3c6a7c2u);
}

TEST_CASE("spdy header compression: a block compressed by Node's zlib with the dictionary") {
  // Produced by Node's zlib.deflateSync(block, {dictionary: spdy-transport's
  // SPDY/3 dictionary, finishFlush: Z_SYNC_FLUSH}) for
  // {streamtype: stdout, port: 8080, requestid: 0}.
  std::string vector = from_hex(
      "78bbe3c6a7c202253a703a2b294a4dcc8516256cc52529f9e08298a520bf084c5b185818303030701641e2311394be19"
      "0d00000000ffff");
  HeaderDecompressor d;
  Headers h = d.decompress(vector);
  CHECK(h == Headers{{"streamtype", "stdout"}, {"port", "8080"}, {"requestid", "0"}});
}

TEST_CASE("spdy header compression: one context per direction for the session's life") {
  HeaderCompressor c;
  HeaderDecompressor d;
  Headers first = {{"streamtype", "error"}, {"port", "80"}};
  Headers second = {{"streamtype", "data"}, {"port", "80"}};
  std::string a = c.compress(first);
  std::string b = c.compress(second);
  CHECK(b.size() < a.size());  // the second block refers back into the first
  CHECK(d.decompress(a) == first);
  CHECK(d.decompress(b) == second);
  // A fresh context cannot read the second block alone.
  HeaderDecompressor fresh;
  CHECK_THROWS_AS(fresh.decompress(b), CompressionError);
}

TEST_CASE("spdy header compression: an oversized block breaks the session's context") {
  HeaderCompressor c;
  HeaderDecompressor d(256 * 1024);
  std::string big(300 * 1024, 'v');
  std::string compressed = c.compress({{"x", big}});
  CHECK(compressed.size() < 4096);  // small on the wire, huge inflated
  CHECK_THROWS_WITH_AS(d.decompress(compressed), doctest::Contains("more than 262144 bytes"), CompressionError);
  CHECK_THROWS_AS(d.decompress(c.compress({{"a", "b"}})), CompressionError);  // stays broken
}

TEST_CASE("spdy header compression: garbage and foreign dictionaries are errors") {
  HeaderDecompressor d;
  CHECK_THROWS_AS(d.decompress("not zlib at all"), CompressionError);

  // zlib with a dictionary other than SPDY/3's.
  z_stream z{};
  deflateInit(&z, Z_DEFAULT_COMPRESSION);
  std::string other = "some other dictionary";
  deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(other.data()), static_cast<uInt>(other.size()));
  std::string block = encode_name_value_block({{"a", "b"}});
  std::string out(256, '\0');
  z.next_in = reinterpret_cast<Bytef*>(block.data());
  z.avail_in = static_cast<uInt>(block.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_SYNC_FLUSH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  HeaderDecompressor d2;
  CHECK_THROWS_WITH_AS(d2.decompress(out), doctest::Contains("dictionary"), CompressionError);

  // A well-compressed block that breaks the name/value rules only fails
  // that block: the context goes on.
  HeaderCompressor c;
  HeaderDecompressor d3;
  CHECK_THROWS_AS(d3.decompress(c.compress_raw(u32(1) + entry("Upper", "x"))), HeaderBlockError);
  CHECK(d3.decompress(c.compress({{"ok", "1"}})) == Headers{{"ok", "1"}});
}
