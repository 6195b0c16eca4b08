#pragma once
// The PostGIS store's tables of accounts, API keys and the embed-token secret, as functions over its
// connection: hashes, digests and the secret only (antt/access/access.hpp makes them).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "antt/store/model.hpp"
#include "postgres.hpp"

namespace antt::store::postgis_access {

void add_account(const pg::Connection& db, const Account& account, const std::string& password_hash);
void set_account_password(const pg::Connection& db, const std::string& name, const std::string& password_hash);
void set_account_disabled(const pg::Connection& db, const std::string& name, bool disabled);
std::vector<Account> accounts(const pg::Connection& db);
std::optional<std::pair<Account, std::string>> account_credentials(const pg::Connection& db, const std::string& name);
void add_api_key(const pg::Connection& db, const ApiKey& key, const std::string& digest);
void revoke_api_key(const pg::Connection& db, const std::string& name);
std::vector<ApiKey> api_keys(const pg::Connection& db);
std::vector<std::pair<ApiKey, std::string>> active_api_key_digests(const pg::Connection& db);
std::int64_t rotate_server_secret(const pg::Connection& db, const std::string& secret);
std::optional<std::pair<std::int64_t, std::string>> server_secret(const pg::Connection& db);

}  // namespace antt::store::postgis_access
