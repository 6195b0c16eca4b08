#pragma once
// The map server's derived data ("render file"): a SpatiaLite file, separate from the store,
// holding every layer of layers/layers.json already joined with its yearly status, projected to
// EPSG:3857 and generalised per zoom band, so that a tile render reads few vertices, reprojects
// nothing and evaluates no SQL joins. It is rebuilt from the store at startup and follows it
// incrementally: refresh() reads the store's audit log past the last entry it saw and rewrites
// only the (layer, year) rows the change affects, returning where the map changed.
//
// Render file schema (fixed; the mapfile points at it):
//   table "<layer>_g<level>" for every layer of the registry and level 0..kLevels-1, columns
//     fid INTEGER PRIMARY KEY, year INTEGER, vfrom INTEGER, vto INTEGER,  -- yyyymmdd; vto exclusive,
//                                                                         -- 99991231 when open
//     code TEXT, name TEXT, kind TEXT, parent_code TEXT,
//     class TEXT,    -- the style class key (status, district grade, model type, ...); see styles/
//     label TEXT,    -- Vietnamese text of the class, for feature info and legends
//     share REAL,    -- districts: pooled share recognised, percent; NULL elsewhere
//     recognised INTEGER, total INTEGER,   -- districts: counts behind share
//     effective INTEGER,  -- models: 1 effective in the year, 0 not; NULL elsewhere
//     decision TEXT,  -- decision number and date of the status, when any
//     members TEXT,   -- clusters: member commune codes, comma separated
//     geometry        -- SpatiaLite geometry, EPSG:3857, MULTIPOLYGON (polygon layers) or POINT
//   with an index on (year, vfrom, vto) and a SpatiaLite R*Tree spatial index.
//   A row is one unit version in one year: the version overlaps that year and the row carries the
//   status of that year. "Units of year Y on date D" = rows with year = Y AND vfrom <= D < vto.
//   Level g0..g3 hold the same rows with geometry simplified for zoom bands (see level_for_zoom).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace antt::mapdata {

inline constexpr int kLevels = 4;
inline constexpr int kOpenEnd = 99991231;

/// Generalisation level for a web-mercator zoom: g0 z<=8, g1 z9-11, g2 z12-14, g3 z>=15 (full detail).
int level_for_zoom(int zoom);
/// Zoom range [min, max] a level serves.
std::pair<int, int> zoom_range_of_level(int level);
/// Simplification tolerance of a level in metres (EPSG:3857): 0.8 pixel at the band's highest zoom; 0 for g3.
double tolerance_of_level(int level);
/// "communes_g2".
std::string table_name(const std::string& layer, int level);

struct Box {
  double minx = 0, miny = 0, maxx = 0, maxy = 0;  ///< EPSG:3857 metres
};

/// Where the map changed: tiles of `layer` in `year` that intersect `box` are stale.
struct DirtyArea {
  std::string layer;
  int year = 0;
  Box box;
};

struct RefreshResult {
  std::vector<DirtyArea> dirty;
  std::int64_t last_audit_id = 0;  ///< the newest audit entry now reflected
  bool changed = false;
};

class ShapefileSet;

class RenderStore {
 public:
  /// Opens the store at `store_path` read-only and (re)creates the render file at `render_path`.
  /// With a `shapefile_dir`, it also keeps the drawing shapefiles there (antt/mapdata/shapefiles.hpp),
  /// for every year or, when `drawing_years` is not empty, for those years only (a one-off report).
  RenderStore(std::string store_path, std::string render_path, std::string shapefile_dir = {},
              std::vector<int> drawing_years = {});
  ~RenderStore();
  RenderStore(const RenderStore&) = delete;
  RenderStore& operator=(const RenderStore&) = delete;

  /// Builds every layer for every year from the first status year to the latest (startup).
  void build_all(const std::function<void(double)>& progress = {});
  /// Applies the store's changes since the last build/refresh; cheap when nothing changed.
  /// Thread-compatible: call from one thread (the server's watcher).
  RefreshResult refresh();

  const std::string& path() const;
  /// Years the render file holds, ascending (first status year .. max(latest status year, current layers)).
  std::vector<int> years() const;
  /// The default TIME: the latest year that has any status; nullopt when the store has none.
  std::optional<int> latest_status_year() const;
  /// Extent of the province (all layers, all years) in EPSG:3857; nullopt when empty.
  std::optional<Box> extent() const;
  /// The drawing shapefiles as of the last build/refresh; nullptr without a shapefile_dir. Any thread.
  std::shared_ptr<const ShapefileSet> shapefiles() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace antt::mapdata
