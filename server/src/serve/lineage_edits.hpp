#pragma once
// Changes of units in time over the network (docs/api.md, "Lineage"): POST /api/lineage records a
// merge, split, rename, reclassification, transfer, abolition or creation for an editor inside their
// scope (an admin anywhere), all or nothing, audited as the signed-in account.
#include <memory>

#include "http/http.hpp"
#include "serve/edit_access.hpp"

namespace antt::serve {

/// POST /api/lineage.
void register_lineage_edits(http::Router& router, std::shared_ptr<StoreWriter> writer);

}  // namespace antt::serve
