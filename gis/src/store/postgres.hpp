#pragma once
// RAII owners for libpq handles (a connection, a result) and the parameters of one statement.
// Errors are translated once, here: a broken rule of the schema (SQLSTATE class 23, or a trigger's
// RAISE) is the caller's InputError; anything else is a StoreError.
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace antt::store::pg {

/// Values of one statement's $1, $2, ... in order; text unless added as bytes.
class Params {
 public:
  Params& text(std::string_view value);
  Params& text_or_null(std::string_view value);  ///< an empty string as NULL
  Params& integer(std::int64_t value);
  Params& real(double value);
  Params& bytes(std::string_view value);          ///< binary (bytea); an empty string as NULL
  Params& null();
  template <typename T>
  Params& optional(const std::optional<T>& value) {
    if (!value) return null();
    if constexpr (std::is_same_v<T, std::string>) return text(*value);
    else if constexpr (std::is_floating_point_v<T>) return real(*value);
    else return integer(*value);
  }

  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const;
  const std::vector<int>& lengths() const { return lengths_; }
  const std::vector<int>& formats() const { return formats_; }

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

class Result {
 public:
  explicit Result(PGresult* handle) : handle_(handle, &PQclear) {}
  int rows() const { return PQntuples(handle_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(handle_.get(), row, column) != 0; }
  std::string text(int row, int column) const;  ///< empty for NULL
  std::optional<std::string> optional_text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  double real(int row, int column) const;
  /// A bytea column's bytes (text format: "\x" and hex digits).
  std::string bytes(int row, int column) const;
  std::size_t affected() const;  ///< rows an INSERT, UPDATE or DELETE changed

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> handle_;
};

/// One row of a Result with the accessors of an SQLite Statement, so one row reader serves both.
class Row {
 public:
  Row(const Result& result, int row) : result_(result), row_(row) {}
  bool is_null(int column) const { return result_.is_null(row_, column); }
  std::string text(int column) const { return result_.text(row_, column); }
  std::optional<std::string> optional_text(int column) const { return result_.optional_text(row_, column); }
  std::int64_t integer(int column) const { return result_.integer(row_, column); }
  double real(int column) const { return result_.real(row_, column); }
  std::string blob(int column) const { return result_.bytes(row_, column); }

 private:
  const Result& result_;
  int row_;
};

class Connection {
 public:
  /// Connects to `conninfo` (a postgresql:// URI or key=value pairs); StoreError with libpq's reason.
  static Connection open(const std::string& conninfo);

  PGconn* get() const { return handle_.get(); }
  /// Runs one statement with parameters; throws as the header says. Statements are prepared once per
  /// connection and reused: an import runs the same few thousands of times, a server's request threads
  /// the same few all day (parsing and planning took as long as running them).
  Result exec(const std::string& sql, const Params& params = {}) const;
  /// Runs a statement that is not run again (its text carries values: a page's offset, a batch's size).
  Result exec_once(const std::string& sql, const Params& params = {}) const;
  /// Runs a script of several statements (no parameters).
  void exec_script(const std::string& sql) const;
  /// The connection's target, without its password, for messages.
  const std::string& label() const { return label_; }

 private:
  Connection(PGconn* handle, std::string label) : handle_(handle, &PQfinish), label_(std::move(label)) {}
  /// `raw` owned, or the failure it holds thrown as the header says.
  Result checked(PGresult* raw) const;
  /// The prepared statement's name for `sql`, preparing it first when new.
  const std::string& prepared(const std::string& sql, int parameters) const;
  std::unique_ptr<PGconn, decltype(&PQfinish)> handle_;
  std::string label_;
  mutable std::unordered_map<std::string, std::string> prepared_;
};

/// True when `location` names a PostgreSQL database (postgresql:// or postgres://).
bool is_postgres_location(std::string_view location);

/// `location` with any password replaced by "***", for messages and logs.
std::string without_password(const std::string& location);

}  // namespace antt::store::pg
