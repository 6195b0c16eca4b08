#pragma once
// The SpatiaLite store's tables of accounts, API keys and the embed-token secret (schema 3), as
// functions over its database; SpatiaLiteStore checks that it is inside a write before calling the
// writing ones.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "antt/store/model.hpp"
#include "antt/store/sqlite.hpp"

namespace antt::store::access_tables {

void add_account(const Database& db, const Account& account, const std::string& password_hash);
void set_account_password(const Database& db, const std::string& name, const std::string& password_hash);
void set_account_disabled(const Database& db, const std::string& name, bool disabled);
std::vector<Account> accounts(const Database& db);
std::optional<std::pair<Account, std::string>> account_credentials(const Database& db, const std::string& name);
void add_api_key(const Database& db, const ApiKey& key, const std::string& digest);
void revoke_api_key(const Database& db, const std::string& name);
std::vector<ApiKey> api_keys(const Database& db);
std::vector<std::pair<ApiKey, std::string>> active_api_key_digests(const Database& db);
std::int64_t rotate_server_secret(const Database& db, const std::string& secret);
std::optional<std::pair<std::int64_t, std::string>> server_secret(const Database& db);

}  // namespace antt::store::access_tables
