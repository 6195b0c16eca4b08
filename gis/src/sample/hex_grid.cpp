#include "hex_grid.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numbers>
#include <unordered_map>

#include "antt/core/error.hpp"
#include "random.hpp"

namespace antt::sample {
namespace {

constexpr double kJitter = 0.2;  // vertex displacement, in cell sides, per axis: keeps cells simple

double round7(double value) { return std::round(value * 1e7) / 1e7; }

void put_u8(std::string& out, unsigned char value) { out.push_back(static_cast<char>(value)); }

void put_u32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

void put_f64(std::string& out, double value) {
  const auto raw = std::bit_cast<std::uint64_t>(value);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((raw >> (8 * i)) & 0xFF));
}

void put_point(std::string& out, LonLat point) {
  put_f64(out, point.lon);
  put_f64(out, point.lat);
}

}  // namespace

HexGrid::HexGrid(double west, double south, double east, double north, double cell_area_km2, std::uint64_t seed)
    : west_(west), south_(south), cell_area_km2_(cell_area_km2), seed_(seed) {
  // Metres per degree on the WGS 84 ellipsoid at the grid's middle latitude, as geo::geodesic_area_m2 uses.
  const double lat = (south + north) / 2 * std::numbers::pi / 180.0;
  const double a = 6378137.0, e2 = 0.00669437999014;
  const double s = std::sin(lat);
  const double w = std::sqrt(1 - e2 * s * s);
  km_per_deg_lat_ = std::numbers::pi / 180.0 * a * (1 - e2) / (w * w * w) / 1000.0;
  km_per_deg_lon_ = std::numbers::pi / 180.0 * a * std::cos(lat) / w / 1000.0;
  side_km_ = std::sqrt(cell_area_km2 / (1.5 * std::sqrt(3.0)));
  half_width_km_ = std::sqrt(3.0) / 2 * side_km_;
  half_side_km_ = side_km_ / 2;
  const double width_km = (east - west) * km_per_deg_lon_;
  const double height_km = (north - south) * km_per_deg_lat_;
  cols_ = static_cast<int>(std::ceil(width_km / (2 * half_width_km_))) + 2;
  rows_ = static_cast<int>(std::ceil(height_km / (3 * half_side_km_))) + 2;
  if (static_cast<double>(cols_) * rows_ > 2.0e8)
    throw Error("sample: the requested province is too large for the generator's grid; use a smaller --scale");
}

std::array<int, 6> HexGrid::neighbours(int cell) const {
  const int c = col_of(cell), r = row_of(cell);
  std::array<int, 6> out;
  auto at = [&](int cc, int rr) { return (cc < 0 || rr < 0 || cc >= cols_ || rr >= rows_) ? -1 : index(cc, rr); };
  if ((r & 1) == 0) {
    out = {at(c + 1, r), at(c, r + 1), at(c - 1, r + 1), at(c - 1, r), at(c - 1, r - 1), at(c, r - 1)};
  } else {
    out = {at(c + 1, r), at(c + 1, r + 1), at(c, r + 1), at(c - 1, r), at(c, r - 1), at(c + 1, r - 1)};
  }
  return out;
}

double HexGrid::x_km(int cell) const {
  const int c = col_of(cell), r = row_of(cell);
  return (2 * c + (r & 1)) * half_width_km_;
}

double HexGrid::y_km(int cell) const { return 3 * row_of(cell) * half_side_km_; }

LonLat HexGrid::to_lonlat(double x_km, double y_km) const {
  return {round7(west_ + x_km / km_per_deg_lon_), round7(south_ + y_km / km_per_deg_lat_)};
}

LonLat HexGrid::centre(int cell) const { return to_lonlat(x_km(cell), y_km(cell)); }

int HexGrid::cell_at(LonLat point) const {
  const double x = (point.lon - west_) * km_per_deg_lon_;
  const double y = (point.lat - south_) * km_per_deg_lat_;
  int row = std::clamp(static_cast<int>(std::lround(y / (3 * half_side_km_))), 0, rows_ - 1);
  int col = std::clamp(static_cast<int>(std::lround((x / half_width_km_ - (row & 1)) / 2)), 0, cols_ - 1);
  int best = index(col, row);
  double best_d = std::hypot(x_km(best) - x, y_km(best) - y);
  for (int n : neighbours(best)) {
    if (n < 0) continue;
    double d = std::hypot(x_km(n) - x, y_km(n) - y);
    if (d < best_d) best = n, best_d = d;
  }
  return best;
}

void HexGrid::vertex_lattice(int cell, int i, std::int64_t& k, std::int64_t& m) const {
  const std::int64_t kc = 2 * static_cast<std::int64_t>(col_of(cell)) + (row_of(cell) & 1);
  const std::int64_t mc = 3 * static_cast<std::int64_t>(row_of(cell));
  static constexpr int dk[6] = {1, 1, 0, -1, -1, 0};
  static constexpr int dm[6] = {-1, 1, 2, 1, -1, -2};
  k = kc + dk[i];
  m = mc + dm[i];
}

LonLat HexGrid::vertex(std::int64_t k, std::int64_t m) const {
  const std::uint64_t h = hash_of(seed_, static_cast<std::uint64_t>(k), static_cast<std::uint64_t>(m));
  double x = static_cast<double>(k) * half_width_km_ + (unit_from_hash(h) * 2 - 1) * kJitter * side_km_;
  double y = static_cast<double>(m) * half_side_km_ + (unit_from_hash(mix64(h)) * 2 - 1) * kJitter * side_km_;
  if (!labels_.empty()) {
    // The three cells around the vertex, as lattice centres (kc, row): m = 3·row + 1 has two
    // cells below and one above; m = 3·row + 2 has one below and two above.
    const std::int64_t mod = ((m % 3) + 3) % 3;
    std::int64_t kc[3], row[3];
    auto floor_div3 = [](std::int64_t a) { return a >= 0 ? a / 3 : -((-a + 2) / 3); };
    if (mod == 1) {
      const std::int64_t r = floor_div3(m - 1);
      kc[0] = k - 1, row[0] = r, kc[1] = k + 1, row[1] = r, kc[2] = k, row[2] = r + 1;
    } else {
      const std::int64_t r = floor_div3(m - 2);
      kc[0] = k, row[0] = r, kc[1] = k - 1, row[1] = r + 1, kc[2] = k + 1, row[2] = r + 1;
    }
    int label[3];
    for (int i = 0; i < 3; ++i) {
      const std::int64_t col = (kc[i] - (row[i] & 1)) / 2;
      const bool in = row[i] >= 0 && row[i] < rows_ && col >= 0 && col < cols_ && ((kc[i] - (row[i] & 1)) % 2) == 0;
      label[i] = in ? labels_[static_cast<size_t>(index(static_cast<int>(col), static_cast<int>(row[i])))] : -1;
    }
    int odd = -1;
    if (label[0] == label[1] && label[2] != label[0])
      odd = 2;
    else if (label[0] == label[2] && label[1] != label[0])
      odd = 1;
    else if (label[1] == label[2] && label[0] != label[1])
      odd = 0;
    if (odd >= 0) {
      constexpr double kPull = 0.25;  // flattens a straight run of hexagon edges
      x += kPull * (static_cast<double>(kc[odd] - k) * half_width_km_);
      y += kPull * (static_cast<double>(3 * row[odd] - m) * half_side_km_);
    }
  }
  return to_lonlat(x, y);
}

std::string point_wkb(LonLat point) {
  std::string out;
  put_u8(out, 1);
  put_u32(out, 1);
  put_point(out, point);
  return out;
}

std::string polygon_wkb(const std::vector<LonLat>& ring) {
  std::string out;
  put_u8(out, 1);
  put_u32(out, 6);
  put_u32(out, 1);
  put_u8(out, 1);
  put_u32(out, 3);
  put_u32(out, 1);
  put_u32(out, static_cast<std::uint32_t>(ring.size() + 1));
  for (const LonLat& p : ring) put_point(out, p);
  put_point(out, ring.front());
  return out;
}

namespace detail {

namespace {
std::uint64_t vertex_key(std::int64_t k, std::int64_t m) {
  return (static_cast<std::uint64_t>(k + 8) << 32) | static_cast<std::uint64_t>(m + 8);
}
}  // namespace

std::vector<Ring> trace_rings(const HexGrid& grid, std::span<const int> cells,
                              const std::vector<std::array<bool, 6>>& boundary_edges) {
  // Directed boundary edges, counter-clockwise around each cell so the region lies on their left.
  // Three cells meet at every vertex, so each boundary vertex has exactly one outgoing boundary edge.
  struct Edge {
    std::int64_t k0, m0, k1, m1;
  };
  std::vector<Edge> edges;
  for (size_t i = 0; i < cells.size(); ++i)
    for (int e = 0; e < 6; ++e)
      if (boundary_edges[i][e]) {
        Edge edge;
        grid.vertex_lattice(cells[i], e, edge.k0, edge.m0);
        grid.vertex_lattice(cells[i], (e + 1) % 6, edge.k1, edge.m1);
        edges.push_back(edge);
      }
  std::unordered_map<std::uint64_t, std::uint32_t> outgoing;
  outgoing.reserve(edges.size() * 2);
  for (size_t i = 0; i < edges.size(); ++i) {
    if (!outgoing.emplace(vertex_key(edges[i].k0, edges[i].m0), static_cast<std::uint32_t>(i)).second)
      throw Error("sample: internal error tracing a region outline (vertex visited twice)");
  }
  std::vector<char> used(edges.size(), 0);
  std::vector<Ring> rings;
  const double hw = std::sqrt(3.0) / 2, hs = 0.5;  // lattice-metric units for the area sign
  for (size_t start = 0; start < edges.size(); ++start) {
    if (used[start]) continue;
    Ring ring;
    size_t current = start;
    while (!used[current]) {
      used[current] = 1;
      ring.k.push_back(edges[current].k0);
      ring.m.push_back(edges[current].m0);
      auto next = outgoing.find(vertex_key(edges[current].k1, edges[current].m1));
      if (next == outgoing.end()) throw Error("sample: internal error tracing a region outline (open ring)");
      current = next->second;
    }
    if (current != start) throw Error("sample: internal error tracing a region outline (ring does not close)");
    double twice = 0;
    const size_t n = ring.k.size();
    for (size_t i = 0; i < n; ++i) {
      const size_t j = (i + 1) % n;
      twice += (ring.k[i] * hw) * (ring.m[j] * hs) - (ring.k[j] * hw) * (ring.m[i] * hs);
    }
    ring.signed_area = twice / 2;
    rings.push_back(std::move(ring));
  }
  return rings;
}

namespace {
bool inside(const Ring& ring, double x, double y) {
  const double hw = std::sqrt(3.0) / 2, hs = 0.5;
  bool in = false;
  const size_t n = ring.k.size();
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    const double xi = ring.k[i] * hw, yi = ring.m[i] * hs, xj = ring.k[j] * hw, yj = ring.m[j] * hs;
    if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
  }
  return in;
}
}  // namespace

std::string rings_to_wkb(const HexGrid& grid, std::vector<Ring>& rings) {
  std::vector<size_t> shells, holes;
  for (size_t i = 0; i < rings.size(); ++i) (rings[i].signed_area > 0 ? shells : holes).push_back(i);
  std::vector<std::vector<size_t>> holes_of(shells.size());
  for (size_t h : holes) {
    // A point just inside the hole's first edge avoids testing a vertex shared by nothing else.
    const double hw = std::sqrt(3.0) / 2, hs = 0.5;
    const Ring& hole = rings[h];
    const double x = (hole.k[0] * 0.75 + hole.k[1] * 0.25) * hw, y = (hole.m[0] * 0.75 + hole.m[1] * 0.25) * hs;
    size_t best = shells.size();
    for (size_t s = 0; s < shells.size(); ++s) {
      if (shells.size() > 1 && !inside(rings[shells[s]], x, y)) continue;
      if (best == shells.size() || rings[shells[s]].signed_area < rings[shells[best]].signed_area) best = s;
    }
    if (best == shells.size()) throw Error("sample: internal error: a hole outside every shell");
    holes_of[best].push_back(h);
  }
  std::string out;
  put_u8(out, 1);
  put_u32(out, 6);
  put_u32(out, static_cast<std::uint32_t>(shells.size()));
  auto put_ring = [&](const Ring& ring) {
    put_u32(out, static_cast<std::uint32_t>(ring.k.size() + 1));
    for (size_t i = 0; i < ring.k.size(); ++i) put_point(out, grid.vertex(ring.k[i], ring.m[i]));
    put_point(out, grid.vertex(ring.k[0], ring.m[0]));
  };
  for (size_t s = 0; s < shells.size(); ++s) {
    put_u8(out, 1);
    put_u32(out, 3);
    put_u32(out, static_cast<std::uint32_t>(1 + holes_of[s].size()));
    put_ring(rings[shells[s]]);
    for (size_t h : holes_of[s]) put_ring(rings[h]);
  }
  return out;
}

}  // namespace detail
}  // namespace antt::sample
