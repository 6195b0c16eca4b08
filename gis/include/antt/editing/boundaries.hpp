#pragma once
// Saving edited boundaries: the one write path for unit geometries edited by people (the QGIS
// plugin through `anttmap unit reshape`, later the server's write API). The edits are validated
// as `anttmap validate --candidate` does, together with other unsaved edits of the same session;
// errors refuse the write unless the editor gives a reason, which is recorded with the edit. An
// accepted edit corrects the versions valid on 31 December of the year, all or nothing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "antt/store/store.hpp"
#include "antt/validate/validator.hpp"

namespace antt::editing {

struct BoundaryEdit {
  int year = 0;  ///< the versions valid on 31 December of this year are corrected
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
};

/// Validates `edit` and, when it passes or errors are overridden, writes it in one transaction
/// attributed to `actor`. Throws InputError for a code without a version on the date, a geometry
/// that is not an area, a blank override reason, or no boundaries at all.
BoundaryEditResult save_boundaries(store::Store& store, const store::Actor& actor, const BoundaryEdit& edit);

}  // namespace antt::editing
