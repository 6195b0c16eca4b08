#include "serve/tile_routes.hpp"

#include "antt/core/error.hpp"
#include "serve/errors.hpp"
#include "serve/tilejson.hpp"

namespace antt::serve {
namespace {

/// A whole non-negative decimal integer of at most nine digits; nothing for anything else.
std::optional<int> parse_index(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

const layers::LayerDescriptor& layer_of(const layers::LayerRegistry& layers, const std::string& name) {
  if (const auto* layer = layers.find(name)) return *layer;
  throw RequestError(404, "unknown layer '" + name + "' / không có lớp này");
}

}  // namespace

TileAddress parse_tile_address(const http::Request& request, const layers::LayerRegistry& layers, const Years& years) {
  TileAddress address;
  address.layer = layer_of(layers, request.path_params.at("layer")).name;
  std::string y_text = request.path_params.at("y");
  if (y_text.ends_with("@2x.png")) {
    address.variant = "png@2x";
    y_text.resize(y_text.size() - 7);
  } else if (y_text.ends_with(".png")) {
    address.variant = "png";
    y_text.resize(y_text.size() - 4);
  } else if (y_text.ends_with(".mvt") || y_text.ends_with(".pbf")) {
    address.variant = "mvt";
    y_text.resize(y_text.size() - 4);
  } else {
    throw RequestError(404, "tiles end in .png, @2x.png or .mvt / ô bản đồ phải là .png hoặc .mvt");
  }
  const auto z = parse_index(request.path_params.at("z")), x = parse_index(request.path_params.at("x")),
             y = parse_index(y_text);
  if (!z || !x || !y || *z > geo::web_mercator::kMaxZoom)
    throw RequestError("z/x/y must be integers, z 0-22 / z, x, y phải là số nguyên");
  const long long size = 1LL << *z;
  if (*x >= size || *y >= size) throw RequestError("tile outside the zoom level / ô nằm ngoài mức thu phóng");
  address.z = *z, address.x = *x, address.y = *y;
  address.time = time_param(request, years);
  return address;
}

void require_tile_within_token_box(const access::Caller& caller, const TileAddress& address) {
  if (!caller.only_bbox) return;
  const auto box = geo::to_lon_lat(geo::tile_box(address.z, address.x, address.y));
  require_within_token_box(caller, {box.west, box.south, box.east, box.north});
}

void register_tile_routes(http::Router& router, TileRouteContext context) {
  auto shared = std::make_shared<const TileRouteContext>(std::move(context));
  router.get("/tiles/{layer}/{z}/{x}/{y}", [shared](const http::Request& request) {
    return answer_json([&] {
      shared->layers->require_visible(request.caller, request.path_params.at("layer"));
      const auto visible = shared->layers->visible_to(request.caller);
      const auto address = parse_tile_address(request, *visible, shared->years());
      require_tile_within_token_box(request.caller, address);
      return shared->tile(address, request.caller.data_scope());
    });
  });
  auto tilejson_answer = [shared](const http::Request& request, const std::string& name, bool vector) {
    return answer_json([&] {
      shared->layers->require_visible(request.caller, name);
      const auto visible = shared->layers->visible_to(request.caller);
      const auto& layer = layer_of(*visible, name);
      const int year = time_param(request, shared->years()).year;
      return http::Response::json(200, tilejson(shared->base_url, layer, year, vector, shared->extent()));
    });
  };
  router.get("/tiles/{layer}", [tilejson_answer](const http::Request& request) {
    std::string name = request.path_params.at("layer");
    if (!name.ends_with(".json")) return http::Response::json_error(404, "see /tiles/{layer}.json");
    name.resize(name.size() - 5);
    return tilejson_answer(request, name, false);
  });
  router.get("/tiles/{layer}/tilejson.json", [tilejson_answer](const http::Request& request) {
    return tilejson_answer(request, request.path_params.at("layer"), false);
  });
  router.get("/tiles/{layer}/vector.json", [tilejson_answer](const http::Request& request) {
    return tilejson_answer(request, request.path_params.at("layer"), true);
  });
}

}  // namespace antt::serve
