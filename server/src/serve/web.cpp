#include "serve/web.hpp"
#include "serve/query_params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "antt/layers/layers.hpp"
#include "antt/styles/styles.hpp"
#include "antt/text/escape.hpp"
#include "antt/text/unicode.hpp"

namespace antt::serve {
namespace {

constexpr std::string_view kConfigPlaceholder = "__ANTT_CONFIG__";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr double kMaxMercatorLat = 85.0511287798;
/// The pages load nothing from other hosts; the browser enforces it too.
constexpr std::string_view kPagePolicy =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'";

/// One servable file: the body and its gzip variant shared, so answers are sent without copying.
struct ServedFile {
  std::string content_type;
  std::shared_ptr<const std::string> body;
  std::shared_ptr<const std::string> gzip;  ///< null when not worth it
  std::string etag;                         ///< of body, quoted
  bool immutable = false;
};

std::string gzip_etag(const std::string& etag) {
  return etag.size() >= 2 && etag.back() == '"' ? etag.substr(0, etag.size() - 1) + "-gz\"" : etag + "-gz";
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// True when Accept-Encoding names gzip (or *) without q=0.
bool accepts_gzip(std::string_view header) {
  std::optional<bool> gzip, any;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view item = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    const std::size_t semicolon = item.find(';');
    const std::string_view coding = trim(item.substr(0, semicolon));
    bool allowed = true;
    if (semicolon != std::string_view::npos) {
      std::string_view q = trim(item.substr(semicolon + 1));
      if (q.starts_with("q=") || q.starts_with("Q=")) {
        q.remove_prefix(2);
        allowed = q.find_first_not_of("0.") != std::string_view::npos;  // "0", "0.0", "0.000" refuse
      }
    }
    if (http::iequals(coding, "gzip") || http::iequals(coding, "x-gzip")) gzip = allowed;
    if (coding == "*") any = allowed;
  }
  return gzip.value_or(any.value_or(false));
}

/// The page configuration the server writes into index.html and embed.html: the layer registry
/// and the legend, so adding a layer descriptor adds it to the viewer too.
std::string page_config(const layers::LayerRegistry& registry) {
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const auto& layer : registry.layers()) {
    layers.push_back({{"name", layer.name},
                      {"title_vi", layer.title_vi},
                      {"title_en", layer.title_en},
                      {"geometry", layer.geometry == layers::GeometryType::point ? "point" : "polygon"},
                      {"style", layer.style},
                      {"min_zoom", layer.min_zoom},
                      {"max_zoom", layer.max_zoom},
                      {"queryable", layer.queryable},
                      {"shown", layer.shown_by_default}});
  }
  nlohmann::ordered_json config{{"version", ANTT_VERSION},
                                {"layers", std::move(layers)},
                                {"legend", nlohmann::ordered_json::parse(styles::legend_json())}};
  std::string text = config.dump();
  // Inside <script>: "</" would end the element early.
  std::string safe;
  safe.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/')
      safe += "<\\";
    else
      safe += text[i];
  }
  return safe;
}

std::shared_ptr<const std::string> make_body(std::string_view text) {
  return std::make_shared<const std::string>(text);
}

/// Every asset, with the page configuration filled into the HTML pages.
std::map<std::string, ServedFile, std::less<>> load_files(const layers::LayerRegistry& registry) {
  std::map<std::string, ServedFile, std::less<>> files;
  const std::string config = page_config(registry);
  for (const WebAsset& asset : web_assets()) {
    ServedFile file;
    file.content_type = std::string(asset.content_type);
    file.immutable = asset.immutable;
    std::string body(asset.body);
    if (const std::size_t at = body.find(kConfigPlaceholder); at != std::string::npos) {
      body.replace(at, kConfigPlaceholder.size(), config);
      file.body = make_body(body);
      file.etag = http::strong_etag(body);  // the server gzips these small pages itself
    } else {
      file.body = make_body(body);
      file.etag = std::string(asset.etag);
      if (!asset.gzip.empty()) file.gzip = make_body(asset.gzip);
    }
    files.emplace(std::string(asset.name), std::move(file));
  }
  return files;
}

http::Response serve_file(const ServedFile& file, const http::Request& request) {
  http::Response response;
  response.content_type = file.content_type;
  response.headers["Cache-Control"] = file.immutable ? std::string(kImmutable) : std::string("no-cache");
  response.headers["X-Content-Type-Options"] = "nosniff";
  if (file.content_type.starts_with("text/html"))
    response.headers["Content-Security-Policy"] = std::string(kPagePolicy);
  if (file.gzip) {
    // Compressed once at build time; the server leaves bodies with a Content-Encoding alone.
    response.headers["Vary"] = "Accept-Encoding";
    if (accepts_gzip(request.header("Accept-Encoding").value_or(""))) {
      response.body = file.gzip;
      response.headers["Content-Encoding"] = "gzip";
      response.headers["ETag"] = gzip_etag(file.etag);
      return response;
    }
  }
  response.body = file.body;
  response.headers["ETag"] = file.etag;
  return response;
}

http::Response not_built_page() {
  return http::Response::text(
      503,
      "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>anttmap</title>"
      "<h1>Bản đồ web chưa được xây dựng / The web viewer was not built</h1>"
      "<p>Cài nodejs và npm rồi xây dựng lại (cmake --build) / Install nodejs and npm, then rebuild.</p>"
      "<p><a href=\"/wms?SERVICE=WMS&amp;REQUEST=GetCapabilities\">WMS</a> · <a href=\"/wmts\">WMTS</a> · "
      "<a href=\"/ogc\">OGC API</a> · <a href=\"/health\">/health</a></p></html>",
      "text/html; charset=utf-8");
}

http::Response embed_refused(const std::string& reason) {
  const std::string text = text::xml_escape(reason);
  http::Response refused = http::Response::text(
      400,
      "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>400 – anttmap /embed</title>"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<style>body{font:15px/1.4 sans-serif;margin:1em;color:#222}code{background:#eee;padding:0 .2em}</style>"
      "</head><body><h1>400</h1><p id=\"reason\">" +
          text +
          "</p><p>/embed?layers=communes,hotspots&amp;year=2020&amp;bbox=105.0,20.3,105.9,21.1&amp;lang=vi|en&amp;"
          "legend=1|0</p></body></html>",
      "text/html; charset=utf-8");
  refused.headers["Content-Security-Policy"] = std::string(kPagePolicy);
  return refused;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::variant<EmbedParams, std::string> parse_embed_params(const http::Request& request, const std::vector<int>& years,
                                                          const layers::LayerRegistry& layers) {
  static const std::set<std::string, std::less<>> known = {"layers", "year", "bbox", "lang", "legend"};
  std::set<std::string, std::less<>> seen;
  for (const auto& [name, value] : request.params) {
    // The reason quotes names and layers: only valid UTF-8 is reflected into the page.
    if (!text::is_valid_utf8(name) || !text::is_valid_utf8(value)) {
      return std::string("parameters must be UTF-8 text / tham số phải là văn bản UTF-8");
    }
    if (known.count(name) == 0) {
      return "unknown parameter '" + name +
             "' (known: layers, year, bbox, lang, legend) / tham số không hợp lệ (dùng layers, year, bbox, lang, "
             "legend)";
    }
    if (!seen.insert(name).second) return "parameter '" + name + "' given twice / tham số bị lặp";
  }
  EmbedParams params;
  if (auto text = request.param("layers")) {
    if (text->empty()) return std::string("layers is empty: give e.g. layers=communes,hotspots / thiếu tên lớp");
    for (std::string_view name : split(*text, ',')) {
      name = trim(name);
      if (!layers.find(name))
        return "unknown layer '" + std::string(name) + "' (known: " + layers.names() + ") / không có lớp này";
      if (std::find(params.layers.begin(), params.layers.end(), name) != params.layers.end()) {
        return "layer '" + std::string(name) + "' listed twice / lớp bị lặp";
      }
      params.layers.emplace_back(name);
    }
  }
  if (auto text = request.param("year")) {
    const auto parsed = parse_year(*text);
    if (!parsed) return std::string("year must be YYYY, e.g. year=2020 / năm phải có dạng YYYY");
    const int year = *parsed;
    if (std::find(years.begin(), years.end(), year) == years.end()) {
      return "no data for year " + *text + " (available " +
             (years.empty() ? std::string("none")
                            : std::to_string(years.front()) + "-" + std::to_string(years.back())) +
             ") / không có dữ liệu năm này";
    }
    params.year = year;
  }
  if (auto text = request.param("bbox")) {
    const auto parts = split(*text, ',');
    std::array<double, 4> box{};
    bool numbers = parts.size() == 4;
    for (std::size_t i = 0; numbers && i < 4; ++i) {
      const auto value = parse_number(parts[i]);
      numbers = value.has_value();
      if (numbers) box[i] = *value;
    }
    if (!numbers) {
      return std::string(
          "bbox must be four numbers minlon,minlat,maxlon,maxlat in degrees (WGS 84), e.g. bbox=105.0,20.3,105.9,21.1 "
          "/ bbox phải là 4 số: kinh độ, vĩ độ nhỏ nhất, kinh độ, vĩ độ lớn nhất");
    }
    if (box[0] < -180 || box[2] > 180 || box[1] < -kMaxMercatorLat || box[3] > kMaxMercatorLat) {
      return std::string(
          "bbox outside longitude -180..180 / latitude -85..85 (give degrees, not metres) "
          "/ bbox nằm ngoài phạm vi kinh độ, vĩ độ");
    }
    if (!(box[0] < box[2]) || !(box[1] < box[3])) {
      return std::string("bbox must be minlon,minlat,maxlon,maxlat with min < max / bbox: giá trị nhỏ phải đứng trước");
    }
    params.bbox = box;
  }
  if (auto text = request.param("lang"); text && *text != "vi" && *text != "en") {
    return std::string("lang must be vi or en / lang phải là vi hoặc en");
  }
  if (auto text = request.param("legend"); text && *text != "0" && *text != "1") {
    return std::string("legend must be 0 or 1 / legend phải là 0 hoặc 1");
  }
  return params;
}

void register_web_routes(http::Router& router, WebContext context) {
  auto files = std::make_shared<const std::map<std::string, ServedFile, std::less<>>>(load_files(*context.layers));
  auto page = [files](std::string_view name, const http::Request& request) {
    const auto found = files->find(name);
    return found == files->end() ? not_built_page() : serve_file(found->second, request);
  };
  router.get("/", [page](const http::Request& request) { return page("index.html", request); });
  router.get("/embed", [page, context](const http::Request& request) {
    const auto parsed =
        parse_embed_params(request, context.years ? context.years() : std::vector<int>{}, *context.layers);
    if (const auto* reason = std::get_if<std::string>(&parsed)) return embed_refused(*reason);
    return page("embed.html", request);
  });
  router.get("/assets/{name}", [files](const http::Request& request) {
    const std::string& name = request.path_params.at("name");
    const auto found = files->find(name);
    if (found == files->end() || name.ends_with(".html")) {
      return http::Response::json_error(404, "no asset " + name + " / không có tệp này");
    }
    return serve_file(found->second, request);
  });
}

}  // namespace antt::serve
