#include "antt/store/sqlite.hpp"

#include "antt/core/error.hpp"

namespace antt::store {

Database Database::open(const std::string& path, int flags) {
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close(handle);
    throw StoreError("cannot open store '" + path + "': " + message +
                     " (run `anttmap --db " + path + " init` to create one)");
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, 10000);
  return Database(handle);
}

Database::~Database() {
  for (auto& [sql, statement] : cache_) sqlite3_finalize(statement);
  if (handle_) sqlite3_close_v2(handle_);
}

Database::Database(Database&& other) noexcept : handle_(other.handle_), cache_(std::move(other.cache_)) {
  other.handle_ = nullptr;
  other.cache_.clear();
}

void Database::exec(std::string_view sql) const {
  char* error = nullptr;
  std::string text(sql);
  if (sqlite3_exec(handle_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(handle_);
    sqlite3_free(error);
    throw StoreError("store: " + message);
  }
}

Statement Database::prepare(std::string_view sql) const {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(handle_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr) != SQLITE_OK)
    throw StoreError("store: cannot prepare SQL: " + std::string(sqlite3_errmsg(handle_)));
  return Statement(handle_, statement, true);
}

Statement Database::prepare_cached(const std::string& sql) const {
  auto found = cache_.find(sql);
  if (found == cache_.end()) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(handle_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &statement,
                           nullptr) != SQLITE_OK)
      throw StoreError("store: cannot prepare SQL: " + std::string(sqlite3_errmsg(handle_)));
    found = cache_.emplace(sql, statement).first;
  }
  return Statement(handle_, found->second, false);
}

Statement::~Statement() {
  if (!handle_) return;
  if (owned_) {
    sqlite3_finalize(handle_);
  } else {
    sqlite3_reset(handle_);
    sqlite3_clear_bindings(handle_);
  }
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), handle_(other.handle_), owned_(other.owned_) {
  other.handle_ = nullptr;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(handle_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(handle_, index, value);
  return *this;
}
Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(handle_, index, value);
  return *this;
}
Statement& Statement::bind_blob(int index, std::string_view bytes) {
  if (bytes.empty()) return bind_null(index);
  sqlite3_bind_blob(handle_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(handle_, index);
  return *this;
}
Statement& Statement::bind_or_null(int index, std::string_view text) {
  return text.empty() ? bind_null(index) : bind(index, text);
}

bool Statement::step() {
  int rc = sqlite3_step(handle_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string message = sqlite3_errmsg(db_);
  sqlite3_reset(handle_);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) throw InputError(message);
  throw StoreError("store: " + message);
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(handle_);
  sqlite3_clear_bindings(handle_);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(handle_, column) == SQLITE_NULL; }

std::string Statement::text(int column) const {
  const unsigned char* value = sqlite3_column_text(handle_, column);
  if (!value) return {};
  return std::string(reinterpret_cast<const char*>(value), sqlite3_column_bytes(handle_, column));
}

std::string Statement::blob(int column) const {
  const void* value = sqlite3_column_blob(handle_, column);
  if (!value) return {};
  return std::string(static_cast<const char*>(value), sqlite3_column_bytes(handle_, column));
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(handle_, column); }
double Statement::real(int column) const { return sqlite3_column_double(handle_, column); }

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

}  // namespace antt::store
