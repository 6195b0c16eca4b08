#include "mapserver/engine.hpp"


// proj.h before any MapServer header: mapproject.h picks the PROJ 6+ structures only when
// PROJ_VERSION_MAJOR is already defined (MAPSERVER.md 0).
#include <proj.h>

// mapserver.h first: the other headers use its types without including it. layerObj has a
// field named `requires`, a C++20 keyword: rename it for this translation unit (same layout).
#define requires layer_requires
#include <mapserver.h>

#include <cgiutil.h>
#include <mapio.h>
#include <mapows.h>
#undef requires

#include <cpl_conv.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "antt/core/error.hpp"
#include "antt/layers/layers.hpp"
#include "antt/mapdata/shapefiles.hpp"
#include "mapserver/mapfile.hpp"
#include "mapserver/png_writer.hpp"
#include "mapserver/sample_mark.hpp"
#include "mapserver/wms_guard.hpp"

namespace antt::mapserver {
namespace {

// ---- Owners of MapServer handles -------------------------------------------------------------

struct MapDeleter {
  void operator()(mapObj* map) const { msFreeMap(map); }
};
using MapHandle = std::unique_ptr<mapObj, MapDeleter>;

struct ImageDeleter {
  void operator()(imageObj* image) const { msFreeImage(image); }
};
using ImageHandle = std::unique_ptr<imageObj, ImageDeleter>;

struct MsFreeDeleter {
  void operator()(void* memory) const { msFree(memory); }
};
using MsBytes = std::unique_ptr<unsigned char, MsFreeDeleter>;

struct CgiRequestDeleter {
  void operator()(cgiRequestObj* request) const { msFreeCgiObj(request); }
};
using CgiRequestHandle = std::unique_ptr<cgiRequestObj, CgiRequestDeleter>;

struct HashTableDeleter {
  void operator()(hashTableObj* table) const { msFreeHashTable(table); }
};
using HashTableHandle = std::unique_ptr<hashTableObj, HashTableDeleter>;

/// MapServer's error chain is per thread and grows until reset: one request, one chain.
class ErrorChainScope {
 public:
  ErrorChainScope() { msResetErrorList(); }
  ~ErrorChainScope() { msResetErrorList(); }
  ErrorChainScope(const ErrorChainScope&) = delete;
  ErrorChainScope& operator=(const ErrorChainScope&) = delete;
};

/// Redirects this thread's msIO stdout into a memory buffer (msIO contexts are per thread).
class StdoutCapture {
 public:
  StdoutCapture() { msIO_installStdoutToBuffer(); }
  ~StdoutCapture() { msIO_resetHandlers(); }
  StdoutCapture(const StdoutCapture&) = delete;
  StdoutCapture& operator=(const StdoutCapture&) = delete;

  /// Strips the MIME headers MapServer wrote (all of them, not only a leading Content-Type)
  /// and returns the Content-Type; empty when nothing was written.
  std::string strip_headers() {
    if (buffer()->data_offset <= 0) return {};  // the strip function errors on an empty buffer
    HashTableHandle headers(msIO_getAndStripStdoutBufferMimeHeaders());
    if (!headers) return {};
    const char* content_type = msLookupHashTable(headers.get(), "Content-Type");
    return content_type ? content_type : "";
  }

  std::string body() {
    const auto* data = buffer();
    if (data->data_offset <= 0) return {};
    return std::string(reinterpret_cast<const char*>(data->data), static_cast<std::size_t>(data->data_offset));
  }

 private:
  static msIOBuffer* buffer() {
    return static_cast<msIOBuffer*>(msIO_getHandler(reinterpret_cast<FILE*>(const_cast<char*>("stdout")))->cbData);
  }
};

/// Gives a layer another name while it is written into a vector tile (the MVT layer takes
/// layer->name): clients see "communes", not the level table "communes_g2".
class LayerRename {
 public:
  LayerRename(layerObj* layer, const std::string& name) : layer_(layer), original_(layer->name) {
    layer_->name = msStrdup(name.c_str());
  }
  ~LayerRename() {
    msFree(layer_->name);
    layer_->name = original_;
  }
  LayerRename(const LayerRename&) = delete;
  LayerRename& operator=(const LayerRename&) = delete;

 private:
  layerObj* layer_;
  char* original_;
};

// ---- MapServer errors ----------------------------------------------------------------------

struct MapServerErrors {
  std::string text;
  bool any = false;
  bool request_errors_only = true;  ///< every error is about the request (WMS/OWS), none about rendering
};

MapServerErrors collect_errors() {
  MapServerErrors errors;
  for (const errorObj* error = msGetErrorObj(); error && error->code != MS_NOERR; error = error->next) {
    errors.any = true;
    if (error->code != MS_WMSERR && error->code != MS_OWSERR && error->code != MS_NOTFOUND) {
      errors.request_errors_only = false;
    }
    if (!errors.text.empty()) errors.text += "; ";
    errors.text += std::string(error->routine) + ": " + msGetErrorCodeString(error->code) + " " + error->message;
  }
  return errors;
}

EngineResponse render_failure(const std::string& what, const std::string& detail) {
  return EngineResponse{500, "text/plain; charset=UTF-8", "map engine: " + what + " failed: " + detail};
}

// ---- Map preparation ------------------------------------------------------------------------

MapHandle load_map(const std::string& mapfile_text, const std::string& work_dir) {
  std::vector<char> text(mapfile_text.begin(), mapfile_text.end());
  text.push_back('\0');
  std::string mappath = work_dir + "/";
  MapHandle map(msLoadMapFromString(text.data(), mappath.data()));
  if (!map) {
    const auto errors = collect_errors();
    msResetErrorList();
    throw Error("map engine: the generated mapfile does not load (" + errors.text +
                "); check the render file path and the fonts in the work directory");
  }
  return map;
}

MapHandle copy_map(const mapObj* pristine) {
  MapHandle copy(msNewMapObj());
  if (!copy || msCopyMap(copy.get(), pristine) != MS_SUCCESS) return nullptr;
  return copy;
}

/// The filter of our render-file schema, from validated integers only.
void apply_time_filter(mapObj* map, const TimeFilter& time) {
  char expression[128];
  std::snprintf(expression, sizeof expression, "([year] = %d AND [vfrom] <= %d AND [vto] > %d)", time.year, time.date,
                time.date);
  for (int i = 0; i < map->numlayers; ++i) {
    if (msLoadExpressionString(&GET_LAYER(map, i)->filter, expression) != MS_SUCCESS) {
      throw Error("map engine: the time filter does not parse: " + collect_errors().text);
    }
  }
}

/// STATUS ON for every level layer of the requested groups, OFF for the rest.
void switch_layers(mapObj* map, const std::vector<std::string>& groups) {
  for (int i = 0; i < map->numlayers; ++i) {
    layerObj* layer = GET_LAYER(map, i);
    const bool wanted = layer->group && std::find(groups.begin(), groups.end(), layer->group) != groups.end();
    layer->status = wanted ? MS_ON : MS_OFF;
  }
}

void select_format(mapObj* map, const char* name) {
  outputFormatObj* format = msSelectOutputFormat(map, name);
  if (!format) throw Error(std::string("map engine: output format ") + name + " missing from the mapfile");
  msFree(map->imagetype);
  map->imagetype = msStrdup(name);
  msApplyOutputFormat(&map->outputformat, format, MS_NOOVERRIDE);
}

/// Size, resolution and extent. MapServer extents run between pixel centres, requests give
/// pixel edges: shrink by half a pixel (as maptile.c does), so output matches WMS GetMap.
void set_view(mapObj* map, const Box& box, int width, int height, double resolution) {
  map->width = width;
  map->height = height;
  map->resolution = resolution;
  map->defresolution = 72;
  const double half_x = (box.maxx - box.minx) / width / 2;
  const double half_y = (box.maxy - box.miny) / height / 2;
  if (msMapSetExtent(map, box.minx + half_x, box.miny + half_y, box.maxx - half_x, box.maxy - half_y) != MS_SUCCESS) {
    throw RequestError("map engine: the bounding box gives no usable extent");
  }
}

const char* format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::png8: return "png8";
    case ImageFormat::jpeg: return "jpeg";
    case ImageFormat::png: break;
  }
  return "png";
}

const std::vector<int> kDirectRenderEpsg = {3857, 4326, 9211, 3405};

/// A map one thread reuses request after request; every request sets its state again.
struct ReusedMap {
  MapHandle map;
  std::vector<std::pair<std::string, int>> layer_keys;  ///< by layer index: registry layer, level
  std::vector<int> layer_filter_dates;  ///< shapefile maps, by layer index: the date its FILTER tests, 0 = none
  std::vector<DrawingPart> layer_parts;  ///< by layer index (shapefile maps: see DrawingPart)
  std::optional<TimeFilter> time;  ///< render-file maps: the filter the layers carry now
  int epsg = 3857;
  bool layer_projections = true;  ///< the layers declare EPSG:3857 (needed only off 3857)
};

ReusedMap reused_map(MapHandle map) {
  ReusedMap reused;
  for (int i = 0; i < map->numlayers; ++i) {
    // Layers are named "<layer>_g<level>" by the mapfile generator.
    std::string name = GET_LAYER(map, i)->name;
    DrawingPart part = DrawingPart::whole;
    for (const auto candidate : {DrawingPart::fills, DrawingPart::boundaries}) {
      const std::string suffix = drawing_part_suffix(candidate);
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        name.resize(name.size() - suffix.size());
        part = candidate;
      }
    }
    reused.layer_parts.push_back(part);
    const auto band = name.rfind("_g");
    reused.layer_keys.emplace_back(name.substr(0, band), band == std::string::npos ? 0 : std::atoi(name.c_str() + band + 2));
  }
  reused.layer_filter_dates.assign(static_cast<std::size_t>(map->numlayers), 0);
  reused.map = std::move(map);
  return reused;
}

/// One worker thread's maps. Used only by that thread; created and freed by it, except in
/// ~MapEngine, after the workers have stopped.
struct ThreadMaps {
  int generation = 0;
  ReusedMap draw;      ///< render_image: the drawing shapefiles
  ReusedMap vector;    ///< render_mvt: the render file, which has every attribute
  MapHandle pristine;  ///< never rendered: msCopyMap'd for each WMS request (msOWSDispatch mutates maps)
  MapHandle pristine_public;  ///< the same with the public's layers only
};

/// A shapefile layer's FILTER: the units valid on `date`, or none (date 0) when every row of its
/// file is valid then. MapServer evaluates a FILTER through its expression parser for every shape.
void set_date_filter(layerObj* layer, int date) {
  if (date == 0) {
    msFreeExpression(&layer->filter);
    msInitExpression(&layer->filter);
    return;
  }
  char expression[96];
  std::snprintf(expression, sizeof expression, "([vfrom] <= %d AND [vto] > %d)", date, date);
  if (msLoadExpressionString(&layer->filter, expression) != MS_SUCCESS) {
    throw Error("map engine: the time filter does not parse: " + collect_errors().text);
  }
}

/// Points the switched-on layers of a shapefile map at the files of `time.year`, each with the
/// time filter it needs. A layer is switched off when it has no file (no rows at that level in
/// that year) or, for a view in EPSG:3857 (the files' CRS), when no feature comes within
/// kSkipMarginPixels of it: MapServer would open four files and search the quadtree to draw nothing.
/// A layer with boundary lines is drawn as fills then boundaries when every row of the file is
/// valid on the date (the lines know no dates) and its fills are drawn (not `outline_groups`);
/// otherwise whole, each polygon with its own outline.
void use_shapefiles(ReusedMap& reused, const mapdata::ShapefileSet& files, const TimeFilter& time,
                    const std::optional<mapdata::ShapefileOnDisk::Envelope>& mercator_view,
                    const std::vector<std::string>& outline_groups) {
  mapObj* map = reused.map.get();
  for (int i = 0; i < map->numlayers; ++i) {
    layerObj* layer = GET_LAYER(map, i);
    if (layer->status == MS_OFF) continue;
    const auto index = static_cast<std::size_t>(i);
    const auto& [name, level] = reused.layer_keys[index];
    const auto* file = files.find(name, level, time.year);
    if (!file || (mercator_view && !file->any_feature_in(*mercator_view))) {
      layer->status = MS_OFF;
      continue;
    }
    const bool outlines_only = std::find(outline_groups.begin(), outline_groups.end(), name) != outline_groups.end();
    const bool in_parts = !file->boundaries_path().empty() && file->all_valid_on(time.date) && !outlines_only;
    const DrawingPart part = reused.layer_parts[index];
    if ((part == DrawingPart::whole) == in_parts) {
      layer->status = MS_OFF;
      continue;
    }
    const std::string& data = part == DrawingPart::boundaries ? file->boundaries_path() : file->path();
    const int filter_date = file->all_valid_on(time.date) ? 0 : time.date;
    if (reused.layer_filter_dates[index] != filter_date) {
      reused.layer_filter_dates[index] = -1;  // unknown until set
      set_date_filter(layer, filter_date);
      reused.layer_filter_dates[index] = filter_date;
    }
    if (layer->data && data == layer->data) continue;
    msFree(layer->data);
    layer->data = msStrdup(data.c_str());
  }
}

// Symbols, outlines and labels reach at most this far beyond their feature's envelope (symbols are
// at most 24 px at 2x; labels are placed inside the view); a generous bound keeps skipping exact.
constexpr double kSkipMarginPixels = 64;

std::optional<mapdata::ShapefileOnDisk::Envelope> skip_test_area(const ImageRequest& request) {
  if (request.epsg != 3857) return std::nullopt;
  const auto& box = request.bbox;
  const double pixel = std::max((box.maxx - box.minx) / request.width, (box.maxy - box.miny) / request.height);
  const double margin = kSkipMarginPixels * pixel * std::max(1.0, request.resolution / 72.0);
  return mapdata::ShapefileOnDisk::Envelope{box.minx - margin, box.miny - margin, box.maxx + margin,
                                           box.maxy + margin};
}

/// MapServer 8.0 reprojects the search rectangle whenever map and layer both declare a projection,
/// even the same one, and builds a PROJ object for it on every draw (proj.db lookups: about 8 file
/// opens per 7-layer request). The render file is EPSG:3857, so in a 3857 map the layers declare
/// none; off 3857 they get it back (keeping their PROJ context).
void set_layer_projections(ReusedMap& maps, bool declared) {
  if (maps.layer_projections == declared) return;
  mapObj* map = maps.map.get();
  for (int i = 0; i < map->numlayers; ++i) {
    layerObj* layer = GET_LAYER(map, i);
    if (declared) {
      if (msLoadProjectionString(&layer->projection, "init=epsg:3857") != MS_SUCCESS) {
        throw Error("map engine: PROJ does not know EPSG:3857: " + collect_errors().text);
      }
    } else {
      msFreeProjectionExceptContext(&layer->projection);
    }
    layer->project = declared ? MS_TRUE : MS_FALSE;
  }
  maps.layer_projections = declared;
}

void use_time(ReusedMap& maps, const TimeFilter& time) {
  if (maps.time && maps.time->year == time.year && maps.time->date == time.date) return;
  maps.time.reset();
  apply_time_filter(maps.map.get(), time);
  maps.time = time;
}

void use_projection(ReusedMap& maps, int epsg) {
  set_layer_projections(maps, epsg != 3857);
  if (maps.epsg == epsg) return;
  mapObj* map = maps.map.get();
  // init=epsg:N keeps x east, y north for geographic CRSs (msLoadProjectionStringEPSG would
  // follow the EPSG axis order, lat,lon for 4326).
  const auto definition = "init=epsg:" + std::to_string(epsg);
  maps.epsg = 0;
  if (msLoadProjectionString(&map->projection, definition.c_str()) != MS_SUCCESS) {
    throw Error("map engine: PROJ does not know EPSG:" + std::to_string(epsg) + ": " + collect_errors().text);
  }
  // Layers cache their reprojector to the map's projection at the first draw and never check it
  // again (mapdraw.c); a reused map must drop them when its projection changes.
  for (int i = 0; i < map->numlayers; ++i) {
    layerObj* layer = GET_LAYER(map, i);
    msProjectDestroyReprojector(layer->reprojectorLayerToMap);
    layer->reprojectorLayerToMap = nullptr;
    msProjectDestroyReprojector(layer->reprojectorMapToLayer);
    layer->reprojectorMapToLayer = nullptr;
  }
  const int units = GetMapserverUnitUsingProj(&map->projection);
  if (units != -1) map->units = static_cast<MS_UNITS>(units);
  maps.epsg = epsg;
}

/// Takes the fill colour off every style of the named groups' classes for one draw (outlines and
/// labels stay) and puts it back when it goes: the thread's render map is reused by the next request.
class FillSuppression {
 public:
  FillSuppression(mapObj* map, const std::vector<std::string>& groups) {
    if (groups.empty()) return;
    for (int i = 0; i < map->numlayers; ++i) {
      layerObj* layer = GET_LAYER(map, i);
      if (!layer->group || std::find(groups.begin(), groups.end(), layer->group) == groups.end()) continue;
      for (int c = 0; c < layer->numclasses; ++c) {
        classObj* klass = layer->_class[c];
        for (int s = 0; s < klass->numstyles; ++s) {
          styleObj* style = klass->styles[s];
          saved_.push_back({style, style->color});
          MS_INIT_COLOR(style->color, -1, -1, -1, 255);
        }
      }
    }
  }
  ~FillSuppression() {
    for (auto& [style, color] : saved_) style->color = color;
  }
  FillSuppression(const FillSuppression&) = delete;
  FillSuppression& operator=(const FillSuppression&) = delete;

 private:
  std::vector<std::pair<styleObj*, colorObj>> saved_;
};

/// The image MapServer drew as its renderer keeps it (an RGBA byte buffer); nullopt for a renderer
/// that keeps none.
std::optional<PremultipliedImage> pixels_of(imageObj* image) {
  if (!MS_RENDERER_PLUGIN(image->format) || !MS_IMAGE_RENDERER(image)->getRasterBufferHandle) return std::nullopt;
  rasterBufferObj buffer{};
  if (MS_IMAGE_RENDERER(image)->getRasterBufferHandle(image, &buffer) != MS_SUCCESS ||
      buffer.type != MS_BUFFER_BYTE_RGBA) {
    msResetErrorList();
    return std::nullopt;
  }
  PremultipliedImage pixels;
  pixels.width = static_cast<int>(buffer.width);
  pixels.height = static_cast<int>(buffer.height);
  pixels.r = buffer.data.rgba.r;
  pixels.g = buffer.data.rgba.g;
  pixels.b = buffer.data.rgba.b;
  pixels.a = buffer.data.rgba.a;
  pixels.pixel_step = static_cast<int>(buffer.data.rgba.pixel_step);
  pixels.row_step = static_cast<int>(buffer.data.rgba.row_step);
  return pixels;
}

/// Our PNG writer over the image MapServer drew (png_writer.hpp); nullopt when the renderer keeps no
/// RGBA byte buffer, and MapServer's writer is used instead.
std::optional<std::string> own_png(imageObj* image) {
  const auto pixels = pixels_of(image);
  if (!pixels) return std::nullopt;
  return encode_png(*pixels);
}

bool is_valid_date(int date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
  return date >= 10000101 && date <= 99991231 && parse_time(text).has_value();
}

}  // namespace

// ---- The engine -----------------------------------------------------------------------------

// Per-thread maps live in a map keyed by thread id, owned by the engine, rather than in
// thread_local storage: thread_local destructors run at thread exit in an order we do not
// control relative to msCleanup(), while here ~MapEngine frees every map before msCleanup().
// A finished thread's maps are reused by a later thread that gets the same id, or freed with
// the engine; with the server's fixed pool the number stays bounded.
struct MapEngine::Impl {
  EngineConfig config;
  MapfilePaths paths;

  std::mutex mutex;  // guards the members below
  std::string mapfile_text;       ///< layers over the render file
  std::string draw_mapfile_text;  ///< layers over the drawing shapefiles
  std::string public_mapfile_text;  ///< the public's layers over the render file
  int generation = 1;
  std::unordered_map<std::thread::id, std::unique_ptr<ThreadMaps>> maps;

  WmsLimits limits(const WmsAudience& audience) {
    std::lock_guard lock(mutex);
    WmsLimits result;
    result.max_image_size = config.max_image_size;
    result.years = config.years;
    result.default_year = config.default_year;
    for (const auto& layer : config.layers->layers()) {
      bool visible = audience.internal || config.public_layers->find(layer.name) != nullptr;
      if (audience.only_layers)
        visible = visible && std::find(audience.only_layers->begin(), audience.only_layers->end(), layer.name) !=
                                 audience.only_layers->end();
      (visible ? result.layers : result.hidden_layers).push_back(layer.name);
    }
    result.hidden_status = audience.signed_in ? 403 : 401;
    return result;
  }

  /// The mapfiles of `config`: over the render file, over the shapefiles, and the public's.
  void generate_mapfiles() {
    mapfile_text = generate_mapfile(config, paths);
    draw_mapfile_text = generate_mapfile(config, paths, LayerSource::shapefiles);
    EngineConfig public_config = config;
    public_config.layers = config.public_layers;
    public_mapfile_text = generate_mapfile(public_config, paths);
  }

  ThreadMaps& this_thread_maps() {
    std::string text, draw_text, public_text;
    int wanted_generation = 0;
    {
      std::lock_guard lock(mutex);
      const auto found = maps.find(std::this_thread::get_id());
      if (found != maps.end() && found->second->generation == generation) return *found->second;
      text = mapfile_text;
      draw_text = draw_mapfile_text;
      public_text = public_mapfile_text;
      wanted_generation = generation;
    }
    // Parse outside our lock (msLoadMapFromString holds TLOCK_PARSER anyway).
    const auto dir = paths.mapfile.substr(0, paths.mapfile.rfind('/'));
    auto fresh = std::make_unique<ThreadMaps>();
    fresh->generation = wanted_generation;
    fresh->vector = reused_map(load_map(text, dir));
    fresh->draw = reused_map(load_map(draw_text, dir));
    fresh->pristine = load_map(text, dir);
    fresh->pristine_public = load_map(public_text, dir);
    std::unique_ptr<ThreadMaps> stale;  // freed on this thread, its only user, after unlocking
    std::lock_guard lock(mutex);
    auto& slot = maps[std::this_thread::get_id()];
    stale = std::move(slot);
    slot = std::move(fresh);
    return *slot;
  }

  TimeFilter checked_time(const TimeFilter& requested) {
    std::lock_guard lock(mutex);
    if (requested.year == 0) return TimeFilter::of_year(config.default_year);
    if (!config.years.empty() &&
        std::find(config.years.begin(), config.years.end(), requested.year) == config.years.end()) {
      throw RequestError("map engine: year " + std::to_string(requested.year) + " is not in the map");
    }
    if (!is_valid_date(requested.date)) throw RequestError("map engine: the time filter date is not a real date");
    return requested;
  }

  int max_image_size() {
    std::lock_guard lock(mutex);
    return config.max_image_size;
  }
};

MapEngine::MapEngine(EngineConfig config) : impl_(std::make_unique<Impl>()) {
  if (config.max_image_size < 1) throw Error("map engine: max_image_size must be positive");
  if (!config.shapefiles) throw Error("map engine: no drawing shapefiles (EngineConfig::shapefiles)");
  if (!config.layers) throw Error("map engine: no layer registry (EngineConfig::layers)");
  impl_->config = std::move(config);
  if (!impl_->config.public_layers) impl_->config.public_layers = impl_->config.layers;
  impl_->paths = mapfile_paths(impl_->config.work_dir);
  // The render file is read through OGR's SQLite driver by every worker: a bigger page cache per
  // connection keeps hot pages out of read() syscalls. Not mmap: mapped pages of a 125 MB render
  // file count as resident memory (374 MB after 100,000 requests against 147 MB without).
  // Process-wide, so set once, before workers.
  if (!CPLGetConfigOption("OGR_SQLITE_PRAGMA", nullptr)) {
    CPLSetConfigOption("OGR_SQLITE_PRAGMA", "cache_size=-8192,temp_store=MEMORY");
  }
  if (msSetup() != MS_SUCCESS) throw Error("map engine: msSetup() failed: " + collect_errors().text);
  // MapServer registers GDAL lazily on the first thread that needs an output-format list and pushes
  // an error handler onto that thread's stack, which msCleanup() (on this thread) cannot pop: a
  // worker's handler leaked. Initialising here keeps push and pop on one thread.
  msGDALInitialize();
  impl_->generate_mapfiles();
  write_mapfile_files(impl_->config, impl_->paths, impl_->mapfile_text);
  // Parse once now so a broken mapfile fails at startup, not on the first request.
  load_map(impl_->mapfile_text, impl_->paths.mapfile.substr(0, impl_->paths.mapfile.rfind('/')));
  load_map(impl_->draw_mapfile_text, impl_->paths.mapfile.substr(0, impl_->paths.mapfile.rfind('/')));
  msResetErrorList();
}

MapEngine::~MapEngine() {
  impl_->maps.clear();
  msResetErrorList();
  msCleanup();  // process-wide (GDALDestroy, every thread's msIO context): last MapServer call
}

EngineResponse MapEngine::render_image(const ImageRequest& request) {
  const int max_size = impl_->max_image_size();
  if (request.width < 1 || request.height < 1 || request.width > max_size || request.height > max_size) {
    throw RequestError("map engine: image size must be 1 to " + std::to_string(max_size) + " pixels a side");
  }
  const auto& box = request.bbox;
  if (!std::isfinite(box.minx) || !std::isfinite(box.miny) || !std::isfinite(box.maxx) || !std::isfinite(box.maxy) ||
      box.minx >= box.maxx || box.miny >= box.maxy) {
    throw RequestError("map engine: the bounding box must be finite with min < max");
  }
  if (std::find(kDirectRenderEpsg.begin(), kDirectRenderEpsg.end(), request.epsg) == kDirectRenderEpsg.end()) {
    throw RequestError("map engine: EPSG:" + std::to_string(request.epsg) + " is not offered (3857, 4326, 9211, 3405)");
  }
  if (request.layers.empty()) throw RequestError("map engine: no layer requested");
  for (const auto& name : request.layers) {
    if (!impl_->config.layers->find(name)) throw RequestError("map engine: unknown layer '" + name + "'");
  }
  if (!std::isfinite(request.resolution) || request.resolution < 36 || request.resolution > 576) {
    throw RequestError("map engine: resolution must be 36 to 576 dpi");
  }
  const auto time = impl_->checked_time(request.time);

  const ErrorChainScope error_scope;
  auto& draw = impl_->this_thread_maps().draw;
  mapObj* map = draw.map.get();
  switch_layers(map, request.layers);
  // Held until the image is drawn: the set keeps its files on disk while it lives.
  const auto files = impl_->config.shapefiles();
  if (!files) return render_failure("drawing", "the drawing shapefiles are not ready");
  use_shapefiles(draw, *files, time, skip_test_area(request), request.outline_layers);
  use_projection(draw, request.epsg);
  select_format(map, format_name(request.format));
  // The reused map's format object is this thread's own: set both every request.
  map->outputformat->transparent = request.transparent ? MS_TRUE : MS_FALSE;
  MS_INIT_COLOR(map->imagecolor, (request.background_rgb >> 16) & 0xFF, (request.background_rgb >> 8) & 0xFF,
                request.background_rgb & 0xFF, 255);
  set_view(map, box, request.width, request.height, request.resolution);

  const FillSuppression outlines_only(map, request.outline_layers);
  const ImageHandle image(msDrawMap(map, MS_FALSE));
  auto errors = collect_errors();
  if (!image || errors.any) return render_failure("drawing", errors.any ? errors.text : "no image");
  if (impl_->config.sample_mark)
    if (const auto pixels = pixels_of(image.get())) draw_sample_mark(*pixels);
  if (request.format == ImageFormat::png) {
    if (auto png = own_png(image.get())) return EngineResponse{200, "image/png", std::move(*png)};
  }
  int size = 0;
  const MsBytes bytes(msSaveImageBuffer(image.get(), &size, image->format));
  errors = collect_errors();
  if (!bytes || size <= 0 || errors.any) return render_failure("encoding", errors.any ? errors.text : "no bytes");
  return EngineResponse{200, image->format->mimetype ? image->format->mimetype : "image/png",
                        std::string(reinterpret_cast<const char*>(bytes.get()), static_cast<std::size_t>(size))};
}

EngineResponse MapEngine::render_mvt(const std::string& layer, int z, int x, int y, const TimeFilter& time_request) {
  const auto* descriptor = impl_->config.layers->find(layer);
  if (!descriptor) throw RequestError("map engine: unknown layer '" + layer + "'");
  static constexpr int kMaxZoom = 24;
  if (z < 0 || z > kMaxZoom) throw RequestError("map engine: zoom must be 0 to 24");
  const long tiles = 1L << z;
  if (x < 0 || y < 0 || x >= tiles || y >= tiles) throw RequestError("map engine: tile column or row outside the zoom");
  const auto time = impl_->checked_time(time_request);
  const EngineResponse empty{204, "application/vnd.mapbox-vector-tile", ""};
  if (z < descriptor->min_zoom || z > descriptor->max_zoom) return empty;

  const ErrorChainScope error_scope;
  auto& maps = impl_->this_thread_maps().vector;
  mapObj* map = maps.map.get();
  const auto table = level_table(layer, level_of_zoom(z));
  const int index = msGetLayerIndex(map, table.c_str());
  if (index < 0) return empty;
  for (int i = 0; i < map->numlayers; ++i) GET_LAYER(map, i)->status = i == index ? MS_ON : MS_OFF;
  use_time(maps, time);
  use_projection(maps, 3857);
  select_format(map, "mvt");

  const auto tile = geo::tile_box(z, x, y);
  const Box box{tile.minx, tile.miny, tile.maxx, tile.maxy};
  // 256 px at 72 dpi gives the tile's zoom its scale, so the level's scale range matches.
  set_view(map, box, 256, 256, 72);

  std::string body;
  {
    const LayerRename rename(GET_LAYER(map, index), layer);
    StdoutCapture capture;
    const int status = msMVTWriteTile(map, MS_FALSE);  // MS_FALSE: no HTTP headers in the buffer
    body = capture.body();
    const auto errors = collect_errors();
    if (status != MS_SUCCESS || errors.any) return render_failure("vector tile", errors.any ? errors.text : "no tile");
  }
  if (body.empty()) return empty;
  return EngineResponse{200, "application/vnd.mapbox-vector-tile", std::move(body)};
}

namespace {

/// loadParams' environment: a GET with our rebuilt query; nothing from the process environment.
char* wms_query_environment(const char* name, void* context) {
  auto* query = static_cast<std::string*>(context);
  if (std::strcmp(name, "REQUEST_METHOD") == 0) return const_cast<char*>("GET");
  if (std::strcmp(name, "QUERY_STRING") == 0) return query->data();
  return nullptr;
}

}  // namespace

EngineResponse MapEngine::wms(const std::multimap<std::string, std::string>& params, const WmsAudience& audience) {
  auto checked = check_wms_request(params, impl_->limits(audience));
  if (auto* refusal = std::get_if<EngineResponse>(&checked)) return std::move(*refusal);
  auto& request = std::get<CheckedWmsRequest>(checked);

  if (request.get_map) {
    // GetMap is a direct render on the thread's reused map: no copy of the map, no re-tokenised
    // expressions, no fresh layer state per request (the WMS path cost 3-4x more per request).
    try {
      auto image = render_image(*request.get_map);
      if (image.status != 200) return service_exception(request.version, "", image.body, image.status);
      return image;
    } catch (const RequestError& error) {
      return service_exception(request.version, "InvalidParameterValue", error.what(), 400);
    } catch (const std::exception& error) {
      return service_exception(request.version, "", error.what(), 500);
    }
  }

  if (!request.json_info_queries.empty()) return merged_json_feature_info(request, audience);
  return dispatch_ows(request, request.query_string, audience);
}

EngineResponse MapEngine::dispatch_ows(const CheckedWmsRequest& request, std::string query_string,
                                       const WmsAudience& audience) {
  try {
    const ErrorChainScope error_scope;
    auto& maps = impl_->this_thread_maps();
    const MapHandle map = copy_map(audience.internal ? maps.pristine.get() : maps.pristine_public.get());
    if (!map) {
      return service_exception(request.version, "", "map engine: copying the map failed: " + collect_errors().text, 500);
    }
    if (audience.only_layers) {
      // An embed token opens its own layers only: the others leave this copy of the map altogether, so
      // capabilities do not even name them (the guard already refused them in GetMap and GetFeatureInfo).
      for (int i = map->numlayers - 1; i >= 0; --i) {
        const layerObj* layer = GET_LAYER(map.get(), i);
        const std::string published = layer->group != nullptr ? layer->group : (layer->name ? layer->name : "");
        if (std::find(audience.only_layers->begin(), audience.only_layers->end(), published) ==
            audience.only_layers->end()) {
          if (layerObj* removed = msRemoveLayer(map.get(), i)) {
            if (freeLayer(removed) == MS_SUCCESS) msFree(removed);
          }
        }
      }
    }
    apply_time_filter(map.get(), request.time);

    const CgiRequestHandle cgi(msAllocCgiObj());
    cgi->NumParams = loadParams(cgi.get(), &wms_query_environment, nullptr, 0, &query_string);
    if (cgi->NumParams <= 0) {
      return service_exception(request.version, "", "map engine: the request could not be decoded", 400);
    }

    StdoutCapture capture;
    const int status = msOWSDispatch(map.get(), cgi.get(), MS_TRUE);
    const auto content_type = capture.strip_headers();
    auto body = capture.body();
    const auto errors = collect_errors();
    if (status == MS_DONE || body.empty()) {
      return service_exception(request.version, "", "map engine: MapServer gave no answer" +
                                                        (errors.any ? " (" + errors.text + ")" : std::string()),
                               500);
    }
    int http_status = 200;
    if (status != MS_SUCCESS) http_status = errors.request_errors_only ? 400 : 500;
    return EngineResponse{http_status, content_type.empty() ? "application/octet-stream" : content_type, std::move(body)};
  } catch (const std::exception& error) {
    return service_exception(request.version, "", error.what(), 500);
  }
}

EngineResponse MapEngine::merged_json_feature_info(const CheckedWmsRequest& request, const WmsAudience& audience) {
  auto merged = nlohmann::json{{"type", "FeatureCollection"}, {"features", nlohmann::json::array()}};
  for (const auto& query : request.json_info_queries) {
    auto answer = dispatch_ows(request, query, audience);
    if (answer.status != 200) return answer;
    const auto collection = nlohmann::json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
    if (!collection.is_object() || !collection.contains("features") || !collection["features"].is_array()) {
      return service_exception(request.version, "", "map engine: a layer's GeoJSON answer could not be read", 500);
    }
    // Sub-layers are named "<layer>_g<band>": the published layer name goes on each feature.
    auto layer = collection.value("name", std::string());
    if (const auto band = layer.rfind("_g"); band != std::string::npos) layer.erase(band);
    for (auto feature : collection["features"]) {
      if (!layer.empty() && feature["properties"].is_object()) feature["properties"]["layer"] = layer;
      merged["features"].push_back(std::move(feature));
    }
  }
  return EngineResponse{200, "application/json; charset=utf-8", merged.dump()};
}

void MapEngine::data_changed(const std::vector<int>& years, int default_year) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->config.years = years;
    impl_->config.default_year = default_year;
    impl_->generate_mapfiles();
    write_mapfile_files(impl_->config, impl_->paths, impl_->mapfile_text);
    ++impl_->generation;  // every thread reloads its maps on its next request
  }
  // A rebuilt render file is a new file: pooled SQLite handles not in use are closed so the
  // next open sees it. Connections a layer holds right now are left alone (TLOCK_POOL).
  msConnPoolCloseUnreferenced();
}

}  // namespace antt::mapserver
