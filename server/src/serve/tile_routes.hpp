#pragma once
// XYZ tiles and TileJSON: /tiles/{layer}/{z}/{x}/{y}.png|@2x.png|.mvt (?year|time|date) and
// /tiles/{layer}.json, /tiles/{layer}/tilejson.json, /tiles/{layer}/vector.json.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "antt/core/date.hpp"
#include "antt/geo/web_mercator.hpp"
#include "antt/layers/layers.hpp"
#include "serve/access_control.hpp"
#include "http/http.hpp"
#include "serve/params.hpp"

namespace antt::serve {

/// Where a tile request points: layer, zoom, column, row, variant and time.
struct TileAddress {
  std::string layer;
  int z = 0, x = 0, y = 0;
  std::string variant;  ///< "png", "png@2x", "mvt"
  TimeFilter time;
};

/// What the tile routes need from the running server.
struct TileRouteContext {
  std::shared_ptr<const LayerAccess> layers;  ///< each caller's layers
  std::string base_url;  ///< e.g. "http://127.0.0.1:8080", no trailing slash
  std::function<Years()> years;
  std::function<std::optional<geo::MercatorBox>()> extent;
  /// The tile drawn for a data scope: from that scope's cache, or a deferred render (Response::deferred).
  std::function<http::Response(const TileAddress&, access::DataScope)> tile;
};

/// The address of /tiles/{layer}/{z}/{x}/{y}: RequestError 404 for an unknown layer or file
/// extension, 400 for numbers outside the zoom or a bad time.
TileAddress parse_tile_address(const http::Request& request, const layers::LayerRegistry& layers, const Years& years);

/// not_allowed (403) for a tile outside the box of the caller's embed token.
void require_tile_within_token_box(const access::Caller& caller, const TileAddress& address);

void register_tile_routes(http::Router& router, TileRouteContext context);

}  // namespace antt::serve
