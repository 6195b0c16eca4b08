// Topology of the administrative tiling, one group of siblings (same parent, same kind) at a
// time: children outside their parent, overlaps between siblings, and gaps in the parent not
// covered by its children. Sibling pairs come from an STRtree, so the work grows with the
// number of neighbours, not with n². The union behind the gap check is the costly step; it is
// skipped when the areas already prove that no gap can exceed the noise floor.
#include <algorithm>
#include <cstdint>
#include <memory>

#include "checks.hpp"

namespace antt::validate::detail {
namespace {

struct StrTreeDeleter {
  GEOSContextHandle_t context;
  void operator()(GEOSSTRtree* tree) const { GEOSSTRtree_destroy_r(context, tree); }
};

struct PreparedDeleter {
  GEOSContextHandle_t context;
  void operator()(const GEOSPreparedGeometry* prepared) const { GEOSPreparedGeom_destroy_r(context, prepared); }
};
using Prepared = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

Prepared prepare(const geo::GeosContext& context, const GEOSGeometry* geometry) {
  return Prepared(GEOSPrepare_r(context.get(), geometry), PreparedDeleter{context.get()});
}

double planar_area(const geo::GeosContext& context, const GEOSGeometry* geometry) {
  double area = 0;
  GEOSArea_r(context.get(), geometry, &area);
  return area;
}

/// Siblings of one kind under one parent.
struct Group {
  const std::string& parent_code;
  store::UnitKind kind;
  const std::vector<std::size_t>& members;
  const UnitEntry* parent;  // null when the parent is unknown or has no area
};

class TilingCheck {
 public:
  TilingCheck(const ValidationInput& input, FindingSink& sink) : in_(input), sink_(sink) {}

  void run(const Group& group) {
    double outside_deg2 = 0;
    if (group.parent) outside_deg2 = check_outside(group);
    if (!is_admin_area_kind(group.kind)) return;
    std::vector<std::size_t> areas;
    for (std::size_t i : group.members)
      if (unit(i).polygonal) areas.push_back(i);
    if (areas.empty()) return;
    const double overlap_deg2 = check_overlaps(areas);
    if (group.parent && group.kind != store::UnitKind::province) check_gaps(group, areas, outside_deg2, overlap_deg2);
  }

 private:
  const UnitEntry& unit(std::size_t i) const { return in_.units[i]; }

  /// child_outside_parent; returns the summed outside area (deg²) of the area children.
  double check_outside(const Group& group) {
    GEOSContextHandle_t context = in_.context.get();
    const UnitEntry& parent = *group.parent;
    Prepared prepared = prepare(in_.context, parent.geometry.get());
    double outside_deg2 = 0;
    for (std::size_t i : group.members) {
      const UnitEntry& child = unit(i);
      Finding finding;
      finding.severity = Severity::error;
      finding.problem = "child_outside_parent";
      finding.units = {child.version.code, parent.version.code};
      if (!child.polygonal) {  // a point (agency, enterprise, school)
        if (GEOSPreparedCovers_r(context, prepared.get(), child.geometry.get()) == 1) continue;
        finding.message = label(child.version) + " (điểm) nằm ngoài " + label(parent.version) +
                          " / point outside its parent";
        finding.where_wkt = child.geometry.wkt(kWherePrecision);
        sink_.add(std::move(finding));
        continue;
      }
      // Most children lie strictly inside; only those reaching the boundary need an overlay.
      if (GEOSPreparedContainsProperly_r(context, prepared.get(), child.geometry.get()) == 1) continue;
      const geo::Geometry near = clipped(in_.context, parent.geometry.get(), bounds_of(in_.context, child.geometry.get()));
      geo::Geometry outside =
          polygonal_part(in_.context, difference(in_.context, child.geometry.get(), near.get()).get());
      outside_deg2 += planar_area(in_.context, outside.get());
      const double m2 = geo::geodesic_area_m2(in_.context, outside.get());
      if (m2 <= in_.tolerance_m2) continue;
      finding.message = label(child.version) + " nằm ngoài " + label(parent.version) + ": " + format_area(m2) +
                        " / outside its parent";
      finding.where_wkt = outside.wkt(kWherePrecision);
      sink_.add(std::move(finding));
    }
    return outside_deg2;
  }

  /// overlap / sliver_overlap between siblings; returns the summed pairwise overlap (deg²).
  double check_overlaps(const std::vector<std::size_t>& areas) {
    if (areas.size() < 2) return 0;
    GEOSContextHandle_t context = in_.context.get();
    std::unique_ptr<GEOSSTRtree, StrTreeDeleter> tree(GEOSSTRtree_create_r(context, 10), StrTreeDeleter{context});
    for (std::size_t k = 0; k < areas.size(); ++k)
      GEOSSTRtree_insert_r(context, tree.get(), unit(areas[k]).geometry.get(),
                           reinterpret_cast<void*>(static_cast<std::uintptr_t>(k)));
    double overlap_deg2 = 0;
    std::vector<std::size_t> hits;
    for (std::size_t k = 0; k < areas.size(); ++k) {
      const UnitEntry& a = unit(areas[k]);
      hits.clear();
      GEOSSTRtree_query_r(
          context, tree.get(), a.geometry.get(),
          [](void* item, void* user) {
            static_cast<std::vector<std::size_t>*>(user)->push_back(
                static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(item)));
          },
          &hits);
      std::sort(hits.begin(), hits.end());
      Prepared prepared;  // made on the first neighbour whose envelope meets this one
      for (std::size_t l : hits) {
        if (l <= k) continue;
        const UnitEntry& b = unit(areas[l]);
        if (!prepared) prepared = prepare(in_.context, a.geometry.get());
        // Envelopes meeting is not enough; the prepared test rejects those cheaply.
        if (GEOSPreparedIntersects_r(context, prepared.get(), b.geometry.get()) != 1) continue;
        // Only the part where both envelopes meet can overlap.
        const Box ea = bounds_of(in_.context, a.geometry.get()), eb = bounds_of(in_.context, b.geometry.get());
        const Box both{std::max(ea.minx, eb.minx), std::max(ea.miny, eb.miny), std::min(ea.maxx, eb.maxx),
                       std::min(ea.maxy, eb.maxy)};
        const geo::Geometry near_a = clipped(in_.context, a.geometry.get(), both);
        const geo::Geometry near_b = clipped(in_.context, b.geometry.get(), both);
        geo::Geometry common =
            polygonal_part(in_.context, intersection(in_.context, near_a.get(), near_b.get()).get());
        overlap_deg2 += planar_area(in_.context, common.get());
        const double m2 = geo::geodesic_area_m2(in_.context, common.get());
        if (m2 <= kNoiseFloorM2) continue;
        const bool sliver = m2 <= in_.tolerance_m2;
        Finding finding;
        finding.severity = sliver ? Severity::warning : Severity::error;
        finding.problem = sliver ? "sliver_overlap" : "overlap";
        finding.message = label(a.version) + " chồng lấn " + label(b.version) + ": " + format_area(m2) +
                          (sliver ? " (mảnh vụn, ≤ " + format_area(in_.tolerance_m2) + ") / sliver overlap"
                                  : " / overlap");
        finding.units = {a.version.code, b.version.code};
        finding.where_wkt = common.wkt(kWherePrecision);
        sink_.add(std::move(finding));
      }
    }
    return overlap_deg2;
  }

  /// gap / sliver_gap: the parent minus the union of its children, one finding per polygon.
  void check_gaps(const Group& group, const std::vector<std::size_t>& areas, double outside_deg2,
                  double overlap_deg2) {
    const UnitEntry& parent = *group.parent;
    // Upper bound of the uncovered area (Bonferroni: |∪Cᵢ| ≥ Σ|Cᵢ| − Σ|Cᵢ∩Cⱼ|). When even the
    // bound is below the noise floor, no gap can exceed it and the union is not needed.
    const double parent_deg2 = planar_area(in_.context, parent.geometry.get());
    double children_deg2 = 0;
    for (std::size_t i : areas) children_deg2 += planar_area(in_.context, unit(i).geometry.get());
    const double bound_deg2 = parent_deg2 - (children_deg2 - outside_deg2) + overlap_deg2;
    const double m2_per_deg2 = geo::geodesic_area_m2(in_.context, parent.geometry.get()) / parent_deg2;
    if (bound_deg2 * m2_per_deg2 * 1.05 <= kNoiseFloorM2) return;

    std::vector<const GEOSGeometry*> parts;
    for (std::size_t i : areas) parts.push_back(unit(i).geometry.get());
    geo::Geometry covered = union_of(in_.context, parts);
    geo::Geometry holes =
        polygonal_part(in_.context, difference(in_.context, parent.geometry.get(), covered.get()).get());
    GEOSContextHandle_t context = in_.context.get();
    const int n = GEOSGetNumGeometries_r(context, holes.get());
    for (int g = 0; g < n; ++g) {
      const GEOSGeometry* hole = GEOSGetGeometryN_r(context, holes.get(), g);
      const double m2 = geo::geodesic_area_m2(in_.context, hole);
      if (m2 <= kNoiseFloorM2) continue;
      const bool sliver = m2 <= in_.tolerance_m2;
      Finding finding;
      finding.severity = sliver ? Severity::warning : Severity::error;
      finding.problem = sliver ? "sliver_gap" : "gap";
      finding.message = label(parent.version) + ": khoảng hở không thuộc " + kind_vi(group.kind) + " nào, " +
                        format_area(m2) + (sliver ? " (mảnh vụn)" : "") + " / " + (sliver ? "sliver gap" : "gap") +
                        " not covered by any " + std::string(store::to_string(group.kind));
      finding.units = {parent.version.code};
      finding.where_wkt = geo::Geometry(in_.context, GEOSGeom_clone_r(context, hole)).wkt(kWherePrecision);
      // The edited children beside the gap caused it as much as the parent did.
      std::vector<std::string> beside;
      if (sink_.filtering())
        for (std::size_t i : areas)
          if (unit(i).candidate && GEOSDistanceWithin_r(context, unit(i).geometry.get(), hole, 1e-9) == 1)
            beside.push_back(unit(i).version.code);
      sink_.add(std::move(finding), beside);
    }
  }

  const ValidationInput& in_;
  FindingSink& sink_;
};

}  // namespace

void check_tiling(const ValidationInput& input, FindingSink& sink) {
  std::map<std::pair<std::string, store::UnitKind>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < input.units.size(); ++i) {
    const UnitEntry& entry = input.units[i];
    if (entry.geometry) groups[{entry.version.parent_code, entry.version.kind}].push_back(i);
  }
  TilingCheck check(input, sink);
  std::size_t done = 0;
  for (const auto& [key, members] : groups) {
    input.progress(static_cast<double>(done++) / static_cast<double>(groups.size()));
    const UnitEntry* parent = key.first.empty() ? nullptr : input.find(key.first);
    if (parent && !parent->polygonal) parent = nullptr;
    // With candidates, only groups that hold one (or whose parent is one) can yield a kept finding.
    if (sink.filtering() && !(parent && parent->candidate) &&
        std::none_of(members.begin(), members.end(), [&](std::size_t i) { return input.units[i].candidate; }))
      continue;
    check.run({key.first, key.second, members, parent});
  }
}

}  // namespace antt::validate::detail
