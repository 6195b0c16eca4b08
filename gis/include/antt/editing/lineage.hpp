#pragma once
// Changes of the administrative map in time: merges, splits, renames, reclassifications,
// transfers, creations and abolitions, each on an effective date under a legal decision. The one
// write path for them (the CLI's `anttmap lineage …`, the sample's replay of the real history):
// the versions valid the day before close on the date, the new versions open on it, the children
// of a unit that ends (villages, agencies, …) move to its successor that holds them (by
// location), hotspot designations of a unit that ends without a successor of its code end with
// it, and one lineage event records what became of what. All or nothing; audited.
//
// A whole reform at once (e.g. 1 July 2025: Hòa Bình's 151 communes became 46 of Phú Thọ) is a
// crosswalk: old code -> new code with the share of the old unit's area, and the new units. It is
// refused when it leaves a hole (an old unit, or part of one, goes nowhere) or counts something
// twice (more than the whole of an old unit is given away), naming the units.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "antt/store/store.hpp"

namespace antt::editing {

/// The day before an ISO date (the last day of a version that ends on `date`).
std::string day_before(const std::string& date);

struct LineageChange {
  store::LineageKind kind = store::LineageKind::merge;
  std::string effective_date;  ///< the first day of the new versions (ISO)
  std::string decision;        ///< the legal decision, e.g. "830/NQ-UBTVQH14"; required
  std::string note;
  /// Codes of the units valid the day before that the change ends (empty for create).
  std::vector<std::string> from;
  /// The units that exist from the date (empty for abolish). Fields left empty are taken from
  /// the version it continues (same code) — so a rename gives only the code and the name. A
  /// merge without a geometry gets the union of its predecessors'.
  std::vector<store::UnitVersion> to;
  bool synthetic = false;
};

struct LineageResult {
  std::int64_t event_id = 0;
  std::vector<std::string> closed;  ///< codes whose version ended on the date
  std::vector<std::string> opened;  ///< codes with a version starting on the date
  /// Children (villages, agencies, …) moved to a successor of their parent: "code: old -> new".
  std::vector<std::string> moved;
};

/// Applies one change in one transaction attributed to `actor`. Throws InputError (nothing
/// written) when a unit is unknown on the day before, the kinds do not match the change (a merge
/// needs two or more units into one, a split one into two or more, …), a new code is already in
/// use on the date, an abolished unit still has children, or the decision is missing.
LineageResult apply_lineage(store::Store& store, const store::Actor& actor, const LineageChange& change);

/// One row of a crosswalk: (part of) an old unit goes to a new one.
struct CrosswalkRow {
  std::string old_code;
  std::string new_code;
  /// The share of the old unit's area that goes to the new one (0 < share ≤ 1); nothing: the whole
  /// unit, or, when the old code has several rows, resolved from how the geometries overlap.
  std::optional<double> share;
  /// True when the row says only part of the old unit went in (share to be resolved).
  bool part = false;
};

struct Crosswalk {
  std::string effective_date;
  std::string decision;
  std::string note;
  std::vector<CrosswalkRow> rows;
  std::vector<store::UnitVersion> new_units;  ///< the units file: code, name, kind, subtype, parent, geometry
  /// Allowed relative difference between a new unit's area and the area its rows give it.
  double area_tolerance = 0.1;
  /// False (default): every unit of the old units' kind under the same parents must be in the
  /// crosswalk; true: a reform of only some units.
  bool partial = false;
  bool synthetic = false;
};

struct CrosswalkResult {
  int events = 0;
  int closed = 0;
  int opened = 0;
  int moved_children = 0;
  /// Old units split between several new ones: "old -> new1 0.62, new2 0.38 (by overlap)".
  std::vector<std::string> resolved_shares;
  /// Per new unit: its area, the area its rows give it (km²).
  nlohmann::json areas = nlohmann::json::array();
};

/// Checks the crosswalk against the store and the new units and applies it in one transaction.
/// Throws InputError naming every problem (unknown codes, a hole, a double count, an area out of
/// tolerance); nothing is written then.
CrosswalkResult apply_crosswalk(store::Store& store, const store::Actor& actor, const Crosswalk& crosswalk);

/// Reads a crosswalk table (CSV or XLSX, UTF-8): columns old code, new code and optionally share / part,
/// by these header names (first found): old_code|ma_cu|ma_xa_cu, new_code|ma_moi|ma_xa_moi,
/// share|ti_le, part|phan ("mot_phan"/"part" = part, "toan_bo"/"whole"/empty = whole).
std::vector<CrosswalkRow> read_crosswalk_csv(const std::string& path);

/// What became of a unit and what it came from: every version of the code, the events that
/// touch it, its predecessors and successors through the events (transitively), as JSON:
/// {code, versions:[…], events:[…], before:[{code,name,date,kind}], after:[…]}.
nlohmann::json lineage_of(const store::Store& store, const std::string& code);

/// The unit `code` became on `date` when it no longer exists then: following the events forward
/// (e.g. province 17 -> 25 from 2025-07-01), the first successor of the same kind valid on the
/// date; the code itself when it is valid; nothing when neither.
std::optional<std::string> successor_on(const store::Store& store, const std::string& code, const std::string& date);

/// Lineage events as a flat table (one row per unit link), for CSV and GeoPackage export:
/// event_id, kind, effective_date, decision, note, synthetic, role (from|to), unit_code,
/// unit_valid_from.
std::vector<std::vector<std::string>> lineage_rows(const store::Store& store);
const std::vector<std::string>& lineage_columns();
/// Reads events back from such a table: a CSV, or the `lineage` table of a GeoPackage that
/// `anttmap export` wrote. InputError naming the row for a bad one.
std::vector<store::LineageEvent> read_lineage_file(const std::string& path);

/// Adds events read by read_lineage_file to a store, in one transaction, skipping those it already
/// has (same kind, date, decision and units); every unit version they name must exist. Returns
/// how many were added.
int load_lineage(store::Store& store, const store::Actor& actor, const std::vector<store::LineageEvent>& events);

}  // namespace antt::editing
