#include "antt/mapdata/coverage.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <unordered_set>

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

double squared_distance_to_segment(const CoveragePoint& point, const CoveragePoint& a, const CoveragePoint& b) {
  const double dx = b.first - a.first, dy = b.second - a.second;
  const double length2 = dx * dx + dy * dy;
  const double along =
      length2 > 0 ? std::clamp(((point.first - a.first) * dx + (point.second - a.second) * dy) / length2, 0.0, 1.0) : 0.0;
  const double ex = a.first + along * dx - point.first, ey = a.second + along * dy - point.second;
  return ex * ex + ey * ey;
}

class Coverage {
 public:
  explicit Coverage(double tolerance) : tolerance2_(tolerance * tolerance) {}

  IdRing index_ring(const CoverageRing& ring) {
    IdRing ids;
    ids.reserve(ring.size());
    for (const auto& point : ring) {
      const auto [found, added] = point_ids_.try_emplace(point, static_cast<PointId>(points_.size()));
      if (added) points_.push_back(point);
      if (ids.empty() || ids.back() != found->second) ids.push_back(found->second);
    }
    while (ids.size() > 1 && ids.back() == ids.front()) ids.pop_back();
    return ids;
  }

  /// Counts each vertex's distinct neighbours over every ring: a vertex with other than two is
  /// where boundaries meet (or end), and cuts rings into the stretches simplified once.
  void add_edges(const IdRing& ring) {
    if (degree_.size() < points_.size()) degree_.resize(points_.size(), 0);
    for (std::size_t i = 0; i < ring.size() && ring.size() > 1; ++i) {
      const PointId a = ring[i], b = ring[(i + 1) % ring.size()];
      if (a == b) continue;
      if (edges_.insert(edge_key(std::min(a, b), std::max(a, b))).second) {
        ++degree_[a];
        ++degree_[b];
      }
    }
  }

  /// The simplified ring (closed), or empty when fewer than three corners remain.
  CoverageRing simplify_ring(const IdRing& ring) {
    if (ring.size() < 3) return {};
    std::vector<std::size_t> junctions;
    for (std::size_t i = 0; i < ring.size(); ++i)
      if (degree_[ring[i]] != 2) junctions.push_back(i);
    IdRing out;
    if (junctions.empty()) {
      // A ring no other ring meets (or rings that are all the same): one closed stretch, started at
      // its smallest vertex id and run towards the smaller neighbour, so equal rings agree.
      const std::size_t start = static_cast<std::size_t>(std::min_element(ring.begin(), ring.end()) - ring.begin());
      IdRing stretch;
      for (std::size_t step = 0; step <= ring.size(); ++step) stretch.push_back(ring[(start + step) % ring.size()]);
      out = simplified_stretch(stretch);
    } else {
      const std::size_t first = junctions.front();
      IdRing stretch{ring[first]};
      for (std::size_t step = 1; step <= ring.size(); ++step) {
        const std::size_t at = (first + step) % ring.size();
        stretch.push_back(ring[at]);
        if (degree_[ring[at]] == 2) continue;
        const IdRing simplified = simplified_stretch(stretch);
        out.insert(out.end(), simplified.begin() + (out.empty() ? 0 : 1), simplified.end());
        stretch = {ring[at]};
      }
    }
    // `out` is closed. Three corners need four points.
    std::unordered_set<PointId> corners(out.begin(), out.end());
    if (out.size() < 4 || corners.size() < 3) return {};
    CoverageRing points;
    points.reserve(out.size());
    for (const PointId id : out) points.push_back(points_[id]);
    return points;
  }

 private:
  /// The stretch (junction to junction, both included) simplified, in the direction given. Each
  /// stretch is simplified once, in the direction whose first edge sorts first, so the neighbour
  /// that runs it the other way gets the same points.
  IdRing simplified_stretch(const IdRing& stretch) {
    if (stretch.size() <= 2) return stretch;
    const auto forward = std::make_pair(stretch[0], stretch[1]);
    const auto backward = std::make_pair(stretch.back(), stretch[stretch.size() - 2]);
    const bool reversed = backward < forward;
    const auto key = reversed ? edge_key(backward.first, backward.second) : edge_key(forward.first, forward.second);
    auto found = memo_.find(key);
    if (found == memo_.end()) {
      IdRing canonical = stretch;
      if (reversed) std::reverse(canonical.begin(), canonical.end());
      found = memo_.emplace(key, douglas_peucker(canonical)).first;
    }
    IdRing result = found->second;
    if (reversed) std::reverse(result.begin(), result.end());
    return result;
  }

  /// Douglas–Peucker keeping both ends; a closed stretch is first split at its farthest point
  /// (from a single point every other point is "off the line" and only one would stay).
  IdRing douglas_peucker(const IdRing& stretch) const {
    const std::size_t last = stretch.size() - 1;
    std::vector<char> keep(stretch.size(), 0);
    keep[0] = keep[last] = 1;
    std::vector<std::pair<std::size_t, std::size_t>> pending;
    if (stretch.front() == stretch.back()) {
      std::size_t farthest = 1;
      double best = -1;
      for (std::size_t i = 1; i < last; ++i) {
        const double d = squared_distance_to_segment(points_[stretch[i]], points_[stretch[0]], points_[stretch[0]]);
        if (d > best) best = d, farthest = i;
      }
      keep[farthest] = 1;
      pending = {{0, farthest}, {farthest, last}};
    } else {
      pending = {{0, last}};
    }
    while (!pending.empty()) {
      const auto [from, to] = pending.back();
      pending.pop_back();
      if (to <= from + 1) continue;
      std::size_t farthest = from;
      double best = -1;
      for (std::size_t i = from + 1; i < to; ++i) {
        const double d = squared_distance_to_segment(points_[stretch[i]], points_[stretch[from]], points_[stretch[to]]);
        if (d > best) best = d, farthest = i;
      }
      if (best <= tolerance2_) continue;
      keep[farthest] = 1;
      pending.emplace_back(from, farthest);
      pending.emplace_back(farthest, to);
    }
    IdRing kept;
    for (std::size_t i = 0; i <= last; ++i)
      if (keep[i]) kept.push_back(stretch[i]);
    return kept;
  }

  double tolerance2_;
  std::unordered_map<CoveragePoint, PointId, PointHash> point_ids_;
  std::vector<CoveragePoint> points_;
  std::vector<std::uint32_t> degree_;
  std::unordered_set<std::uint64_t> edges_;
  std::unordered_map<std::uint64_t, IdRing> memo_;
};

}  // namespace

std::vector<CoverageShape> simplify_coverage(const std::vector<CoverageShape>& shapes, double tolerance) {
  if (tolerance <= 0) return shapes;
  Coverage coverage(tolerance);
  std::vector<std::vector<std::vector<IdRing>>> indexed(shapes.size());
  for (std::size_t s = 0; s < shapes.size(); ++s)
    for (const auto& polygon : shapes[s]) {
      auto& rings = indexed[s].emplace_back();
      for (const auto& ring : polygon) rings.push_back(coverage.index_ring(ring));
    }
  for (const auto& shape : indexed)
    for (const auto& polygon : shape)
      for (const auto& ring : polygon) coverage.add_edges(ring);

  std::vector<CoverageShape> out(shapes.size());
  for (std::size_t s = 0; s < indexed.size(); ++s)
    for (const auto& polygon : indexed[s]) {
      CoveragePolygon simplified;
      for (const auto& ring : polygon) {
        auto points = coverage.simplify_ring(ring);
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
