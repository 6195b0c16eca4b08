#include "serve/wmts.hpp"

#include "serve/access_control.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string_view>

#include "antt/text/escape.hpp"
#include "antt/layers/layers.hpp"

namespace antt::serve {
namespace {

// OGC 07-057r7 Annex E.4: GoogleMapsCompatible scale at z0 (0.28 mm pixels).
constexpr double kZoom0ScaleDenominator = 559082264.0287178;
constexpr const char* kTopLeftCorner = "-20037508.3427892 20037508.3427892";

/// Shortest round-trip text of a double, so the scale denominators stay exact.
std::string number(double value) {
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc{} ? std::string(buffer, end) : std::to_string(value);
}

void write_operation(std::ostringstream& out, const std::string& name, const std::string& kvp_href,
                     const std::string& rest_href) {
  out << "    <ows:Operation name=\"" << name << "\">\n"
      << "      <ows:DCP><ows:HTTP>\n"
      << "        <ows:Get xlink:href=\"" << text::xml_escape(kvp_href) << "\">\n"
      << "          <ows:Constraint name=\"GetEncoding\"><ows:AllowedValues><ows:Value>KVP</ows:Value>"
         "</ows:AllowedValues></ows:Constraint>\n"
      << "        </ows:Get>\n"
      << "        <ows:Get xlink:href=\"" << text::xml_escape(rest_href) << "\">\n"
      << "          <ows:Constraint name=\"GetEncoding\"><ows:AllowedValues><ows:Value>RESTful</ows:Value>"
         "</ows:AllowedValues></ows:Constraint>\n"
      << "        </ows:Get>\n"
      << "      </ows:HTTP></ows:DCP>\n"
      << "    </ows:Operation>\n";
}

void write_layer(std::ostringstream& out, const layers::LayerDescriptor& layer, const WmtsContext& context,
                 const geo::LonLatBox& bounds) {
  out << "    <Layer>\n"
      << "      <ows:Title>" << text::xml_escape(layer.title_vi) << "</ows:Title>\n"
      << "      <ows:Abstract>" << text::xml_escape(layer.abstract) << "</ows:Abstract>\n"
      << "      <ows:WGS84BoundingBox>\n"
      << "        <ows:LowerCorner>" << number(bounds.west) << ' ' << number(bounds.south) << "</ows:LowerCorner>\n"
      << "        <ows:UpperCorner>" << number(bounds.east) << ' ' << number(bounds.north) << "</ows:UpperCorner>\n"
      << "      </ows:WGS84BoundingBox>\n"
      << "      <ows:Identifier>" << text::xml_escape(layer.name) << "</ows:Identifier>\n"
      << "      <Style isDefault=\"true\"><ows:Identifier>default</ows:Identifier></Style>\n"
      << "      <Format>image/png</Format>\n";
  // A store without statuses has no years; the default one still names the dimension's value.
  const std::vector<int> years = context.years.empty() ? std::vector<int>{context.default_year} : context.years;
  out << "      <Dimension>\n"
      << "        <ows:Identifier>Time</ows:Identifier>\n"
      << "        <Default>" << context.default_year << "</Default>\n";
  for (int year : years) out << "        <Value>" << year << "</Value>\n";
  out << "      </Dimension>\n";
  out << "      <TileMatrixSetLink><TileMatrixSet>" << kWmtsTileMatrixSet << "</TileMatrixSet></TileMatrixSetLink>\n"
      << "      <ResourceURL format=\"image/png\" resourceType=\"tile\" template=\""
      << text::xml_escape(context.base_url + "/wmts/" + layer.name + "/default/{Time}/" + kWmtsTileMatrixSet +
                     "/{TileMatrix}/{TileRow}/{TileCol}.png")
      << "\"/>\n"
      << "    </Layer>\n";
}

void write_tile_matrix_set(std::ostringstream& out) {
  out << "    <TileMatrixSet>\n"
      << "      <ows:Identifier>" << kWmtsTileMatrixSet << "</ows:Identifier>\n"
      << "      <ows:SupportedCRS>urn:ogc:def:crs:EPSG::3857</ows:SupportedCRS>\n"
      << "      <WellKnownScaleSet>urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible</WellKnownScaleSet>\n";
  for (int zoom = 0; zoom <= kWmtsMaxZoom; ++zoom) {
    const long long tiles = 1LL << zoom;
    out << "      <TileMatrix>\n"
        << "        <ows:Identifier>" << zoom << "</ows:Identifier>\n"
        << "        <ScaleDenominator>" << number(kZoom0ScaleDenominator / static_cast<double>(tiles))
        << "</ScaleDenominator>\n"
        << "        <TopLeftCorner>" << kTopLeftCorner << "</TopLeftCorner>\n"
        << "        <TileWidth>256</TileWidth>\n"
        << "        <TileHeight>256</TileHeight>\n"
        << "        <MatrixWidth>" << tiles << "</MatrixWidth>\n"
        << "        <MatrixHeight>" << tiles << "</MatrixHeight>\n"
        << "      </TileMatrix>\n";
  }
  out << "    </TileMatrixSet>\n";
}

std::string required(const http::Request& request, const char* name) {
  auto value = request.param(name);
  if (!value || value->empty())
    throw WmtsError("MissingParameterValue", name, std::string("parameter ") + name + " is missing / thiếu tham số " + name);
  return *value;
}

int integer(const std::string& text, const char* name) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size())
    throw WmtsError("InvalidParameterValue", name,
                    std::string(name) + " must be an integer, not '" + text + "' / " + name + " phải là số nguyên");
  return value;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

WmtsError::WmtsError(std::string code, std::string locator, const std::string& message)
    // OGC 07-057r7 answers OperationNotSupported with 501; an operation we do not offer is the
    // client's to fix, and bad input never gets a 5xx here (monitoring counts 5xx as our faults).
    : RequestError("WMTS: " + message, 400),
      code_(std::move(code)),
      locator_(std::move(locator)) {}

int WmtsError::http_status() const { return status(); }

std::string wmts_capabilities(const WmtsContext& context) {
  const geo::LonLatBox bounds = geo::to_lon_lat(context.extent);
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<Capabilities xmlns=\"http://www.opengis.net/wmts/1.0\" xmlns:ows=\"http://www.opengis.net/ows/1.1\""
         " xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
         " xmlns:gml=\"http://www.opengis.net/gml\""
         " xsi:schemaLocation=\"http://www.opengis.net/wmts/1.0"
         " http://schemas.opengis.net/wmts/1.0/wmtsGetCapabilities_response.xsd\" version=\"1.0.0\">\n"
      << "  <ows:ServiceIdentification>\n"
      << "    <ows:Title>" << text::xml_escape("Bản đồ phong trào \"An toàn về an ninh, trật tự\"") << "</ows:Title>\n"
      << "    <ows:Abstract>"
      << text::xml_escape("Yearly status of villages, communes, agencies, enterprises and schools in the "
                     "'An toàn về an ninh, trật tự' programme; TIME is the year.")
      << "</ows:Abstract>\n"
      << "    <ows:ServiceType>OGC WMTS</ows:ServiceType>\n"
      << "    <ows:ServiceTypeVersion>1.0.0</ows:ServiceTypeVersion>\n"
      << "    <ows:Fees>none</ows:Fees>\n"
      << "    <ows:AccessConstraints>none</ows:AccessConstraints>\n"
      << "  </ows:ServiceIdentification>\n"
      << "  <ows:OperationsMetadata>\n";
  const std::string kvp = context.base_url + "/wmts?";
  write_operation(out, "GetCapabilities", kvp, context.base_url + "/wmts/1.0.0/WMTSCapabilities.xml");
  write_operation(out, "GetTile", kvp, context.base_url + "/wmts/");
  out << "  </ows:OperationsMetadata>\n"
      << "  <Contents>\n";
  for (const auto& layer : context.layers->layers()) write_layer(out, layer, context, bounds);
  write_tile_matrix_set(out);
  out << "  </Contents>\n"
      << "  <ServiceMetadataURL xlink:href=\""
      << text::xml_escape(context.base_url + "/wmts/1.0.0/WMTSCapabilities.xml") << "\"/>\n"
      << "</Capabilities>\n";
  return out.str();
}

WmtsOperation wmts_kvp_operation(const http::Request& request) {
  const auto service = required(request, "SERVICE");
  if (!equals_ignoring_case(service, "WMTS"))
    throw WmtsError("InvalidParameterValue", "SERVICE", "SERVICE must be WMTS, not '" + service + "'");
  const auto operation = required(request, "REQUEST");
  if (equals_ignoring_case(operation, "GetCapabilities")) return WmtsOperation::get_capabilities;
  if (equals_ignoring_case(operation, "GetTile")) return WmtsOperation::get_tile;
  throw WmtsError("OperationNotSupported", "REQUEST",
                  "REQUEST '" + operation + "' is not supported; use GetCapabilities or GetTile");
}

WmtsTileRequest parse_wmts_kvp(const http::Request& request, const layers::LayerRegistry& layers,
                               const std::vector<int>& years) {
  if (wmts_kvp_operation(request) != WmtsOperation::get_tile)
    throw WmtsError("InvalidParameterValue", "REQUEST", "REQUEST must be GetTile here");
  const auto version = required(request, "VERSION");
  if (version != "1.0.0")
    throw WmtsError("VersionNegotiationFailed", "VERSION", "VERSION must be 1.0.0, not '" + version + "'");

  WmtsTileRequest tile;
  tile.layer = required(request, "LAYER");
  if (!layers.find(tile.layer))
    throw WmtsError("InvalidParameterValue", "LAYER", "no layer '" + tile.layer + "' / không có lớp này");
  // STYLE is mandatory in KVP, but clients commonly send it empty for the default one.
  tile.style = request.param("STYLE").value_or("");
  if (tile.style.empty()) tile.style = "default";
  if (tile.style != "default")
    throw WmtsError("InvalidParameterValue", "STYLE", "STYLE must be 'default', not '" + tile.style + "'");
  tile.format = required(request, "FORMAT");
  if (tile.format != "image/png")
    throw WmtsError("InvalidParameterValue", "FORMAT", "FORMAT must be image/png, not '" + tile.format + "'");
  tile.tile_matrix_set = required(request, "TILEMATRIXSET");
  if (tile.tile_matrix_set != kWmtsTileMatrixSet)
    throw WmtsError("InvalidParameterValue", "TILEMATRIXSET",
                    "TILEMATRIXSET must be GoogleMapsCompatible, not '" + tile.tile_matrix_set + "'");

  // Some clients send the matrix as "GoogleMapsCompatible:12"; keep only the zoom.
  std::string matrix = required(request, "TILEMATRIX");
  if (auto colon = matrix.rfind(':'); colon != std::string::npos) matrix = matrix.substr(colon + 1);
  tile.zoom = integer(matrix, "TILEMATRIX");
  if (tile.zoom < 0 || tile.zoom > kWmtsMaxZoom)
    throw WmtsError("InvalidParameterValue", "TILEMATRIX",
                    "TILEMATRIX must be 0.." + std::to_string(kWmtsMaxZoom) + ", not " + matrix);
  tile.row = integer(required(request, "TILEROW"), "TILEROW");
  tile.col = integer(required(request, "TILECOL"), "TILECOL");
  const long long tiles = 1LL << tile.zoom;
  if (tile.row < 0 || tile.row >= tiles)
    throw WmtsError("TileOutOfRange", "TILEROW", "TILEROW must be 0.." + std::to_string(tiles - 1));
  if (tile.col < 0 || tile.col >= tiles)
    throw WmtsError("TileOutOfRange", "TILECOL", "TILECOL must be 0.." + std::to_string(tiles - 1));

  if (auto time = request.param("TIME"); time && !time->empty()) {
    // A year, or an ISO date whose year is meant ("2015-12-31").
    const auto filter = parse_time_filter(*time);
    if (!filter)
      throw WmtsError("InvalidParameterValue", "TIME", "TIME must be YYYY or YYYY-MM-DD, not '" + *time + "'");
    tile.time = filter->year;
    if (!years.empty() && std::find(years.begin(), years.end(), *tile.time) == years.end())
      throw WmtsError("InvalidParameterValue", "TIME",
                      "no data for TIME " + *time + " / không có dữ liệu năm " + *time);
  }
  return tile;
}

std::string wmts_exception(const std::string& code, const std::string& locator, const std::string& text) {
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<ows:ExceptionReport xmlns:ows=\"http://www.opengis.net/ows/1.1\""
         " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
         " xsi:schemaLocation=\"http://www.opengis.net/ows/1.1 http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd\""
         " version=\"1.0.0\" xml:lang=\"en\">\n"
      << "  <ows:Exception exceptionCode=\"" << text::xml_escape(code) << "\"";
  if (!locator.empty()) out << " locator=\"" << text::xml_escape(locator) << "\"";
  out << ">\n"
      << "    <ows:ExceptionText>" << text::xml_escape(text) << "</ows:ExceptionText>\n"
      << "  </ows:Exception>\n"
      << "</ows:ExceptionReport>\n";
  return out.str();
}

namespace {

http::Response wmts_error_response(const WmtsError& error) {
  return http::Response::text(error.http_status(), wmts_exception(error.code(), error.locator(), error.what()),
                              "application/xml");
}

/// The Capabilities document listing the layers `caller` may see.
http::Response capabilities_for(const WmtsRouteContext& context, const access::Caller& caller) {
  const auto years = context.years();
  const auto visible = context.layers->visible_to(caller);
  const WmtsContext wmts{visible.get(), context.base_url, years.all, years.default_year, context.extent()};
  return http::Response::text(200, wmts_capabilities(wmts), "application/xml");
}

/// A layer hidden from the caller, as an OWS ExceptionReport with the refusal's status.
http::Response access_refused(const RequestError& error) {
  http::Response refused =
      http::Response::text(error.status(), wmts_exception("NoApplicableCode", "LAYER", error.what()), "application/xml");
  if (error.status() == 401) refused.headers["WWW-Authenticate"] = "Bearer realm=\"anttmap\"";
  return refused;
}

/// The tile of a validated GetTile; TIME absent: the default year.
http::Response answer_get_tile(const WmtsRouteContext& context, const http::Request& kvp) {
  try {
    if (const auto layer = kvp.param("LAYER")) context.layers->require_visible(kvp.caller, *layer);
    const auto years = context.years();
    const auto visible = context.layers->visible_to(kvp.caller);
    const auto wmts = parse_wmts_kvp(kvp, *visible, years.all);
    TileAddress address;
    address.layer = wmts.layer;
    address.z = wmts.zoom, address.x = wmts.col, address.y = wmts.row;
    address.variant = "png";
    address.time = TimeFilter::of_year(wmts.time.value_or(years.default_year));
    require_tile_within_token_box(kvp.caller, address);
    return context.tile(address, kvp.caller.data_scope());
  } catch (const WmtsError& error) {
    return wmts_error_response(error);
  } catch (const RequestError& error) {
    return access_refused(error);
  }
}

}  // namespace

void register_wmts_routes(http::Router& router, WmtsRouteContext context) {
  auto shared = std::make_shared<const WmtsRouteContext>(std::move(context));
  router.get("/wmts", [shared](const http::Request& request) {
    try {
      if (wmts_kvp_operation(request) == WmtsOperation::get_capabilities) return capabilities_for(*shared, request.caller);
    } catch (const WmtsError& error) {
      return wmts_error_response(error);
    }
    return answer_get_tile(*shared, request);
  });
  router.get("/wmts/1.0.0/WMTSCapabilities.xml", [shared](const http::Request& request) {
    return capabilities_for(*shared, request.caller);
  });
  router.get("/wmts/{layer}/{style}/{time}/{matrixset}/{z}/{row}/{col}", [shared](const http::Request& request) {
    // The RESTful form goes through the same validation as KVP.
    http::Request kvp;
    kvp.caller = request.caller;
    std::string col = request.path_params.at("col");
    std::string format = "image/png";
    if (col.ends_with(".png")) col.resize(col.size() - 4);
    else format = "unsupported";
    kvp.params = {{"SERVICE", "WMTS"},
                  {"REQUEST", "GetTile"},
                  {"VERSION", "1.0.0"},
                  {"LAYER", request.path_params.at("layer")},
                  {"STYLE", request.path_params.at("style")},
                  {"FORMAT", format},
                  {"TILEMATRIXSET", request.path_params.at("matrixset")},
                  {"TILEMATRIX", request.path_params.at("z")},
                  {"TILEROW", request.path_params.at("row")},
                  {"TILECOL", col},
                  {"TIME", request.path_params.at("time")}};
    return answer_get_tile(*shared, kvp);
  });
}

}  // namespace antt::serve
