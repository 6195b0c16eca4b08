#include "mapserver/wms_guard.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>

#include "antt/text/escape.hpp"

namespace antt::mapserver {
namespace {

using text::url_encode;
using text::xml_escape;

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

std::optional<long> parse_integer(const std::string& text) {
  long value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string format_number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

/// The refusal carried through the checks; turned into a ServiceException once.
struct Refusal {
  std::string code;
  std::string message;
  int status = 400;
};

// Every parameter not read below (DPI, MAP_RESOLUTION, FORMAT_OPTIONS, TILED, EXCEPTIONS, TIME...) is
// dropped: the rebuilt query carries only validated values.

// Parameters that make MapServer read files, fetch URLs or evaluate client-supplied filters.
const std::set<std::string> kRefusedParameters = {"SLD", "SLD_BODY", "MAP", "FILTER", "CONTEXT", "MAPCONTEXT"};

const std::set<std::string> kImageFormats = {"image/png", "image/png; mode=8bit", "image/jpeg"};
const std::set<std::string> kInfoFormats = {"text/html", "application/json", "application/vnd.ogc.gml", "text/plain"};
const std::set<std::string> kCrsCodes = {"EPSG:3857", "EPSG:900913", "EPSG:4326", "EPSG:9211", "EPSG:3405", "CRS:84"};

/// "image/png;mode=8bit", "IMAGE/PNG; MODE=8BIT" -> "image/png; mode=8bit".
std::string normalised_mime(const std::string& text) {
  std::string compact;
  for (const char c : lower(text)) {
    if (c != ' ' && c != '+') compact += c;
  }
  const auto semicolon = compact.find(';');
  if (semicolon != std::string::npos) compact.insert(semicolon + 1, " ");
  return compact;
}

class Checker {
 public:
  Checker(const std::multimap<std::string, std::string>& params, const WmsLimits& limits) : limits_(limits) {
    for (const auto& [name, value] : params) {
      const auto key = upper(name);
      if (values_.count(key) != 0) throw Refusal{"InvalidParameterValue", "Parameter " + key + " is given twice."};
      values_[key] = value;
    }
  }

  CheckedWmsRequest run() {
    for (const auto& [key, value] : values_) {
      if (kRefusedParameters.count(key) != 0 || key.rfind("MAP.", 0) == 0) {
        throw Refusal{"OperationNotSupported", "Parameter " + key + " is not supported by this server."};
      }
      if (key.find('%') != std::string::npos) {
        throw Refusal{"InvalidParameterValue", "Parameter names may not contain '%'."};
      }
    }
    const auto service = get("SERVICE");
    if (service && upper(*service) != "WMS") {
      throw Refusal{"OperationNotSupported", "Service " + *service + " is not enabled; this server answers WMS only."};
    }
    const auto request = get("REQUEST");
    if (!request) throw Refusal{"MissingParameterValue", "Missing REQUEST parameter."};
    const auto request_name = lower(*request);

    version_ = get("VERSION").value_or("");
    if (!version_.empty() && version_ != "1.1.1" && version_ != "1.3.0" && version_ != "1.1.0" && version_ != "1.0.0") {
      throw Refusal{"InvalidParameterValue", "VERSION must be 1.1.1 or 1.3.0."};
    }
    add("SERVICE", "WMS");
    if (!version_.empty()) add("VERSION", version_);

    if (request_name == "getcapabilities") {
      add("REQUEST", "GetCapabilities");
    } else if (request_name == "getmap") {
      require_version();
      add("REQUEST", "GetMap");
      check_map_view();
      check_image_format("FORMAT");
      check_transparency();
      wants_direct_map_ = true;
    } else if (request_name == "getfeatureinfo") {
      require_version();
      add("REQUEST", "GetFeatureInfo");
      const auto [width, height] = check_map_view();
      check_info_format();
      check_query_layers();
      check_pixel(version_ == "1.3.0" ? "I" : "X", width);
      check_pixel(version_ == "1.3.0" ? "J" : "Y", height);
      check_feature_count();
    } else if (request_name == "getlegendgraphic") {
      add("REQUEST", "GetLegendGraphic");
      if (version_.empty()) add("VERSION", "1.3.0");
      add("SLD_VERSION", "1.1.0");  // MapServer 8.0 insists on it; we accept any client spelling
      const auto layer = get("LAYER");
      if (!layer) throw Refusal{"MissingParameterValue", "Missing LAYER parameter."};
      check_layer_name(*layer, "LayerNotDefined");
      add("LAYER", *layer);
      check_image_format("FORMAT");
      for (const char* size_key : {"WIDTH", "HEIGHT"}) {
        if (get(size_key)) add(size_key, std::to_string(check_size(size_key)));
      }
      if (const auto scale = get("SCALE")) {
        const auto value = parse_number(*scale);
        if (!value || *value <= 0) throw Refusal{"InvalidParameterValue", "SCALE must be a positive number."};
        add("SCALE", format_number(*value));
      }
    } else {
      throw Refusal{"OperationNotSupported",
                    "Request " + *request + " is not enabled; use GetCapabilities, GetMap, GetFeatureInfo or GetLegendGraphic."};
    }
    check_time();
    CheckedWmsRequest checked{query_, version_, time_, std::nullopt, {}};
    if (wants_direct_map_) checked.get_map = direct_map();
    if (info_format_ == "application/json" && query_layers_.size() > 1) {
      const auto all_layers = "QUERY_LAYERS=" + url_encode(joined_query_layers_);
      const auto at = query_.find(all_layers);
      for (const auto& name : query_layers_) {
        checked.json_info_queries.push_back(query_.substr(0, at) + "QUERY_LAYERS=" + url_encode(name) +
                                            query_.substr(at + all_layers.size()));
      }
    }
    return checked;
  }

 private:
  /// The validated GetMap as a direct render. Only WMS 1.3.0 with EPSG:4326 is lat,lon (EPSG's axis
  /// order); CRS:84, 3857, 9211 and 3405 are x east, y north in every version.
  ImageRequest direct_map() const {
    ImageRequest image;
    image.layers = map_layers_;
    const bool lat_lon = version_ == "1.3.0" && map_crs_ == "EPSG:4326";
    image.bbox = lat_lon ? Box{map_bbox_[1], map_bbox_[0], map_bbox_[3], map_bbox_[2]}
                         : Box{map_bbox_[0], map_bbox_[1], map_bbox_[2], map_bbox_[3]};
    image.epsg = map_crs_ == "EPSG:4326" || map_crs_ == "CRS:84" ? 4326
                 : map_crs_ == "EPSG:9211"                       ? 9211
                 : map_crs_ == "EPSG:3405"                       ? 3405
                                                                 : 3857;
    image.width = map_width_;
    image.height = map_height_;
    image.format = map_format_ == "image/jpeg"             ? ImageFormat::jpeg
                   : map_format_ == "image/png; mode=8bit" ? ImageFormat::png8
                                                           : ImageFormat::png;
    image.transparent = map_transparent_;
    image.background_rgb = map_background_;
    image.time = time_;
    return image;
  }

  std::optional<std::string> get(const std::string& key) const {
    const auto found = values_.find(key);
    if (found == values_.end()) return std::nullopt;
    return found->second;
  }

  void add(const std::string& key, const std::string& value) {
    if (!query_.empty()) query_ += '&';
    query_ += key + "=" + url_encode(value);
  }

  void require_version() const {
    if (version_.empty()) throw Refusal{"MissingParameterValue", "Missing VERSION parameter (1.1.1 or 1.3.0)."};
  }

  void check_layer_name(const std::string& name, const char* code) const {
    const auto& hidden = limits_.hidden_layers;
    if (std::find(hidden.begin(), hidden.end(), name) != hidden.end()) {
      throw Refusal{"AccessDenied",
                    limits_.hidden_status == 401
                        ? "Layer '" + name + "' needs signing in (Authorization: Bearer KEY) / cần đăng nhập."
                        : "Layer '" + name + "' is not open to your role / vai trò này không được xem.",
                    limits_.hidden_status};
    }
    if (std::find(limits_.layers.begin(), limits_.layers.end(), name) == limits_.layers.end()) {
      throw Refusal{code, "Unknown layer '" + name + "'."};
    }
  }

  std::vector<std::string> check_layer_list(const std::string& key) const {
    const auto list = get(key);
    if (!list || list->empty()) throw Refusal{"MissingParameterValue", "Missing " + key + " parameter."};
    const auto names = split(*list, ',');
    for (const auto& name : names) check_layer_name(name, "LayerNotDefined");
    return names;
  }

  int check_size(const std::string& key) const {
    const auto text = get(key);
    if (!text) throw Refusal{"MissingParameterValue", "Missing " + key + " parameter."};
    const auto value = parse_integer(*text);
    if (!value || *value < 1 || *value > limits_.max_image_size) {
      throw Refusal{"InvalidParameterValue",
                    key + " must be an integer from 1 to " + std::to_string(limits_.max_image_size) + "."};
    }
    return static_cast<int>(*value);
  }

  /// LAYERS, STYLES, CRS/SRS, BBOX, WIDTH, HEIGHT; returns the image size.
  std::pair<int, int> check_map_view() {
    const auto names = check_layer_list("LAYERS");
    std::string joined;
    for (const auto& name : names) joined += (joined.empty() ? "" : ",") + name;
    add("LAYERS", joined);
    map_layers_ = names;

    if (const auto styles = get("STYLES")) {
      for (const auto& style : split(*styles, ',')) {
        if (!style.empty() && lower(style) != "default") {
          throw Refusal{"StyleNotDefined", "Unknown style '" + style + "'; use STYLES= (empty) or default."};
        }
      }
    }
    add("STYLES", "");

    const auto crs_key = version_ == "1.3.0" ? "CRS" : "SRS";
    auto crs = get(crs_key);
    if (!crs) crs = get(version_ == "1.3.0" ? "SRS" : "CRS");
    if (!crs) throw Refusal{"MissingParameterValue", std::string("Missing ") + crs_key + " parameter."};
    const auto crs_code = upper(*crs);
    if (kCrsCodes.count(crs_code) == 0) {
      throw Refusal{version_ == "1.3.0" ? "InvalidCRS" : "InvalidSRS",
                    "CRS " + *crs + " is not offered; use EPSG:3857, EPSG:4326, EPSG:9211 or EPSG:3405."};
    }
    add(crs_key, crs_code);
    map_crs_ = crs_code;

    const auto bbox = get("BBOX");
    if (!bbox) throw Refusal{"MissingParameterValue", "Missing BBOX parameter."};
    const auto parts = split(*bbox, ',');
    std::vector<double> numbers;
    for (const auto& part : parts) {
      const auto value = parse_number(part);
      if (!value) break;
      numbers.push_back(*value);
    }
    if (parts.size() != 4 || numbers.size() != 4 || numbers[0] >= numbers[2] || numbers[1] >= numbers[3]) {
      throw Refusal{"InvalidParameterValue", "BBOX must be four finite numbers minx,miny,maxx,maxy with min < max."};
    }
    std::copy(numbers.begin(), numbers.end(), map_bbox_.begin());
    add("BBOX", format_number(numbers[0]) + "," + format_number(numbers[1]) + "," + format_number(numbers[2]) + "," +
                    format_number(numbers[3]));

    const int width = check_size("WIDTH");
    const int height = check_size("HEIGHT");
    add("WIDTH", std::to_string(width));
    add("HEIGHT", std::to_string(height));
    map_width_ = width;
    map_height_ = height;
    return {width, height};
  }

  void check_image_format(const std::string& key) {
    const auto format = get(key);
    if (!format) {
      add(key, "image/png");
      map_format_ = "image/png";
      return;
    }
    const auto mime = normalised_mime(*format);
    if (kImageFormats.count(mime) == 0) {
      throw Refusal{"InvalidFormat", "Format " + *format + " is not offered; use image/png, image/png; mode=8bit or image/jpeg."};
    }
    add(key, mime);
    map_format_ = mime;
  }

  void check_transparency() {
    if (const auto transparent = get("TRANSPARENT")) {
      const auto value = upper(*transparent);
      if (value != "TRUE" && value != "FALSE") throw Refusal{"InvalidParameterValue", "TRANSPARENT must be TRUE or FALSE."};
      add("TRANSPARENT", value);
      map_transparent_ = value == "TRUE";
    }
    if (const auto colour = get("BGCOLOR")) {
      const bool valid = colour->size() == 8 && (colour->rfind("0x", 0) == 0 || colour->rfind("0X", 0) == 0) &&
                         std::all_of(colour->begin() + 2, colour->end(), [](unsigned char c) { return std::isxdigit(c); });
      if (!valid) throw Refusal{"InvalidParameterValue", "BGCOLOR must look like 0xRRGGBB."};
      add("BGCOLOR", *colour);
      map_background_ = static_cast<int>(std::stol(colour->substr(2), nullptr, 16));
    }
  }

  void check_info_format() {
    const auto format = get("INFO_FORMAT");
    if (!format) {
      add("INFO_FORMAT", "text/html");
      return;
    }
    const auto mime = normalised_mime(*format);
    if (kInfoFormats.count(mime) == 0) {
      throw Refusal{"InvalidFormat", "INFO_FORMAT " + *format +
                                         " is not offered; use text/html, application/json, application/vnd.ogc.gml or text/plain."};
    }
    add("INFO_FORMAT", mime);
    info_format_ = mime;
  }

  void check_query_layers() {
    const auto names = check_layer_list("QUERY_LAYERS");
    std::string joined;
    for (const auto& name : names) joined += (joined.empty() ? "" : ",") + name;
    add("QUERY_LAYERS", joined);
    query_layers_ = names;
    joined_query_layers_ = joined;
  }

  void check_pixel(const std::string& key, int size) {
    const auto text = get(key);
    if (!text) throw Refusal{"MissingParameterValue", "Missing " + key + " parameter."};
    const auto value = parse_integer(*text);
    if (!value || *value < 0 || *value >= size) {
      throw Refusal{version_ == "1.3.0" ? "InvalidPoint" : "InvalidParameterValue",
                    key + " must be a pixel inside the image (0 to " + std::to_string(size - 1) + ")."};
    }
    add(key, std::to_string(*value));
  }

  void check_feature_count() {
    static constexpr long kMaxFeatureCount = 50;
    long count = 1;
    if (const auto text = get("FEATURE_COUNT")) {
      const auto value = parse_integer(*text);
      if (!value || *value < 1) throw Refusal{"InvalidParameterValue", "FEATURE_COUNT must be a positive integer."};
      count = std::min(*value, kMaxFeatureCount);
    }
    add("FEATURE_COUNT", std::to_string(count));
  }

  void check_time() {
    const auto text = get("TIME");
    if (!text || text->empty()) {
      time_ = TimeFilter::of_year(limits_.default_year);
      return;
    }
    const auto time = parse_time(*text);
    if (!time) throw Refusal{"InvalidDimensionValue", "TIME must be a year (2015) or a date (2015-06-30)."};
    if (std::find(limits_.years.begin(), limits_.years.end(), time->year) == limits_.years.end()) {
      throw Refusal{"InvalidDimensionValue", "TIME " + *text + " is outside the years this map holds."};
    }
    time_ = *time;
  }

  const WmsLimits& limits_;
  std::map<std::string, std::string> values_;
  std::string version_;
  std::string query_;
  std::string info_format_;
  std::vector<std::string> query_layers_;
  std::string joined_query_layers_;
  TimeFilter time_;
  // GetMap, as validated (for the direct render).
  bool wants_direct_map_ = false;
  std::vector<std::string> map_layers_;
  std::string map_crs_;
  std::array<double, 4> map_bbox_{};
  int map_width_ = 0;
  int map_height_ = 0;
  std::string map_format_ = "image/png";
  bool map_transparent_ = false;  // WMS default: TRANSPARENT=FALSE
  int map_background_ = 0xFFFFFF;
};

}  // namespace

std::optional<TimeFilter> parse_time(const std::string& text) { return parse_time_filter(text); }

EngineResponse service_exception(const std::string& version, const std::string& code, const std::string& message,
                                 int status) {
  EngineResponse response;
  response.status = status;
  const bool modern = version.empty() || version == "1.3.0";
  const auto code_attribute = code.empty() ? std::string() : " code=\"" + xml_escape(code) + "\"";
  if (modern) {
    response.content_type = "text/xml; charset=UTF-8";
    response.body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<ServiceExceptionReport version=\"1.3.0\" xmlns=\"http://www.opengis.net/ogc\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.opengis.net/ogc "
        "http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd\">\n"
        "<ServiceException" + code_attribute + ">" + xml_escape(message) + "</ServiceException>\n"
        "</ServiceExceptionReport>\n";
  } else {
    response.content_type = "application/vnd.ogc.se_xml; charset=UTF-8";
    response.body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
        "<!DOCTYPE ServiceExceptionReport SYSTEM \"http://schemas.opengis.net/wms/1.1.1/exception_1_1_1.dtd\">\n"
        "<ServiceExceptionReport version=\"1.1.1\">\n"
        "<ServiceException" + code_attribute + ">" + xml_escape(message) + "</ServiceException>\n"
        "</ServiceExceptionReport>\n";
  }
  return response;
}

std::variant<CheckedWmsRequest, EngineResponse> check_wms_request(
    const std::multimap<std::string, std::string>& params, const WmsLimits& limits) {
  std::string version;
  for (const auto& [name, value] : params) {
    if (upper(name) == "VERSION") version = value;
  }
  try {
    Checker checker(params, limits);
    return checker.run();
  } catch (const Refusal& refusal) {
    return service_exception(version == "1.1.1" || version == "1.1.0" || version == "1.0.0" ? version : "1.3.0",
                             refusal.code, refusal.message, refusal.status);
  }
}

}  // namespace antt::mapserver
