#pragma once
// Drawing copies of the render file: one ESRI shapefile (with its .qix quadtree) per (layer,
// level, year), holding the rows of that year ordered by fid, with only the attributes that
// drawing reads (kDrawingFields), written from the render store's rows in memory. MapServer reads shapefiles natively: no OGR layer open, no SQL
// prepared per draw and no process-wide OGR lock, which took about 40 % of a 7-layer GetMap
// through the SQLite render file (docs/benchmarks-server.md). Queries, vector tiles and the OGC
// API keep reading the render file, which has every attribute. Layers drawn with shared boundaries
// (draws_boundaries_once) are not copied level by level: their generalised levels are made here
// from the full-detail rows, all polygons of the year together (antt/mapdata/coverage.hpp).
//
// Files are never changed in place: an update writes new files under new names and publishes a
// new ShapefileSet; a set still held by a request keeps its files until the last holder lets go.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <functional>
#include <vector>

#include "antt/layers/layers.hpp"
#include "antt/mapdata/mapdata.hpp"

namespace antt::mapdata {

/// The render-file columns copied into drawing shapefiles: the time filter (vfrom, vto), the
/// style class expressions (class, kind, effective) and the label text (name). DBF field names
/// are at most 10 characters; these fit.
inline const std::vector<std::string> kDrawingFields = {"vfrom", "vto", "class", "name", "kind", "effective"};

/// True for the layers whose drawing shapefiles get boundary lines (ShapefileOnDisk::boundaries_path):
/// polygon layers drawn with a style that fills every class.
bool draws_boundaries_once(const layers::LayerDescriptor& layer);

/// One shapefile on disk (.shp with its .shx, .dbf, .cpg and .qix); deleted with its owner.
class ShapefileOnDisk {
 public:
  struct Envelope {
    double minx, miny, maxx, maxy;  ///< EPSG:3857
  };

  /// `valid_from_max`, `valid_to_min`: the latest vfrom and the earliest vto of its rows (yyyymmdd).
  /// `boundaries_path`: its companion line shapefile (see boundaries_path()), empty when none.
  ShapefileOnDisk(std::string shp_path, std::vector<Envelope> envelopes, int valid_from_max, int valid_to_min,
                  std::string boundaries_path = {})
      : shp_path_(std::move(shp_path)),
        boundaries_path_(std::move(boundaries_path)),
        envelopes_(std::move(envelopes)),
        valid_from_max_(valid_from_max),
        valid_to_min_(valid_to_min) {}
  ~ShapefileOnDisk();
  ShapefileOnDisk(const ShapefileOnDisk&) = delete;
  ShapefileOnDisk& operator=(const ShapefileOnDisk&) = delete;
  const std::string& path() const { return shp_path_; }
  /// Polygon layers whose style fills every class (styles::fills_every_class): a line shapefile
  /// of their boundaries, each shared stretch once, in the class (field "class") of the last
  /// polygon in fid order that has it: the one whose outline is on top when each polygon draws
  /// its own. Drawn after the fills, it gives the same picture with about a third less stroking.
  /// Empty for other layers.
  const std::string& boundaries_path() const { return boundaries_path_; }
  /// True when a feature's envelope meets `area`: a draw of an area no feature meets draws
  /// nothing, and the engine skips the layer without opening its files.
  bool any_feature_in(const Envelope& area) const;
  /// True when every row is valid on `date` (vfrom <= date < vto): a draw of that date needs no
  /// time filter (usual for the year-end date; not in a year of mergers).
  bool all_valid_on(int date) const { return valid_from_max_ <= date && date < valid_to_min_; }

 private:
  std::string shp_path_;
  std::string boundaries_path_;
  std::vector<Envelope> envelopes_;
  int valid_from_max_;
  int valid_to_min_;
};

/// An immutable view: which shapefile draws (layer, level, year). Absent = no rows.
class ShapefileSet {
 public:
  using Key = std::tuple<std::string, int, int>;  ///< layer, level, year

  /// The file of (layer, level, year), or nullptr when that layer has no rows there.
  const ShapefileOnDisk* find(const std::string& layer, int level, int year) const;
  /// Its .shp path, or nullptr.
  const std::string* path(const std::string& layer, int level, int year) const;
  std::size_t size() const { return files_.size(); }

 private:
  friend class RenderShapefiles;
  std::map<Key, std::shared_ptr<const ShapefileOnDisk>> files_;
};

/// Keeps the drawing shapefiles of one render file. update() is called by one thread (the
/// render store's writer); current() from any thread.
class RenderShapefiles {
 public:
  /// The rows of (layer, year) in fid order (the render store's).
  using RowsOf = std::function<std::vector<std::shared_ptr<const layers::LayerRow>>(const std::string& layer, int year)>;

  /// `directory` is emptied and recreated: it belongs to this object. `registry` tells how each
  /// layer is drawn (points, shared boundaries).
  /// With `only_years`, files are written for those years alone; targets of other years are ignored.
  RenderShapefiles(std::shared_ptr<const layers::LayerRegistry> registry, std::string directory,
                   std::vector<int> only_years = {});
  ~RenderShapefiles();
  RenderShapefiles(const RenderShapefiles&) = delete;
  RenderShapefiles& operator=(const RenderShapefiles&) = delete;

  /// Rewrites every level of each (layer, year) from `rows_of` and publishes the new set in one
  /// step. If writing fails, the previous set stays published and the targets are kept for the
  /// next call, which retries them (throws Error).
  void update(const std::vector<std::pair<std::string, int>>& targets, const RowsOf& rows_of);
  /// True when an earlier update failed and its targets wait for the next one.
  bool has_pending() const { return !pending_.empty(); }
  std::vector<std::pair<std::string, int>> pending() const { return {pending_.begin(), pending_.end()}; }
  std::shared_ptr<const ShapefileSet> current() const;

 private:
  std::shared_ptr<const layers::LayerRegistry> registry_;
  std::string directory_;
  long serial_ = 0;
  std::vector<int> only_years_;  ///< empty: every year
  std::set<std::pair<std::string, int>> pending_;
  mutable std::mutex mutex_;  ///< guards current_
  std::shared_ptr<const ShapefileSet> current_;
  struct CoverageCache;
  std::unique_ptr<CoverageCache> coverage_cache_;  ///< used by update() only
};

}  // namespace antt::mapdata
