#pragma once
// RAII owners for sqlite3 handles (PROJ's SQLiteHandle pattern): private constructor,
// static open() that throws StoreError with SQLite's message.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace antt::store {

class Statement;

class Database {
 public:
  static Database open(const std::string& path, int flags);
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&&) = delete;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* get() const { return handle_; }
  void exec(std::string_view sql) const;  ///< runs one or more statements; throws StoreError
  Statement prepare(std::string_view sql) const;
  /// A statement kept prepared for the connection's lifetime: the returned Statement resets it
  /// instead of finalizing it. Write paths run the same SQL thousands of times per import.
  /// Never hold two Statements of the same SQL at once.
  Statement prepare_cached(const std::string& sql) const;
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(handle_); }
  /// Rows the last INSERT, UPDATE or DELETE changed.
  int changes() const { return sqlite3_changes(handle_); }
  std::string error_message() const { return sqlite3_errmsg(handle_); }

 private:
  explicit Database(sqlite3* handle) : handle_(handle) {}
  sqlite3* handle_;
  mutable std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class Statement {
 public:
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  /// Binds an empty string as NULL.
  Statement& bind_or_null(int index, std::string_view text);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    if (value) return bind(index, *value);
    return bind_null(index);
  }

  int parameter_index(const char* name) const { return sqlite3_bind_parameter_index(handle_, name); }

  bool step();  ///< true while a row is available; throws StoreError on failure
  void run();   ///< steps to completion
  void reset();

  bool is_null(int column) const;
  std::string text(int column) const;  ///< empty for NULL
  std::string blob(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  std::optional<std::string> optional_text(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* handle, bool owned) : db_(db), handle_(handle), owned_(owned) {}
  sqlite3* db_;
  sqlite3_stmt* handle_;
  bool owned_;  ///< finalize on destruction (else: a cached statement, reset for reuse)
};

}  // namespace antt::store
