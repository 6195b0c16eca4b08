#pragma once
// The rules every store checks before it writes, in one place so the SpatiaLite and PostGIS stores
// refuse the same input with the same words (the schemas hold the same rules again, for plain SQL).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "antt/store/model.hpp"

namespace antt::store::rules {

/// InputError unless the unit has a code, a name, ISO dates and a geometry its kind may have.
void check_unit(const UnitVersion& unit);
/// InputError when the unit's code already has `clash`, a version overlapping the new one.
[[noreturn]] void refuse_overlap(const UnitVersion& unit, const UnitVersion& clash);
/// InputError unless a status that needs a decision has one, and its date is an ISO date.
void check_status(const StatusRecord& record);
/// InputError naming the unit and year when no unit of the code is valid on 31 December.
[[noreturn]] void refuse_missing_unit_of_year(const std::string& unit_code, int year);
/// The media type of a decision document's bytes; InputError unless PDF/JPEG/PNG within the size.
std::string checked_decision_media_type(const DecisionDocument& document);
/// InputError when there is no status to attach a decision to.
[[noreturn]] void refuse_decision_without_status(const DecisionDocument& document);
/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(const std::string& bytes);
/// InputError unless hotspot designation `id` (from `from`, to `to`) may end on `date`.
void check_hotspot_end(std::int64_t id, const std::string& date, const std::string& from,
                       const std::optional<std::string>& to);
[[noreturn]] void refuse_unknown_hotspot(std::int64_t id);
/// An account's or key's scope codes as the stores keep them (comma-separated) and back.
std::string joined_scope(const std::vector<std::string>& codes);
std::vector<std::string> split_scope(const std::string& text);
/// InputError when an override has no reason.
void check_override(const ValidationOverride& record);

}  // namespace antt::store::rules
