#pragma once
// The store's change feed: every write, whoever made it (anttmap, QGIS, plain SQL), as the readers
// that follow the store need it: which kind of record changed, for which units, in which years and
// where. The map server's render data, its caches and (later) other servers read this feed instead
// of the store's own bookkeeping, so a second store implementation only has to offer it too.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "antt/store/model.hpp"

namespace antt::store {

/// What a change is about (one per kind of record the store keeps).
enum class ChangeTopic {
  unit,                ///< a unit version: created, ended, renamed, reshaped, deleted
  status,              ///< a yearly status row
  lineage,             ///< a lineage event or one of its links
  hotspot,             ///< a hotspot designation
  cluster,             ///< a cluster's name or kind
  cluster_membership,  ///< a cluster's members or standing unit in a year
  model,               ///< a self-management model
  model_year,          ///< a model's effectiveness in a year
  core_force,
  festival,
  setting,             ///< a store setting (e.g. home_province)
  validation_override, ///< a reason recorded for saving boundaries over validation errors
  account,             ///< an account or an API key: created, changed, disabled, revoked
  indicator,           ///< a value of a programme indicator (antt/editing/indicators.hpp)
  other,               ///< a record this version does not know (a newer schema's)
};
std::string_view to_string(ChangeTopic topic);

/// Years, both ends included. An open-ended validity runs to kLastYear.
struct YearSpan {
  static constexpr int kLastYear = 9999;
  int first = 0;
  int last = kLastYear;
  bool contains(int year) const { return first <= year && year <= last; }
};

/// A lon/lat box (EPSG:4326).
struct GeoBox {
  double west = 0, south = 0, east = 0, north = 0;
};

struct Change {
  std::int64_t position = 0;  ///< the change's place in the feed; positions only grow
  ChangeTopic topic = ChangeTopic::other;
  /// The units it is about: the unit itself, the status' unit, the hotspot's commune, the member,
  /// the model's unit... Empty when it concerns no unit in particular.
  std::vector<std::string> unit_codes;
  /// Their kinds, as the row says (units) or as the store knows the codes now; empty: unknown.
  std::vector<UnitKind> unit_kinds;
  /// The years whose data it changes; nothing: it may change every year.
  std::optional<YearSpan> years;
  /// Where the record's geometry was before and is after the change, when it has one.
  std::vector<GeoBox> boxes;
};

}  // namespace antt::store
