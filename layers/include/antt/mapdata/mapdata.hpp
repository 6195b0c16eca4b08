#pragma once
// The map server's derived data ("render file"): a SpatiaLite file, separate from the store,
// holding the rows of every layer of the registry (antt/layers/layers.hpp: each descriptor's row
// builder) for every year, projected to EPSG:3857 and generalised per zoom band, so that a tile
// render reads few vertices, reprojects nothing and evaluates no SQL joins. It is rebuilt from the
// store at startup and follows it incrementally: refresh() reads the store's change feed past the
// last change it saw and rebuilds only the (layer, year) rows the changes affect (the descriptors'
// dependencies), returning where the map changed. The render file itself is written through
// antt/store/render_file.hpp.
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
#include <set>
#include <string>
#include <vector>

#include "antt/layers/rows.hpp"
#include "antt/store/changes.hpp"
#include "antt/mapdata/levels.hpp"

namespace antt::layers {
class LayerRegistry;
}
namespace antt::store {
class Store;
}

namespace antt::mapdata {

/// Where the map changed: tiles of `layer` in `year` that intersect `box` are stale.
struct DirtyArea {
  std::string layer;
  int year = 0;
  Box box;
};

struct RefreshResult {
  std::vector<DirtyArea> dirty;
  std::int64_t position = 0;  ///< the store's change feed position now reflected
  bool changed = false;
  /// The topics of the changes read (accounts and keys too: no layer depends on them, but the
  /// server's credentials do).
  std::set<store::ChangeTopic> topics;
};

class ShapefileSet;

class RenderStore {
 public:
  /// Reads `store` (its own connection, used by this object's thread only) and (re)creates the
  /// render file at `render_path` with the layers of `registry`. With a `shapefile_dir`, it also
  /// keeps the drawing shapefiles there (antt/mapdata/shapefiles.hpp), for every year or, when
  /// `drawing_years` is not empty, for those years only (a one-off report).
  RenderStore(std::unique_ptr<store::Store> store, std::shared_ptr<const layers::LayerRegistry> registry,
              std::string render_path, std::string shapefile_dir = {}, std::vector<int> drawing_years = {});
  ~RenderStore();
  RenderStore(const RenderStore&) = delete;
  RenderStore& operator=(const RenderStore&) = delete;

  /// Builds every layer for every year from the first status year to the latest (startup).
  void build_all(const std::function<void(double)>& progress = {});
  /// Before build_all: hold only these of those years (a one-off report draws one year; building
  /// every year's rows would take it ten times longer). Empty: every year.
  void keep_only_years(std::vector<int> years);
  /// Before build_all: hold no year before `first_year` (later years, new ones too, as usual). A
  /// server of the whole country on its recent years starts in a fraction of the time and memory.
  void keep_years_from(int first_year);
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
  /// The rows of `layer` in `year` as of the last build/refresh, in fid order; empty for a layer or
  /// year it does not hold. Any thread; the rows never change (a refresh publishes new ones).
  std::vector<std::shared_ptr<const layers::LayerRow>> rows(const std::string& layer, int year) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace antt::mapdata
