#pragma once
// Saving edited boundaries: the one write path for unit geometries edited by people (the QGIS
// plugin through `anttmap unit reshape`, later the server's write API). The edits are validated
// as `anttmap validate --candidate` does, together with other unsaved edits of the same session;
// errors refuse the write unless the editor gives a reason, which is recorded with the edit. An
// accepted edit either corrects the versions valid on 31 December of the year, or starts new
// versions on a date (the old ones end the day before); the editor chooses. All or nothing.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "antt/store/store.hpp"
#include "antt/validate/validator.hpp"

namespace antt::editing {

/// The version tag of a unit version as clients hold it (an HTTP ETag, quoted): it changes when the
/// geometry or the validity of the version changes, so a client editing an old copy is told.
std::string unit_version_tag(const store::UnitVersion& version);

struct BoundaryEdit {
  int year = 0;  ///< corrections: the versions valid on 31 December of this year are corrected
  /// A new version of each unit starts on this day (ISO date) with the edited boundary; the version
  /// valid that day ends there. Nothing: the edit corrects the year's versions in place. The year
  /// is then the year of this day.
  std::optional<std::string> new_version_from;
  /// code -> the version tag the editor's copy had; a unit whose version has another tag now is
  /// stale: nothing is written (the check runs inside the write transaction).
  std::map<std::string, std::string> expected_tags;
  std::vector<validate::Candidate> boundaries;  ///< the geometries to write (ISO WKB, EPSG:4326)
  /// Other unsaved edits checked together with them but not written (e.g. the villages being
  /// edited with the communes).
  std::vector<validate::Candidate> pending;
  /// Write despite validation errors, recording this reason; nothing: errors refuse the write.
  std::optional<std::string> override_reason;
};

struct BoundaryEditResult {
  validate::Report report;
  bool written = false;                ///< false: refused by validation errors, nothing changed
  std::vector<std::string> changed;    ///< codes whose geometry was replaced
  std::vector<std::string> unchanged;  ///< codes whose stored geometry already was the edit
  std::optional<std::int64_t> override_id;  ///< the recorded reason, when errors were overridden
  /// Units edited from an old copy (their tag moved on): nothing was written.
  std::vector<std::string> stale;
  /// code -> version tag after the save (every unit of the edit, written or stale).
  std::map<std::string, std::string> tags;
};

/// The day whose versions an edit changes: the new versions' first day, or 31 December of the year.
std::string edit_date(const BoundaryEdit& edit);

/// Validates `edit` and, when it passes or errors are overridden, writes it in one transaction
/// attributed to `actor`. Throws InputError for a code without a version on the date, a geometry
/// that is not an area, a blank override reason, no boundaries at all, or a new version on the
/// day its version already starts (that is a correction).
BoundaryEditResult save_boundaries(store::Store& store, const store::Actor& actor, const BoundaryEdit& edit);

}  // namespace antt::editing
