#pragma once
// Who asks, and what each caller may see. The gate (Credentials::gate) runs before every handler:
// it turns `Authorization: Bearer KEY` into a caller with the key's role, refuses keys that are
// not valid (401), and leaves everyone else the public. LayerAccess gives each caller its own view
// of the layer registry, from the descriptors' access levels: every endpoint lists, draws and
// queries only the layers of that view, and refuses a hidden layer asked for by name (401 for the
// public, 403 for a signed-in caller whose role does not reach it).
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "antt/access/access.hpp"
#include "antt/core/error.hpp"
#include "antt/layers/layers.hpp"
#include "antt/store/store.hpp"
#include "http/http.hpp"

namespace antt::serve {

/// The refusal of something `caller` may not see: 401 with a sign-in hint for the public, 403
/// for a caller that signed in.
RequestError not_allowed(const access::Caller& caller, const std::string& what);

/// The legend (`anttmap styles --format json`) of the styles `layers` use, and of no other.
nlohmann::ordered_json legend_of(const layers::LayerRegistry& layers);

/// True when `caller` may see `layer`.
bool may_see(const access::Caller& caller, const layers::LayerDescriptor& layer);

class LayerAccess {
 public:
  explicit LayerAccess(std::shared_ptr<const layers::LayerRegistry> all);

  /// Every layer, whoever may see it (the render file, the map engine).
  const std::shared_ptr<const layers::LayerRegistry>& all() const { return all_; }
  /// The layers a data scope reaches, in drawing order.
  const std::shared_ptr<const layers::LayerRegistry>& of_scope(access::DataScope scope) const;
  /// The layers `caller` may see, in drawing order.
  std::shared_ptr<const layers::LayerRegistry> visible_to(const access::Caller& caller) const;
  /// not_allowed() when `name` is a layer hidden from `caller`; names of no layer pass (the
  /// endpoint answers 404 naming the layers the caller may see).
  void require_visible(const access::Caller& caller, std::string_view name) const;
  /// The same for each name of a comma-separated list.
  void require_visible_list(const access::Caller& caller, std::string_view names) const;

 private:
  std::shared_ptr<const layers::LayerRegistry> all_;
  std::shared_ptr<const layers::LayerRegistry> public_;
};

inline constexpr std::string_view kSessionCookie = "anttmap_session";
inline constexpr std::string_view kLoginCookie = "anttmap_login";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

struct SessionOptions {
  std::chrono::seconds idle{30 * 60};        ///< a session unused this long ends
  std::chrono::seconds absolute{12 * 3600};  ///< and every session ends this long after sign-in
  bool secure_cookie = false;                ///< cookies only over HTTPS (set when serving TLS)
  int tries_per_minute = 10;                 ///< sign-in tries per account and per address
  /// The clock (tests move it); steady_clock::now by default.
  std::function<std::chrono::steady_clock::time_point()> now;
};

/// not_allowed (403) when `caller` holds an embed token limited to a box that `box` (lon/lat:
/// west, south, east, north) does not touch.
void require_within_token_box(const access::Caller& caller, const std::array<double, 4>& box);
/// The same for a WMS request's BBOX (EPSG:4326, CRS:84 or EPSG:3857; others are refused for such
/// a token).
void require_wms_within_token_box(const access::Caller& caller, const std::multimap<std::string, std::string>& params);

/// The value of cookie `name` in the request's Cookie header, if sent.
std::optional<std::string> cookie_value(const http::Request& request, std::string_view name);

/// The credentials the server accepts: API keys and the accounts' passwords, read from the store
/// and read again whenever its change feed shows an account or key change (a revoked key, a
/// disabled account or a changed password stops working at the next poll), and the sessions of
/// signed-in browsers (kept in memory: a restart signs everyone out).
class Credentials {
 public:
  /// `internal_layer` tells whether a layer an embed token names is internal (its holder then reads
  /// the internal scope, for that layer only).
  Credentials(const store::Store& store, SessionOptions options = {},
              std::function<bool(const std::string&)> internal_layer = {});
  void reload(const store::Store& store);

  /// The caller a request's credentials name (Authorization: Bearer KEY, or the session cookie),
  /// or the refusal: 401 with WWW-Authenticate for a key or session that is not valid (an expired
  /// session's cookie is cleared; the viewer's page redirects to /login), 403 for a state-changing
  /// request of a session without its CSRF token.
  std::optional<http::Response> identify(http::Request& request) const;
  /// identify() as the router's gate.
  http::Gate gate() const;
  std::size_t key_count() const;

  struct SignIn {
    std::string session_id;
    std::string csrf;
  };
  /// Checks a name and password (argon2id: slow on purpose, call it on a worker); nothing when they
  /// do not match an enabled account.
  std::optional<SignIn> sign_in(const std::string& name, const std::string& password);
  void sign_out(std::string_view session_id);
  /// Counts a sign-in try; false when the account or the address made tries_per_minute already.
  bool allow_sign_in_try(const std::string& name, const std::string& address);
  /// The CSRF token of the request's session (the viewer's page carries it); empty without one.
  std::string csrf_of(const http::Request& request) const;
  /// Set-Cookie values: the session, and its removal.
  std::string session_cookie(const std::string& session_id) const;
  std::string cleared_session_cookie() const;
  const SessionOptions& options() const { return options_; }

 private:
  struct Session {
    access::Caller caller;
    std::string csrf;
    std::string password_changed_at;
    std::chrono::steady_clock::time_point started, last_seen;
  };
  std::chrono::steady_clock::time_point now() const;

  std::optional<http::Response> identify_token(http::Request& request, const std::string& token) const;

  SessionOptions options_;
  std::function<bool(const std::string&)> internal_layer_;
  mutable std::shared_mutex mutex_;  ///< guards keys_, accounts_ and secret_
  std::optional<std::pair<std::int64_t, std::string>> secret_;  ///< signs embed tokens
  std::unordered_map<std::string, access::Caller> keys_;  ///< by digest
  std::unordered_map<std::string, std::pair<store::Account, std::string>> accounts_;  ///< by name, with hash
  mutable std::mutex sessions_mutex_;  ///< guards sessions_ and tries_
  mutable std::unordered_map<std::string, Session> sessions_;  ///< by id
  std::unordered_map<std::string, std::vector<std::chrono::steady_clock::time_point>> tries_;
};

}  // namespace antt::serve
