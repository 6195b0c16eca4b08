#pragma once
// Who may see and do what. A caller of the server (or of the CLI on another's behalf) has a role;
// the role decides its data scope: `public` and `partner` see the public layers and aggregates,
// `viewer`, `editor` and `admin` also the internal ones (hotspots, clusters, models, editors'
// names, the audit). Secrets are hashed here, once, for the store: passwords with argon2id
// (libsodium's crypto_pwhash), API keys (random, 256 bits) with BLAKE2b, so a copy of the store
// gives nobody a way in.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
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

/// What an embed token grants: some layers, optionally only within a lon/lat box, until a time.
struct EmbedGrant {
  std::vector<std::string> layers;
  std::optional<std::array<double, 4>> bbox;  ///< west, south, east, north (degrees)
  std::int64_t expires = 0;                   ///< Unix seconds
};

/// A signed embed token: "v1." base64url(JSON of the grant and key id) "." base64url(HMAC-SHA-256).
std::string sign_embed_token(const EmbedGrant& grant, std::int64_t key_id, std::string_view secret);
/// The grant of `token` when its signature is that of secret `key_id` (`secret_of` gives it, or
/// nothing for a retired or unknown one) and it has not expired at `now` (Unix seconds); the
/// reason it is refused otherwise.
std::variant<EmbedGrant, std::string> verify_embed_token(
    std::string_view token, const std::function<std::optional<std::string>(std::int64_t)>& secret_of,
    std::int64_t now);

struct Caller {
  Role role = Role::everyone;
  Credential credential = Credential::none;
  std::string name;                ///< account or key name; empty for the public
  std::vector<std::string> scope;  ///< editors: the unit codes they edit
  /// The token's layers, for a caller holding an embed token: it sees no other layer.
  std::optional<std::vector<std::string>> only_layers;
  /// And only within this lon/lat box (west, south, east, north).
  std::optional<std::array<double, 4>> only_bbox;

  bool signed_in() const { return credential != Credential::none; }
  DataScope data_scope() const { return data_scope_of(role); }
  bool reads_internal() const { return data_scope() == DataScope::internal; }
  bool is_admin() const { return role == Role::admin; }
  /// Internal attributes of public records (editors' names): internal roles, not embed tokens.
  bool reads_internal_attributes() const { return reads_internal() && credential != Credential::embed_token; }
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
