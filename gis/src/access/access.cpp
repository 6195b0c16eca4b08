#include "antt/access/access.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <array>
#include <stdexcept>

#include "antt/core/error.hpp"

namespace antt::access {
namespace {

/// libsodium must be initialised before use; sodium_init() is idempotent and thread-safe.
void ensure_sodium() {
  if (sodium_init() < 0) throw Error("libsodium could not be initialised");
}

std::string base64url(const unsigned char* bytes, std::size_t size) {
  std::string text(sodium_base64_encoded_len(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(text.find('\0'));
  return text;
}

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::everyone: return "public";
    case Role::partner: return "partner";
    case Role::viewer: return "viewer";
    case Role::editor: return "editor";
    case Role::admin: return "admin";
  }
  return "public";
}

std::optional<Role> parse_role(std::string_view text) {
  for (Role role : {Role::everyone, Role::partner, Role::viewer, Role::editor, Role::admin})
    if (to_string(role) == text) return role;
  return std::nullopt;
}

Role role_from(std::string_view text) {
  if (auto role = parse_role(text)) return *role;
  throw UsageError("unknown role '" + std::string(text) +
                   "': public, partner, viewer, editor or admin / vai trò không hợp lệ");
}

std::string_view to_string(DataScope scope) { return scope == DataScope::internal ? "internal" : "public"; }

DataScope data_scope_of(Role role) {
  return role == Role::viewer || role == Role::editor || role == Role::admin ? DataScope::internal
                                                                            : DataScope::everyone;
}

void check_name(std::string_view name, std::string_view what) {
  const bool valid = !name.empty() && name.size() <= 64 && [&] {
    for (char c : name) {
      const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                           c == '_' || c == '-' || c == '@';
      if (!allowed) return false;
    }
    return true;
  }();
  if (!valid)
    throw UsageError(std::string(what) + " name '" + std::string(name) +
                     "' must be 1-64 characters of a-z, A-Z, 0-9, '.', '_', '-', '@' / tên chỉ gồm chữ không dấu, "
                     "số và . _ - @");
}

std::string hash_password(std::string_view password) {
  if (password.size() < kMinPasswordLength)
    throw UsageError("a password needs at least " + std::to_string(kMinPasswordLength) +
                     " characters / mật khẩu cần ít nhất " + std::to_string(kMinPasswordLength) + " ký tự");
  if (password.size() > 1024) throw UsageError("a password has at most 1024 characters / mật khẩu quá dài");
  ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> hash{};
  if (crypto_pwhash_str_alg(hash.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw Error("hashing the password ran out of memory");
  }
  return std::string(hash.data());
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  if (hash.size() >= crypto_pwhash_STRBYTES || password.size() > 1024) return false;
  std::array<char, crypto_pwhash_STRBYTES> terminated{};
  hash.copy(terminated.data(), hash.size());
  return crypto_pwhash_str_verify(terminated.data(), password.data(), password.size()) == 0;
}

std::string random_token(std::size_t bytes) {
  ensure_sodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return base64url(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string new_api_key() { return "antt_" + random_token(32); }

std::string key_digest(std::string_view key) {
  ensure_sodium();
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                     nullptr, 0);
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

namespace {

std::string hmac(std::string_view secret, std::string_view message) {
  ensure_sodium();
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return base64url(mac.data(), mac.size());
}

std::optional<std::string> from_base64url(std::string_view text) {
  ensure_sodium();
  std::string bytes(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(), text.size(),
                        nullptr, &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return std::nullopt;
  bytes.resize(length);
  return bytes;
}

}  // namespace

std::string sign_embed_token(const EmbedGrant& grant, std::int64_t key_id, std::string_view secret) {
  nlohmann::json payload{{"k", key_id}, {"l", grant.layers}, {"e", grant.expires}};
  if (grant.bbox) payload["b"] = *grant.bbox;
  const std::string text = payload.dump();
  const std::string body = base64url(reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return "v1." + body + "." + hmac(secret, body);
}

std::variant<EmbedGrant, std::string> verify_embed_token(
    std::string_view token, const std::function<std::optional<std::string>(std::int64_t)>& secret_of,
    std::int64_t now) {
  if (token.size() > 4096 || !token.starts_with("v1.")) return std::string("not an anttmap embed token");
  token.remove_prefix(3);
  const auto dot = token.find('.');
  if (dot == std::string_view::npos) return std::string("not an anttmap embed token");
  const std::string_view body = token.substr(0, dot);
  const std::string_view mac = token.substr(dot + 1);
  const auto text = from_base64url(body);
  if (!text) return std::string("the token is damaged");
  const auto payload = nlohmann::json::parse(*text, nullptr, false);
  if (!payload.is_object() || !payload.contains("k") || !payload["k"].is_number_integer() || !payload.contains("l") ||
      !payload["l"].is_array() || !payload.contains("e") || !payload["e"].is_number_integer())
    return std::string("the token is damaged");
  const auto secret = secret_of(payload["k"].get<std::int64_t>());
  // The signature is checked before anything the token says is believed.
  if (!secret || !same_secret(hmac(*secret, body), mac)) return std::string("the token's signature is not valid");
  EmbedGrant grant;
  for (const auto& layer : payload["l"]) {
    if (!layer.is_string()) return std::string("the token is damaged");
    grant.layers.push_back(layer.get<std::string>());
  }
  grant.expires = payload["e"].get<std::int64_t>();
  if (payload.contains("b")) {
    const auto& box = payload["b"];
    if (!box.is_array() || box.size() != 4) return std::string("the token is damaged");
    std::array<double, 4> values{};
    for (std::size_t i = 0; i < 4; ++i) {
      if (!box[i].is_number()) return std::string("the token is damaged");
      values[i] = box[i].get<double>();
    }
    grant.bbox = values;
  }
  if (grant.expires <= now) return std::string("the token has expired");
  return grant;
}

std::string key_prefix(std::string_view key) { return std::string(key.substr(0, 9)); }

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  ensure_sodium();
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace antt::access
