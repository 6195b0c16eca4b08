#pragma once
// The rows of a layer: what a layer descriptor's row builder makes of the store for one year, and
// what the builder may read to make them. One row is one feature drawn, queried and exposed (render
// file, drawing shapefiles, vector tiles, OGC API): a unit version, a hotspot designation, a
// cluster's outline, a model... as it was in that year, with the class its style colours it by.
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "antt/mapdata/levels.hpp"
#include "antt/store/model.hpp"

namespace antt::store {
class Store;
}

namespace antt::layers {

/// One feature's geometry at every generalisation level, EPSG:3857 ISO WKB. A level whose
/// simplification vanished holds an empty string and gets no row.
struct LevelGeometries {
  std::array<std::string, mapdata::kLevels> wkb;
  mapdata::Box box;  ///< of the full-detail geometry
  bool point = false;
};
using SharedGeometries = std::shared_ptr<const LevelGeometries>;

/// One feature of one layer in one year.
struct LayerRow {
  std::string key;  ///< identity inside its (layer, year): rows with equal keys replace each other
  int vfrom = 0;    ///< valid from this day (yyyymmdd) ...
  int vto = mapdata::kOpenEnd;  ///< ... to the day before this one
  std::string code, name, kind, parent_code;
  std::string class_key;  ///< the style class (status, district grade, model type, ...); see styles/
  std::string label;      ///< Vietnamese text of the class
  std::optional<double> share;
  std::optional<int> recognised, total, effective;
  std::string decision;
  std::string members;
  SharedGeometries geometry;

  /// True when the map would draw or query the two rows alike.
  bool same_content(const LayerRow& other) const;
  /// True when the row is valid on `date` (yyyymmdd).
  bool valid_on(int date) const { return vfrom <= date && date < vto; }
};

/// Every unit version of the store (no geometry), indexed by code.
class UnitCatalogue {
 public:
  void reset(std::vector<store::UnitVersion> versions);
  const std::vector<store::UnitVersion>& versions() const { return versions_; }
  /// Every version of `code`, oldest first.
  const std::vector<const store::UnitVersion*>& of_code(const std::string& code) const;
  /// The version of `code` valid at the end of `year`, else the last one overlapping the year.
  const store::UnitVersion* of_year(const std::string& code, int year) const;

 private:
  std::vector<store::UnitVersion> versions_;
  std::map<std::string, std::vector<const store::UnitVersion*>> by_code_;
};

/// What a row builder reads: the store, its units, and geometry made ready for drawing (projected
/// and generalised once, then kept, so a status-only change reprocesses no geometry).
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual const store::Store& store() const = 0;
  virtual const UnitCatalogue& units() const = 0;
  /// The unit version's area (or point) at every level; null when it has no geometry.
  virtual SharedGeometries area(const store::UnitVersion& version) = 0;
  /// A point on the unit's area, or its own point; null when it has no geometry.
  virtual SharedGeometries point(const store::UnitVersion& version) = 0;
  /// The union of the versions' areas; null when nothing remains.
  virtual SharedGeometries union_of(const std::vector<const store::UnitVersion*>& versions) = 0;
  /// A geometry of the store (ISO WKB, EPSG:4326) at every level, kept under `key` until the
  /// record behind it changes (see RowSource users: models).
  virtual SharedGeometries geometry(const std::string& key, const std::string& wkb_4326) = 0;
};

/// Builds a layer's rows of `year`. Runs on the render store's thread; may throw antt::Error.
using RowBuilder = std::function<std::vector<LayerRow>(RowSource& source, int year)>;

}  // namespace antt::layers
