#pragma once
// Validation of the store: topology of the administrative tiling (invalid geometries, overlaps,
// gaps, children outside their parent), border-area clusters, and the TT 23/2012 rule that a
// recognised commune has >= 70 % of its villages recognised. Backs `anttmap validate` and the
// QGIS plugin's "check my edit" (candidates: edited, unsaved geometries).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "antt/store/store.hpp"

namespace antt::validate {

enum class Severity { error, warning };

/// "error" or "warning".
std::string_view to_string(Severity severity);

/// One problem found. `problem` is a stable identifier (see the list in validate_store);
/// `message` is for people (Vietnamese / English); `where_wkt` locates it (EPSG:4326).
struct Finding {
  Severity severity = Severity::error;
  std::string problem;
  std::string message;
  std::vector<std::string> units;  ///< unit (and cluster) codes involved
  std::string where_wkt;           ///< empty when the problem has no location
};

struct ValidateOptions {
  /// The year whose units (valid on 31 December), statuses and clusters are checked.
  std::optional<int> year;
  /// The day whose units are checked; overrides the 31 December of `year` for the geometry
  /// checks. Neither given: the units valid today (antt::today()).
  std::optional<std::string> date;
  /// Overlaps and gaps up to this area are warnings (sliver_*), larger ones errors.
  double sliver_tolerance_m2 = 1.0;
};

/// An edited, unsaved geometry of the unit `code` (ISO WKB, EPSG:4326).
struct Candidate {
  std::string code;
  std::string geometry_wkb;
};

/// Reads a GeoJSON FeatureCollection of edited units (string property "code"; geometry in
/// EPSG:4326 unless the file declares another CRS) with GDAL/OGR. Throws InputError for an
/// unreadable file, a feature without code or geometry, or a code given twice; CrsError when
/// the declared CRS cannot be transformed to EPSG:4326.
std::vector<Candidate> read_candidates(const std::string& path);
/// The same from GeoJSON text (e.g. an HTTP request body, which may use any JSON spacing);
/// messages name the input `label` ("request body") instead of a file.
std::vector<Candidate> read_candidates_text(std::string_view geojson, const std::string& label);

struct Report {
  std::vector<Finding> findings;
  std::string date;  ///< the day whose units were checked
  int errors() const;
  int warnings() const;
};

/// Checks the units valid on the options' date. Problems (ids):
///  invalid_geometry (error), overlap (error) / sliver_overlap (warning) between siblings,
///  gap (error) / sliver_gap (warning) in a parent not covered by its children of one kind,
///  child_outside_parent (error), parent_missing (error), cluster_not_connected (error),
///  commune_recognised_below_village_share (error under TT 23/2012; warning from 2022, when
///  TT 124/2021 applies and the 70 % rule is unverified).
/// With candidates, their geometries replace the stored ones of the versions valid on the date
/// and only findings that involve a candidate unit are reported; an unknown candidate code
/// throws InputError. `progress` receives fractions in [0, 1].
Report validate_store(const store::Store& store, const ValidateOptions& options,
                      const std::vector<Candidate>& candidates = {},
                      const std::function<void(double)>& progress = {});

/// {"date":..., "errors":N, "warnings":N, "findings":[{"severity","problem","message","units","where"}]}
nlohmann::json to_json(const Report& report);

}  // namespace antt::validate
