#pragma once
// A yearly status row as the API shows it (GET /api/units/{code}, the status endpoints), its ETag,
// and which row of a year is in force.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "antt/access/access.hpp"
#include "antt/store/model.hpp"

namespace antt::serve {

/// The ETag of a status row: rows are append-only, so the id names its content.
std::string status_etag(std::int64_t row_id);

/// The row in force for `year` among `history`: the one no other row corrects.
std::optional<store::StatusRecord> current_status(const std::vector<store::StatusRecord>& history, int year);

/// The row as JSON: id, year, status with its labels, decision, date, authority, note, recorded_at,
/// recorded_by (null unless `caller` reads internal attributes), supersedes, superseded, etag.
nlohmann::json status_row_json(const store::StatusRecord& record, const access::Caller& caller, bool superseded);

}  // namespace antt::serve
