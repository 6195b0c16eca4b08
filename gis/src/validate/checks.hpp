#pragma once
// Internal to the validation module: the units under check as GEOS geometries, the sink that
// collects findings (and filters them to the candidates' units), and one function per check.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "antt/geo/geos.hpp"
#include "antt/store/store.hpp"
#include "antt/validate/validator.hpp"

namespace antt::validate::detail {

/// Overlaps, gaps and outside parts below this area (m²) are floating-point noise of the
/// overlay, not slivers: a shared edge digitised from both sides leaves ~1e-9 m² at most.
inline constexpr double kNoiseFloorM2 = 1e-3;

/// Decimal places of the WKT in Finding::where_wkt (1e-9° ≈ 0.1 mm), so slivers keep their shape.
inline constexpr int kWherePrecision = 9;

/// Two cluster members closer than this (degrees, ≈ 1 m) count as adjoining, so that the
/// small gaps between data from two provinces do not split a cluster.
inline constexpr double kClusterAdjoinDegrees = 1e-5;

/// One unit valid on the date, with its geometry (made valid when the stored one is not).
struct UnitEntry {
  store::UnitVersion version;  // geometry_wkb cleared once parsed
  geo::Geometry geometry;      // empty when the unit has no usable geometry
  bool polygonal = false;      // Polygon/MultiPolygon with area
  bool candidate = false;      // geometry comes from a candidate
};

/// The admin kinds that tile their parent: province, district, commune, village.
bool is_admin_area_kind(store::UnitKind kind);

/// "Xã A (04792)", or the code alone when the name is unknown.
std::string label(const store::UnitVersion& unit);
/// Vietnamese noun for a kind ("huyện", "xã", "khu dân cư", ...).
std::string kind_vi(store::UnitKind kind);
/// "1 234 m²" (areas >= 10 m² rounded, smaller ones with two decimals).
std::string format_area(double m2);

/// Collects findings. With candidates, keeps only those that involve a candidate unit.
class FindingSink {
 public:
  explicit FindingSink(std::set<std::string> candidate_codes)
      : candidates_(std::move(candidate_codes)) {}
  bool filtering() const { return !candidates_.empty(); }
  bool is_candidate(const std::string& code) const { return candidates_.count(code) > 0; }
  /// Adds a finding; `also_involved` lists units that are not in finding.units but whose
  /// edit caused it (e.g. the village beside a gap).
  void add(Finding finding, const std::vector<std::string>& also_involved = {});
  std::vector<Finding> take() { return std::move(findings_); }

 private:
  std::set<std::string> candidates_;
  std::vector<Finding> findings_;
};

/// Everything the checks read: one GEOS context (single-threaded), the units valid on the date
/// sorted by code, and an index by code.
struct ValidationInput {
  const geo::GeosContext& context;
  const std::vector<UnitEntry>& units;
  const std::map<std::string, std::size_t>& by_code;
  std::string date;
  int year;
  double tolerance_m2;
  std::function<void(double)> progress;  // fraction of the current check, never empty

  const UnitEntry* find(const std::string& code) const;
};

/// Parses and checks each unit's geometry (invalid_geometry); returns entries holding
/// valid geometries for the other checks.
std::vector<UnitEntry> load_units(const geo::GeosContext& context, std::vector<store::UnitVersion> versions,
                                  const std::set<std::string>& candidate_codes, FindingSink& sink);

void check_parent_missing(const ValidationInput& input, FindingSink& sink);
/// child_outside_parent, overlap / sliver_overlap and gap / sliver_gap, per group of siblings.
void check_tiling(const ValidationInput& input, FindingSink& sink);
void check_clusters(const ValidationInput& input, const store::Store& store, FindingSink& sink);
void check_village_share(const ValidationInput& input, const store::Store& store, FindingSink& sink);

// GEOS helpers shared by the checks ---------------------------------------------------------
/// The polygonal parts of `geometry` (a MultiPolygon, possibly empty).
geo::Geometry polygonal_part(const geo::GeosContext& context, const GEOSGeometry* geometry);
/// A point on the surface of `geometry`, as WKT; empty for an empty geometry.
std::string point_on_surface_wkt(const geo::GeosContext& context, const GEOSGeometry* geometry);
/// Overlay ops that retry on a fine precision grid when floating-point overlay fails.
geo::Geometry intersection(const geo::GeosContext& context, const GEOSGeometry* a, const GEOSGeometry* b);
geo::Geometry difference(const geo::GeosContext& context, const GEOSGeometry* a, const GEOSGeometry* b);
/// Axis-aligned bounds in degrees.
struct Box {
  double minx, miny, maxx, maxy;
};
Box bounds_of(const geo::GeosContext& context, const GEOSGeometry* geometry);
/// `geometry` cut to `box` grown by a small margin (GEOSClipByRect): overlays with a large
/// polygon (a province beside one of its districts) then only node the part that matters.
/// Exact inside the box; falls back to a copy of `geometry` if clipping fails or gives an invalid
/// result (GEOSClipByRect does not promise validity, e.g. when the cut passes through a vertex).
geo::Geometry clipped(const geo::GeosContext& context, const GEOSGeometry* geometry, Box box);

/// Union of the given geometries (cloned; the inputs stay owned by the caller).
geo::Geometry union_of(const geo::GeosContext& context, const std::vector<const GEOSGeometry*>& parts);

}  // namespace antt::validate::detail
