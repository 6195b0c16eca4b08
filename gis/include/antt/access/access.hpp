#pragma once
// Who may see and do what. A caller of the server (or of the CLI on another's behalf) has a role;
// the role decides its data scope: `public` and `partner` see the public layers and aggregates,
// `viewer`, `editor` and `admin` also the internal ones (hotspots, clusters, models, editors'
// names, the audit). Secrets are hashed here, once, for the store: passwords with argon2id
// (libsodium's crypto_pwhash), API keys (random, 256 bits) with BLAKE2b, so a copy of the store
// gives nobody a way in.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace antt::access {

enum class Role { everyone, partner, viewer, editor, admin };
std::string_view to_string(Role role);  ///< "public", "partner", "viewer", "editor", "admin"
std::optional<Role> parse_role(std::string_view text);
/// Role from text; UsageError naming the roles when it is none of them.
Role role_from(std::string_view text);

/// Which data an answer may be drawn from: what is cached, kept or tagged is keyed by it.
enum class DataScope { everyone, internal };
std::string_view to_string(DataScope scope);  ///< "public" or "internal"
DataScope data_scope_of(Role role);

/// How a caller proved who it is.
enum class Credential { none, api_key, session, embed_token, local };

struct Caller {
  Role role = Role::everyone;
  Credential credential = Credential::none;
  std::string name;                ///< account or key name; empty for the public
  std::vector<std::string> scope;  ///< editors: the unit codes they edit
  /// The token's layers, for a caller holding an embed token: it sees no other layer.
  std::optional<std::vector<std::string>> only_layers;

  bool signed_in() const { return credential != Credential::none; }
  DataScope data_scope() const { return data_scope_of(role); }
  bool reads_internal() const { return data_scope() == DataScope::internal; }
  bool is_admin() const { return role == Role::admin; }
};

/// An account or key name: 1-64 of a-z A-Z 0-9 . _ - @; UsageError otherwise.
void check_name(std::string_view name, std::string_view what);

/// Passwords: at least kMinPasswordLength characters (bytes of UTF-8), at most 1024.
inline constexpr std::size_t kMinPasswordLength = 10;
/// argon2id hash in libsodium's self-describing text form; UsageError for a too short password.
std::string hash_password(std::string_view password);
/// True when `password` matches `hash` (constant time in the password's content).
bool verify_password(std::string_view hash, std::string_view password);

/// A new API key: "antt_" and 43 base64url characters (32 random bytes).
std::string new_api_key();
/// What the store keeps of a key: hex BLAKE2b-256. Keys are random, so no slow hash is needed.
std::string key_digest(std::string_view key);
/// The first characters of a key, shown in lists to recognise it ("antt_AbC1").
std::string key_prefix(std::string_view key);

/// Random bytes as base64url without padding (session ids, CSRF tokens, secrets).
std::string random_token(std::size_t bytes = 32);
/// Constant-time comparison of two strings of equal length; false for different lengths.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace antt::access
