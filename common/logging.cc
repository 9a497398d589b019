#include "common/logging.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/utf8.h"

namespace common {
namespace {

// The fields of this thread's LogFieldScope (a copy: nothing dangles if a
// scope ends elsewhere), and of the log_with_fields call being formatted
// (spdlog's sink formats on the logging thread).
thread_local LogFields scope_fields;
thread_local const LogFields* line_fields = nullptr;

void append_fields(std::string& line, const LogFields* fields) {
  if (fields == nullptr) return;
  for (const auto& [key, value] : *fields) line += ",\"" + json_escape(key) + "\":\"" + json_escape(value) + "\"";
}

// {"time":"2026-11-29T01:02:03.123456Z","level":"info","msg":"...","pod":"web",...}
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    const auto since_epoch = msg.time.time_since_epoch();
    const auto secs = duration_cast<seconds>(since_epoch);
    const auto micros = duration_cast<microseconds>(since_epoch - secs).count();
    std::time_t t = secs.count();
    std::tm tm{};
    gmtime_r(&t, &tm);
    char time_buf[48];
    std::snprintf(time_buf, sizeof time_buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                  tm.tm_sec, static_cast<long>(micros));
    const auto level = spdlog::level::to_string_view(msg.level);
    std::string line = std::string("{\"time\":\"") + time_buf + "\",\"level\":\"" +
                       std::string(level.data(), level.size()) + "\",\"msg\":\"" +
                       json_escape(std::string(msg.payload.data(), msg.payload.size())) + "\"";
    append_fields(line, &scope_fields);
    append_fields(line, line_fields);
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

LogFieldScope::LogFieldScope(LogFields fields)
    : previous_(std::exchange(scope_fields, std::move(fields))), thread_(std::this_thread::get_id()) {}

LogFieldScope::~LogFieldScope() {
  if (thread_ == std::this_thread::get_id()) scope_fields = std::move(previous_);
}

void log_with_fields(spdlog::level::level_enum level, const LogFields& fields, const std::string& message) {
  line_fields = &fields;
  spdlog::log(level, "{}", message);
  line_fields = nullptr;
}

std::string json_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      if (const std::size_t length = utf8_sequence_length(text, i)) {
        out.append(text, i, length);
        i += length - 1;
      } else {
        out += "\xef\xbf\xbd";  // U+FFFD, once per byte that starts no valid sequence
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

void init_logging(const std::string& level, const std::string& format, const std::string& name) {
  auto logger = std::make_shared<spdlog::logger>(
      name, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else if (format == "text") {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  } else {
    throw std::invalid_argument("unknown log format '" + format + "'");
  }
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off")
    throw std::invalid_argument("unknown log level '" + level + "'");
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace common
