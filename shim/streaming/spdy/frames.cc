#include "shim/streaming/spdy/frames.h"

#include <string>
#include <type_traits>

namespace shim::streaming::spdy {
namespace {

constexpr std::uint32_t kControlBit = 0x80000000u;
constexpr std::uint32_t kReservedBit = 0x80000000u;  // the X bit before 31-bit IDs

void put32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

std::uint32_t get32(std::string_view in, std::size_t at) {
  auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(in[at + i])); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("spdy: cannot serialize: ") + what);
}

void check_stream_id(std::uint32_t id, bool zero_allowed) {
  require(id <= kMaxStreamId, "stream ID above 2^31-1");
  require(zero_allowed || id != 0, "stream ID 0");
}

std::string control(ControlType type, std::uint8_t flags, const std::string& payload) {
  require(payload.size() <= kMaxFrameLength, "control frame longer than 2^24-1");
  std::string out;
  out.reserve(kFrameHeaderSize + payload.size());
  put32(out, kControlBit | std::uint32_t{kSpdyVersion} << 16 | static_cast<std::uint16_t>(type));
  put32(out, std::uint32_t{flags} << 24 | static_cast<std::uint32_t>(payload.size()));
  out += payload;
  return out;
}

std::string encode(const SynStreamFrame& f) {
  check_stream_id(f.stream_id, false);
  check_stream_id(f.associated_stream_id, true);
  require(f.priority <= 7, "priority above 7");
  require((f.flags & ~(kFlagFin | kFlagUnidirectional)) == 0, "undefined SYN_STREAM flag");
  std::string p;
  put32(p, f.stream_id);
  put32(p, f.associated_stream_id);
  p.push_back(static_cast<char>(f.priority << 5));
  p.push_back(static_cast<char>(f.slot));
  p += f.header_block;
  return control(ControlType::kSynStream, f.flags, p);
}

std::string encode(const SynReplyFrame& f) {
  check_stream_id(f.stream_id, false);
  require((f.flags & ~kFlagFin) == 0, "undefined SYN_REPLY flag");
  std::string p;
  put32(p, f.stream_id);
  p += f.header_block;
  return control(ControlType::kSynReply, f.flags, p);
}

std::string encode(const RstStreamFrame& f) {
  check_stream_id(f.stream_id, false);
  require(f.status != 0, "RST_STREAM status 0");
  std::string p;
  put32(p, f.stream_id);
  put32(p, f.status);
  return control(ControlType::kRstStream, 0, p);
}

std::string encode(const SettingsFrame& f) {
  require((f.flags & ~kFlagClearSettings) == 0, "undefined SETTINGS flag");
  std::string p;
  put32(p, static_cast<std::uint32_t>(f.settings.size()));
  for (const Setting& s : f.settings) {
    require(s.id <= 0xffffff, "setting ID above 2^24-1");
    put32(p, std::uint32_t{s.flags} << 24 | s.id);
    put32(p, s.value);
  }
  return control(ControlType::kSettings, f.flags, p);
}

std::string encode(const PingFrame& f) {
  std::string p;
  put32(p, f.id);
  return control(ControlType::kPing, 0, p);
}

std::string encode(const GoAwayFrame& f) {
  check_stream_id(f.last_good_stream_id, true);
  std::string p;
  put32(p, f.last_good_stream_id);
  put32(p, f.status);
  return control(ControlType::kGoAway, 0, p);
}

std::string encode(const HeadersFrame& f) {
  check_stream_id(f.stream_id, false);
  require((f.flags & ~kFlagFin) == 0, "undefined HEADERS flag");
  std::string p;
  put32(p, f.stream_id);
  p += f.header_block;
  return control(ControlType::kHeaders, f.flags, p);
}

std::string encode(const WindowUpdateFrame& f) {
  check_stream_id(f.stream_id, true);
  require(f.delta >= 1 && f.delta <= kMaxWindow, "WINDOW_UPDATE delta outside 1..2^31-1");
  std::string p;
  put32(p, f.stream_id);
  put32(p, f.delta);
  return control(ControlType::kWindowUpdate, 0, p);
}

std::string encode(const DataFrame& f) {
  check_stream_id(f.stream_id, false);
  require((f.flags & ~kFlagFin) == 0, "undefined DATA flag");
  require(f.data.size() <= kMaxFrameLength, "DATA payload longer than 2^24-1");
  std::string out;
  out.reserve(kFrameHeaderSize + f.data.size());
  put32(out, f.stream_id);
  put32(out, std::uint32_t{f.flags} << 24 | static_cast<std::uint32_t>(f.data.size()));
  out += f.data;
  return out;
}

[[noreturn]] void fail(const std::string& what) { throw FrameError("spdy: " + what); }

// Reads a 31-bit stream ID whose reserved bit must be clear.
std::uint32_t stream_id_at(std::string_view p, std::size_t at, const char* frame) {
  std::uint32_t raw = get32(p, at);
  if (raw & kReservedBit) fail(std::string(frame) + ": reserved bit set before the stream ID");
  return raw;
}

void check_flags(std::uint8_t flags, std::uint8_t allowed, const char* frame) {
  if (flags & ~allowed) fail(std::string(frame) + ": undefined flags 0x" + std::to_string(flags));
}

void check_length(std::size_t length, std::size_t expected, const char* frame) {
  if (length != expected) {
    fail(std::string(frame) + ": length " + std::to_string(length) + ", must be " + std::to_string(expected));
  }
}

void check_min_length(std::size_t length, std::size_t minimum, const char* frame) {
  if (length < minimum) {
    fail(std::string(frame) + ": length " + std::to_string(length) + ", must be at least " +
         std::to_string(minimum));
  }
}

void check_nonzero_stream(std::uint32_t id, const char* frame) {
  if (id == 0) fail(std::string(frame) + ": stream ID 0");
}

std::optional<Frame> decode_control(std::uint16_t type, std::uint8_t flags, std::string_view p) {
  switch (static_cast<ControlType>(type)) {
    case ControlType::kSynStream: {
      check_flags(flags, kFlagFin | kFlagUnidirectional, "SYN_STREAM");
      check_min_length(p.size(), 10, "SYN_STREAM");
      SynStreamFrame f;
      f.flags = flags;
      f.stream_id = stream_id_at(p, 0, "SYN_STREAM");
      check_nonzero_stream(f.stream_id, "SYN_STREAM");
      f.associated_stream_id = stream_id_at(p, 4, "SYN_STREAM associated");
      // The 5 bits after the priority are unused, not reserved: ignored.
      f.priority = static_cast<std::uint8_t>(static_cast<unsigned char>(p[8]) >> 5);
      f.slot = static_cast<std::uint8_t>(p[9]);
      f.header_block.assign(p.substr(10));
      return f;
    }
    case ControlType::kSynReply: {
      check_flags(flags, kFlagFin, "SYN_REPLY");
      check_min_length(p.size(), 4, "SYN_REPLY");
      SynReplyFrame f;
      f.flags = flags;
      f.stream_id = stream_id_at(p, 0, "SYN_REPLY");
      check_nonzero_stream(f.stream_id, "SYN_REPLY");
      f.header_block.assign(p.substr(4));
      return f;
    }
    case ControlType::kRstStream: {
      check_flags(flags, 0, "RST_STREAM");
      check_length(p.size(), 8, "RST_STREAM");
      RstStreamFrame f;
      f.stream_id = stream_id_at(p, 0, "RST_STREAM");
      check_nonzero_stream(f.stream_id, "RST_STREAM");
      f.status = get32(p, 4);
      if (f.status == 0) fail("RST_STREAM: status 0");
      return f;
    }
    case ControlType::kSettings: {
      check_flags(flags, kFlagClearSettings, "SETTINGS");
      check_min_length(p.size(), 4, "SETTINGS");
      std::uint32_t count = get32(p, 0);
      if (count > (p.size() - 4) / 8 || p.size() != 4 + std::size_t{count} * 8) {
        fail("SETTINGS: " + std::to_string(count) + " entries need length " +
             std::to_string(4 + std::uint64_t{count} * 8) + ", frame has " + std::to_string(p.size()));
      }
      SettingsFrame f;
      f.flags = flags;
      for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t word = get32(p, 4 + i * 8);
        f.settings.push_back({static_cast<std::uint8_t>(word >> 24), word & 0xffffff, get32(p, 8 + i * 8)});
      }
      return f;
    }
    case ControlType::kPing: {
      check_flags(flags, 0, "PING");
      check_length(p.size(), 4, "PING");
      return PingFrame{get32(p, 0)};
    }
    case ControlType::kGoAway: {
      check_flags(flags, 0, "GOAWAY");
      check_length(p.size(), 8, "GOAWAY");
      return GoAwayFrame{stream_id_at(p, 0, "GOAWAY"), get32(p, 4)};
    }
    case ControlType::kHeaders: {
      check_flags(flags, kFlagFin, "HEADERS");
      check_min_length(p.size(), 4, "HEADERS");
      HeadersFrame f;
      f.flags = flags;
      f.stream_id = stream_id_at(p, 0, "HEADERS");
      check_nonzero_stream(f.stream_id, "HEADERS");
      f.header_block.assign(p.substr(4));
      return f;
    }
    case ControlType::kWindowUpdate: {
      check_flags(flags, 0, "WINDOW_UPDATE");
      check_length(p.size(), 8, "WINDOW_UPDATE");
      WindowUpdateFrame f;
      f.stream_id = stream_id_at(p, 0, "WINDOW_UPDATE");
      std::uint32_t raw = get32(p, 4);
      if (raw & kReservedBit) fail("WINDOW_UPDATE: reserved bit set before the delta");
      if (raw == 0) fail("WINDOW_UPDATE: delta 0");
      f.delta = raw;
      return f;
    }
  }
  return std::nullopt;  // a type SPDY/3 does not define: skipped
}

}  // namespace

std::string serialize(const Frame& frame) {
  return std::visit([](const auto& f) { return encode(f); }, frame);
}

void FrameParser::feed(std::string_view bytes) {
  // Drop what was consumed before appending, so the buffer stays as large
  // as one frame plus one read, not as large as the connection's history.
  if (consumed_ > 0) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<Frame> FrameParser::next() {
  if (failure_) throw FrameError(*failure_);
  try {
    for (;;) {
      std::size_t before = consumed_;
      std::optional<Frame> frame = parse_one();
      if (frame || consumed_ == before) return frame;
      // An unknown control type was skipped: look at what follows it.
    }
  } catch (const FrameError& e) {
    failure_ = e.what();
    throw;
  }
}

std::optional<Frame> FrameParser::parse_one() {
  std::string_view in(buffer_);
  in.remove_prefix(consumed_);
  if (in.size() < kFrameHeaderSize) return std::nullopt;
  std::uint32_t first = get32(in, 0);
  std::uint32_t second = get32(in, 4);
  auto flags = static_cast<std::uint8_t>(second >> 24);
  std::uint32_t length = second & 0xffffff;
  bool is_control = (first & kControlBit) != 0;

  if (is_control) {
    auto version = static_cast<std::uint16_t>((first >> 16) & 0x7fff);
    if (version != kSpdyVersion) {
      fail("control frame of version " + std::to_string(version) + ", only 3 is spoken");
    }
    if (length > limits_.max_control_frame) {
      fail("control frame type " + std::to_string(first & 0xffff) + " of " + std::to_string(length) +
           " bytes, the limit is " + std::to_string(limits_.max_control_frame));
    }
  }
  if (in.size() < kFrameHeaderSize + length) return std::nullopt;
  std::string_view payload = in.substr(kFrameHeaderSize, length);
  consumed_ += kFrameHeaderSize + length;

  if (!is_control) {
    DataFrame f;
    f.stream_id = first;  // the C bit is clear: a 31-bit ID
    check_nonzero_stream(f.stream_id, "DATA");
    check_flags(flags, kFlagFin, "DATA");  // 0x02 (compressed) was SPDY/2's
    f.flags = flags;
    f.data.assign(payload);
    return f;
  }
  return decode_control(static_cast<std::uint16_t>(first & 0xffff), flags, payload);
}

}  // namespace shim::streaming::spdy
