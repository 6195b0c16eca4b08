#pragma once
// Simplification of polygons that share boundaries (a coverage: communes, villages, districts)
// so that neighbours stay neighbours. Simplifying each polygon on its own (GEOS
// TopologyPreserveSimplify) starts each ring at its own first vertex, so two neighbours usually
// keep different vertices of the boundary they share: slivers and gaps between their fills, and
// two outlines where one would do. Here every ring is cut at the vertices where three or more
// boundaries meet; every stretch between two such junctions is simplified once, all together by
// GEOS TopologyPreserveSimplify (end points kept, no stretch made to cross another, so no ring
// crosses itself, its holes or its neighbours) and both neighbours take the same result: shared
// boundaries stay identical, segment for segment. Shared means equal coordinates: where
// neighbours do not share vertices, each keeps its own boundary.
#include <utility>
#include <vector>

namespace antt::mapdata {

using CoveragePoint = std::pair<double, double>;
using CoverageRing = std::vector<CoveragePoint>;          ///< closed: the last point repeats the first
using CoveragePolygon = std::vector<CoverageRing>;        ///< shell, then holes
using CoverageShape = std::vector<CoveragePolygon>;       ///< a multipolygon

/// Each shape simplified with `tolerance` (same units as the coordinates), shared boundaries
/// alike. A ring left with fewer than three corners is dropped (a polygon with its shell; a shape
/// may come back empty: it was narrower than the tolerance everywhere, and so were the same
/// stretches of its neighbours, which now meet). Tolerance 0 returns the shapes unchanged.
std::vector<CoverageShape> simplify_coverage(const std::vector<CoverageShape>& shapes, double tolerance);

}  // namespace antt::mapdata
