#pragma once
// The change feed (antt/store/changes.hpp), read from a store's audit log: the SpatiaLite store's
// reader, and the part both stores share (audit entries into changes).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "antt/store/changes.hpp"
#include "antt/store/sqlite.hpp"

namespace antt::store {

/// The position of the newest change (the newest audit entry); 0 when there is none.
std::int64_t newest_change_position(const Database& db);
/// Every change after `after`, oldest first.
std::vector<Change> read_changes(const Database& db, std::int64_t after);

/// One audit entry as the feed needs it (every store's audit log has these columns).
struct AuditedChange {
  std::int64_t id = 0;
  std::string table, before_json, after_json;
  std::vector<GeoBox> boxes;  ///< of the geometry before and after, when there is one
};
/// The kinds of units a code has now (any version).
using KindsOfCode = std::function<std::vector<UnitKind>(const std::string& code)>;
/// The feed's changes of audit entries, oldest first: shared by the stores, which only read the rows.
std::vector<Change> changes_of(std::vector<AuditedChange> entries, const KindsOfCode& kinds_of);
/// Unit kinds of their names; unknown names are left out.
std::vector<UnitKind> parse_unit_kinds(const std::vector<std::string>& texts);

}  // namespace antt::store
