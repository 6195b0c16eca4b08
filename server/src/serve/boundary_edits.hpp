#pragma once
// Boundary edits over the network (docs/api.md, "Editing boundaries"): the editable layers' units
// with their version tags, for an editor to copy (GET /api/boundaries), and edited boundaries
// saved through the core's one write path (POST /api/boundaries, antt::editing::save_boundaries):
// validated as `validate --candidate`, refused on errors unless an override reason is given, a
// correction or a new version as the editor chooses, refused with 409 when a copy is stale.
#include <memory>

#include "http/http.hpp"
#include "serve/edit_access.hpp"

namespace antt::serve {

void register_boundary_edits(http::Router& router, std::shared_ptr<StoreWriter> writer);

}  // namespace antt::serve
