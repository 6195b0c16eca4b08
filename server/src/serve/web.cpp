#include "serve/web.hpp"
#include "antt/core/error.hpp"
#include "serve/params.hpp"

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

/// The page configuration the server writes into index.html and embed.html: the layer registry
/// and the legend, so adding a layer descriptor adds it to the viewer too.
std::string page_config(const layers::LayerRegistry& registry, const nlohmann::ordered_json& account = nullptr) {
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
                                {"legend", legend_of(registry)},
                                {"account", account}};
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
    if (http::accepts_gzip(request.header("Accept-Encoding").value_or(""))) {
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

http::Response embed_refused(const std::string& reason, int status) {
  const std::string text = text::xml_escape(reason);
  http::Response refused = http::Response::text(
      status,
      "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>" + std::to_string(status) +
          " – anttmap /embed</title>"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<style>body{font:15px/1.4 sans-serif;margin:1em;color:#222}code{background:#eee;padding:0 .2em}</style>"
      "</head><body><h1>" + std::to_string(status) + "</h1><p id=\"reason\">" +
          text +
          "</p><p>/embed?layers=communes,villages&amp;year=2020&amp;bbox=105.0,20.3,105.9,21.1&amp;lang=vi|en&amp;"
          "legend=1|0</p></body></html>",
      "text/html; charset=utf-8");
  refused.headers["Content-Security-Policy"] = std::string(kPagePolicy);
  if (status == 401) refused.headers["WWW-Authenticate"] = "Bearer realm=\"anttmap\"";
  return refused;
}

}  // namespace

EmbedParams parse_embed_params(const http::Request& request, const Years& years,
                               const layers::LayerRegistry& layers) {
  static const std::set<std::string, std::less<>> known = {"layers", "year", "bbox", "lang", "legend", "token"};
  // The reason quotes names and layers: only printable UTF-8 is reflected into the page.
  require_printable_params(request);
  std::set<std::string, std::less<>> seen;
  for (const auto& [name, value] : request.params) {
    if (known.count(name) == 0)
      throw RequestError("unknown parameter '" + name +
                         "' (known: layers, year, bbox, lang, legend) / tham số không hợp lệ (dùng layers, year, bbox, "
                         "lang, legend)");
    if (!seen.insert(name).second) throw RequestError("parameter '" + name + "' given twice / tham số bị lặp");
  }
  EmbedParams params;
  if (auto text = request.param("layers"))
    for (const auto* layer : layer_list_param(*text, layers)) params.layers.push_back(layer->name);
  if (request.param("year")) params.year = year_param(request, years);
  if (auto text = request.param("bbox")) {
    const auto box = lon_lat_box_param(*text);
    params.bbox = std::array<double, 4>{box.west, box.south, box.east, box.north};
  }
  if (auto text = request.param("lang"); text && *text != "vi" && *text != "en")
    throw RequestError("lang must be vi or en / lang phải là vi hoặc en");
  if (auto text = request.param("legend"); text && *text != "0" && *text != "1")
    throw RequestError("legend must be 0 or 1 / legend phải là 0 hoặc 1");
  return params;
}

void register_web_routes(http::Router& router, WebContext context) {
  using Files = std::map<std::string, ServedFile, std::less<>>;
  // The pages carry the layer list, so each data scope has its own; the public's is the default.
  auto files = std::make_shared<const Files>(load_files(*context.layers->of_scope(access::DataScope::everyone)));
  auto internal_files =
      std::make_shared<const Files>(load_files(*context.layers->of_scope(access::DataScope::internal)));
  auto page = [files, internal_files, context](std::string_view name, const http::Request& request) {
    const Files& scoped = request.caller.reads_internal() ? *internal_files : *files;
    const auto found = scoped.find(name);
    if (found == scoped.end()) return not_built_page();
    const bool session = request.caller.credential == access::Credential::session && name == "index.html";
    if (session || request.caller.only_layers) {
      // A signed-in browser's page names its account and carries its session's CSRF token; a
      // token's page lists the token's layers only.
      for (const WebAsset& asset : web_assets()) {
        if (asset.name != name) continue;
        nlohmann::ordered_json account = nullptr;
        if (session)
          account = {{"name", request.caller.name},
                     {"role", std::string(access::to_string(request.caller.role))},
                     {"csrf", context.csrf_of ? context.csrf_of(request) : std::string()}};
        std::string body(asset.body);
        if (const std::size_t at = body.find(kConfigPlaceholder); at != std::string::npos)
          body.replace(at, kConfigPlaceholder.size(), page_config(*context.layers->visible_to(request.caller), account));
        http::Response response = serve_file(found->second, request);
        response.body = make_body(body);
        response.headers.erase("ETag");
        response.headers["Cache-Control"] = "no-store";
        return response;
      }
    }
    return serve_file(found->second, request);
  };
  router.get("/", [page](const http::Request& request) { return page("index.html", request); });
  router.get("/embed", [page, context](const http::Request& request) {
    try {
      if (const auto names = request.param("layers")) context.layers->require_visible_list(request.caller, *names);
      parse_embed_params(request, context.years ? context.years() : Years{}, *context.layers->visible_to(request.caller));
    } catch (const RequestError& refused) {
      return embed_refused(refused.what(), refused.status());  // a page for the iframe, not JSON
    }
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
