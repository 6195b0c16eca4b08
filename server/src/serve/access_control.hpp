#pragma once
// Who asks, and what each caller may see. The gate (Credentials::gate) runs before every handler:
// it turns `Authorization: Bearer KEY` into a caller with the key's role, refuses keys that are
// not valid (401), and leaves everyone else the public. LayerAccess gives each caller its own view
// of the layer registry, from the descriptors' access levels: every endpoint lists, draws and
// queries only the layers of that view, and refuses a hidden layer asked for by name (401 for the
// public, 403 for a signed-in caller whose role does not reach it).
#include <memory>
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

/// The API keys the server accepts, read from the store and read again whenever the store's
/// change feed shows an account or key change (so a revoked key stops working at the next poll).
class Credentials {
 public:
  /// Reads the active keys of `store`.
  explicit Credentials(const store::Store& store);
  void reload(const store::Store& store);

  /// The caller a request's credentials name, or the refusal (401 with WWW-Authenticate).
  std::optional<http::Response> identify(http::Request& request) const;
  /// identify() as the router's gate.
  http::Gate gate() const;
  std::size_t key_count() const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, access::Caller> keys_;  ///< by digest
};

}  // namespace antt::serve
