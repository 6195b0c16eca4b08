#pragma once
// The programme's indicators over the network (docs/api.md, "Indicators"): a unit's values of a
// year read by internal roles and written by editors inside their scope, the year's form to fill
// (.xlsx) and a filled form sent back, all or nothing, with every bad cell named.
#include <memory>

#include "http/http.hpp"
#include "serve/edit_access.hpp"

namespace antt::serve {

/// GET and PUT /api/units/{code}/indicators/{year}, GET /api/indicators/template,
/// POST /api/indicators/import.
void register_indicator_edits(http::Router& router, std::shared_ptr<StoreWriter> writer);

}  // namespace antt::serve
