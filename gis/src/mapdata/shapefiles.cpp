#include "antt/mapdata/shapefiles.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>

#include "antt/core/error.hpp"
#include "antt/geo/ogr.hpp"
#include "antt/layers/layers.hpp"
#include "antt/mapdata/mapdata.hpp"

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

/// Closes an OGR SQL result set when it goes.
class ResultLayer {
 public:
  ResultLayer(GDALDatasetH dataset, OGRLayerH layer) : dataset_(dataset), layer_(layer) {}
  ~ResultLayer() {
    if (layer_) GDALDatasetReleaseResultSet(dataset_, layer_);
  }
  ResultLayer(const ResultLayer&) = delete;
  ResultLayer& operator=(const ResultLayer&) = delete;
  OGRLayerH get() const { return layer_; }

 private:
  GDALDatasetH dataset_;
  OGRLayerH layer_;
};

void add_field(OGRLayerH layer, const char* name, OGRFieldType type, int width) {
  OGRFieldDefnH field = OGR_Fld_Create(name, type);
  OGR_Fld_SetWidth(field, width);
  const OGRErr result = OGR_L_CreateField(layer, field, TRUE);
  OGR_Fld_Destroy(field);
  if (result != OGRERR_NONE) throw Error(std::string("render shapefiles: cannot create the field ") + name);
}

/// What a written shapefile holds, for the engine's shortcuts.
struct Written {
  std::vector<ShapefileOnDisk::Envelope> envelopes;
  int valid_from_max = 0;
  int valid_to_min = kOpenEnd;
};

/// Writes the rows of `table` in `year` into a new shapefile at `shp_path`; nullopt when there are none.
std::optional<Written> write_shapefile(GDALDatasetH render, const std::string& table, int year, bool points,
                                       const std::string& shp_path) {
  if (!GDALDatasetGetLayerByName(render, table.c_str())) return std::nullopt;
  // Table names come from the layer registry and the year is an integer: nothing from requests.
  std::string columns = "geometry";
  for (const auto& field : kDrawingFields) columns += ", " + field;
  const std::string sql = "SELECT " + columns + " FROM \"" + table +
                          "\" WHERE year = " + std::to_string(year) + " ORDER BY fid";
  geo::GdalErrorScope errors;
  const ResultLayer rows(render, GDALDatasetExecuteSQL(render, sql.c_str(), nullptr, "SQLITE"));
  if (!rows.get()) throw Error("render shapefiles: cannot read " + table + ": " + errors.last_error());
  OGR_L_ResetReading(rows.get());
  geo::Feature first(OGR_L_GetNextFeature(rows.get()));
  if (!first) return std::nullopt;

  auto output = geo::Dataset::create_vector("ESRI Shapefile", shp_path);
  // ENCODING=UTF-8: strings are written as they are (the default would recode them to Latin-1)
  // and a .cpg says so. SPATIAL_INDEX=YES writes the .qix quadtree MapServer searches.
  geo::OptionList options({"ENCODING=UTF-8", "SPATIAL_INDEX=YES"});
  OGRLayerH layer = GDALDatasetCreateLayer(output.get(), std::filesystem::path(shp_path).stem().c_str(), nullptr,
                                           points ? wkbPoint : wkbPolygon, options.get());
  if (!layer) throw Error("render shapefiles: cannot create " + shp_path + ": " + errors.last_error());
  for (const auto& field : kDrawingFields) {
    // yyyymmdd dates and the 0/1 flag are integers; names get the whole DBF width, keys 40 bytes.
    if (field == "vfrom" || field == "vto") add_field(layer, field.c_str(), OFTInteger, 8);
    else if (field == "effective") add_field(layer, field.c_str(), OFTInteger, 1);
    else add_field(layer, field.c_str(), OFTString, field == "name" ? kMaxTextBytes : 40);
  }
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);

  // Source fields by name (the geometry column is not a field of the result), in kDrawingFields order.
  std::vector<int> source;
  for (const auto& field : kDrawingFields) {
    source.push_back(OGR_F_GetFieldIndex(first.get(), field.c_str()));
    if (source.back() < 0) throw Error("render shapefiles: " + table + " has no column " + field);
  }
  Written written;
  const int vfrom = source[0], vto = source[1];  // kDrawingFields starts with vfrom, vto
  for (geo::Feature row = std::move(first); row; row = geo::Feature(OGR_L_GetNextFeature(rows.get()))) {
    OGRGeometryH geometry = OGR_F_GetGeometryRef(row.get());
    if (!geometry) continue;
    OGREnvelope envelope;
    OGR_G_GetEnvelope(geometry, &envelope);
    written.envelopes.push_back({envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY});
    written.valid_from_max = std::max(written.valid_from_max, OGR_F_GetFieldAsInteger(row.get(), vfrom));
    written.valid_to_min = std::min(written.valid_to_min, OGR_F_GetFieldAsInteger(row.get(), vto));
    auto feature = geo::Feature::create(definition);
    for (int field = 0; field < static_cast<int>(source.size()); ++field) {
      const int from = source[static_cast<std::size_t>(field)];
      if (!OGR_F_IsFieldSetAndNotNull(row.get(), from)) continue;
      if (OGR_Fld_GetType(OGR_FD_GetFieldDefn(definition, field)) == OFTInteger)
        OGR_F_SetFieldInteger(feature.get(), field, OGR_F_GetFieldAsInteger(row.get(), from));
      else
        OGR_F_SetFieldString(feature.get(), field, dbf_text(OGR_F_GetFieldAsString(row.get(), from)).c_str());
    }
    OGR_F_SetGeometry(feature.get(), geometry);
    if (OGR_L_CreateFeature(layer, feature.get()) != OGRERR_NONE)
      throw Error("render shapefiles: cannot write to " + shp_path + ": " + errors.last_error());
  }
  output.close();  // writes the .qix
  return written;
}

}  // namespace

bool ShapefileOnDisk::any_feature_in(const Envelope& area) const {
  return std::any_of(envelopes_.begin(), envelopes_.end(), [&](const Envelope& feature) {
    return feature.minx <= area.maxx && feature.maxx >= area.minx && feature.miny <= area.maxy &&
           feature.maxy >= area.miny;
  });
}

ShapefileOnDisk::~ShapefileOnDisk() { remove_shapefile(shp_path_); }

const ShapefileOnDisk* ShapefileSet::find(const std::string& layer, int level, int year) const {
  const auto found = files_.find(Key{layer, level, year});
  return found == files_.end() ? nullptr : found->second.get();
}

const std::string* ShapefileSet::path(const std::string& layer, int level, int year) const {
  const auto* file = find(layer, level, year);
  return file ? &file->path() : nullptr;
}

RenderShapefiles::RenderShapefiles(std::string render_path, std::string directory)
    : render_path_(std::move(render_path)),
      directory_(std::move(directory)),
      current_(std::make_shared<const ShapefileSet>()) {
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

void RenderShapefiles::update(const std::vector<std::pair<std::string, int>>& targets) {
  pending_.insert(targets.begin(), targets.end());
  if (pending_.empty()) return;
  auto next = std::make_shared<ShapefileSet>(*current());
  {
    auto render = geo::Dataset::open_vector(render_path_);
    for (const auto& [layer_name, year] : pending_) {
      const auto* layer = layers::find_layer(layer_name);
      const bool points = layer && layer->geometry == layers::GeometryType::point;
      for (int level = 0; level < kLevels; ++level) {
        const std::string table = table_name(layer_name, level);
        const auto path = (std::filesystem::path(directory_) /
                           (table + "_" + std::to_string(year) + "_" + std::to_string(++serial_) + ".shp"))
                              .string();
        const ShapefileSet::Key key{layer_name, level, year};
        PartialShapefile partial(path);
        if (auto written = write_shapefile(render.get(), table, year, points, path)) {
          next->files_[key] = std::make_shared<const ShapefileOnDisk>(path, std::move(written->envelopes),
                                                                      written->valid_from_max, written->valid_to_min);
          partial.keep();  // from here the set owns the files
        } else {
          next->files_.erase(key);
        }
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
