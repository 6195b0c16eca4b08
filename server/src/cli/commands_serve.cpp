// serve / seed: the map server and its tile pre-renderer.
#include <csignal>
#include <cmath>
#include <pthread.h>

#include "antt/core/error.hpp"
#include "antt/geo/web_mercator.hpp"
#include "antt/layers/layers.hpp"
#include "command.hpp"
#include "http/http.hpp"
#include "serve/app.hpp"
#include "serve/config.hpp"

namespace antt::cli {
namespace {

serve::ServeConfig config_from(const ParsedArgs& args) {
  serve::ServeConfig config;
  if (auto file = args.get("config")) config = serve::read_config_file(*file);
  const std::pair<const char*, const char*> flags[] = {
      {"port", "port"},           {"bind", "bind"},         {"threads", "threads"},
      {"cache-dir", "cache_dir"}, {"cors", "cors_allow"},   {"public-url", "public_url"},
      {"work-dir", "work_dir"},   {"max-image-size", "max_image_size"},
      {"log-level", "log_level"}, {"log-format", "log_format"},
      {"tls-cert", "tls_cert"},   {"tls-key", "tls_key"},   {"redirect-http-port", "redirect_http_port"},
      {"report-letterhead", "report_letterhead"}};
  for (const auto& [flag, key] : flags) {
    if (auto value = args.get(flag)) serve::set_config_value(config, key, *value);
  }
  if (args.has("no-tile-cache")) config.tile_cache = false;
  if (args.has("access-log")) config.access_log = true;
  if (args.has("insecure-http")) config.insecure_http = true;
  return config;
}

int run_serve(Context& context, const ParsedArgs& args) {
  const auto config = config_from(args);
  if (args.has("print-config")) {
    context.out << serve::to_config_text(config);
    return 0;
  }
  // Workers must not receive SIGINT/SIGTERM: block them here, before any thread starts, and wait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  serve::ServeApp app(context.db_path, config, context.layers, context.progress("render file / dữ liệu vẽ"));
  try {
    app.start();
  } catch (const http::ListenError& error) {
    throw UsageError(error.what());  // the user's choice of port or address, not a fault of anttmap
  }
  const auto years = app.years();
  const std::string url = serve::effective_public_url(config);
  if (context.json) {
    print_json(context.out, nlohmann::json{{"url", url},
                                           {"port", app.port()},
                                           {"years", years},
                                           {"default_year", app.default_year()}}
                                .dump());
  } else {
    context.out << "anttmap serve: " << url << "/  (WMS " << url << "/wms, WMTS " << url
                << "/wmts, tiles " << url << "/tiles/{layer}/{z}/{x}/{y}.png, health " << url << "/health)\n"
                << "store " << store::printable_location(context.db_path) << ", years "
                << (years.empty() ? std::string("-") : std::to_string(years.front()) + "-" + std::to_string(years.back()))
                << "; Ctrl+C to stop / Ctrl+C để dừng\n";
  }
  context.out.flush();
  int received = 0;
  sigwait(&signals, &received);
  context.err << "anttmap serve: stopping (signal " << received << ") / đang dừng\n";
  app.stop();
  return 0;
}

std::pair<int, int> parse_zoom_range(const std::string& text) {
  const auto dash = text.find('-');
  try {
    const int low = std::stoi(text.substr(0, dash));
    const int high = dash == std::string::npos ? low : std::stoi(text.substr(dash + 1));
    if (low >= 0 && high <= 18 && low <= high) return {low, high};
  } catch (const std::exception&) {
  }
  throw UsageError("--zoom takes N or N-M within 0-18 / --zoom có dạng N hoặc N-M (0-18)");
}

int run_seed(Context& context, const ParsedArgs& args) {
  auto config = config_from(args);
  if (config.cache_dir.empty()) throw UsageError("seed needs --cache-dir (or cache_dir in --config) / cần --cache-dir");
  const auto [zoom_low, zoom_high] = parse_zoom_range(args.get("zoom").value_or("8-12"));
  std::vector<std::string> layer_names;
  if (auto list = args.get("layers")) {
    std::stringstream stream(*list);
    std::string name;
    while (std::getline(stream, name, ',')) layer_names.push_back(context.layer(name).name);
  } else {
    for (const auto& layer : context.layers->layers()) layer_names.push_back(layer.name);
  }
  const bool vector = args.has("mvt");
  serve::ServeApp app(context.db_path, config, context.layers);
  std::vector<int> years;
  if (args.has("all-years")) {
    years = app.years();
  } else if (auto year = args.get_int("year")) {
    const auto available = app.years();
    if (std::find(available.begin(), available.end(), *year) == available.end()) {
      throw UsageError("no data for year " + std::to_string(*year) + " / không có dữ liệu năm này");
    }
    years = {*year};
  } else {
    years = {app.default_year()};
  }
  const auto extent = app.extent();
  if (!extent) throw InputError("the store has no units to draw / CSDL chưa có đơn vị nào");
  std::vector<std::pair<int, geo::TileRange>> ranges;
  long long total = 0;
  for (int z = zoom_low; z <= zoom_high; ++z) {
    const auto range = geo::tiles_touching(*extent, z);
    total += range.count();
    ranges.emplace_back(z, range);
  }
  total *= static_cast<long long>(years.size() * layer_names.size());
  auto progress = context.progress("seed / dựng sẵn ô bản đồ");
  long long done = 0, failed = 0;
  for (int year : years) {
    for (const auto& layer : layer_names) {
      for (const auto& [z, range] : ranges) {
        for (int x = range.first_x; x <= range.last_x; ++x) {
          for (int y = range.first_y; y <= range.last_y; ++y) {
            serve::TileAddress address{layer, z, x, y, vector ? "mvt" : "png", TimeFilter::of_year(year)};
            if (app.tile(address).status != 200) ++failed;
            ++done;
            if (progress && (done % 16 == 0 || done == total)) progress(static_cast<double>(done) / total);
          }
        }
      }
    }
  }
  if (context.json) {
    print_json(context.out, nlohmann::json{{"tiles", done}, {"failed", failed}, {"cache_dir", config.cache_dir},
                                           {"zoom", {zoom_low, zoom_high}}, {"years", years}, {"layers", layer_names}}
                                .dump());
  } else {
    context.out << "seeded " << done << " tiles (" << failed << " failed) into " << config.cache_dir
                << " / đã dựng " << done << " ô\n";
  }
  return failed == 0 ? 0 : 1;
}

const std::vector<OptionSpec> kServeOptions{
    {"port", true, "TCP port (default 8080) / cổng"},
    {"bind", true, "address to listen on (default 127.0.0.1; 0.0.0.0 serves the network) / địa chỉ"},
    {"config", true, "configuration file (key = value lines) / tệp cấu hình"},
    {"threads", true, "HTTP threads and as many render workers (default 4; the number of cores is best) / số luồng"},
    {"cache-dir", true, "on-disk tile cache directory / thư mục bộ đệm ô"},
    {"no-tile-cache", false, "render every tile (benchmarks) / không dùng bộ đệm"},
    {"cors", true, "allowed browser origins, comma separated, or * / nguồn được phép (CORS)"},
    {"public-url", true, "base URL written into capabilities / địa chỉ công khai"},
    {"work-dir", true, "where the render file, drawing shapefiles and mapfile live (default STORE.serve/; with PostGIS a directory of its own under the temporary directory) / thư mục làm việc"},
    {"max-image-size", true, "largest WIDTH/HEIGHT (default 4096) / kích thước ảnh tối đa"},
    {"log-level", true, "least severe log lines written: error, warn, info (default) or debug / mức ghi nhật ký"},
    {"log-format", true, "text (default) or json: one JSON object per line / định dạng nhật ký"},
    {"access-log", false, "log one line per request / ghi mỗi yêu cầu một dòng"},
    {"tls-cert", true, "HTTPS: certificate chain, PEM file (with --tls-key) / chứng chỉ TLS"},
    {"tls-key", true, "HTTPS: private key, PEM file / khóa riêng TLS"},
    {"redirect-http-port", true, "with HTTPS: also listen for plain HTTP on port N and redirect it to HTTPS / cổng HTTP chuyển sang HTTPS"},
    {"report-letterhead", true, "the letterhead file of /report (issuer, number, signer, recipients; docs/reports.md) / tiêu đề văn bản báo cáo"},
    {"insecure-http", false, "allow plain HTTP on an address beyond this machine (warns) / cho phép HTTP không mã hóa"},
    {"print-config", false, "print the effective configuration and exit / in cấu hình"}};

}  // namespace

std::vector<Command> serve_commands() {
  Command serve{"serve", "serve [--port N] [--bind ADDR] [--config FILE] [options]",
                "map server: WMS, WMTS, XYZ and vector tiles, OGC API Features / máy chủ bản đồ", kServeOptions,
                run_serve,
                "Endpoints: /wms (WMS 1.1.1, 1.3.0), /wmts (1.0.0 KVP and REST), /tiles/{layer}/{z}/{x}/{y}.png|@2x.png|.mvt\n"
                "?year=YYYY (default: latest year with a status), /tiles/{layer}.json (TileJSON), /ogc (OGC API\n"
                "Features), / and /embed (web viewer), /api/... (JSON API, POST /api/validate), /report?year=Y\n"
                "(printable report), /login, /health, /metrics. Layers: `anttmap layers`.\n"
                "Callers see what their role may see: keys (`anttmap key add`) as Authorization: Bearer KEY, accounts\n"
                "(`anttmap user add`) through /login. Beyond 127.0.0.1 give --tls-cert and --tls-key (or --insecure-http).\n"
                "Changes to the store (CLI, QGIS, plain SQL) show within a second."};
  auto seed_options = kServeOptions;
  seed_options.push_back({"zoom", true, "zoom range N-M (default 8-12) / mức thu phóng"});
  seed_options.push_back({"layers", true, "comma-separated layers (default all) / các lớp"});
  seed_options.push_back({"year", true, "year to seed (default latest) / năm"});
  seed_options.push_back({"all-years", false, "every year / mọi năm"});
  seed_options.push_back({"mvt", false, "vector tiles instead of PNG / ô vector"});
  Command seed{"seed", "seed --cache-dir DIR [--zoom N-M] [--layers L,...] [--year Y|--all-years] [--mvt]",
               "pre-render tiles into the disk cache / dựng sẵn ô bản đồ", seed_options, run_seed,
               "The server started with the same --cache-dir serves these tiles and drops exactly those a later\n"
               "change touches."};
  return {serve, seed};
}

}  // namespace antt::cli
