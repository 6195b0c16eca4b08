#include "antt/core/log.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <type_traits>
#include <variant>

namespace antt::log {

/// Where lines go. Lines arrive formatted, newline included; the mutex keeps each one whole.
class Logger::Sink {
 public:
  virtual ~Sink() = default;
  void write_line(std::string_view line) {
    std::lock_guard lock(mutex_);
    put(line);
  }

 protected:
  virtual void put(std::string_view line) = 0;

 private:
  std::mutex mutex_;
};

namespace {

class StreamSink final : public Logger::Sink {
 public:
  explicit StreamSink(std::ostream& out) : out_(out) {}

 protected:
  void put(std::string_view line) override {
    out_.write(line.data(), static_cast<std::streamsize>(line.size()));
    out_.flush();  // a line in the file as soon as it is logged, even if the process dies next
  }

 private:
  std::ostream& out_;
};

class FdSink final : public Logger::Sink {
 public:
  explicit FdSink(int fd) : fd_(fd) {}

 protected:
  void put(std::string_view line) override {
    while (!line.empty()) {
      const ssize_t written = ::write(fd_, line.data(), line.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) return;  // a full or closed descriptor: the line is dropped, not retried
      line.remove_prefix(static_cast<std::size_t>(written));
    }
  }

 private:
  int fd_;
};

class FunctionSink final : public Logger::Sink {
 public:
  explicit FunctionSink(std::function<void(std::string_view)> sink) : sink_(std::move(sink)) {}

 protected:
  void put(std::string_view line) override {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    sink_(line);
  }

 private:
  std::function<void(std::string_view)> sink_;
};

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// "2026-12-05T10:11:12.345Z": UTC, milliseconds.
std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto milliseconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];  // room for any int the compiler imagines in the fields
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(milliseconds));
  return text;
}

/// Control characters escaped, so a message or value never breaks its line.
void append_escaped(std::string& out, std::string_view text, bool quoted) {
  static constexpr char digits[] = "0123456789abcdef";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out.push_back(digits[byte >> 4]);
      out.push_back(digits[byte & 0xf]);
    } else if (quoted && (c == '"' || c == '\\')) {
      out.push_back('\\');
      out.push_back(c);
    } else {
      out.push_back(c);
    }
  }
}

void append_text_value(std::string& out, std::string_view text) {
  bool needs_quotes = text.empty();
  for (char c : text) {
    needs_quotes = needs_quotes || c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20;
  }
  if (!needs_quotes) return append_escaped(out, text, false);
  out.push_back('"');
  append_escaped(out, text, true);
  out.push_back('"');
}

template <typename Number>
void append_number(std::string& out, Number number) {
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, number);  // shortest exact form
  if (error == std::errc()) out.append(text, end);
}

std::string text_line(Level level, std::string_view component, std::string_view message,
                      std::initializer_list<Field> fields) {
  std::string line = utc_timestamp();
  line.push_back(' ');
  line += level_name(level);
  line.push_back(' ');
  line += component;
  line += ": ";
  append_escaped(line, message, false);
  for (const Field& field : fields) {
    line.push_back(' ');
    line += field.key;
    line.push_back('=');
    std::visit(
        [&](const auto& value) {
          using Value = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<Value, std::string_view>) {
            append_text_value(line, value);
          } else if constexpr (std::is_same_v<Value, bool>) {
            line += value ? "true" : "false";
          } else {
            append_number(line, value);
          }
        },
        field.value);
  }
  line.push_back('\n');
  return line;
}

std::string json_line(Level level, std::string_view component, std::string_view message,
                      std::initializer_list<Field> fields) {
  nlohmann::ordered_json object;  // keeps time, level, component, message first
  object["time"] = utc_timestamp();
  object["level"] = level_name(level);
  object["component"] = component;
  object["message"] = message;
  for (const Field& field : fields) {
    std::string key(field.key);
    if (key == "time" || key == "level" || key == "component" || key == "message") key.insert(0, "_");
    std::visit([&](const auto& value) { object[key] = value; }, field.value);
  }
  // Invalid UTF-8 (a raw request path) is replaced rather than thrown on: the line still parses.
  std::string line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line.push_back('\n');
  return line;
}

}  // namespace

std::string_view level_name(Level level) {
  switch (level) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "error";
}

std::optional<Level> parse_level(std::string_view name) {
  std::string lower;
  for (char c : name) lower.push_back(ascii_lower(c));
  if (lower == "debug") return Level::debug;
  if (lower == "info") return Level::info;
  if (lower == "warn" || lower == "warning") return Level::warn;
  if (lower == "error") return Level::error;
  return std::nullopt;
}

Logger::Logger(std::unique_ptr<Sink> sink, Options options) : sink_(std::move(sink)), options_(options) {}
Logger::Logger(Logger&&) noexcept = default;
Logger& Logger::operator=(Logger&&) noexcept = default;
Logger::~Logger() = default;

Logger Logger::to_stream(std::ostream& out, Options options) {
  return Logger(std::make_unique<StreamSink>(out), options);
}

Logger Logger::to_fd(int fd, Options options) { return Logger(std::make_unique<FdSink>(fd), options); }

Logger Logger::to_stderr(Options options) { return to_fd(STDERR_FILENO, options); }

Logger Logger::to_function(std::function<void(std::string_view line)> sink, Options options) {
  return Logger(std::make_unique<FunctionSink>(std::move(sink)), options);
}

Logger Logger::discarding() { return Logger(nullptr, Options{}); }

void Logger::write(Level level, std::string_view component, std::string_view message,
                   std::initializer_list<Field> fields) const noexcept {
  if (!sink_ || !enabled(level)) return;
  try {
    // Formatted before the sink's lock is taken: threads only wait for each other's writes.
    const std::string line = options_.format == Format::json ? json_line(level, component, message, fields)
                                                             : text_line(level, component, message, fields);
    sink_->write_line(line);
  } catch (...) {
    // Out of memory, or a stream set to throw: the line is lost, the caller goes on.
  }
}

}  // namespace antt::log
