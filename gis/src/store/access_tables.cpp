// The tables of who may sign in and what signs tokens (schema 3): accounts with their password
// hashes, API keys as digests, the embed-token secret. Only hashes, digests and the secret are
// stored; antt/access/access.hpp makes them.
#include "access_tables.hpp"

#include "store_rules.hpp"

#include "antt/core/error.hpp"

namespace antt::store::access_tables {
namespace {

/// id, name, role, scope, disabled, created_at, password_changed_at
Account account_of(const Statement& row) {
  return Account{row.integer(0), row.text(1), row.text(2), rules::split_scope(row.text(3)), row.integer(4) != 0,
                 row.text(5), row.text(6)};
}

/// id, name, role, scope, prefix, created_at, revoked_at
ApiKey api_key_of(const Statement& row) {
  return ApiKey{row.integer(0), row.text(1), row.text(2), rules::split_scope(row.text(3)), row.text(4), row.text(5),
                row.optional_text(6)};
}

/// InputError when there is no account `name`.
void require_account(const Database& db, const std::string& name) {
  if (!account_credentials(db, name)) throw InputError("no account '" + name + "' / không có tài khoản này");
}

}  // namespace

void add_account(const Database& db, const Account& account, const std::string& password_hash) {
  if (account_credentials(db, account.name))
    throw InputError("account '" + account.name + "' exists / tài khoản đã tồn tại");
  db.prepare_cached("INSERT INTO account (name, role, scope, password_hash, disabled) VALUES (?, ?, ?, ?, ?)")
      .bind(1, account.name)
      .bind(2, account.role)
      .bind(3, rules::joined_scope(account.scope))
      .bind(4, password_hash)
      .bind(5, account.disabled ? 1 : 0)
      .run();
}

void set_account_password(const Database& db, const std::string& name, const std::string& password_hash) {
  require_account(db, name);
  db.prepare_cached(
         "UPDATE account SET password_hash = ?, password_changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
         "WHERE name = ?")
      .bind(1, password_hash)
      .bind(2, name)
      .run();
}


void set_account_disabled(const Database& db, const std::string& name, bool disabled) {
  require_account(db, name);
  db.prepare_cached("UPDATE account SET disabled = ? WHERE name = ?").bind(1, disabled ? 1 : 0).bind(2, name).run();
}

std::vector<Account> accounts(const Database& db) {
  auto statement = db.prepare_cached(
      "SELECT id, name, role, scope, disabled, created_at, password_changed_at FROM account ORDER BY name");
  std::vector<Account> out;
  while (statement.step()) out.push_back(account_of(statement));
  return out;
}

std::optional<std::pair<Account, std::string>> account_credentials(const Database& db, const std::string& name) {
  auto statement = db.prepare_cached(
      "SELECT id, name, role, scope, disabled, created_at, password_changed_at, password_hash FROM account "
      "WHERE name = ?");
  statement.bind(1, name);
  if (!statement.step()) return std::nullopt;
  auto found = std::make_pair(account_of(statement), statement.text(7));
  statement.reset();
  return found;
}

void add_api_key(const Database& db, const ApiKey& key, const std::string& digest) {
  auto active = db.prepare_cached("SELECT count(*) FROM api_key WHERE name = ? AND revoked_at IS NULL");
  active.bind(1, key.name);
  active.step();
  const bool taken = active.integer(0) > 0;
  active.reset();
  if (taken) throw InputError("a key named '" + key.name + "' is active; revoke it first / khóa cùng tên đang dùng");
  db.prepare_cached("INSERT INTO api_key (name, role, scope, digest, prefix) VALUES (?, ?, ?, ?, ?)")
      .bind(1, key.name)
      .bind(2, key.role)
      .bind(3, rules::joined_scope(key.scope))
      .bind(4, digest)
      .bind(5, key.prefix)
      .run();
}

void revoke_api_key(const Database& db, const std::string& name) {
  db.prepare_cached(
         "UPDATE api_key SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE name = ? AND revoked_at IS NULL")
      .bind(1, name)
      .run();
  if (db.changes() == 0) throw InputError("no active key named '" + name + "' / không có khóa đang dùng tên này");
}

std::vector<ApiKey> api_keys(const Database& db) {
  auto statement =
      db.prepare_cached("SELECT id, name, role, scope, prefix, created_at, revoked_at FROM api_key ORDER BY id");
  std::vector<ApiKey> out;
  while (statement.step()) out.push_back(api_key_of(statement));
  return out;
}

std::vector<std::pair<ApiKey, std::string>> active_api_key_digests(const Database& db) {
  auto statement = db.prepare_cached(
      "SELECT id, name, role, scope, prefix, created_at, revoked_at, digest FROM api_key WHERE revoked_at IS NULL "
      "ORDER BY id");
  std::vector<std::pair<ApiKey, std::string>> out;
  while (statement.step()) out.emplace_back(api_key_of(statement), statement.text(7));
  return out;
}

std::int64_t rotate_server_secret(const Database& db, const std::string& secret) {
  db.prepare_cached(
         "UPDATE server_secret SET retired_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE retired_at IS NULL")
      .run();
  db.prepare_cached("INSERT INTO server_secret (secret) VALUES (?)").bind(1, secret).run();
  return db.last_insert_id();
}

std::optional<std::pair<std::int64_t, std::string>> server_secret(const Database& db) {
  auto statement =
      db.prepare_cached("SELECT id, secret FROM server_secret WHERE retired_at IS NULL ORDER BY id DESC LIMIT 1");
  if (!statement.step()) return std::nullopt;
  auto found = std::make_pair(statement.integer(0), statement.text(1));
  statement.reset();
  return found;
}

}  // namespace antt::store::access_tables
