#pragma once
// OGC WMTS 1.0.0 for `anttmap serve`: the Capabilities document (one layer per registry layer, a
// yearly Time dimension, the GoogleMapsCompatible tile matrix set), the parsing of KVP GetTile
// requests and the OWS ExceptionReport sent back when they are wrong. Pure functions: rendering
// the tile itself is the caller's business.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "antt/core/error.hpp"
#include "antt/layers/layers.hpp"
#include "http/http.hpp"
#include "serve/params.hpp"
#include "serve/tile_routes.hpp"
#include "antt/geo/web_mercator.hpp"

namespace antt::serve {

/// Deepest zoom (TileMatrix) the GoogleMapsCompatible set publishes.
inline constexpr int kWmtsMaxZoom = 18;
inline constexpr const char* kWmtsTileMatrixSet = "GoogleMapsCompatible";

struct WmtsContext {
  const layers::LayerRegistry* layers = nullptr;  ///< the layers published (required)
  std::string base_url;  ///< e.g. "http://127.0.0.1:8080", no trailing slash
  std::vector<int> years;
  int default_year = 0;
  std::optional<geo::MercatorBox> extent;  ///< of the province; nothing: the whole web-mercator world
};

/// The Capabilities document: KVP at base_url + "/wmts?", RESTful tiles at
/// base_url + "/wmts/{layer}/default/{Time}/GoogleMapsCompatible/{TileMatrix}/{TileRow}/{TileCol}.png"
/// and the RESTful Capabilities at base_url + "/wmts/1.0.0/WMTSCapabilities.xml".
std::string wmts_capabilities(const WmtsContext& context);

/// A bad WMTS request, carrying the OWS exception code and locator the ExceptionReport needs.
class WmtsError : public RequestError {
 public:
  /// `code`: MissingParameterValue, InvalidParameterValue, OperationNotSupported, TileOutOfRange, ...
  WmtsError(std::string code, std::string locator, const std::string& message);
  const std::string& code() const { return code_; }
  const std::string& locator() const { return locator_; }
  /// The HTTP status: 400 for every code (OGC 07-057r7 has 501 for OperationNotSupported; bad
  /// input is never a 5xx here).
  int http_status() const;

 private:
  std::string code_;
  std::string locator_;
};

enum class WmtsOperation { get_capabilities, get_tile };

/// The REQUEST of a KVP request (after checking SERVICE=WMTS); throws WmtsError.
WmtsOperation wmts_kvp_operation(const http::Request& request);

struct WmtsTileRequest {
  std::string layer;  ///< a registry layer name
  std::string style = "default";
  std::string format = "image/png";
  std::string tile_matrix_set = kWmtsTileMatrixSet;
  int zoom = 0;
  int row = 0;
  int col = 0;
  std::optional<int> time;  ///< the year asked for; nothing: the caller's default year
};

/// Parses and validates a KVP GetTile (parameter names case-insensitive): LAYER one of `layers`;
/// when `years` is not empty, TIME one of them. Throws WmtsError naming the offending parameter.
WmtsTileRequest parse_wmts_kvp(const http::Request& request, const layers::LayerRegistry& layers,
                               const std::vector<int>& years = {});

/// An OWS 1.1 ExceptionReport with one Exception.
std::string wmts_exception(const std::string& code, const std::string& locator, const std::string& text);

/// What the WMTS routes need from the running server.
struct WmtsRouteContext {
  std::shared_ptr<const LayerAccess> layers;  ///< each caller's layers
  std::string base_url;
  std::function<Years()> years;
  std::function<std::optional<geo::MercatorBox>()> extent;
  /// The tile drawn for a data scope: from that scope's cache, or a deferred render.
  std::function<http::Response(const TileAddress&, access::DataScope)> tile;
};

/// Registers /wmts (KVP GetCapabilities and GetTile), /wmts/1.0.0/WMTSCapabilities.xml and the
/// RESTful tiles /wmts/{layer}/{style}/{time}/{matrixset}/{z}/{row}/{col}.png; bad requests are
/// answered with an OWS ExceptionReport.
void register_wmts_routes(http::Router& router, WmtsRouteContext context);

}  // namespace antt::serve
