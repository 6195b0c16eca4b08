// Embed tokens and keys (gis/include/antt/access/access.hpp). The first byte picks what the rest is
// (the seeds start with a digit):
//   0  a token as sent in ?token=: verify_embed_token never throws, and a grant it accepts signs
//      again into a token that verifies to the same grant;
//   1  a token's JSON payload, signed here with the test secret as the header describes the format
//      (base64url, HMAC-SHA-256), so the fuzzer reaches what is read after the signature check;
//   2  bytes that make a grant as `anttmap token add` does: sign, verify, the same grant back;
//   3  an API key or account name: digests, prefixes, names and roles.
#include <fuzzer/FuzzedDataProvider.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "antt/access/access.hpp"
#include "antt/core/error.hpp"
#include "fuzz_support.hpp"

namespace {

using antt::fuzz::require;
namespace access = antt::access;

constexpr std::int64_t kTestKeyId = 7;
constexpr std::int64_t kNow = 1'700'000'000;  // a fixed "now": runs do not depend on the clock

const std::string& test_secret() {
  static const std::string secret = [] {
    require(sodium_init() >= 0, "libsodium starts");  // signed_payload calls it directly
    return std::string("fuzz-test-secret: never a server's");
  }();
  return secret;
}

std::variant<access::EmbedGrant, std::string> verify(std::string_view token) {
  return access::verify_embed_token(
      token, [](std::int64_t id) { return id == kTestKeyId ? std::optional(test_secret()) : std::nullopt; }, kNow);
}

bool same_grant(const access::EmbedGrant& a, const access::EmbedGrant& b) {
  return a.layers == b.layers && a.bbox == b.bbox && a.expires == b.expires;
}

/// Signs `grant` with the test secret and reads it back.
void require_round_trip(const access::EmbedGrant& grant) {
  const std::string token = access::sign_embed_token(grant, kTestKeyId, test_secret());
  const auto verified = verify(token);
  const auto* back = std::get_if<access::EmbedGrant>(&verified);
  require(back != nullptr, "a token signed with the secret verifies");
  require(same_grant(*back, grant), "a verified token gives back the grant it was signed with");
}

std::string base64url(std::string_view bytes) {
  std::string text(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(text.find('\0'));
  return text;
}

/// "v1." base64url(payload) "." base64url(HMAC-SHA-256 of the first part under the test secret).
std::string signed_payload(std::string_view payload) {
  const std::string body = base64url(payload);
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(test_secret().data()), test_secret().size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return "v1." + body + "." + base64url({reinterpret_cast<const char*>(mac.data()), mac.size()});
}

void check_token(std::string_view token) {
  const auto verified = verify(token);
  if (const auto* grant = std::get_if<access::EmbedGrant>(&verified)) {
    require(grant->expires > kNow, "an accepted token has not expired");
    // Tokens the server signs hold finite boxes (the CLI checks them); others need not round-trip.
    const bool finite = !grant->bbox || std::all_of(grant->bbox->begin(), grant->bbox->end(), [](double v) { return std::isfinite(v); });
    if (finite) require_round_trip(*grant);
  } else {
    require(!std::get<std::string>(verified).empty(), "a refused token has a reason");
  }
}

/// A grant as `anttmap token add` makes one: registry names, a box within the world, a future expiry.
access::EmbedGrant grant_from(FuzzedDataProvider& input) {
  access::EmbedGrant grant;
  const auto layers = input.ConsumeIntegralInRange<int>(0, 8);
  for (int i = 0; i < layers; ++i) {
    std::string name = input.ConsumeRandomLengthString(40);
    for (char& c : name) c = "abcdefghijklmnopqrstuvwxyz0123456789_"[static_cast<unsigned char>(c) % 37];
    grant.layers.push_back(name);
  }
  if (input.ConsumeBool()) {
    const double west = input.ConsumeFloatingPointInRange(-180.0, 179.0);
    const double south = input.ConsumeFloatingPointInRange(-90.0, 89.0);
    grant.bbox = std::array<double, 4>{west, south, input.ConsumeFloatingPointInRange(west, 180.0),
                                       input.ConsumeFloatingPointInRange(south, 90.0)};
  }
  grant.expires = input.ConsumeIntegralInRange<std::int64_t>(kNow + 1, kNow + 3650LL * 86400);
  return grant;
}

void check_key(const std::string& text) {
  const std::string digest = access::key_digest(text);
  require(digest.size() == 64 && digest.find_first_not_of("0123456789abcdef") == std::string::npos,
          "a key digest is 64 hex digits");
  const std::string prefix = access::key_prefix(text);
  require(prefix.size() <= 9 && text.starts_with(prefix), "a key prefix is the key's first characters");
  require(access::same_secret(text, text), "a secret equals itself");
  require(!access::same_secret(text, text + "x"), "secrets of different lengths differ");
  try {
    access::check_name(text, "account");
  } catch (const antt::UsageError&) {
  }
  if (const auto role = access::parse_role(text)) require(access::to_string(*role) == text, "roles read back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      check_token(rest);
      break;
    case 1:
      check_token(signed_payload(rest));
      break;
    case 2: {
      FuzzedDataProvider input(data + 1, size - 1);
      require_round_trip(grant_from(input));
      break;
    }
    default:
      check_key(rest);
      break;
  }
  return 0;
}
