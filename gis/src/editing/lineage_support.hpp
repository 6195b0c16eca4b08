#pragma once
// What the lineage write paths share (lineage.cpp: one change; crosswalk.cpp: a whole reform;
// lineage_files.cpp, lineage_lookup.cpp): problem lists, geometry helpers, children that follow
// their parent to its successor, designations that end with their unit.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "antt/core/error.hpp"
#include "antt/editing/lineage.hpp"
#include "antt/geo/geos.hpp"

namespace antt::editing::detail {

inline constexpr double kShareEpsilon = 1e-6;

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");
std::string label(const store::UnitVersion& unit);

/// Problems found while checking; all are reported at once, and nothing is written.
class Problems {
 public:
  void add(std::string problem) { problems_.push_back(std::move(problem)); }
  void throw_if_any(std::string_view what) const {
    if (problems_.empty()) return;
    std::string message = std::string(what) + ": " + std::to_string(problems_.size()) +
                          " problem(s); nothing was written / chưa ghi gì:";
    for (const auto& problem : problems_) message += "\n  - " + problem;
    throw InputError(message);
  }

 private:
  std::vector<std::string> problems_;
};

/// Geometry of a version as GEOS, or an empty handle when it has none.
geo::Geometry geometry_of(const geo::GeosContext& context, const store::UnitVersion& unit);
double area_m2(const geo::GeosContext& context, const std::string& wkb);
double overlap_m2(const geo::GeosContext& context, const GEOSGeometry* a, const GEOSGeometry* b);

/// A new version from a target, its empty fields filled from the version it continues.
store::UnitVersion completed(store::UnitVersion target, const store::UnitVersion* continued, const std::string& date);

/// A child (village, agency, …) valid on the eve whose parent ends without continuing.
struct ChildMove {
  store::UnitVersion child;
  std::string new_parent;
};

/// The children of the units in `successors` (old code -> its successors) that must move: each to
/// the successor that holds its point (a point unit) or most of its area, else the nearest one.
std::vector<ChildMove> children_to_move(const store::Store& store, const geo::GeosContext& context,
                                        const std::map<std::string, std::vector<const store::UnitVersion*>>& successors,
                                        const std::string& date, const std::set<std::string>& ending_codes,
                                        Problems& problems);

/// Moves children to their new parents (inside the caller's transaction): one transfer event per
/// old parent -> new parent.
void write_moves(store::Store& store, const std::vector<ChildMove>& moves, const std::string& date,
                 const std::string& decision, bool synthetic, std::vector<std::string>& moved);

/// Hotspot designations of units that end without continuing end with them (inside the caller's
/// write): a designation names the commune it was made for, not whatever later takes its code.
void end_designations(store::Store& store, const std::set<std::string>& ended, const std::string& date);

/// The decision, trimmed; InputError when there is none.
std::string require_decision(const std::string& decision);

}  // namespace antt::editing::detail
