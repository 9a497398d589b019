// SPDY/3.1 framing: the frames of draft-mbelshe-httpbis-spdy-00 (SPDY/3)
// plus SPDY/3.1's session-level WINDOW_UPDATE (stream 0), their byte
// layout, and an incremental parser. Pure: no I/O, no zlib (header blocks
// stay compressed here; header_compression.h inflates them).
//
// Validation is strict: version 3, exact lengths, reserved bits zero,
// only the flags a frame type defines, non-zero stream IDs where the
// protocol requires one. Control frame types SPDY/3 does not define are
// skipped, as the draft requires of receivers.
//
// Threads: values and a parser per connection; no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace shim::streaming::spdy {

inline constexpr std::uint16_t kSpdyVersion = 3;
inline constexpr std::uint32_t kMaxStreamId = 0x7fffffff;
inline constexpr std::uint32_t kMaxFrameLength = 0xffffff;  // 24-bit length
inline constexpr std::size_t kFrameHeaderSize = 8;
// The window both directions start with (per stream and, in 3.1, per
// session) until SETTINGS_INITIAL_WINDOW_SIZE or WINDOW_UPDATE change it.
inline constexpr std::int64_t kDefaultWindow = 64 * 1024;
inline constexpr std::int64_t kMaxWindow = 0x7fffffff;

inline constexpr std::uint8_t kFlagFin = 0x01;             // every frame with a stream
inline constexpr std::uint8_t kFlagUnidirectional = 0x02;  // SYN_STREAM
inline constexpr std::uint8_t kFlagClearSettings = 0x01;   // SETTINGS

enum class ControlType : std::uint16_t {
  kSynStream = 1,
  kSynReply = 2,
  kRstStream = 3,
  kSettings = 4,
  kPing = 6,
  kGoAway = 7,
  kHeaders = 8,
  kWindowUpdate = 9,
};

// RST_STREAM status codes (0 is not a valid status).
enum class RstStatus : std::uint32_t {
  kProtocolError = 1,
  kInvalidStream = 2,
  kRefusedStream = 3,
  kUnsupportedVersion = 4,
  kCancel = 5,
  kInternalError = 6,
  kFlowControlError = 7,
  kStreamInUse = 8,
  kStreamAlreadyClosed = 9,
  kFrameTooLarge = 11,
};

enum class GoAwayStatus : std::uint32_t { kOk = 0, kProtocolError = 1, kInternalError = 2 };

// SETTINGS IDs this server reads (the others are carried and ignored).
inline constexpr std::uint32_t kSettingsMaxConcurrentStreams = 4;
inline constexpr std::uint32_t kSettingsInitialWindowSize = 7;

struct SynStreamFrame {
  std::uint32_t stream_id = 0;
  std::uint32_t associated_stream_id = 0;
  std::uint8_t priority = 0;  // 0 (highest) .. 7
  std::uint8_t slot = 0;
  std::uint8_t flags = 0;     // kFlagFin | kFlagUnidirectional
  std::string header_block;   // zlib-compressed name/value block
  bool operator==(const SynStreamFrame&) const = default;
};

struct SynReplyFrame {
  std::uint32_t stream_id = 0;
  std::uint8_t flags = 0;  // kFlagFin
  std::string header_block;
  bool operator==(const SynReplyFrame&) const = default;
};

struct RstStreamFrame {
  std::uint32_t stream_id = 0;
  std::uint32_t status = 0;  // a RstStatus; kept raw so unknown codes parse
  bool operator==(const RstStreamFrame&) const = default;
};

struct Setting {
  std::uint8_t flags = 0;
  std::uint32_t id = 0;  // 24 bits
  std::uint32_t value = 0;
  bool operator==(const Setting&) const = default;
};

struct SettingsFrame {
  std::uint8_t flags = 0;  // kFlagClearSettings
  std::vector<Setting> settings;
  bool operator==(const SettingsFrame&) const = default;
};

struct PingFrame {
  std::uint32_t id = 0;  // client pings are odd, server pings even
  bool operator==(const PingFrame&) const = default;
};

struct GoAwayFrame {
  std::uint32_t last_good_stream_id = 0;
  std::uint32_t status = 0;  // a GoAwayStatus, raw
  bool operator==(const GoAwayFrame&) const = default;
};

struct HeadersFrame {
  std::uint32_t stream_id = 0;
  std::uint8_t flags = 0;  // kFlagFin
  std::string header_block;
  bool operator==(const HeadersFrame&) const = default;
};

struct WindowUpdateFrame {
  std::uint32_t stream_id = 0;  // 0: the session window (SPDY/3.1)
  std::uint32_t delta = 0;      // 1 .. 2^31-1
  bool operator==(const WindowUpdateFrame&) const = default;
};

struct DataFrame {
  std::uint32_t stream_id = 0;
  std::uint8_t flags = 0;  // kFlagFin
  std::string data;
  bool operator==(const DataFrame&) const = default;
};

using Frame = std::variant<SynStreamFrame, SynReplyFrame, RstStreamFrame, SettingsFrame,
                           PingFrame, GoAwayFrame, HeadersFrame, WindowUpdateFrame, DataFrame>;

// The bytes of one frame. Throws std::invalid_argument when a field does
// not fit its encoding (stream ID above 2^31-1, payload above 2^24-1,
// zero delta, ...): serializing never produces a frame the parser rejects.
std::string serialize(const Frame& frame);

// Input that is not SPDY/3.1: the session answers GOAWAY(PROTOCOL_ERROR)
// and closes. what() names the frame and the rule it broke.
class FrameError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ParserLimits {
  // Longest control frame accepted (a compressed header block is most of
  // one); longer ones are an error before their payload is buffered.
  std::uint32_t max_control_frame = 1024 * 1024;
};

// Turns a byte stream into frames. feed() appends bytes; next() returns
// the next complete frame or nullopt until more bytes arrive. After next()
// throws FrameError the stream cannot be resynchronized: every further
// call throws again.
class FrameParser {
 public:
  explicit FrameParser(ParserLimits limits = {}) : limits_(limits) {}

  void feed(std::string_view bytes);
  std::optional<Frame> next();
  // Bytes received but not yet returned as frames.
  std::size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  std::optional<Frame> parse_one();

  ParserLimits limits_;
  std::string buffer_;
  std::size_t consumed_ = 0;
  std::optional<std::string> failure_;
};

}  // namespace shim::streaming::spdy
