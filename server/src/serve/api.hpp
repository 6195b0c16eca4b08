#pragma once
// The JSON API of `anttmap serve` (/api/...; the contract is docs/api.md): years, statistics,
// progress towards the targets, unit search and detail, the legend, and POST /api/validate for
// edited, unsaved geometries. Everything is read from the store itself through a small pool of
// read connections (one per concurrent request); values that are slow to compute (statistics of a
// year, the progress series, the search index) are cached and dropped as soon as the store's
// data version changes, so an answer is never older than the store.
#include <functional>
#include <optional>
#include <string>

#include "antt/layers/layers.hpp"
#include "antt/mapdata/mapdata.hpp"
#include "http/http.hpp"
#include "serve/access_control.hpp"
#include "serve/store_pool.hpp"

namespace antt::serve {

struct ApiContext {
  std::shared_ptr<const LayerAccess> layers;  ///< each caller's layers
  std::string store_path;
  /// The map's extent (EPSG:3857), quoted by /api/years; nothing when the map is empty.
  std::function<std::optional<mapdata::Box>()> extent;
  /// Read connections kept open between requests (more are opened while many requests run).
  std::size_t pooled_connections = 8;
  /// What requests read, kept per change position, shared with the write API (serve/store_pool.hpp);
  /// none: the API makes its own.
  std::shared_ptr<StoreReads> reads;
};

/// Registers every /api/ endpoint on `router`. The handlers share one state (connection pool,
/// caches) that lives as long as the router does.
void register_api(http::Router& router, ApiContext context);

}  // namespace antt::serve
