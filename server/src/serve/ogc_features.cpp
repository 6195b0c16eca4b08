#include "serve/ogc_features.hpp"

#include <cpl_conv.h>
#include <ogr_api.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <functional>
#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/geo/ogr.hpp"
#include "antt/layers/direct_rows.hpp"
#include "antt/layers/layers.hpp"
#include "antt/stats/stats.hpp"
#include "antt/text/escape.hpp"
#include "antt/text/unicode.hpp"
#include "serve/errors.hpp"

namespace antt::serve {
namespace {

using Json = nlohmann::ordered_json;
using store::UnitKind;
using store::UnitVersion;

constexpr const char* kCrs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
constexpr const char* kGeoJson = "application/geo+json";
constexpr const char* kJson = "application/json";

/// A collection: one layer of the registry. A unit layer's items are its unit versions read from
/// the store at full detail; the others' items are the layer's rows (antt/layers/direct_rows.hpp).
struct Collection {
  std::string id;
  std::vector<UnitKind> kinds;
  const layers::LayerDescriptor* layer = nullptr;
};

std::vector<Collection> collections(const OgcContext& context) {
  std::vector<Collection> out;
  for (const auto& layer : context.layers->layers()) out.push_back({layer.name, layer.unit_kinds, &layer});
  return out;
}

bool is_unit_collection(const Collection& collection) { return !collection.kinds.empty(); }

Collection collection_of(const http::Request& request, const OgcContext& context) {
  auto id = request.path_params.find("collectionId");
  const std::string name = id == request.path_params.end() ? "" : id->second;
  for (const auto& collection : collections(context))
    if (collection.id == name) return collection;
  throw RequestError(404, "no collection '" + name + "'; see /ogc/collections / không có tập dữ liệu này");
}

std::string dump(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Query parameters --------------------------------------------------------------------------

std::optional<long long> parse_integer(const std::string& text) {
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

struct LonLat {
  double west, south, east, north;
};

/// What an items request asks for, validated.
struct ItemsQuery {
  int year = 0;          ///< the status year
  std::string date;      ///< units valid on this day
  std::optional<LonLat> bbox;
  int limit = kOgcDefaultLimit;
  long long offset = 0;
  std::string datetime_text;  ///< as sent, echoed in links
  bool year_given = false;
};

void reject_unknown_parameters(const http::Request& request, const std::set<std::string>& known) {
  for (const auto& [name, value] : request.params) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!known.contains(lower))
      throw RequestError(400, "unknown query parameter '" + name + "' / tham số không hợp lệ");
  }
  if (auto format = request.param("f"); format && *format != "json" && *format != "geojson")
    throw RequestError(400, "f must be json, not '" + *format + "' / chỉ hỗ trợ f=json");
}

void require_known_year(int year, const OgcContext& context) {
  if (!context.years.all.empty()) context.years.require(year);
}

ItemsQuery parse_items_query(const http::Request& request, const OgcContext& context, bool paged) {
  reject_unknown_parameters(request, paged ? std::set<std::string>{"year", "datetime", "bbox", "limit", "offset", "f"}
                                           : std::set<std::string>{"year", "datetime", "f"});
  ItemsQuery query;
  query.year = context.years.default_year;
  if (auto year = request.param("year")) {
    auto value = parse_integer(*year);
    if (!value || *value < 1 || *value > 9999)
      throw RequestError(400, "year must be a year such as 2015, not '" + *year + "' / năm không hợp lệ");
    query.year = static_cast<int>(*value);
    query.year_given = true;
  }
  query.date = year_end(query.year);
  if (auto datetime = request.param("datetime")) {
    query.datetime_text = *datetime;
    if (datetime->find('/') != std::string::npos)
      throw RequestError(400, "datetime must be one date (intervals are not supported), e.g. 2015-06-30 / "
                                 "chỉ hỗ trợ một ngày");
    // RFC 3339: a date, or a date-time whose day is meant; a bare year means its 31 December.
    std::optional<std::string> date;
    if (datetime->size() == 4) {
      if (auto year = parse_integer(*datetime)) date = year_end(static_cast<int>(*year));
    } else if (datetime->size() == 10 || (datetime->size() > 10 && ((*datetime)[10] == 'T' || (*datetime)[10] == 't'))) {
      date = parse_iso_date(datetime->substr(0, 10));
    }
    if (!date)
      throw RequestError(400, "datetime must be an RFC 3339 date such as 2015-12-31, not '" + *datetime +
                                     "' / ngày không hợp lệ");
    query.date = *date;
    if (!query.year_given) query.year = year_of(*date);
  }
  require_known_year(query.year, context);
  if (!paged) return query;

  if (auto bbox = request.param("bbox")) {
    std::vector<double> numbers;
    std::size_t start = 0;
    bool ok = true;
    while (ok) {
      auto comma = bbox->find(',', start);
      auto number = parse_number(bbox->substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      ok = number.has_value();
      if (ok) numbers.push_back(*number);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (!ok || (numbers.size() != 4 && numbers.size() != 6))
      throw RequestError(400, "bbox must be four numbers west,south,east,north in degrees, not '" + *bbox +
                                     "' / bbox phải gồm 4 số");
    // With heights the order is west,south,low,east,north,high.
    const bool with_heights = numbers.size() == 6;
    LonLat box{numbers[0], numbers[1], numbers[with_heights ? 3 : 2], numbers[with_heights ? 4 : 3]};
    if (box.west < -180 || box.east > 180 || box.south < -90 || box.north > 90 || box.south > box.north ||
        box.west > box.east)
      throw RequestError(400, "bbox must lie within -180,-90,180,90 with west <= east and south <= north, not '" +
                                     *bbox + "' / bbox ngoài phạm vi");
    query.bbox = box;
  }
  if (auto limit = request.param("limit")) {
    auto value = parse_integer(*limit);
    if (!value || *value < 1)
      throw RequestError(400, "limit must be a whole number from 1 to " + std::to_string(kOgcMaxLimit) +
                                     ", not '" + *limit + "' / limit không hợp lệ");
    query.limit = static_cast<int>(std::min<long long>(*value, kOgcMaxLimit));
  }
  if (auto offset = request.param("offset")) {
    auto value = parse_integer(*offset);
    if (!value || *value < 0)
      throw RequestError(400, "offset must be a whole number >= 0, not '" + *offset + "' / offset không hợp lệ");
    query.offset = *value;
  }
  return query;
}

// Store reading -------------------------------------------------------------------------------

/// The province the server publishes: the "home_province" setting, else the only province with
/// districts; nothing when the store cannot tell (then nothing is filtered out).
std::optional<std::string> home_province(const store::Store& store, const std::vector<UnitVersion>& skeleton) {
  if (auto code = store.setting("home_province")) return code;
  std::map<std::string, UnitKind> kinds;
  for (const auto& unit : skeleton) kinds[unit.code] = unit.kind;
  std::set<std::string> with_districts;
  for (const auto& unit : skeleton)
    if (unit.kind == UnitKind::district) {
      auto parent = kinds.find(unit.parent_code);
      if (parent != kinds.end() && parent->second == UnitKind::province) with_districts.insert(unit.parent_code);
    }
  if (with_districts.size() == 1) return *with_districts.begin();
  return std::nullopt;
}

/// Codes of the units valid on `date` that lie in the home province; nothing: keep everything.
/// Neighbouring provinces' communes (border clusters) are in the store but not published here.
std::optional<std::set<std::string>> published_codes(const store::Store& store, const std::string& date) {
  const auto skeleton = store.units({date, {}, {}, false});
  const auto province = home_province(store, skeleton);
  if (!province) return std::nullopt;
  std::map<std::string, const UnitVersion*> by_code;
  for (const auto& unit : skeleton) by_code[unit.code] = &unit;
  std::set<std::string> inside;
  for (const auto& unit : skeleton) {
    const UnitVersion* current = &unit;
    for (int depth = 0; depth < 8 && current; ++depth) {  // the hierarchy is at most 5 deep
      if (current->code == *province) {
        inside.insert(unit.code);
        break;
      }
      auto parent = by_code.find(current->parent_code);
      current = parent == by_code.end() ? nullptr : parent->second;
    }
  }
  return inside;
}

struct Envelope {
  double minx = 0, miny = 0, maxx = 0, maxy = 0;
  bool empty = true;
  void add(const Envelope& other) {
    if (other.empty) return;
    if (empty) {
      *this = other;
      return;
    }
    minx = std::min(minx, other.minx);
    miny = std::min(miny, other.miny);
    maxx = std::max(maxx, other.maxx);
    maxy = std::max(maxy, other.maxy);
  }
};

/// A unit's geometry as GeoJSON (null when it has none).
Json geojson_of(const std::string& wkb) {
  if (wkb.empty()) return nullptr;
  auto geometry = geo::OgrGeometry::from_wkb(wkb);
  if (geometry.is_empty()) return nullptr;
  // 7 decimals of a degree is about 1 cm: finer digits only make the documents heavier.
  return Json::parse(geometry.geojson(7));
}

/// A unit's lon/lat envelope (empty when it has no geometry).
Envelope envelope_of(const std::string& wkb) {
  if (wkb.empty()) return {};
  auto geometry = geo::OgrGeometry::from_wkb(wkb);
  if (geometry.is_empty()) return {};
  OGREnvelope envelope;
  OGR_G_GetEnvelope(geometry.get(), &envelope);
  return {envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY, false};
}

bool intersects(const Envelope& envelope, const LonLat& box) {
  return !envelope.empty && envelope.minx <= box.east && envelope.maxx >= box.west && envelope.miny <= box.north &&
         envelope.maxy >= box.south;
}

/// District figures of the year (pooled share recognised), by district code.
using DistrictFigures = std::map<std::string, stats::AreaStats>;

DistrictFigures district_figures(const store::Store& store, int year) {
  DistrictFigures figures;
  for (auto& district : stats::compute_stats(store, year).districts) figures.emplace(district.code, district);
  return figures;
}

/// A GeoJSON Feature of a collection: its id, geometry and properties, and links to itself and the collection.
Json feature_envelope(const std::string& id, Json geometry, Json properties, int year, const std::string& collection_url) {
  Json feature;
  feature["type"] = "Feature";
  feature["id"] = id;
  feature["geometry"] = std::move(geometry);
  feature["properties"] = std::move(properties);
  feature["links"] = Json::array(
      {{{"href", collection_url + "/items/" + text::url_encode(id) + "?year=" + std::to_string(year)},
        {"rel", "self"},
        {"type", kGeoJson}},
       {{"href", collection_url}, {"rel", "collection"}, {"type", kJson}}});
  return feature;
}

Json feature_json(const UnitVersion& unit, int year,
                  const std::map<std::string, store::StatusRecord>& statuses, const DistrictFigures* districts,
                  const std::string& collection_url) {
  Json properties;
  properties["code"] = unit.code;
  properties["name"] = text::to_nfc(unit.name);
  properties["kind"] = std::string(store::to_string(unit.kind));
  if (!unit.subtype.empty()) properties["subtype"] = unit.subtype;
  properties["parent_code"] = unit.parent_code.empty() ? Json() : Json(unit.parent_code);
  auto status = statuses.find(unit.code);
  if (status != statuses.end()) {
    properties["status"] = std::string(store::to_string(status->second.status));
    properties["status_label"] = std::string(store::vietnamese_label(status->second.status));
    properties["decision_number"] =
        status->second.decision_number.empty() ? Json() : Json(status->second.decision_number);
    properties["decision_date"] = status->second.decision_date.empty() ? Json() : Json(status->second.decision_date);
  } else {
    properties["status"] = nullptr;
    properties["status_label"] = "Chưa có dữ liệu";
    properties["decision_number"] = nullptr;
    properties["decision_date"] = nullptr;
  }
  properties["year"] = year;
  properties["valid_from"] = unit.valid_from == store::kOpenStart ? Json() : Json(unit.valid_from);
  properties["valid_to"] = unit.valid_to ? Json(*unit.valid_to) : Json();
  if (districts) {
    auto figures = districts->find(unit.code);
    if (figures != districts->end()) {
      properties["share"] = std::round(figures->second.pooled.share_recognised() * 100) / 100;
      properties["recognised"] = figures->second.pooled.recognised;
      properties["total"] = figures->second.pooled.total;
      auto meets = figures->second.meets_target();
      properties["meets_target"] = meets ? Json(*meets) : Json();
    }
  }
  return feature_envelope(unit.code, geojson_of(unit.geometry_wkb), std::move(properties), year, collection_url);
}

std::string collection_url(const OgcContext& context, const Collection& collection) {
  return context.base_url + "/ogc/collections/" + collection.id;
}

/// The collection's spatial extent: the home province's outline over all its versions, which
/// contains every unit of every collection; else the collection's own units.
Envelope spatial_extent(const store::Store& store, const Collection& collection) {
  Envelope extent;
  if (auto province = home_province(store, store.units({std::nullopt, {UnitKind::province, UnitKind::district}, {}, false}))) {
    for (const auto& version : store.units({std::nullopt, {UnitKind::province}, *province, true}))
      extent.add(envelope_of(version.geometry_wkb));
    if (!extent.empty) return extent;
  }
  for (const auto& unit : store.units({std::nullopt, collection.kinds, {}, true}))
    extent.add(envelope_of(unit.geometry_wkb));
  return extent;
}

Json collection_json(const OgcContext& context, const Collection& collection, const store::Store& store) {
  Json json;
  json["id"] = collection.id;
  json["title"] = collection.layer ? collection.layer->title_vi : collection.id;
  json["description"] = collection.layer ? collection.layer->title_en + ". " + collection.layer->abstract : "";
  const std::string url = collection_url(context, collection);
  json["links"] = Json::array({{{"href", url}, {"rel", "self"}, {"type", kJson}, {"title", "this collection"}},
                               {{"href", url + "/items"}, {"rel", "items"}, {"type", kGeoJson}, {"title", "items"}}});
  Json extent;
  const Envelope box = spatial_extent(store, collection);
  extent["spatial"] = {{"bbox", Json::array({box.empty ? Json::array({-180, -90, 180, 90})
                                                        : Json::array({box.minx, box.miny, box.maxx, box.maxy})})},
                       {"crs", kCrs84}};
  if (!context.years.all.empty())
    extent["temporal"] = {
        {"interval", Json::array({Json::array({std::to_string(context.years.all.front()) + "-01-01T00:00:00Z",
                                               std::to_string(context.years.all.back()) + "-12-31T23:59:59Z"})})},
        {"trs", "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}};
  json["extent"] = std::move(extent);
  json["itemType"] = "feature";
  json["crs"] = Json::array({kCrs84});
  return json;
}

StorePool::Lease lease_store(const OgcContext& context) {
  if (!context.reads) throw StoreError("the server has no store configured");
  return context.reads->pool().acquire();
}

/// The query string of an items page, keeping the client's filters and moving the offset.
std::string page_query(const ItemsQuery& query, long long offset) {
  std::string out = "?year=" + std::to_string(query.year);
  if (!query.datetime_text.empty()) out += "&datetime=" + text::url_encode(query.datetime_text);
  if (query.bbox) {
    Json box = Json::array({query.bbox->west, query.bbox->south, query.bbox->east, query.bbox->north});
    std::string numbers = box.dump();
    out += "&bbox=" + text::url_encode(numbers.substr(1, numbers.size() - 2));
  }
  out += "&limit=" + std::to_string(query.limit) + "&offset=" + std::to_string(offset);
  return out;
}

/// A row's attribute as JSON (the names of antt/layers/rows.hpp's LayerRow).
Json row_property(const layers::LayerRow& row, const std::string& attribute) {
  auto text = [](const std::string& value) { return value.empty() ? Json() : Json(value); };
  auto number = [](const auto& value) { return value ? Json(*value) : Json(); };
  if (attribute == "code") return text(row.code);
  if (attribute == "name") return text(row.name);
  if (attribute == "kind") return text(row.kind);
  if (attribute == "parent_code") return text(row.parent_code);
  if (attribute == "class") return text(row.class_key);
  if (attribute == "label") return text(row.label);
  if (attribute == "share") return number(row.share);
  if (attribute == "recognised") return number(row.recognised);
  if (attribute == "total") return number(row.total);
  if (attribute == "effective") return number(row.effective);
  if (attribute == "decision") return text(row.decision);
  if (attribute == "members") return text(row.members);
  return Json();
}

/// "2015-03-01" from 20150301; null for the open ends.
Json iso_json(int date) {
  if (date <= 10101 || date >= mapdata::kOpenEnd) return Json();
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
  return Json(text);
}

Json row_feature_json(const layers::LayerDescriptor& layer, const layers::LayerRow& row, int year,
                      const std::string& collection_url) {
  Json properties;
  for (const auto& attribute : layer.attributes) properties[attribute] = row_property(row, attribute);
  properties["year"] = year;
  properties["valid_from"] = iso_json(row.vfrom);
  properties["valid_to"] = iso_json(row.vto);
  return feature_envelope(row.code, row.geometry ? geojson_of(row.geometry->wkb[mapdata::kLevels - 1]) : Json(),
                          std::move(properties), year, collection_url);
}

/// The layer's rows of the query's year valid on its date, by code, within its bbox.
std::vector<layers::LayerRow> matching_rows(const store::Store& store, const Collection& collection,
                                            const ItemsQuery& query, const std::optional<std::string>& code) {
  auto rows = layers::direct_rows(store, *collection.layer, query.year);
  const int date = date_number(query.date);
  std::vector<layers::LayerRow> out;
  for (auto& row : rows) {
    if (!row.valid_on(date) || (code && row.code != *code)) continue;
    if (query.bbox) {
      const auto& box = row.geometry->box;  // lon/lat: direct rows keep the store's coordinates
      if (box.minx > query.bbox->east || box.maxx < query.bbox->west || box.miny > query.bbox->north ||
          box.maxy < query.bbox->south)
        continue;
    }
    out.push_back(std::move(row));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
  return out;
}

/// One page of an items answer: features [offset, offset + limit) of `matched`, made by `feature`.
http::Response items_page(const ItemsQuery& query, const std::string& url, long long matched,
                          const std::function<Json(long long)>& feature, bool synthetic) {
  const long long first = std::min(query.offset, matched);
  const long long last = std::min(first + query.limit, matched);
  Json json;
  json["type"] = "FeatureCollection";
  json["features"] = Json::array();
  for (long long i = first; i < last; ++i) json["features"].push_back(feature(i));
  json["numberMatched"] = matched;
  json["numberReturned"] = last - first;
  json["timeStamp"] = today() + "T00:00:00Z";
  if (synthetic) json["synthetic"] = true;  // a foreign member: the sample's figures are invented
  Json links = Json::array(
      {{{"href", url + "/items" + page_query(query, query.offset)}, {"rel", "self"}, {"type", kGeoJson}},
       {{"href", url}, {"rel", "collection"}, {"type", kJson}}});
  if (last < matched)
    links.push_back({{"href", url + "/items" + page_query(query, last)}, {"rel", "next"}, {"type", kGeoJson}});
  if (query.offset > 0)
    links.push_back({{"href", url + "/items" + page_query(query, std::max(0LL, query.offset - query.limit))},
                     {"rel", "prev"},
                     {"type", kGeoJson}});
  json["links"] = std::move(links);
  return http::Response::json(200, dump(json), kGeoJson);
}

http::Response row_items(const Collection& collection, const ItemsQuery& query, const store::Store& store,
                         const OgcContext& context) {
  const auto rows = matching_rows(store, collection, query, std::nullopt);
  const std::string url = collection_url(context, collection);
  return items_page(
      query, url, static_cast<long long>(rows.size()),
      [&](long long i) { return row_feature_json(*collection.layer, rows[i], query.year, url); }, context.synthetic);
}

}  // namespace

http::Response ogc_landing_page(const http::Request& request, const OgcContext& context) {
  return answer_json([&] {
    reject_unknown_parameters(request, {"f"});
    const std::string root = context.base_url + "/ogc";
    Json json;
    json["title"] = "anttmap — phong trào \"An toàn về an ninh, trật tự\"";
    json["description"] =
        "Villages, communes, districts, agencies, enterprises and schools with their yearly ANTT status "
        "(OGC API - Features, read-only).";
    json["links"] = Json::array(
        {{{"href", root}, {"rel", "self"}, {"type", kJson}, {"title", "this document"}},
         {{"href", root + "/conformance"}, {"rel", "conformance"}, {"type", kJson}, {"title", "conformance classes"}},
         {{"href", root + "/collections"}, {"rel", "data"}, {"type", kJson}, {"title", "collections"}}});
    return http::Response::json(200, dump(json));
  });
}

http::Response ogc_conformance(const http::Request& request, const OgcContext&) {
  return answer_json([&] {
    reject_unknown_parameters(request, {"f"});
    Json json;
    json["conformsTo"] = Json::array({"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                                      "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"});
    return http::Response::json(200, dump(json));
  });
}

http::Response ogc_collections(const http::Request& request, const OgcContext& context) {
  return answer_json([&] {
    reject_unknown_parameters(request, {"f"});
    auto store = lease_store(context);
    Json json;
    const std::string url = context.base_url + "/ogc/collections";
    json["links"] = Json::array({{{"href", url}, {"rel", "self"}, {"type", kJson}, {"title", "this document"}}});
    json["collections"] = Json::array();
    for (const auto& collection : collections(context)) json["collections"].push_back(collection_json(context, collection, *store));
    return http::Response::json(200, dump(json));
  });
}

http::Response ogc_collection(const http::Request& request, const OgcContext& context) {
  return answer_json([&] {
    const auto collection = collection_of(request, context);
    reject_unknown_parameters(request, {"f"});
    auto store = lease_store(context);
    return http::Response::json(200, dump(collection_json(context, collection, *store)));
  });
}

http::Response ogc_items(const http::Request& request, const OgcContext& context) {
  return answer_json([&] {
    const auto collection = collection_of(request, context);
    const auto query = parse_items_query(request, context, true);
    auto store = lease_store(context);
    if (!is_unit_collection(collection)) return row_items(collection, query, *store, context);
    const auto published = published_codes(*store, query.date);

    auto units = store->units({query.date, collection.kinds, {}, true});
    std::sort(units.begin(), units.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
    std::vector<const UnitVersion*> matches;
    for (const auto& unit : units) {
      if (published && !published->contains(unit.code)) continue;
      if (query.bbox && !intersects(envelope_of(unit.geometry_wkb), *query.bbox)) continue;
      matches.push_back(&unit);
    }

    const auto statuses = store->statuses_of_year(query.year);
    std::optional<DistrictFigures> districts;
    if (collection.id == "districts") districts = district_figures(*store, query.year);
    const std::string url = collection_url(context, collection);
    return items_page(
        query, url, static_cast<long long>(matches.size()),
        [&](long long i) { return feature_json(*matches[i], query.year, statuses, districts ? &*districts : nullptr, url); },
        context.synthetic);
  });
}

http::Response ogc_item(const http::Request& request, const OgcContext& context) {
  return answer_json([&] {
    const auto collection = collection_of(request, context);
    const auto query = parse_items_query(request, context, false);
    auto id = request.path_params.find("featureId");
    const std::string code = id == request.path_params.end() ? "" : id->second;
    auto store = lease_store(context);
    if (!is_unit_collection(collection)) {
      auto rows = matching_rows(*store, collection, query, code);
      if (rows.empty())
        throw RequestError(404, "no feature '" + code + "' in " + collection.id + " on " + query.date +
                                    " / không có đối tượng này vào ngày " + query.date);
      Json feature = row_feature_json(*collection.layer, rows.front(), query.year, collection_url(context, collection));
      if (context.synthetic) feature["synthetic"] = true;
      return http::Response::json(200, dump(feature), kGeoJson);
    }
    auto units = store->units({query.date, collection.kinds, code, true});
    const auto published = published_codes(*store, query.date);
    if (units.empty() || (published && !published->contains(code)))
      throw RequestError(404, "no feature '" + code + "' in " + collection.id + " on " + query.date +
                                     " / không có đơn vị này vào ngày " + query.date);
    std::optional<DistrictFigures> districts;
    if (collection.id == "districts") districts = district_figures(*store, query.year);
    Json feature = feature_json(units.front(), query.year, store->statuses_of_year(query.year),
                                districts ? &*districts : nullptr, collection_url(context, collection));
    if (context.synthetic) feature["synthetic"] = true;
    return http::Response::json(200, dump(feature), kGeoJson);
  });
}

void register_ogc_features(http::Router& router, std::function<OgcContext(const http::Request&)> context) {
  auto bind = [context](http::Response (*handler)(const http::Request&, const OgcContext&)) {
    return [context, handler](const http::Request& request) {
      return answer_json([&] { return handler(request, context(request)); });
    };
  };
  router.get("/ogc", bind(&ogc_landing_page));
  router.get("/ogc/conformance", bind(&ogc_conformance));
  router.get("/ogc/collections", bind(&ogc_collections));
  router.get("/ogc/collections/{collectionId}", bind(&ogc_collection));
  router.get("/ogc/collections/{collectionId}/items", bind(&ogc_items));
  router.get("/ogc/collections/{collectionId}/items/{featureId}", bind(&ogc_item));
}

}  // namespace antt::serve
