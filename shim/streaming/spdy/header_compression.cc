#include "shim/streaming/spdy/header_compression.h"

#include <zlib.h>

#include <array>
#include <cstdint>

namespace shim::streaming::spdy {
namespace {

// The dictionary is a run of length-prefixed words (4-byte big-endian
// length, then the word) followed by an unprefixed tail, per the draft.
constexpr std::string_view kDictionaryWords[] = {
    "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset",
    "accept-encoding", "accept-language", "accept-ranges", "age", "allow", "authorization",
    "cache-control", "connection", "content-base", "content-encoding", "content-language",
    "content-length", "content-location", "content-md5", "content-range", "content-type", "date",
    "etag", "expect", "expires", "from", "host", "if-match", "if-modified-since", "if-none-match",
    "if-range", "if-unmodified-since", "last-modified", "location", "max-forwards", "pragma",
    "proxy-authenticate", "proxy-authorization", "range", "referer", "retry-after", "server", "te",
    "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via", "warning",
    "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url", "public",
    "set-cookie", "keep-alive", "origin"};

constexpr std::string_view kDictionaryTail =
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 "
    "Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service "
    "UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, "
    "Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,application/xml,application/"
    "xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-"
    "8charset=iso-8859-1,utf-,*,enq=0.";

std::string build_dictionary() {
  std::string d;
  for (std::string_view word : kDictionaryWords) {
    auto n = static_cast<std::uint32_t>(word.size());
    d.push_back(static_cast<char>(n >> 24));
    d.push_back(static_cast<char>(n >> 16));
    d.push_back(static_cast<char>(n >> 8));
    d.push_back(static_cast<char>(n));
    d += word;
  }
  d += kDictionaryTail;
  return d;
}

const Bytef* dictionary_bytes() { return reinterpret_cast<const Bytef*>(spdy3_dictionary().data()); }
uInt dictionary_size() { return static_cast<uInt>(spdy3_dictionary().size()); }

std::string zlib_message(const z_stream& z, int rc) {
  return z.msg != nullptr ? std::string(z.msg) : "zlib error " + std::to_string(rc);
}

}  // namespace

std::string_view spdy3_dictionary() {
  static const std::string dictionary = build_dictionary();
  return dictionary;
}

struct HeaderCompressor::Impl {
  z_stream z{};
};

HeaderCompressor::HeaderCompressor() : impl_(std::make_unique<Impl>()) {
  if (deflateInit(&impl_->z, Z_DEFAULT_COMPRESSION) != Z_OK ||
      deflateSetDictionary(&impl_->z, dictionary_bytes(), dictionary_size()) != Z_OK) {
    throw std::runtime_error("spdy: cannot initialize the header compressor");
  }
}

HeaderCompressor::~HeaderCompressor() { deflateEnd(&impl_->z); }

std::string HeaderCompressor::compress(const Headers& headers) {
  return compress_raw(encode_name_value_block(headers));
}

std::string HeaderCompressor::compress_raw(std::string_view block) {
  z_stream& z = impl_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block.data()));
  z.avail_in = static_cast<uInt>(block.size());
  std::string out;
  std::array<char, 4096> chunk{};
  // Z_SYNC_FLUSH ends the block on a byte boundary the peer can inflate
  // without waiting for more; loop until deflate leaves output space unused.
  do {
    z.next_out = reinterpret_cast<Bytef*>(chunk.data());
    z.avail_out = static_cast<uInt>(chunk.size());
    int rc = deflate(&z, Z_SYNC_FLUSH);
    if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::runtime_error("spdy: header compression failed: " + zlib_message(z, rc));
    out.append(chunk.data(), chunk.size() - z.avail_out);
  } while (z.avail_out == 0);
  return out;
}

struct HeaderDecompressor::Impl {
  z_stream z{};
  std::size_t max_block_size = 0;
  bool broken = false;
};

HeaderDecompressor::HeaderDecompressor(std::size_t max_block_size) : impl_(std::make_unique<Impl>()) {
  impl_->max_block_size = max_block_size;
  if (inflateInit(&impl_->z) != Z_OK) throw std::runtime_error("spdy: cannot initialize the header decompressor");
}

HeaderDecompressor::~HeaderDecompressor() { inflateEnd(&impl_->z); }

std::string HeaderDecompressor::inflate(std::string_view compressed) {
  Impl& s = *impl_;
  if (s.broken) throw CompressionError("spdy: header decompression failed earlier in this session");
  z_stream& z = s.z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  std::array<char, 4096> chunk{};
  auto broken = [&](const std::string& why) {
    s.broken = true;
    return CompressionError("spdy: header block: " + why);
  };
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(chunk.data());
    z.avail_out = static_cast<uInt>(chunk.size());
    int rc = ::inflate(&z, Z_SYNC_FLUSH);
    if (rc == Z_NEED_DICT) {
      if (inflateSetDictionary(&z, dictionary_bytes(), dictionary_size()) != Z_OK) {
        throw broken("compressed with a dictionary other than SPDY/3's");
      }
      rc = Z_OK;
    }
    out.append(chunk.data(), chunk.size() - z.avail_out);
    if (out.size() > s.max_block_size) {
      throw broken("decompresses to more than " + std::to_string(s.max_block_size) + " bytes");
    }
    if (rc == Z_STREAM_END) throw broken("the peer ended its zlib stream");
    if (rc == Z_BUF_ERROR) {
      if (z.avail_in == 0) break;  // all input used, no output pending
      throw broken("zlib made no progress");
    }
    if (rc != Z_OK) throw broken(zlib_message(z, rc));
    if (z.avail_in == 0 && z.avail_out != 0) break;
  }
  return out;
}

Headers HeaderDecompressor::decompress(std::string_view compressed) {
  return decode_name_value_block(inflate(compressed));
}

}  // namespace shim::streaming::spdy
