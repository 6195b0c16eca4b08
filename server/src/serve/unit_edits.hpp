#pragma once
// Writes over the network (docs/api.md, "Editing"): a unit's yearly status, set or corrected by an
// editor inside their scope or by an admin. Every write goes through the store interface in one
// transaction attributed to the signed-in account and its client (web, qgis, api), so the audit
// names who did it; every editable row carries an ETag, and a write whose If-Match is not the
// current row's is refused with 409 and the current row, so two editors never overwrite each
// other silently.
#include <string>

#include "http/http.hpp"
#include "serve/store_pool.hpp"

namespace antt::serve {

struct EditContext {
  std::string store_path;
  std::string public_url;  ///< for the OpenAPI document's `servers`; empty: none
  /// What requests read, kept per change position (shared with /api); none: made here.
  std::shared_ptr<StoreReads> reads;
};

/// Registers the write API on `router`: GET and PUT /api/units/{code}/status/{year}, GET and POST
/// /api/boundaries, and GET /api/openapi.json.
void register_unit_edits(http::Router& router, EditContext context);

}  // namespace antt::serve
