#pragma once
// A grid of small hexagons over the sample province, in lon/lat (EPSG:4326) on a local
// equirectangular scale. Every unit of the sample is a set of cells, so siblings share edges
// exactly and tile their parent without gaps or overlaps.
//
// Pointy-top hexagons in "odd-r" offset layout. Cell vertices live on an integer lattice
// (k, m): x = k · half_width, y = m · half_side. A vertex's coordinates depend on (k, m) only
// (including its deterministic jitter), so neighbouring cells produce bit-identical vertices.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace antt::sample {

struct LonLat {
  double lon = 0;
  double lat = 0;
};

class HexGrid {
 public:
  /// A grid covering [west, east] × [south, north] with cells of `cell_area_km2`.
  HexGrid(double west, double south, double east, double north, double cell_area_km2, std::uint64_t seed);

  int cols() const { return cols_; }
  int rows() const { return rows_; }
  int size() const { return cols_ * rows_; }
  int index(int col, int row) const { return row * cols_ + col; }
  int col_of(int cell) const { return cell % cols_; }
  int row_of(int cell) const { return cell / cols_; }
  double cell_area_km2() const { return cell_area_km2_; }

  /// Neighbours of a cell across its six edges (edge i joins vertex i and i+1, counter-clockwise
  /// from the lower-right vertex); -1 outside the grid.
  std::array<int, 6> neighbours(int cell) const;

  /// Centre in lon/lat.
  LonLat centre(int cell) const;
  /// Centre in lattice-metric units (km), for distances and point-in-polygon tests.
  double x_km(int cell) const;
  double y_km(int cell) const;
  /// The cell whose centre is nearest to a lon/lat (clamped into the grid).
  int cell_at(LonLat point) const;
  /// Lon/lat of a point given in km relative to the grid origin.
  LonLat to_lonlat(double x_km, double y_km) const;
  double km_per_deg_lon() const { return km_per_deg_lon_; }
  double km_per_deg_lat() const { return km_per_deg_lat_; }
  /// Circumradius of a cell in km.
  double side_km() const { return side_km_; }

  /// Lattice coordinates of vertex `i` (0..5) of `cell`.
  void vertex_lattice(int cell, int i, std::int64_t& k, std::int64_t& m) const;
  /// Jittered, rounded lon/lat of lattice vertex (k, m).
  LonLat vertex(std::int64_t k, std::int64_t m) const;

  /// Straightens the zigzag of hexagon edges along boundaries: where two of the three cells at a
  /// vertex share a label and the third differs, the vertex moves a quarter of a side toward the
  /// odd cell's centre. `labels` (one per cell, -1 outside) must be the finest level, so that every
  /// boundary at every level passes through the same, moved vertices. Each vertex stays inside the
  /// triangle of its three cell centres, so outlines stay simple.
  void set_boundary_labels(std::vector<int> labels) { labels_ = std::move(labels); }

 private:
  int cols_ = 0, rows_ = 0;
  double west_, south_;
  double cell_area_km2_;
  double side_km_;
  double half_width_km_, half_side_km_;
  double km_per_deg_lon_, km_per_deg_lat_;
  std::uint64_t seed_;
  std::vector<int> labels_;
};

/// The outline of a set of cells as ISO WKB MultiPolygon (little-endian), exterior rings
/// counter-clockwise, holes clockwise. `member(cell)` says whether a cell belongs to the set;
/// `cells` lists them (any order). Empty string for an empty set.
template <typename Member>
std::string region_wkb(const HexGrid& grid, std::span<const int> cells, Member member);

/// ISO WKB of a Point.
std::string point_wkb(LonLat point);
/// ISO WKB MultiPolygon of one ring given counter-clockwise (closed by the writer).
std::string polygon_wkb(const std::vector<LonLat>& ring);

namespace detail {
struct Ring {
  std::vector<std::int64_t> k, m;  // lattice vertices, not closed
  double signed_area = 0;          // in lattice-metric units; > 0 counter-clockwise
};
std::vector<Ring> trace_rings(const HexGrid& grid, std::span<const int> cells,
                              const std::vector<std::array<bool, 6>>& boundary_edges);
std::string rings_to_wkb(const HexGrid& grid, std::vector<Ring>& rings);
}  // namespace detail

template <typename Member>
std::string region_wkb(const HexGrid& grid, std::span<const int> cells, Member member) {
  if (cells.empty()) return {};
  std::vector<std::array<bool, 6>> boundary(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    auto around = grid.neighbours(cells[i]);
    for (int e = 0; e < 6; ++e) boundary[i][e] = around[e] < 0 || !member(around[e]);
  }
  auto rings = detail::trace_rings(grid, cells, boundary);
  return detail::rings_to_wkb(grid, rings);
}

}  // namespace antt::sample
