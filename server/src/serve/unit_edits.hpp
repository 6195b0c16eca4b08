#pragma once
// Writes over the network (docs/api.md, "Editing"): a unit's yearly status, set or corrected by an
// editor inside their scope or by an admin. Every write goes through the store interface in one
// transaction attributed to the signed-in account and its client (web, qgis, api), so the audit
// names who did it; every editable row carries an ETag, and a write whose If-Match is not the
// current row's is refused with 409 and the current row, so two editors never overwrite each
// other silently.
#include <string>

#include "http/http.hpp"

namespace antt::serve {

struct EditContext {
  std::string store_path;
  std::string public_url;  ///< for the OpenAPI document's `servers`; empty: none
};

/// Registers GET and PUT /api/units/{code}/status/{year}, and GET /api/openapi.json, on `router`.
void register_unit_edits(http::Router& router, EditContext context);

/// The client a write came from, for the audit: the X-Anttmap-Client header when it names one of
/// web, qgis, api; else qgis for QGIS's User-Agent, web for a browser session, api otherwise.
std::string client_of(const http::Request& request);

}  // namespace antt::serve
