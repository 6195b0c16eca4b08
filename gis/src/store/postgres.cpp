#include "postgres.hpp"

#include <charconv>
#include <cstdlib>

#include "antt/core/error.hpp"

namespace antt::store::pg {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// A failed result as the exception the caller should see.
[[noreturn]] void throw_failure(PGconn* connection, const PGresult* result) {
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (message.rfind("ERROR:  ", 0) == 0) message.erase(0, 8);
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  // 23xxx: a constraint; P0001: a trigger's RAISE EXCEPTION (the schema's rules, as SQLite's RAISE(ABORT)).
  if (sqlstate.rfind("23", 0) == 0 || sqlstate == "P0001") throw InputError(message);
  throw StoreError("store: " + message);
}

}  // namespace

Params& Params::text(std::string_view value) {
  values_.emplace_back(std::string(value));
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::text_or_null(std::string_view value) { return value.empty() ? null() : text(value); }

Params& Params::integer(std::int64_t value) { return text(std::to_string(value)); }

Params& Params::real(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return text(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

Params& Params::bytes(std::string_view value) {
  if (value.empty()) return null();
  values_.emplace_back(std::string(value));
  lengths_.push_back(static_cast<int>(value.size()));
  formats_.push_back(1);
  return *this;
}

Params& Params::null() {
  values_.emplace_back(std::nullopt);
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& value : values_) out.push_back(value ? value->c_str() : nullptr);
  return out;
}

std::string Result::text(int row, int column) const {
  if (is_null(row, column)) return {};
  return std::string(PQgetvalue(handle_.get(), row, column), PQgetlength(handle_.get(), row, column));
}

std::optional<std::string> Result::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::int64_t Result::integer(int row, int column) const {
  if (is_null(row, column)) return 0;
  const char* value = PQgetvalue(handle_.get(), row, column);
  // A boolean column reads as t/f.
  if (value[0] == 't') return 1;
  if (value[0] == 'f') return 0;
  return std::strtoll(value, nullptr, 10);
}

double Result::real(int row, int column) const {
  if (is_null(row, column)) return 0;
  const std::string value = text(row, column);
  double out = 0;
  std::from_chars(value.data(), value.data() + value.size(), out);
  return out;
}

std::string Result::bytes(int row, int column) const {
  if (is_null(row, column)) return {};
  const char* value = PQgetvalue(handle_.get(), row, column);
  const int length = PQgetlength(handle_.get(), row, column);
  if (length < 2 || value[0] != '\\' || value[1] != 'x') return std::string(value, length);
  std::string out;
  out.reserve(static_cast<std::size_t>(length - 2) / 2);
  for (int i = 2; i + 1 < length; i += 2)
    out.push_back(static_cast<char>(hex_value(value[i]) << 4 | hex_value(value[i + 1])));
  return out;
}

std::size_t Result::affected() const {
  const char* count = PQcmdTuples(handle_.get());
  return count && *count ? static_cast<std::size_t>(std::strtoull(count, nullptr, 10)) : 0;
}

Connection Connection::open(const std::string& conninfo) {
  const std::string label = without_password(conninfo);
  PGconn* handle = PQconnectdb(conninfo.c_str());
  if (!handle) throw StoreError("cannot connect to '" + label + "': out of memory");
  if (PQstatus(handle) != CONNECTION_OK) {
    std::string message = PQerrorMessage(handle);
    PQfinish(handle);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw StoreError("cannot connect to the PostgreSQL store '" + label + "': " + message +
                     " / không kết nối được CSDL PostgreSQL");
  }
  // Messages in English whatever the server's locale; our own messages carry the Vietnamese.
  PGresult* set = PQexec(handle, "SET client_min_messages = warning; SET lc_messages = 'C'");
  PQclear(set);
  PQsetClientEncoding(handle, "UTF8");
  return Connection(handle, label);
}

const std::string& Connection::prepared(const std::string& sql, int parameters) const {
  auto found = prepared_.find(sql);
  if (found != prepared_.end()) return found->second;
  std::string name = "anttmap_" + std::to_string(prepared_.size() + 1);
  PGresult* raw = PQprepare(handle_.get(), name.c_str(), sql.c_str(), parameters, nullptr);
  Result owner(raw);
  const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK) throw_failure(handle_.get(), raw);
  return prepared_.emplace(sql, std::move(name)).first->second;
}

Result Connection::exec(const std::string& sql, const Params& params) const {
  const auto pointers = params.pointers();
  PGresult* raw = PQexecPrepared(handle_.get(), prepared(sql, params.size()).c_str(), params.size(),
                                 pointers.data(), params.lengths().data(), params.formats().data(), 0);
  return checked(raw);
}

Result Connection::exec_once(const std::string& sql, const Params& params) const {
  const auto pointers = params.pointers();
  return checked(PQexecParams(handle_.get(), sql.c_str(), params.size(), nullptr, pointers.data(),
                              params.lengths().data(), params.formats().data(), 0));
}

Result Connection::checked(PGresult* raw) const {
  const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Result owner(raw);  // cleared however the throw leaves
    throw_failure(handle_.get(), raw);
  }
  return Result(raw);
}

void Connection::exec_script(const std::string& sql) const {
  PGresult* raw = PQexec(handle_.get(), sql.c_str());
  Result owner(raw);
  const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw_failure(handle_.get(), raw);
}

bool is_postgres_location(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string without_password(const std::string& location) {
  if (!is_postgres_location(location)) return location;
  const auto scheme_end = location.find("://") + 3;
  const auto at = location.find('@', scheme_end);
  const auto colon = location.find(':', scheme_end);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return location;
  return location.substr(0, colon + 1) + "***" + location.substr(at);
}

}  // namespace antt::store::pg
