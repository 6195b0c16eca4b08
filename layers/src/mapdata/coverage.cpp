#include "antt/mapdata/coverage.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "antt/geo/geos.hpp"

namespace antt::mapdata {
namespace {

using PointId = std::uint32_t;
using IdRing = std::vector<PointId>;  ///< open: the first point is not repeated

struct PointHash {
  std::size_t operator()(const CoveragePoint& point) const {
    return std::hash<double>{}(point.first) * 1000003u ^ std::hash<double>{}(point.second);
  }
};

std::uint64_t edge_key(PointId from, PointId to) { return (static_cast<std::uint64_t>(from) << 32) | to; }

/// A ring as the stretches it runs through, each possibly backwards.
struct RingPlan {
  std::vector<std::pair<std::size_t, bool>> stretches;  ///< stretch index, reversed
};

class Coverage {
 public:
  IdRing index_ring(const CoverageRing& ring) {
    IdRing ids;
    ids.reserve(ring.size());
    for (const auto& point : ring) {
      const auto [found, added] = point_ids_.try_emplace(point, static_cast<PointId>(points_.size()));
      if (added) points_.push_back(point);
      const PointId id = found->second;
      if (!ids.empty() && ids.back() == id) continue;
      // A spike (a b a) adds nothing but would make b look like a boundary that runs on.
      if (ids.size() >= 2 && ids[ids.size() - 2] == id) {
        ids.pop_back();
        continue;
      }
      ids.push_back(id);
    }
    for (bool changed = true; changed && ids.size() >= 3;) {
      changed = false;
      if (ids.back() == ids.front()) ids.pop_back(), changed = true;
      else if (ids[ids.size() - 2] == ids.front()) ids.pop_back(), changed = true;  // spike across the start
      else if (ids[1] == ids.back()) ids.erase(ids.begin()), changed = true;
    }
    return ids.size() >= 3 ? ids : IdRing{};
  }

  /// Counts each vertex's distinct neighbours over every ring: a vertex with other than two is
  /// where boundaries meet (or end), and cuts rings into the stretches simplified once.
  void add_edges(const IdRing& ring) {
    if (degree_.size() < points_.size()) degree_.resize(points_.size(), 0);
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const PointId a = ring[i], b = ring[(i + 1) % ring.size()];
      if (edges_.insert(edge_key(std::min(a, b), std::max(a, b))).second) {
        ++degree_[a];
        ++degree_[b];
      }
    }
  }

  /// The ring as stretches (junction to junction), registering each new stretch once, in the
  /// direction whose first edge sorts first, so a neighbour running it the other way finds it.
  RingPlan plan_ring(const IdRing& ring) {
    RingPlan plan;
    if (ring.size() < 3) return plan;
    std::size_t first = ring.size();
    for (std::size_t i = 0; i < ring.size() && first == ring.size(); ++i)
      if (degree_[ring[i]] != 2) first = i;
    if (first == ring.size()) {
      // No junction (a ring nothing else meets, or equal rings): one closed stretch from its
      // smallest vertex id, so equal rings agree whatever their start.
      first = static_cast<std::size_t>(std::min_element(ring.begin(), ring.end()) - ring.begin());
      IdRing stretch;
      for (std::size_t step = 0; step <= ring.size(); ++step) stretch.push_back(ring[(first + step) % ring.size()]);
      plan.stretches.push_back(register_stretch(stretch));
      return plan;
    }
    IdRing stretch{ring[first]};
    for (std::size_t step = 1; step <= ring.size(); ++step) {
      const PointId id = ring[(first + step) % ring.size()];
      stretch.push_back(id);
      if (degree_[id] == 2) continue;
      plan.stretches.push_back(register_stretch(stretch));
      stretch = {id};
    }
    return plan;
  }

  /// Simplifies every registered stretch at once with GEOS TopologyPreserveSimplify: end points
  /// stay, and no stretch is made to cross another (a ring itself, a hole its shell, neighbours
  /// each other). A closed stretch is simplified as two halves split at its farthest point.
  void simplify_all(const geo::GeosContext& geos, double tolerance) {
    std::vector<IdRing> pieces;
    std::vector<std::pair<std::size_t, std::size_t>> pieces_of(stretches_.size());  // first piece, count
    for (std::size_t s = 0; s < stretches_.size(); ++s) {
      const IdRing& stretch = stretches_[s];
      pieces_of[s] = {pieces.size(), 1};
      if (stretch.front() != stretch.back() || stretch.size() < 4) {
        pieces.push_back(stretch);
        continue;
      }
      std::size_t farthest = 1;
      double best = -1;
      for (std::size_t i = 1; i + 1 < stretch.size(); ++i) {
        const double d = squared_distance(points_[stretch[i]], points_[stretch.front()]);
        if (d > best) best = d, farthest = i;
      }
      pieces.emplace_back(stretch.begin(), stretch.begin() + static_cast<std::ptrdiff_t>(farthest) + 1);
      pieces.emplace_back(stretch.begin() + static_cast<std::ptrdiff_t>(farthest), stretch.end());
      pieces_of[s].second = 2;
    }
    const auto simplified = simplify_pieces(geos, pieces, tolerance);
    simplified_.assign(stretches_.size(), {});
    for (std::size_t s = 0; s < stretches_.size(); ++s) {
      const auto [at, count] = pieces_of[s];
      IdRing& out = simplified_[s];
      for (std::size_t k = 0; k < count; ++k)
        out.insert(out.end(), simplified[at + k].begin() + (out.empty() ? 0 : 1), simplified[at + k].end());
    }
  }

  /// The planned ring from the simplified stretches (closed), or empty when fewer than three corners remain.
  CoverageRing build_ring(const RingPlan& plan) const {
    IdRing out;
    for (const auto& [index, reversed] : plan.stretches) {
      IdRing stretch = simplified_[index];
      if (reversed) std::reverse(stretch.begin(), stretch.end());
      out.insert(out.end(), stretch.begin() + (out.empty() ? 0 : 1), stretch.end());
    }
    std::unordered_set<PointId> corners(out.begin(), out.end());
    if (out.size() < 4 || corners.size() < 3) return {};
    CoverageRing points;
    points.reserve(out.size());
    for (const PointId id : out) points.push_back(points_[id]);
    return points;
  }

 private:
  static double squared_distance(const CoveragePoint& a, const CoveragePoint& b) {
    const double dx = a.first - b.first, dy = a.second - b.second;
    return dx * dx + dy * dy;
  }

  std::pair<std::size_t, bool> register_stretch(const IdRing& stretch) {
    // A stretch is known by its first directed edge: its inner vertices have two neighbours
    // each, so that edge decides every vertex up to the next junction.
    const auto forward = std::make_pair(stretch[0], stretch[1]);
    const auto backward = std::make_pair(stretch.back(), stretch[stretch.size() - 2]);
    const bool reversed = backward < forward;
    const auto key = reversed ? edge_key(backward.first, backward.second) : edge_key(forward.first, forward.second);
    const auto [found, added] = stretch_index_.try_emplace(key, stretches_.size());
    if (added) {
      stretches_.push_back(stretch);
      if (reversed) std::reverse(stretches_.back().begin(), stretches_.back().end());
    }
    return {found->second, reversed};
  }

  std::vector<IdRing> simplify_pieces(const geo::GeosContext& geos, const std::vector<IdRing>& pieces,
                                      double tolerance) const {
    GEOSContextHandle_t handle = geos.get();
    std::vector<GEOSGeometry*> lines;
    lines.reserve(pieces.size());
    for (const auto& piece : pieces) {
      GEOSCoordSequence* sequence = GEOSCoordSeq_create_r(handle, static_cast<unsigned>(piece.size()), 2);
      for (std::size_t i = 0; i < piece.size(); ++i)
        GEOSCoordSeq_setXY_r(handle, sequence, static_cast<unsigned>(i), points_[piece[i]].first, points_[piece[i]].second);
      lines.push_back(GEOSGeom_createLineString_r(handle, sequence));
    }
    const geo::Geometry collection(
        geos, geo::check(geos, GEOSGeom_createCollection_r(handle, GEOS_MULTILINESTRING, lines.data(),
                                                           static_cast<unsigned>(lines.size())),
                         "stretches"));
    const geo::Geometry simplified(
        geos, geo::check(geos, GEOSTopologyPreserveSimplify_r(handle, collection.get(), tolerance), "simplify"));
    std::vector<IdRing> out(pieces.size());
    const int parts = GEOSGetNumGeometries_r(handle, simplified.get());
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      // The result keeps the input's lines in order, each a subset of its vertices; anything
      // else (not seen) keeps the piece as it was.
      const GEOSGeometry* line = static_cast<int>(i) < parts ? GEOSGetGeometryN_r(handle, simplified.get(), static_cast<int>(i)) : nullptr;
      const GEOSCoordSequence* sequence = line ? GEOSGeom_getCoordSeq_r(handle, line) : nullptr;
      unsigned size = 0;
      if (sequence) GEOSCoordSeq_getSize_r(handle, sequence, &size);
      IdRing kept;
      for (unsigned k = 0; k < size; ++k) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(handle, sequence, k, &x, &y);
        const auto found = point_ids_.find({x, y});
        if (found == point_ids_.end()) break;
        kept.push_back(found->second);
      }
      const bool usable = kept.size() == size && size >= 2 && kept.front() == pieces[i].front() && kept.back() == pieces[i].back();
      out[i] = usable ? std::move(kept) : pieces[i];
    }
    return out;
  }

  std::unordered_map<CoveragePoint, PointId, PointHash> point_ids_;
  std::vector<CoveragePoint> points_;
  std::vector<std::uint32_t> degree_;
  std::unordered_set<std::uint64_t> edges_;
  std::unordered_map<std::uint64_t, std::size_t> stretch_index_;
  std::vector<IdRing> stretches_;   ///< canonical direction
  std::vector<IdRing> simplified_;  ///< by stretch
};

}  // namespace

std::vector<CoverageShape> simplify_coverage(const std::vector<CoverageShape>& shapes, double tolerance) {
  if (tolerance <= 0) return shapes;
  Coverage coverage;
  std::vector<std::vector<std::vector<IdRing>>> indexed(shapes.size());
  for (std::size_t s = 0; s < shapes.size(); ++s)
    for (const auto& polygon : shapes[s]) {
      auto& rings = indexed[s].emplace_back();
      for (const auto& ring : polygon) rings.push_back(coverage.index_ring(ring));
    }
  for (const auto& shape : indexed)
    for (const auto& polygon : shape)
      for (const auto& ring : polygon) coverage.add_edges(ring);
  std::vector<std::vector<std::vector<RingPlan>>> plans(shapes.size());
  for (std::size_t s = 0; s < indexed.size(); ++s)
    for (const auto& polygon : indexed[s]) {
      auto& rings = plans[s].emplace_back();
      for (const auto& ring : polygon) rings.push_back(coverage.plan_ring(ring));
    }
  const geo::GeosContext geos;
  coverage.simplify_all(geos, tolerance);

  std::vector<CoverageShape> out(shapes.size());
  for (std::size_t s = 0; s < plans.size(); ++s)
    for (const auto& polygon : plans[s]) {
      CoveragePolygon simplified;
      for (const auto& ring : polygon) {
        auto points = coverage.build_ring(ring);
        if (!points.empty()) {
          simplified.push_back(std::move(points));
        } else if (simplified.empty()) {
          break;  // the shell is gone: so is the polygon, holes and all
        }
      }
      if (!simplified.empty()) out[s].push_back(std::move(simplified));
    }
  return out;
}

}  // namespace antt::mapdata
