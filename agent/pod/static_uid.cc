#include "agent/pod/static_uid.h"

#include <openssl/evp.h>

#include <algorithm>
#include <regex>
#include <stdexcept>
#include <utility>
#include <vector>

namespace agent::pod {
namespace {

void quote(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

// Plain scalars YAML would read as something other than a string.
bool looks_typed(const std::string& s) {
  static const std::regex kTyped(R"(true|false|null|~|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  return s.empty() || std::regex_match(s, kTyped);
}

void emit(std::string& out, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out += "null";
      return;
    case YAML::NodeType::Scalar:
      // A quoted "1" and a plain 1 mean different things to the parser, but
      // a plain x and a quoted "x" (YAML vs JSON spelling) do not.
      out += node.Tag() != "!" && looks_typed(node.Scalar()) ? 'p' : 's';
      quote(out, node.Scalar());
      return;
    case YAML::NodeType::Sequence:
      out += '[';
      for (const auto& item : node) {
        emit(out, item);
        out += ',';
      }
      out += ']';
      return;
    case YAML::NodeType::Map: {
      // Emit each value first, then sort the text: YAML::Node's assignment
      // writes through to the document, so nodes themselves must not be sorted.
      std::vector<std::pair<std::string, std::string>> entries;
      for (const auto& kv : node) {
        std::string value;
        emit(value, kv.second);
        entries.emplace_back(kv.first.Scalar(), std::move(value));
      }
      std::sort(entries.begin(), entries.end());
      out += '{';
      for (const auto& [key, value] : entries) {
        quote(out, key);
        out += ':';
        out += value;
        out += ',';
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string canonical_form(const YAML::Node& node) {
  std::string out;
  emit(out, node);
  return out;
}

std::string static_pod_uid(const YAML::Node& document, const PodSource& source) {
  std::string input = canonical_form(document);
  switch (source.kind) {
    case PodSource::Kind::File:
      input += "host:" + source.node_name;
      input += "file:" + source.location;
      break;
    case PodSource::Kind::Url:
      input += "url:" + source.location;
      break;
    case PodSource::Kind::Api:
      input += "api:" + source.location;
      break;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &len, EVP_md5(), nullptr) != 1)
    throw std::runtime_error("static_pod_uid: MD5 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string uid;
  for (unsigned int i = 0; i < len; ++i) {
    uid += kHex[digest[i] >> 4];
    uid += kHex[digest[i] & 0xf];
  }
  return uid;
}

}  // namespace agent::pod
