// The PostGIS store's tables of accounts, API keys and the embed-token secret (schema 3), as
// functions over its connection (as access_tables.cpp for SQLite); PostgisStore checks that it is
// inside a write before calling the writing ones.
#include "postgis_access.hpp"

#include "antt/core/error.hpp"
#include "store_rules.hpp"

namespace antt::store::postgis_access {
namespace {

using pg::Params;

/// id, name, role, scope, disabled, created_at, password_changed_at
Account account_of(const pg::Result& result, int row) {
  return Account{result.integer(row, 0), result.text(row, 1), result.text(row, 2), rules::split_scope(result.text(row, 3)),
                 result.integer(row, 4) != 0, result.text(row, 5), result.text(row, 6)};
}

/// id, name, role, scope, prefix, created_at, revoked_at
ApiKey api_key_of(const pg::Result& result, int row) {
  return ApiKey{result.integer(row, 0), result.text(row, 1), result.text(row, 2), rules::split_scope(result.text(row, 3)),
                result.text(row, 4),    result.text(row, 5), result.optional_text(row, 6)};
}

void require_account(const pg::Connection& db, const std::string& name);

}  // namespace

void add_account(const pg::Connection& db, const Account& account, const std::string& password_hash) {
  if (account_credentials(db, account.name))
    throw InputError("account '" + account.name + "' exists / tài khoản đã tồn tại");
  db.exec("INSERT INTO account (name, role, scope, password_hash, disabled) VALUES ($1, $2, $3, $4, $5)",
           Params()
               .text(account.name)
               .text(account.role)
               .text(rules::joined_scope(account.scope))
               .text(password_hash)
               .integer(account.disabled ? 1 : 0));
}

void set_account_password(const pg::Connection& db, const std::string& name, const std::string& password_hash) {
  require_account(db, name);
  db.exec("UPDATE account SET password_hash = $1, password_changed_at = anttmap_now() WHERE name = $2",
           Params().text(password_hash).text(name));
}

void set_account_disabled(const pg::Connection& db, const std::string& name, bool disabled) {
  require_account(db, name);
  db.exec("UPDATE account SET disabled = $1 WHERE name = $2", Params().integer(disabled ? 1 : 0).text(name));
}

std::vector<Account> accounts(const pg::Connection& db) {
  auto result = db.exec("SELECT id, name, role, scope, disabled, created_at, password_changed_at FROM account "
                         "ORDER BY name");
  std::vector<Account> out;
  for (int row = 0; row < result.rows(); ++row) out.push_back(account_of(result, row));
  return out;
}

std::optional<std::pair<Account, std::string>> account_credentials(const pg::Connection& db, const std::string& name) {
  auto result = db.exec("SELECT id, name, role, scope, disabled, created_at, password_changed_at, password_hash "
                         "FROM account WHERE name = $1",
                         Params().text(name));
  if (result.rows() == 0) return std::nullopt;
  return std::make_pair(account_of(result, 0), result.text(0, 7));
}

void add_api_key(const pg::Connection& db, const ApiKey& key, const std::string& digest) {
  if (db.exec("SELECT 1 FROM api_key WHERE name = $1 AND revoked_at IS NULL", Params().text(key.name)).rows() > 0)
    throw InputError("a key named '" + key.name + "' is active; revoke it first / khóa cùng tên đang dùng");
  db.exec("INSERT INTO api_key (name, role, scope, digest, prefix) VALUES ($1, $2, $3, $4, $5)",
           Params().text(key.name).text(key.role).text(rules::joined_scope(key.scope)).text(digest).text(key.prefix));
}

void revoke_api_key(const pg::Connection& db, const std::string& name) {
  auto result = db.exec("UPDATE api_key SET revoked_at = anttmap_now() WHERE name = $1 AND revoked_at IS NULL",
                         Params().text(name));
  if (result.affected() == 0) throw InputError("no active key named '" + name + "' / không có khóa đang dùng tên này");
}

std::vector<ApiKey> api_keys(const pg::Connection& db) {
  auto result = db.exec("SELECT id, name, role, scope, prefix, created_at, revoked_at FROM api_key ORDER BY id");
  std::vector<ApiKey> out;
  for (int row = 0; row < result.rows(); ++row) out.push_back(api_key_of(result, row));
  return out;
}

std::vector<std::pair<ApiKey, std::string>> active_api_key_digests(const pg::Connection& db) {
  auto result = db.exec("SELECT id, name, role, scope, prefix, created_at, revoked_at, digest FROM api_key "
                         "WHERE revoked_at IS NULL ORDER BY id");
  std::vector<std::pair<ApiKey, std::string>> out;
  for (int row = 0; row < result.rows(); ++row) out.emplace_back(api_key_of(result, row), result.text(row, 7));
  return out;
}

std::int64_t rotate_server_secret(const pg::Connection& db, const std::string& secret) {
  db.exec("UPDATE server_secret SET retired_at = anttmap_now() WHERE retired_at IS NULL");
  return db.exec("INSERT INTO server_secret (secret) VALUES ($1) RETURNING id", Params().text(secret)).integer(0, 0);
}

std::optional<std::pair<std::int64_t, std::string>> server_secret(const pg::Connection& db) {
  auto result = db.exec("SELECT id, secret FROM server_secret WHERE retired_at IS NULL ORDER BY id DESC LIMIT 1");
  if (result.rows() == 0) return std::nullopt;
  return std::make_pair(result.integer(0, 0), result.text(0, 1));
}

namespace {

void require_account(const pg::Connection& db, const std::string& name) {
  if (!account_credentials(db, name)) throw InputError("no account '" + name + "' / không có tài khoản này");
}

}  // namespace

}  // namespace antt::store::postgis_access
