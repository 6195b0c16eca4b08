#include "serve/edit_access.hpp"

#include <algorithm>
#include <optional>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
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

void require_unit_in_scope(const store::Store& writer, const std::string& code, int year,
                           const access::Caller& caller) {
  const std::string date = year_end(year);
  const std::optional<store::UnitVersion> unit = writer.unit_at(code, date, false);
  if (!unit) {
    store::UnitQuery any;
    any.code = code;
    any.with_geometry = false;
    if (writer.units(any).empty())
      throw RequestError(404, "no unit with code " + code + " / không có đơn vị mã " + code);
    throw RequestError(400, "unit " + code + " did not exist on 31 December " + std::to_string(year) +
                                " / đơn vị không tồn tại vào năm này");
  }
  if (!within_scope(writer, *unit, date, caller))
    throw RequestError(403, "unit " + code + " is outside your editing scope (" + scope_text(caller) +
                                ") / đơn vị ngoài phạm vi được biên tập");
}

}  // namespace antt::serve
