#pragma once
// The project's logger. There is no global one: whoever owns the process (the CLI's main, `serve`)
// makes one Logger and passes it to what logs (a `const Logger&`, or a shared_ptr where the user
// outlives the call, as http::ServerOptions::logger), as PROJ passes its PJ_CONTEXT and PDAL its LogPtr.
//
//   using antt::log::Logger;
//   auto logger = std::make_shared<const Logger>(Logger::to_stderr({.min_level = antt::log::Level::warn}));
//   logger->warn("store", "the store is read-only; edits are refused");
//   logger->info("http", "request", {{"method", "GET"}, {"status", 200}, {"duration_ms", 0.8}});
//
// Text lines (the default) read
//   2026-12-05T10:11:12.345Z info http: request method=GET status=200 duration_ms=0.8
// and JSON lines (Format::json) hold one object per line, for log collectors:
//   {"time":"2026-12-05T10:11:12.345Z","level":"info","component":"http","message":"request","method":"GET",...}
// Times are UTC. A text value with spaces, quotes or '=' is quoted ("a b"); control characters are
// escaped (\n), so one call is always one line.
//
// A Logger is safe to use from many threads at once: each line is formatted by its caller and
// written whole, so lines never interleave. Writing never throws (a line that cannot be written
// is dropped), so it may be called from error paths and C callbacks.
#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace antt::log {

/// By increasing severity.
enum class Level { debug, info, warn, error };

/// "debug", "info", "warn", "error".
std::string_view level_name(Level level);
/// A level from its name (also "warning"), case-insensitive; nothing for an unknown name.
std::optional<Level> parse_level(std::string_view name);

enum class Format {
  text,  ///< "<time> <level> <component>: <message> key=value ..."
  json,  ///< one JSON object per line: time, level, component, message, then the fields
};

/// One key/value added to a line: a number stays a number in JSON. Values are read while the line
/// is written, so string views may point at temporaries of the logging call.
struct Field {
  Field(std::string_view field_key, std::string_view text) : key(field_key), value(text) {}
  Field(std::string_view field_key, const char* text) : key(field_key), value(std::string_view(text ? text : "")) {}
  Field(std::string_view field_key, const std::string& text) : key(field_key), value(std::string_view(text)) {}
  template <std::integral Integer>
  requires(!std::same_as<Integer, bool>) Field(std::string_view field_key, Integer number) : key(field_key) {
    if constexpr (std::is_signed_v<Integer>) {
      value = static_cast<std::int64_t>(number);
    } else {
      value = static_cast<std::uint64_t>(number);
    }
  }
  Field(std::string_view field_key, double number) : key(field_key), value(number) {}
  Field(std::string_view field_key, bool flag) : key(field_key), value(flag) {}

  std::string_view key;
  std::variant<std::string_view, std::int64_t, std::uint64_t, double, bool> value;
};

struct Options {
  Level min_level = Level::info;  ///< lines less severe than this are not written
  Format format = Format::text;
};

class Logger {
 public:
  /// Lines go to `out` (flushed after each), which must outlive the logger.
  static Logger to_stream(std::ostream& out, Options options = {});
  /// Lines go to descriptor `fd` (a file opened with O_APPEND, a pipe, 2 for stderr), one write(2)
  /// call each as far as the descriptor takes it; the logger does not close it.
  static Logger to_fd(int fd, Options options = {});
  static Logger to_stderr(Options options = {});
  /// Each line, without its newline, is handed to `sink`, one call at a time (tests, GUIs).
  static Logger to_function(std::function<void(std::string_view line)> sink, Options options = {});
  /// Writes nothing.
  static Logger discarding();

  Logger(Logger&&) noexcept;
  Logger& operator=(Logger&&) noexcept;
  ~Logger();

  const Options& options() const { return options_; }
  /// Whether a line of `level` would be written: skip building costly messages when not.
  bool enabled(Level level) const { return level >= options_.min_level; }

  /// One line. `component` names the part of anttmap that speaks ("http", "store", "import").
  void write(Level level, std::string_view component, std::string_view message,
             std::initializer_list<Field> fields = {}) const noexcept;

  void error(std::string_view component, std::string_view message,
             std::initializer_list<Field> fields = {}) const noexcept {
    write(Level::error, component, message, fields);
  }
  void warn(std::string_view component, std::string_view message,
            std::initializer_list<Field> fields = {}) const noexcept {
    write(Level::warn, component, message, fields);
  }
  void info(std::string_view component, std::string_view message,
            std::initializer_list<Field> fields = {}) const noexcept {
    write(Level::info, component, message, fields);
  }
  void debug(std::string_view component, std::string_view message,
             std::initializer_list<Field> fields = {}) const noexcept {
    write(Level::debug, component, message, fields);
  }

  /// Where lines go; defined in log.cpp.
  class Sink;

 private:
  Logger(std::unique_ptr<Sink> sink, Options options);

  std::unique_ptr<Sink> sink_;  ///< null: discarding
  Options options_;
};

}  // namespace antt::log
