#include "serve/access_control.hpp"

#include <mutex>

#include "antt/core/error.hpp"
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

Credentials::Credentials(const store::Store& store) { reload(store); }

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
  std::unique_lock lock(mutex_);
  keys_ = std::move(keys);
}

std::size_t Credentials::key_count() const {
  std::shared_lock lock(mutex_);
  return keys_.size();
}

std::optional<http::Response> Credentials::identify(http::Request& request) const {
  const auto authorization = request.header("Authorization");
  if (!authorization) {
    request.caller = access::Caller{};
    return std::nullopt;
  }
  auto refuse = [](const std::string& reason, const char* error) {
    http::Response refused = json_error_response(RequestError(401, reason));
    refused.headers["WWW-Authenticate"] = std::string("Bearer realm=\"anttmap\", error=\"") + error + "\"";
    return refused;
  };
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

http::Gate Credentials::gate() const {
  return [this](http::Request& request) { return identify(request); };
}

}  // namespace antt::serve
