#pragma once
// The change feed of a SpatiaLite store (antt/store/changes.hpp), read from its audit log.
#include <cstdint>
#include <vector>

#include "antt/store/changes.hpp"
#include "antt/store/sqlite.hpp"

namespace antt::store {

/// The position of the newest change (the newest audit entry); 0 when there is none.
std::int64_t newest_change_position(const Database& db);
/// Every change after `after`, oldest first.
std::vector<Change> read_changes(const Database& db, std::int64_t after);

}  // namespace antt::store
