#include "serve/access_control.hpp"

#include <mutex>

#include "antt/core/error.hpp"
#include "antt/geo/web_mercator.hpp"
#include "antt/styles/styles.hpp"
#include "serve/errors.hpp"

namespace antt::serve {
namespace {

std::shared_ptr<const layers::LayerRegistry> filtered(const layers::LayerRegistry& all, bool internal) {
  auto registry = std::make_shared<layers::LayerRegistry>();
  for (const auto& layer : all.layers())
    if (internal || layer.access == layers::Access::everyone) registry->add(layer);
  return registry;
}

std::string_view trim(std::string_view text) { return http::trim_whitespace(text); }

}  // namespace

nlohmann::ordered_json legend_of(const layers::LayerRegistry& layers) {
  auto legend = nlohmann::ordered_json::array();
  for (auto& style : nlohmann::ordered_json::parse(styles::legend_json())) {
    bool used = false;
    for (const auto& layer : layers.layers()) used = used || style.value("id", std::string()) == layer.style;
    if (used) legend.push_back(std::move(style));
  }
  return legend;
}

RequestError not_allowed(const access::Caller& caller, const std::string& what) {
  if (!caller.signed_in())
    return RequestError(401, what + " needs signing in (Authorization: Bearer KEY) / cần đăng nhập để xem");
  return RequestError(403, what + " is not open to the role " + std::string(access::to_string(caller.role)) +
                               " / vai trò này không được xem");
}

bool may_see(const access::Caller& caller, const layers::LayerDescriptor& layer) {
  if (caller.only_layers) {
    bool listed = false;
    for (const auto& name : *caller.only_layers) listed = listed || name == layer.name;
    if (!listed) return false;
  }
  return layer.access == layers::Access::everyone || caller.reads_internal();
}

LayerAccess::LayerAccess(std::shared_ptr<const layers::LayerRegistry> all)
    : all_(std::move(all)), public_(filtered(*all_, false)) {}

const std::shared_ptr<const layers::LayerRegistry>& LayerAccess::of_scope(access::DataScope scope) const {
  return scope == access::DataScope::internal ? all_ : public_;
}

std::shared_ptr<const layers::LayerRegistry> LayerAccess::visible_to(const access::Caller& caller) const {
  if (!caller.only_layers) return of_scope(caller.data_scope());
  auto registry = std::make_shared<layers::LayerRegistry>();
  for (const auto& layer : all_->layers())
    if (may_see(caller, layer)) registry->add(layer);
  return registry;
}

void LayerAccess::require_visible(const access::Caller& caller, std::string_view name) const {
  const auto* layer = all_->find(trim(name));
  if (layer != nullptr && !may_see(caller, *layer)) throw not_allowed(caller, "layer '" + layer->name + "'");
}

void LayerAccess::require_visible_list(const access::Caller& caller, std::string_view names) const {
  while (true) {
    const auto comma = names.find(',');
    require_visible(caller, names.substr(0, comma));
    if (comma == std::string_view::npos) break;
    names.remove_prefix(comma + 1);
  }
}

std::optional<std::string> cookie_value(const http::Request& request, std::string_view name) {
  const auto header = request.header("Cookie");
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    const auto semicolon = rest.find(';');
    const std::string_view pair = trim(rest.substr(0, semicolon));
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && trim(pair.substr(0, equals)) == name)
      return std::string(trim(pair.substr(equals + 1)));
    if (semicolon == std::string_view::npos) break;
    rest.remove_prefix(semicolon + 1);
  }
  return std::nullopt;
}

Credentials::Credentials(const store::Store& store, SessionOptions options,
                         std::function<bool(const std::string&)> internal_layer)
    : options_(std::move(options)), internal_layer_(std::move(internal_layer)) {
  reload(store);
}

void require_within_token_box(const access::Caller& caller, const std::array<double, 4>& box) {
  if (!caller.only_bbox) return;
  const auto& allowed = *caller.only_bbox;
  if (box[0] > allowed[2] || box[2] < allowed[0] || box[1] > allowed[3] || box[3] < allowed[1])
    throw not_allowed(caller, "this area (outside the token's box)");
}

void require_wms_within_token_box(const access::Caller& caller, const std::multimap<std::string, std::string>& params) {
  if (!caller.only_bbox) return;
  std::optional<std::string> bbox, crs, version;
  for (const auto& [name, value] : params) {
    if (http::iequals(name, "BBOX")) bbox = value;
    if (http::iequals(name, "SRS") || http::iequals(name, "CRS")) crs = value;
    if (http::iequals(name, "VERSION")) version = value;
  }
  if (!bbox) return;  // capabilities, legends: nothing drawn
  std::array<double, 4> numbers{};
  std::size_t start = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto comma = bbox->find(',', start);
    try {
      numbers[i] = std::stod(bbox->substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    } catch (const std::exception&) {
      throw RequestError("BBOX must be four numbers / BBOX cần 4 số");
    }
    if (comma == std::string::npos && i < 3) throw RequestError("BBOX must be four numbers / BBOX cần 4 số");
    start = comma + 1;
  }
  const std::string code = crs.value_or("");
  std::array<double, 4> box{};
  if (http::iequals(code, "CRS:84") || (http::iequals(code, "EPSG:4326") && version.value_or("") != "1.3.0")) {
    box = numbers;
  } else if (http::iequals(code, "EPSG:4326")) {  // WMS 1.3.0: latitude first
    box = {numbers[1], numbers[0], numbers[3], numbers[2]};
  } else if (http::iequals(code, "EPSG:3857")) {
    box = {geo::lon_of(numbers[0]), geo::lat_of(numbers[1]), geo::lon_of(numbers[2]), geo::lat_of(numbers[3])};
  } else {
    throw not_allowed(caller, "maps in " + code + " (a token limited to an area takes EPSG:4326, CRS:84 or EPSG:3857)");
  }
  require_within_token_box(caller, box);
}

std::chrono::steady_clock::time_point Credentials::now() const {
  return options_.now ? options_.now() : std::chrono::steady_clock::now();
}

void Credentials::reload(const store::Store& store) {
  std::unordered_map<std::string, access::Caller> keys;
  for (const auto& [key, digest] : store.active_api_key_digests()) {
    const auto role = access::parse_role(key.role);
    if (!role) continue;  // a role this version does not know opens nothing
    access::Caller caller;
    caller.role = *role;
    caller.credential = access::Credential::api_key;
    caller.name = key.name;
    caller.scope = key.scope;
    keys.emplace(digest, std::move(caller));
  }
  std::unordered_map<std::string, std::pair<store::Account, std::string>> accounts;
  for (const auto& account : store.accounts())
    if (auto credentials = store.account_credentials(account.name)) accounts.emplace(account.name, std::move(*credentials));
  {
    std::unique_lock lock(mutex_);
    keys_ = std::move(keys);
    accounts_ = accounts;
    secret_ = store.server_secret();
  }
  // A session lasts only while its account stays as it was signed in: enabled, same role and
  // scope, same password.
  std::lock_guard lock(sessions_mutex_);
  std::erase_if(sessions_, [&](const auto& entry) {
    const auto& session = entry.second;
    const auto found = accounts.find(session.caller.name);
    if (found == accounts.end()) return true;
    const auto& account = found->second.first;
    return account.disabled || account.password_changed_at != session.password_changed_at ||
           account.role != access::to_string(session.caller.role) || account.scope != session.caller.scope;
  });
}

std::size_t Credentials::key_count() const {
  std::shared_lock lock(mutex_);
  return keys_.size();
}

std::optional<http::Response> Credentials::identify(http::Request& request) const {
  request.caller = access::Caller{};
  auto refuse = [](const std::string& reason, const char* error) {
    http::Response refused = json_error_response(RequestError(401, reason));
    refused.headers["WWW-Authenticate"] = std::string("Bearer realm=\"anttmap\", error=\"") + error + "\"";
    return refused;
  };
  if (const auto authorization = request.header("Authorization")) {
    const std::string_view value = trim(*authorization);
    const auto space = value.find(' ');
    if (space == std::string_view::npos || !http::iequals(value.substr(0, space), "Bearer"))
      return refuse("Authorization must be 'Bearer KEY' / cần khóa dạng Bearer", "invalid_request");
    const std::string_view key = trim(value.substr(space + 1));
    if (key.empty() || key.size() > 256)
      return refuse("the key is empty or too long / khóa không hợp lệ", "invalid_token");
    const std::string digest = access::key_digest(key);
    std::shared_lock lock(mutex_);
    const auto found = keys_.find(digest);
    if (found == keys_.end())
      return refuse("the key is not valid: unknown or revoked / khóa không hợp lệ hoặc đã bị thu hồi", "invalid_token");
    request.caller = found->second;
    return std::nullopt;
  }
  for (const auto& [name, value] : request.params)
    if (http::iequals(name, "token")) return identify_token(request, value);
  const auto session_id = cookie_value(request, kSessionCookie);
  if (!session_id) return std::nullopt;
  {
    std::lock_guard lock(sessions_mutex_);
    const auto found = sessions_.find(*session_id);
    const auto at = now();
    if (found != sessions_.end() && (at - found->second.last_seen > options_.idle ||
                                     at - found->second.started > options_.absolute)) {
      sessions_.erase(found);
    } else if (found != sessions_.end()) {
      found->second.last_seen = at;
      request.caller = found->second.caller;
      // A state-changing request must show the session's CSRF token (the forms carry it as a
      // field, which their handlers check).
      const bool form = request.path == "/logout" || request.path == "/login";
      if (http::changes_state(request.method) && !form &&
          !access::same_secret(request.header(kCsrfHeader).value_or(""), found->second.csrf)) {
        return json_error_response(
            RequestError(403, "the request lacks its X-CSRF-Token / thiếu mã chống giả mạo yêu cầu (CSRF)"));
      }
      return std::nullopt;
    }
  }
  // An unknown or expired session: sign in again. The cookie is cleared either way.
  http::Response refused;
  if (request.method == "GET" && request.path == "/") {
    refused = http::Response::text(303, "", "text/plain; charset=utf-8");
    refused.headers["Location"] = "login?expired=1";  // relative: the viewer may sit under a proxy's sub-path
  } else {
    refused = refuse("the session has ended; sign in again at /login / phiên đăng nhập đã hết hạn", "invalid_token");
  }
  refused.headers["Set-Cookie"] = cleared_session_cookie();
  return refused;
}

std::optional<http::Response> Credentials::identify_token(http::Request& request, const std::string& token) const {
  std::optional<std::pair<std::int64_t, std::string>> secret;
  {
    std::shared_lock lock(mutex_);
    secret = secret_;
  }
  const std::int64_t now_unix =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto verified = access::verify_embed_token(
      token,
      [&](std::int64_t id) { return secret && secret->first == id ? std::optional(secret->second) : std::nullopt; },
      now_unix);
  if (const auto* reason = std::get_if<std::string>(&verified)) {
    http::Response refused = json_error_response(RequestError(401, *reason + " / mã nhúng không hợp lệ"));
    refused.headers["WWW-Authenticate"] = "Bearer realm=\"anttmap\", error=\"invalid_token\"";
    return refused;
  }
  const auto& grant = std::get<access::EmbedGrant>(verified);
  // A token opens maps: the pages and tiles of the iframe, the map services, and what they read.
  static const char* const kMapPaths[] = {"/embed", "/tiles/", "/wmts", "/wms", "/api/years", "/api/legend",
                                          "/api/layers", "/assets/"};
  bool map_path = false;
  for (const char* prefix : kMapPaths) map_path = map_path || request.path.starts_with(prefix);
  if (!map_path)
    return json_error_response(RequestError(403, "an embed token opens maps only / mã nhúng chỉ dùng cho bản đồ"));
  access::Caller caller;
  caller.credential = access::Credential::embed_token;
  caller.name = "embed token";
  caller.role = access::Role::partner;
  for (const auto& layer : grant.layers)
    if (internal_layer_ && internal_layer_(layer)) caller.role = access::Role::viewer;
  caller.only_layers = grant.layers;
  caller.only_bbox = grant.bbox;
  request.caller = std::move(caller);
  return std::nullopt;
}

http::Gate Credentials::gate() const {
  return [this](http::Request& request, http::GateStage) { return identify(request); };
}

std::optional<Credentials::SignIn> Credentials::sign_in(const std::string& name, const std::string& password) {
  std::optional<std::pair<store::Account, std::string>> account;
  {
    std::shared_lock lock(mutex_);
    if (const auto found = accounts_.find(name); found != accounts_.end()) account = found->second;
  }
  // An unknown name costs as much as a wrong password: the time does not tell which it was.
  static const std::string kNobody = access::hash_password("no account has this password");
  const bool matches = access::verify_password(account ? account->second : kNobody, password);
  if (!account || !matches || account->first.disabled) return std::nullopt;
  const auto role = access::parse_role(account->first.role);
  if (!role) return std::nullopt;
  Session session;
  session.caller.role = *role;
  session.caller.credential = access::Credential::session;
  session.caller.name = account->first.name;
  session.caller.scope = account->first.scope;
  session.csrf = access::random_token();
  session.password_changed_at = account->first.password_changed_at;
  session.started = session.last_seen = now();
  SignIn signed_in{access::random_token(), session.csrf};
  std::lock_guard lock(sessions_mutex_);
  // Sessions nobody uses any more are dropped here, so they cannot pile up.
  std::erase_if(sessions_, [&](const auto& entry) {
    return session.started - entry.second.last_seen > options_.idle ||
           session.started - entry.second.started > options_.absolute;
  });
  sessions_.emplace(signed_in.session_id, std::move(session));
  return signed_in;
}

void Credentials::sign_out(std::string_view session_id) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(std::string(session_id));
}

bool Credentials::allow_sign_in_try(const std::string& name, const std::string& address) {
  const auto at = now();
  std::lock_guard lock(sessions_mutex_);
  if (tries_.size() > 100000) tries_.clear();  // a flood of names must not grow memory without bound
  bool allowed = true;
  for (const std::string& key : {"account:" + name, "address:" + address}) {
    auto& times = tries_[key];
    std::erase_if(times, [&](auto time) { return at - time >= std::chrono::minutes(1); });
    if (static_cast<int>(times.size()) >= options_.tries_per_minute) allowed = false;
    if (static_cast<int>(times.size()) < 2 * options_.tries_per_minute) times.push_back(at);  // bounded
  }
  return allowed;
}

std::string Credentials::csrf_of(const http::Request& request) const {
  const auto session_id = cookie_value(request, kSessionCookie);
  if (!session_id) return {};
  std::lock_guard lock(sessions_mutex_);
  const auto found = sessions_.find(*session_id);
  return found == sessions_.end() ? std::string() : found->second.csrf;
}

std::string Credentials::session_cookie(const std::string& session_id) const {
  return std::string(kSessionCookie) + "=" + session_id + "; Path=/; HttpOnly; SameSite=Strict" +
         (options_.secure_cookie ? "; Secure" : "");
}

std::string Credentials::cleared_session_cookie() const {
  return std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
         (options_.secure_cookie ? "; Secure" : "");
}

}  // namespace antt::serve
