#include "antt/mapdata/shapefiles.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <tuple>
#include <deque>
#include <future>
#include <unordered_map>
#include <unordered_set>

#include "antt/core/error.hpp"
#include "antt/geo/ogr.hpp"
#include "antt/layers/layers.hpp"
#include "antt/mapdata/coverage.hpp"
#include "antt/mapdata/mapdata.hpp"
#include "antt/styles/styles.hpp"

namespace antt::mapdata {
namespace {

// Marks a directory of drawing shapefiles as ours, so a later run may empty it.
constexpr const char* kMarkerName = "ANTTMAP-DRAWING-SHAPEFILES.txt";

// DBF character fields hold at most 254 bytes.
constexpr int kMaxTextBytes = 254;

/// Cuts `text` to at most kMaxTextBytes without splitting a UTF-8 sequence.
std::string dbf_text(const char* text) {
  std::string value = text ? text : "";
  if (value.size() <= kMaxTextBytes) return value;
  std::size_t end = kMaxTextBytes;
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
  value.resize(end);
  return value;
}

void remove_shapefile(const std::string& shp_path) {
  std::error_code ignored;
  for (const char* extension : {".shp", ".shx", ".dbf", ".cpg", ".qix", ".prj"})
    std::filesystem::remove(std::filesystem::path(shp_path).replace_extension(extension), ignored);
}

/// Removes a shapefile being written unless it is kept: nothing half-written stays behind a throw.
class PartialShapefile {
 public:
  explicit PartialShapefile(std::string shp_path) : shp_path_(std::move(shp_path)) {}
  ~PartialShapefile() {
    if (!shp_path_.empty()) remove_shapefile(shp_path_);
  }
  PartialShapefile(const PartialShapefile&) = delete;
  PartialShapefile& operator=(const PartialShapefile&) = delete;
  void keep() { shp_path_.clear(); }

 private:
  std::string shp_path_;
};

void add_field(OGRLayerH layer, const char* name, OGRFieldType type, int width) {
  OGRFieldDefnH field = OGR_Fld_Create(name, type);
  OGR_Fld_SetWidth(field, width);
  const OGRErr result = OGR_L_CreateField(layer, field, TRUE);
  OGR_Fld_Destroy(field);
  if (result != OGRERR_NONE) throw Error(std::string("render shapefiles: cannot create the field ") + name);
}

using Point = CoveragePoint;
using Ring = CoverageRing;

/// The rings of one written polygon row and its style class, for its boundaries.
struct RowOutline {
  std::string class_key;
  std::vector<Ring> rings;  ///< closed: the last point repeats the first
};

/// A ring segment without its direction: neighbours run their shared boundary opposite ways.
struct SegmentKey {
  Point low, high;
  bool operator==(const SegmentKey&) const = default;
};

struct SegmentHash {
  std::size_t operator()(const SegmentKey& key) const {
    std::size_t hash = 0;
    for (const double value : {key.low.first, key.low.second, key.high.first, key.high.second})
      hash = hash * 1000003u ^ std::hash<double>{}(value);
    return hash;
  }
};

SegmentKey segment_key(const Point& a, const Point& b) { return a < b ? SegmentKey{a, b} : SegmentKey{b, a}; }

/// Each row's boundary stretches whose segments no later row repeats, with the row's class: the
/// segments a polygon drawn later covers with its own outline are left out. Only segments with
/// equal end points count as shared (neighbours simplified alike); others are drawn by each row.
std::vector<std::pair<std::string, std::vector<Point>>> boundary_lines(const std::vector<RowOutline>& rows) {
  // Where each segment occurs last: row, ring of the row, position in the ring.
  using Occurrence = std::tuple<std::size_t, std::size_t, std::size_t>;
  std::unordered_map<SegmentKey, Occurrence, SegmentHash> last;
  for (std::size_t row = 0; row < rows.size(); ++row)
    for (std::size_t r = 0; r < rows[row].rings.size(); ++r) {
      const auto& ring = rows[row].rings[r];
      for (std::size_t i = 0; i + 1 < ring.size(); ++i)
        if (ring[i] != ring[i + 1]) last[segment_key(ring[i], ring[i + 1])] = {row, r, i};
    }

  std::vector<std::pair<std::string, std::vector<Point>>> lines;
  for (std::size_t row = 0; row < rows.size(); ++row) {
    for (std::size_t r = 0; r < rows[row].rings.size(); ++r) {
      const auto& ring = rows[row].rings[r];
      const std::size_t segments = ring.size() - 1;
      auto drawn_here = [&](std::size_t i) {
        return ring[i] != ring[i + 1] && last.at(segment_key(ring[i], ring[i + 1])) == Occurrence{row, r, i};
      };
      std::size_t start = 0;  // a segment drawn elsewhere, so no stretch wraps past the ring's start
      while (start < segments && drawn_here(start)) ++start;
      if (start == segments) {
        lines.emplace_back(rows[row].class_key, ring);
        continue;
      }
      std::vector<Point> stretch;
      for (std::size_t step = 1; step <= segments; ++step) {
        const std::size_t i = (start + step) % segments;
        if (step < segments && drawn_here(i)) {
          if (stretch.empty()) stretch.push_back(ring[i]);
          stretch.push_back(ring[i + 1]);
        } else if (!stretch.empty()) {
          lines.emplace_back(rows[row].class_key, std::move(stretch));
          stretch.clear();
        }
      }
    }
  }
  return lines;
}

void write_boundaries(const std::vector<RowOutline>& rows, const std::string& shp_path) {
  geo::GdalErrorScope errors;
  auto output = geo::Dataset::create_vector("ESRI Shapefile", shp_path);
  geo::OptionList options({"ENCODING=UTF-8", "SPATIAL_INDEX=YES"});
  OGRLayerH layer = GDALDatasetCreateLayer(output.get(), std::filesystem::path(shp_path).stem().c_str(), nullptr,
                                           wkbLineString, options.get());
  if (!layer) throw Error("render shapefiles: cannot create " + shp_path + ": " + errors.last_error());
  add_field(layer, "class", OFTString, 40);
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);
  for (const auto& [class_key, points] : boundary_lines(rows)) {
    geo::OgrGeometry line(OGR_G_CreateGeometry(wkbLineString));
    OGR_G_SetPointCount(line.get(), static_cast<int>(points.size()));
    for (std::size_t i = 0; i < points.size(); ++i)
      OGR_G_SetPoint_2D(line.get(), static_cast<int>(i), points[i].first, points[i].second);
    auto feature = geo::Feature::create(definition);
    OGR_F_SetFieldString(feature.get(), 0, class_key.c_str());
    OGR_F_SetGeometry(feature.get(), line.get());
    if (OGR_L_CreateFeature(layer, feature.get()) != OGRERR_NONE)
      throw Error("render shapefiles: cannot write to " + shp_path + ": " + errors.last_error());
  }
  output.close();
}

/// What a written shapefile holds, for the engine's shortcuts.
struct Written {
  std::vector<ShapefileOnDisk::Envelope> envelopes;
  int valid_from_max = 0;
  int valid_to_min = kOpenEnd;
};

/// A drawing row: its attributes and its geometry at the level being written.
struct DrawnRow {
  const layers::LayerRow* row;
  geo::OgrGeometry geometry;
};

/// The rows that have a geometry at `level`, in fid order, with that geometry.
std::vector<DrawnRow> rows_at_level(const std::vector<std::shared_ptr<const layers::LayerRow>>& rows, int level) {
  std::vector<DrawnRow> out;
  for (const auto& row : rows) {
    if (!row->geometry || row->geometry->wkb[level].empty()) continue;
    out.push_back({row.get(), geo::OgrGeometry::from_wkb(row->geometry->wkb[level])});
  }
  return out;
}

CoverageShape coverage_shape(OGRGeometryH geometry) {
  CoverageShape shape;
  auto add_polygon = [&](OGRGeometryH polygon) {
    CoveragePolygon rings;
    for (int r = 0; r < OGR_G_GetGeometryCount(polygon); ++r) {
      OGRGeometryH ring = OGR_G_GetGeometryRef(polygon, r);
      CoverageRing points(static_cast<std::size_t>(OGR_G_GetPointCount(ring)));
      for (std::size_t i = 0; i < points.size(); ++i)
        points[i] = {OGR_G_GetX(ring, static_cast<int>(i)), OGR_G_GetY(ring, static_cast<int>(i))};
      rings.push_back(std::move(points));
    }
    shape.push_back(std::move(rings));
  };
  if (!geometry) return shape;
  if (wkbFlatten(OGR_G_GetGeometryType(geometry)) == wkbPolygon) {
    add_polygon(geometry);
  } else {
    for (int p = 0; p < OGR_G_GetGeometryCount(geometry); ++p) add_polygon(OGR_G_GetGeometryRef(geometry, p));
  }
  return shape;
}

geo::OgrGeometry ogr_multipolygon(const CoverageShape& shape) {
  if (shape.empty()) return geo::OgrGeometry();
  geo::OgrGeometry multipolygon(OGR_G_CreateGeometry(wkbMultiPolygon));
  for (const auto& polygon : shape) {
    OGRGeometryH part = OGR_G_CreateGeometry(wkbPolygon);
    for (const auto& ring : polygon) {
      OGRGeometryH linear_ring = OGR_G_CreateGeometry(wkbLinearRing);
      OGR_G_SetPointCount(linear_ring, static_cast<int>(ring.size()));
      for (std::size_t i = 0; i < ring.size(); ++i)
        OGR_G_SetPoint_2D(linear_ring, static_cast<int>(i), ring[i].first, ring[i].second);
      OGR_G_AddGeometryDirectly(part, linear_ring);
    }
    OGR_G_AddGeometryDirectly(multipolygon.get(), part);
  }
  return multipolygon;
}

/// A full-detail geometry's identity for the coverage cache: a 64-bit hash of its WKB.
std::uint64_t geometry_key(const layers::LayerRow& row) {
  return std::hash<std::string>{}(row.geometry->wkb[kLevels - 1]);
}

}  // namespace

/// Generalised shapes of the polygon sets already seen, by (layer, level): years with the same
/// units (most years) and status-only changes reuse them instead of generalising again.
struct RenderShapefiles::CoverageCache {
  struct Entry {
    std::string layer;
    int level = 0;
    std::unordered_map<std::uint64_t, CoverageShape> by_geometry;  ///< geometry_key -> generalised
  };
  static constexpr std::size_t kMaxEntries = 24;
  std::deque<Entry> entries;  ///< most recently used first

  std::deque<Entry>::iterator find(const std::string& layer, int level, const std::unordered_set<std::uint64_t>& distinct) {
    return std::find_if(entries.begin(), entries.end(), [&](const Entry& entry) {
      return entry.layer == layer && entry.level == level && entry.by_geometry.size() == distinct.size() &&
             std::all_of(distinct.begin(), distinct.end(), [&](std::uint64_t key) { return entry.by_geometry.count(key); });
    });
  }

  /// Generalises the rows at every level in `levels` not cached yet, the levels in parallel (each
  /// simplify_coverage has its own GEOS context): an edit redraws several years at three levels,
  /// and the server promises the new tiles within a second.
  void prepare(const std::string& layer, const std::vector<int>& levels, const std::vector<DrawnRow>& rows,
               const std::vector<std::uint64_t>& keys) {
    const std::unordered_set<std::uint64_t> distinct(keys.begin(), keys.end());
    std::vector<int> missing;
    for (int level : levels)
      if (find(layer, level, distinct) == entries.end()) missing.push_back(level);
    if (missing.size() < 2) return;  // generalise() does a single one as well
    std::vector<CoverageShape> shapes;
    shapes.reserve(rows.size());
    for (const auto& row : rows) shapes.push_back(coverage_shape(row.geometry.get()));
    std::vector<std::future<std::vector<CoverageShape>>> running;
    for (int level : missing)
      running.push_back(std::async(std::launch::async, [&shapes, level] {
        return simplify_coverage(shapes, tolerance_of_level(level));
      }));
    for (std::size_t i = 0; i < missing.size(); ++i) {
      auto simplified = running[i].get();
      Entry entry{layer, missing[i], {}};
      for (std::size_t k = 0; k < keys.size(); ++k) entry.by_geometry.emplace(keys[k], std::move(simplified[k]));
      entries.push_front(std::move(entry));
      if (entries.size() > kMaxEntries) entries.pop_back();
    }
  }

  /// The rows' geometries at `level`, generalised together (antt/mapdata/coverage.hpp):
  /// neighbours keep the same shared boundary, so the boundary file draws it once. A null
  /// geometry for a row narrower than the tolerance everywhere.
  /// `keys`: geometry_key of each row.
  std::vector<geo::OgrGeometry> generalise(const std::string& layer, int level, const std::vector<DrawnRow>& rows,
                                           const std::vector<std::uint64_t>& keys) {
    const std::unordered_set<std::uint64_t> distinct(keys.begin(), keys.end());
    auto found = find(layer, level, distinct);
    if (found != entries.end()) {
      Entry used = std::move(*found);
      entries.erase(found);
      entries.push_front(std::move(used));
    } else {
      std::vector<CoverageShape> shapes;
      shapes.reserve(rows.size());
      for (const auto& row : rows) shapes.push_back(coverage_shape(row.geometry.get()));
      auto simplified = simplify_coverage(shapes, tolerance_of_level(level));
      Entry entry{layer, level, {}};
      for (std::size_t i = 0; i < keys.size(); ++i) entry.by_geometry.emplace(keys[i], std::move(simplified[i]));
      entries.push_front(std::move(entry));
      if (entries.size() > kMaxEntries) entries.pop_back();
    }
    std::vector<geo::OgrGeometry> out;
    out.reserve(rows.size());
    for (const auto key : keys) out.push_back(ogr_multipolygon(entries.front().by_geometry.at(key)));
    return out;
  }
};

namespace {

/// Writes `rows` into a new shapefile at `shp_path`, each with its own geometry or, when given,
/// `geometries[i]`; nullopt when no row has one. With a `boundaries_path`, also writes the rows'
/// boundary lines there (ShapefileOnDisk::boundaries_path).
std::optional<Written> write_rows(const std::vector<DrawnRow>& rows, const std::vector<geo::OgrGeometry>* geometries,
                                  bool points, const std::string& shp_path, const std::string& boundaries_path) {
  auto geometry_of = [&](std::size_t i) { return geometries ? (*geometries)[i].get() : rows[i].geometry.get(); };
  std::size_t drawn = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) drawn += geometry_of(i) != nullptr;
  if (drawn == 0) return std::nullopt;

  geo::GdalErrorScope errors;
  auto output = geo::Dataset::create_vector("ESRI Shapefile", shp_path);
  // ENCODING=UTF-8: strings are written as they are (the default would recode them to Latin-1)
  // and a .cpg says so. SPATIAL_INDEX=YES writes the .qix quadtree MapServer searches.
  geo::OptionList options({"ENCODING=UTF-8", "SPATIAL_INDEX=YES"});
  OGRLayerH layer = GDALDatasetCreateLayer(output.get(), std::filesystem::path(shp_path).stem().c_str(), nullptr,
                                           points ? wkbPoint : wkbPolygon, options.get());
  if (!layer) throw Error("render shapefiles: cannot create " + shp_path + ": " + errors.last_error());
  // kDrawingFields, in order: yyyymmdd dates and the 0/1 flag are integers; names get the whole
  // DBF width, keys 40 bytes.
  add_field(layer, "vfrom", OFTInteger, 8);
  add_field(layer, "vto", OFTInteger, 8);
  add_field(layer, "class", OFTString, 40);
  add_field(layer, "name", OFTString, kMaxTextBytes);
  add_field(layer, "kind", OFTString, 40);
  add_field(layer, "effective", OFTInteger, 1);
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);

  Written written;
  std::vector<RowOutline> outlines;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const layers::LayerRow& row = *rows[i].row;
    OGRGeometryH geometry = geometry_of(i);
    if (!geometry) continue;
    OGREnvelope envelope;
    OGR_G_GetEnvelope(geometry, &envelope);
    written.envelopes.push_back({envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY});
    written.valid_from_max = std::max(written.valid_from_max, row.vfrom);
    written.valid_to_min = std::min(written.valid_to_min, row.vto);
    auto feature = geo::Feature::create(definition);
    OGR_F_SetFieldInteger(feature.get(), 0, row.vfrom);
    OGR_F_SetFieldInteger(feature.get(), 1, row.vto);
    if (!row.class_key.empty()) OGR_F_SetFieldString(feature.get(), 2, dbf_text(row.class_key.c_str()).c_str());
    if (!row.name.empty()) OGR_F_SetFieldString(feature.get(), 3, dbf_text(row.name.c_str()).c_str());
    if (!row.kind.empty()) OGR_F_SetFieldString(feature.get(), 4, dbf_text(row.kind.c_str()).c_str());
    if (row.effective) OGR_F_SetFieldInteger(feature.get(), 5, *row.effective);
    OGR_F_SetGeometry(feature.get(), geometry);
    if (OGR_L_CreateFeature(layer, feature.get()) != OGRERR_NONE)
      throw Error("render shapefiles: cannot write to " + shp_path + ": " + errors.last_error());
    if (!boundaries_path.empty()) {
      outlines.push_back({row.class_key, {}});
      for (auto& polygon : coverage_shape(geometry))
        for (auto& ring : polygon)
          if (ring.size() >= 2) outlines.back().rings.push_back(std::move(ring));
    }
  }
  output.close();  // writes the .qix
  if (!boundaries_path.empty()) write_boundaries(outlines, boundaries_path);
  return written;
}

}  // namespace

bool draws_boundaries_once(const layers::LayerDescriptor& layer) {
  return layer.geometry == layers::GeometryType::polygon && styles::fills_every_class(layer.style);
}

bool ShapefileOnDisk::any_feature_in(const Envelope& area) const {
  return std::any_of(envelopes_.begin(), envelopes_.end(), [&](const Envelope& feature) {
    return feature.minx <= area.maxx && feature.maxx >= area.minx && feature.miny <= area.maxy &&
           feature.maxy >= area.miny;
  });
}

ShapefileOnDisk::~ShapefileOnDisk() {
  remove_shapefile(shp_path_);
  if (!boundaries_path_.empty()) remove_shapefile(boundaries_path_);
}

const ShapefileOnDisk* ShapefileSet::find(const std::string& layer, int level, int year) const {
  const auto found = files_.find(Key{layer, level, year});
  return found == files_.end() ? nullptr : found->second.get();
}

const std::string* ShapefileSet::path(const std::string& layer, int level, int year) const {
  const auto* file = find(layer, level, year);
  return file ? &file->path() : nullptr;
}

RenderShapefiles::RenderShapefiles(std::shared_ptr<const layers::LayerRegistry> registry, std::string directory,
                                   std::vector<int> only_years)
    : registry_(std::move(registry)),
      directory_(std::move(directory)),
      only_years_(std::move(only_years)),
      current_(std::make_shared<const ShapefileSet>()),
      coverage_cache_(std::make_unique<CoverageCache>()) {
  namespace fs = std::filesystem;
  const fs::path marker = fs::path(directory_) / kMarkerName;
  std::error_code error;
  // Files left by an earlier run go; a directory someone else filled is never emptied.
  if (fs::exists(directory_, error) && !fs::is_empty(directory_, error) && !fs::exists(marker, error))
    throw Error("render shapefiles: " + directory_ + " exists and was not made by anttmap; move it away or choose " +
                "another work_dir / thư mục đã tồn tại, không phải do anttmap tạo");
  fs::remove_all(directory_, error);
  fs::create_directories(directory_, error);
  if (error || !fs::is_directory(directory_))
    throw Error("render shapefiles: cannot create the directory " + directory_ + " (" + error.message() + ")");
  std::ofstream(marker) << "Drawing shapefiles of anttmap serve: rewritten at every start; do not edit.\n";
}

RenderShapefiles::~RenderShapefiles() {
  {
    std::lock_guard lock(mutex_);
    current_.reset();
  }
  // Gone with us unless a set is still held somewhere (its files keep the directory and its marker).
  namespace fs = std::filesystem;
  std::error_code error;
  fs::directory_iterator entries(directory_, error);
  const bool only_marker = !error && std::all_of(fs::begin(entries), fs::end(entries), [](const fs::directory_entry& entry) {
    return entry.path().filename() == kMarkerName;
  });
  if (only_marker) fs::remove_all(directory_, error);
}

void RenderShapefiles::update(const std::vector<std::pair<std::string, int>>& targets, const RowsOf& rows_of) {
  for (const auto& target : targets)
    if (only_years_.empty() || std::find(only_years_.begin(), only_years_.end(), target.second) != only_years_.end())
      pending_.insert(target);
  if (pending_.empty()) return;
  auto next = std::make_shared<ShapefileSet>(*current());
  // One file per (layer, year, level). What each file holds is worked out here, in order (the rows
  // come from the render store's connection; the shared-boundary layers are generalised, levels in
  // parallel); the files are then written by two threads at a time: an edit redraws its unit's
  // layers for every year the version spans, and the server promises the new tiles within a second.
  struct FileJob {
    ShapefileSet::Key key;
    std::string path, boundaries_path;
    bool points = false;
    std::shared_ptr<const std::vector<DrawnRow>> rows;  // shared by the levels of a layer's year
    std::vector<geo::OgrGeometry> generalised;          // empty: the rows' own geometries
    std::optional<Written> written;
  };
  constexpr std::size_t kTargetsPerBatch = 8;  // bounds the rows held at once (a whole build has hundreds)
  std::vector<std::pair<std::string, int>> order(pending_.begin(), pending_.end());
  for (std::size_t first = 0; first < order.size(); first += kTargetsPerBatch) {
    std::vector<FileJob> jobs;
    // The rows stay alive until the batch is written: the jobs' DrawnRows point into them.
    std::vector<std::vector<std::shared_ptr<const layers::LayerRow>>> batch_rows;
    for (std::size_t t = first; t < std::min(order.size(), first + kTargetsPerBatch); ++t) {
      const auto& [layer_name, year] = order[t];
      const auto* layer = registry_->find(layer_name);
      const bool points = layer && layer->geometry == layers::GeometryType::point;
      const bool boundaries = layer && draws_boundaries_once(*layer);
      const auto& rows = batch_rows.emplace_back(rows_of(layer_name, year));
      // Layers drawn with shared boundaries are generalised here, together, from their full-detail
      // rows (the render store simplifies each polygon alone); the others are copied level by level.
      // A year in which units changed holds two coverages that overlap each other: the units at its
      // end, and those that ended during it (e.g. 2025: Phú Thọ's communes and Hòa Bình's). Each is
      // generalised as a coverage of its own, so both are the same as the neighbouring years' (cached).
      std::shared_ptr<const std::vector<DrawnRow>> full_detail;
      std::array<std::vector<std::size_t>, 2> groups;  // indices into full_detail: at the year's end, ended before
      std::array<std::vector<DrawnRow>, 2> group_rows;
      std::array<std::vector<std::uint64_t>, 2> group_keys;
      if (boundaries) {
        full_detail = std::make_shared<const std::vector<DrawnRow>>(rows_at_level(rows, kLevels - 1));
        const int year_end = year * 10000 + 1231;
        for (std::size_t i = 0; i < full_detail->size(); ++i) {
          const int group = (*full_detail)[i].row->valid_on(year_end) ? 0 : 1;
          groups[group].push_back(i);
          group_rows[group].push_back({(*full_detail)[i].row, geo::OgrGeometry(OGR_G_Clone((*full_detail)[i].geometry.get()))});
          group_keys[group].push_back(geometry_key(*(*full_detail)[i].row));
        }
        std::vector<int> generalised_levels;
        for (int level = 0; level < kLevels - 1; ++level) generalised_levels.push_back(level);
        for (int group = 0; group < 2; ++group)
          if (!group_rows[group].empty())
            coverage_cache_->prepare(layer_name, generalised_levels, group_rows[group], group_keys[group]);
      }
      for (int level = 0; level < kLevels; ++level) {
        FileJob job;
        job.key = {layer_name, level, year};
        job.path = (std::filesystem::path(directory_) / (table_name(layer_name, level) + "_" + std::to_string(year) +
                                                         "_" + std::to_string(++serial_) + ".shp"))
                       .string();
        job.boundaries_path =
            boundaries ? std::filesystem::path(job.path).replace_extension().string() + "_boundaries.shp" : std::string();
        job.points = points;
        if (!boundaries) {
          job.rows = std::make_shared<const std::vector<DrawnRow>>(rows_at_level(rows, level));
        } else {
          job.rows = full_detail;
          if (level < kLevels - 1) {
            job.generalised.resize(full_detail->size());
            for (int group = 0; group < 2; ++group) {
              if (group_rows[group].empty()) continue;
              auto shapes = coverage_cache_->generalise(layer_name, level, group_rows[group], group_keys[group]);
              for (std::size_t k = 0; k < shapes.size(); ++k) job.generalised[groups[group][k]] = std::move(shapes[k]);
            }
          }
        }
        jobs.push_back(std::move(job));
      }
    }
    // Write: each job by one of two threads; a file whose writing failed is removed, and the first
    // failure is thrown once all threads stopped (so no half-written file is published).
    std::vector<std::unique_ptr<PartialShapefile>> partial;
    for (const auto& job : jobs) {
      partial.push_back(std::make_unique<PartialShapefile>(job.path));
      partial.push_back(std::make_unique<PartialShapefile>(job.boundaries_path));
    }
    std::atomic<std::size_t> next_job{0};
    auto work = [&] {
      for (std::size_t i; (i = next_job++) < jobs.size();) {
        auto& job = jobs[i];
        job.written = write_rows(*job.rows, job.generalised.empty() ? nullptr : &job.generalised, job.points, job.path,
                                 job.boundaries_path);
      }
    };
    auto helper = std::async(std::launch::async, work);
    std::exception_ptr failure;
    try {
      work();
    } catch (...) {
      failure = std::current_exception();
      next_job = jobs.size();
    }
    try {
      helper.get();
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
    if (failure) std::rethrow_exception(failure);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      auto& job = jobs[i];
      if (job.written) {
        next->files_[job.key] = std::make_shared<const ShapefileOnDisk>(
            job.path, std::move(job.written->envelopes), job.written->valid_from_max, job.written->valid_to_min,
            job.boundaries_path);
        partial[2 * i]->keep();  // from here the set owns the files
        partial[2 * i + 1]->keep();
      } else {
        next->files_.erase(job.key);
      }
    }
  }
  std::shared_ptr<const ShapefileSet> published = std::move(next);
  {
    std::lock_guard lock(mutex_);
    current_.swap(published);
  }
  pending_.clear();
  // `published` now holds the previous set: its replaced files go when the last request lets go.
}

std::shared_ptr<const ShapefileSet> RenderShapefiles::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

}  // namespace antt::mapdata
