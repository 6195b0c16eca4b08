#include "serve/edit_access.hpp"

#include <algorithm>
#include <optional>

#include "serve/access_control.hpp"
#include "serve/errors.hpp"

namespace antt::serve {

void require_editor(const access::Caller& caller, const std::string& what) {
  if (!caller.signed_in() || caller.credential == access::Credential::embed_token) throw not_allowed(caller, what);
  if (caller.role != access::Role::editor && caller.role != access::Role::admin)
    throw RequestError(403, what + " needs the editor or admin role, not " + std::string(access::to_string(caller.role)) +
                                " / cần vai trò biên tập viên");
}

bool within_scope(const store::Store& units, const store::UnitVersion& unit, const std::string& date,
                  const access::Caller& caller) {
  if (caller.role == access::Role::admin) return true;
  const auto& scope = caller.scope;
  std::optional<store::UnitVersion> at = unit;
  for (int depth = 0; at && depth < 8; ++depth) {  // province > district > commune > village
    if (std::find(scope.begin(), scope.end(), at->code) != scope.end()) return true;
    if (at->parent_code.empty()) break;
    at = units.unit_at(at->parent_code, date, false);
  }
  return false;
}

std::string scope_text(const access::Caller& caller) {
  std::string text;
  for (const auto& code : caller.scope) text += (text.empty() ? "" : ",") + code;
  return text;
}

std::string client_of(const http::Request& request) {
  const std::string named = request.header("X-Anttmap-Client").value_or("");
  for (const char* client : {"web", "qgis", "api"})
    if (http::iequals(named, client)) return client;
  if (request.header("User-Agent").value_or("").find("QGIS/") != std::string::npos) return "qgis";
  if (request.caller.credential == access::Credential::session) return "web";
  return "api";
}

store::Actor actor_of(const http::Request& request) { return {request.caller.name, client_of(request)}; }

}  // namespace antt::serve
