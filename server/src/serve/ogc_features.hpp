#pragma once
// Read-only OGC API – Features – Part 1 (core + GeoJSON) under /ogc: one collection per layer of
// the registry. A unit layer's items (districts, communes, villages, units) are unit versions as
// they were on a date, with that year's status, at the store's full detail; another layer's items
// (hotspots, clusters, models, ...) are its rows of the year. Handlers are pure functions of a Request and a context, so tests call
// them directly; each translates its failures once into a JSON error response.
//
// Routes (register_ogc_features adds them):
//   /ogc                                         landing page
//   /ogc/conformance                             conformance classes
//   /ogc/collections                             every layer
//   /ogc/collections/{collectionId}              one collection
//   /ogc/collections/{collectionId}/items        GeoJSON FeatureCollection (year, datetime, bbox, limit, offset)
//   /ogc/collections/{collectionId}/items/{featureId}   one Feature (id = the unit's or row's code)
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "antt/layers/layers.hpp"
#include "antt/store/store.hpp"
#include "http/http.hpp"
#include "serve/params.hpp"
#include "serve/store_pool.hpp"

namespace antt::serve {

struct OgcContext {
  std::shared_ptr<const layers::LayerRegistry> layers;  ///< one collection per layer the caller may see
  std::string base_url;  ///< e.g. "http://127.0.0.1:8080", no trailing slash
  /// The server's read connections (leased for one request, as /api does).
  std::shared_ptr<StoreReads> reads;
  Years years;  ///< years a client may ask for (empty: any) and the default one
  /// The store holds invented data (the sample): items answers carry "synthetic": true.
  bool synthetic = false;
};

inline constexpr int kOgcDefaultLimit = 100;
inline constexpr int kOgcMaxLimit = 1000;  ///< larger limits are lowered to this, as Part 1 asks

http::Response ogc_landing_page(const http::Request& request, const OgcContext& context);
http::Response ogc_conformance(const http::Request& request, const OgcContext& context);
http::Response ogc_collections(const http::Request& request, const OgcContext& context);
/// Reads path_params["collectionId"]; 404 for an unknown collection.
http::Response ogc_collection(const http::Request& request, const OgcContext& context);
/// Reads path_params["collectionId"]; query year, datetime, bbox, limit, offset (400 when bad).
http::Response ogc_items(const http::Request& request, const OgcContext& context);
/// Reads path_params["collectionId"] and ["featureId"]; 404 when no such unit on the date.
http::Response ogc_item(const http::Request& request, const OgcContext& context);

/// Registers the six routes above on `router`; `context` is asked for each request (years change,
/// and each caller has its own layers); what it throws is answered as JSON errors.
void register_ogc_features(http::Router& router, std::function<OgcContext(const http::Request&)> context);

}  // namespace antt::serve
