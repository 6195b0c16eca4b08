#pragma once
// The layer registry: one descriptor per published layer, and the only list of them. WMS and WMTS
// capabilities, XYZ and vector tiles, TileJSON, OGC API collections, legends, the web viewer, the
// render file and the QGIS plugin (through `anttmap layers --json` and /api/layers) all read it, so
// adding a layer is adding one descriptor: the standard ones come from layers/layers.json, with
// their row builders named there; a program may add its own (LayerRegistry::add).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "antt/layers/rows.hpp"
#include "antt/store/changes.hpp"

namespace antt::layers {

enum class GeometryType { polygon, point, line };
std::string_view to_string(GeometryType geometry);

/// Who may see a layer: everyone, or internal (callers of the roles viewer, editor, admin); every
/// endpoint enforces it (server/src/serve/access_control.hpp).
enum class Access { everyone, internal };
std::string_view to_string(Access access);  ///< "public" or "internal"

/// A kind of store change that makes a layer's rows stale.
struct ChangeDependency {
  store::ChangeTopic topic = store::ChangeTopic::unit;
  /// Unit and status changes: only those about units of these kinds (empty: any kind).
  std::vector<store::UnitKind> kinds;
  /// The change redraws every year of the layer, whatever years it names (e.g. a cluster renamed).
  bool every_year = false;
};

struct LayerDescriptor {
  std::string name;  ///< URL and WMS name, e.g. "communes"
  std::string title_vi;
  std::string title_en;
  std::string abstract;
  GeometryType geometry = GeometryType::polygon;
  /// The unit kinds it shows one row per version of (communes: commune); empty for layers whose
  /// rows are not unit versions (hotspots, clusters, models). OGC API items of a unit layer are read
  /// from the store's units at full detail; the others from the rows.
  std::vector<store::UnitKind> unit_kinds;
  std::string rows_name;  ///< the row builder's name in layers.json ("unit_status", ...), for documentation
  RowBuilder rows;        ///< how its rows are built for a year
  std::vector<ChangeDependency> depends_on;  ///< which store changes make those rows stale
  std::string style;  ///< style id in styles/anttmap-styles.json
  int min_zoom = 0;   ///< drawn from this web-mercator zoom ...
  int max_zoom = 22;  ///< ... up to this one
  std::string label_field;  ///< empty: no labels
  int label_min_zoom = 0;
  bool queryable = true;
  bool shown_by_default = false;        ///< the web viewer opens with it visible
  bool editable = false;                ///< its units' boundaries may be edited (QGIS plugin)
  std::vector<std::string> attributes;  ///< columns exposed in feature info, vector tiles and /ogc
  Access access = Access::everyone;

  /// True when a change of this kind makes some of its rows stale.
  bool affected_by(const store::Change& change) const;
  /// True when such a change makes every year stale (not only the years it names).
  bool affects_every_year(const store::Change& change) const;
};

class LayerRegistry {
 public:
  /// The standard layers: layers/layers.json (compiled in) with their row builders. Built once,
  /// immutable afterwards, shared.
  static std::shared_ptr<const LayerRegistry> standard();

  /// Adds `layer` on top of the others (drawn last). Throws Error for a duplicate or malformed
  /// name, an unknown style, a missing row builder or a zoom range outside 0-22.
  void add(LayerDescriptor layer);

  /// Every layer, in drawing order (bottom first).
  const std::vector<LayerDescriptor>& layers() const { return layers_; }
  /// The descriptor named `name`, or nullptr.
  const LayerDescriptor* find(std::string_view name) const;
  /// "districts, communes, ...": for messages naming the known layers.
  std::string names() const;

 private:
  std::vector<LayerDescriptor> layers_;
};

/// The registry as a JSON document (`anttmap layers --json`, GET /api/layers): {"layers": [...]},
/// each layer with every field of its descriptor but the builder itself.
std::string registry_json(const LayerRegistry& registry);

}  // namespace antt::layers
