#include "common/base64.h"

#include <doctest/doctest.h>

#include <string>

using common::Base64Alphabet;
using common::base64_decode;
using common::base64_decode_standard;
using common::base64_encode;

TEST_CASE("base64: RFC 4648's vectors, both alphabets, padded or not") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode("fo", Base64Alphabet::kStandard, false) == "Zm8");
  const std::string bytes = "\xfb\xff\xbf";
  CHECK(base64_encode(bytes) == "+/+/");
  CHECK(base64_encode(bytes, Base64Alphabet::kUrl) == "-_-_");
  for (const std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xfb\xff\xbf\x01"}) {
    for (const auto alphabet : {Base64Alphabet::kStandard, Base64Alphabet::kUrl})
      for (const bool padded : {true, false}) CHECK(base64_decode(base64_encode(s, alphabet, padded)) == s);
    CHECK(base64_decode_standard(base64_encode(s)) == s);
  }
}

TEST_CASE("base64: what no encoding gives is refused") {
  CHECK_FALSE(base64_decode("a*bc"));
  CHECK_FALSE(base64_decode("Zm9vY"));    // a length no encoding has
  CHECK_FALSE(base64_decode("Zm=8"));     // padding inside
  CHECK(base64_decode("Zg===") == "f");  // hand-written padding, as the old decoder took it
  // The strict decoder: the standard alphabet, padded.
  CHECK_FALSE(base64_decode_standard("Zm8"));
  CHECK_FALSE(base64_decode_standard("-_-_"));
  CHECK_FALSE(base64_decode_standard("Z==="));
  CHECK(base64_decode_standard("+/+/") == std::string("\xfb\xff\xbf"));
}
