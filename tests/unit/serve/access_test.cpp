// Who sees what: `anttmap serve` assembled in-process and over a real socket, with keys made by the
// CLI for each role. The matrix asks every endpoint that publishes layers for a public layer
// (communes) and an internal one (hotspots) as each role, and checks that caches and kept answers
// warmed by an internal caller never reach the public. Its own test binary: one map engine per
// process.
#include <nlohmann/json.hpp>

#include "antt/access/access.hpp"
#include "antt/layers/layers.hpp"
#include "antt/store/store.hpp"
#include "../http/http_test_client.hpp"
#include "serve/app.hpp"
#include "test_support.hpp"

namespace antt::serve {
namespace {

using Json = nlohmann::json;

constexpr int kYear = 2020;
// The z12 tile over the test communes (105.78-105.82 E, 21.00-21.03 N).
constexpr int kZ = 12, kX = 3251, kY = 1803;
const std::string kBox = "105.77,20.99,105.83,21.04";

/// A tiny province: one district, two communes (names with every tone mark), statuses of 2020
/// recorded by a named editor, and the first commune designated a hotspot.
void make_store(const std::string& path) {
  auto store = store::open_store(path, true);
  store->write({"cán.bộ.nhập", "access_test"}, [&] {
    testing::add_tiny_province(*store, kYear);
    store::HotspotDesignation hotspot;
    hotspot.commune_code = "99001";
    hotspot.valid_from = "2019-01-01";
    hotspot.decision = "77/QĐ-MẬT";
    store->add_hotspot(hotspot);
  });
}

/// The value of the cookie a Set-Cookie header sets.
std::string set_cookie_value(const http::Response& response, const std::string& name) {
  const auto found = response.headers.find("Set-Cookie");
  if (found == response.headers.end() || !found->second.starts_with(name + "=")) return {};
  const std::string& header = found->second;
  return header.substr(name.size() + 1, header.find(';') - name.size() - 1);
}

struct Role {
  std::string name;  ///< "public" for no credentials
  std::string key;
  bool internal = false;
  int refusal = 401;  ///< the status a hidden layer is refused with
};

class AccessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    db_ = dir_->store("store.sqlite");
    const std::string& db = db_;
    make_store(db);
    roles_ = new std::vector<Role>{{"public", "", false, 401},
                                   {"partner", testing::make_api_key(db, "portal", "partner"), false, 403},
                                   {"viewer", testing::make_api_key(db, "leadership", "viewer"), true, 0},
                                   {"editor", testing::make_api_key(db, "district-staff", "editor", {"--scope", "990"}), true, 0},
                                   {"admin", testing::make_api_key(db, "ops", "admin"), true, 0}};
    revoked_key_ = new std::string(testing::make_api_key(db, "old-portal", "viewer"));
    const auto revoked = testing::run_anttmap({"--db", db, "key", "revoke", "old-portal"});
    if (revoked.exit_code != 0) throw std::runtime_error("key revoke failed: " + revoked.err);
    ServeConfig config;
    config.port = 0;
    config.work_dir = dir_->file("work");
    config.poll_interval_ms = 50;
    app_ = new ServeApp(db, config, layers::LayerRegistry::standard());
    app_->start();
    const std::string password_file = dir_->file("password.txt");
    testing::write_file(password_file, "Mật khẩu lãnh đạo 2026\n");
    const auto added = testing::run_anttmap({"--db", db, "user", "add", "lanh.dao", "--role",
                                             "viewer", "--password-file", password_file});
    if (added.exit_code != 0) throw std::runtime_error("user add failed: " + added.err);
    app_->refresh();
  }
  static void TearDownTestSuite() {
    delete app_;
    delete roles_;
    delete revoked_key_;
    delete dir_;
  }

  static http::Response get(const Role& role, const std::string& path,
                            std::multimap<std::string, std::string> params = {}) {
    http::Request request;
    request.path = path;
    request.params = std::move(params);
    request.remote_address = "203.0.113.7";  // not this machine
    if (!role.key.empty()) request.headers["Authorization"] = "Bearer " + role.key;
    return app_->router().dispatch(request);
  }

  static std::string tile_path(const std::string& layer, const std::string& extension) {
    return "/tiles/" + layer + "/" + std::to_string(kZ) + "/" + std::to_string(kX) + "/" + std::to_string(kY) +
           extension;
  }

  static std::multimap<std::string, std::string> get_map(const std::string& layers) {
    return {{"SERVICE", "WMS"}, {"VERSION", "1.1.1"}, {"REQUEST", "GetMap"}, {"LAYERS", layers},
            {"STYLES", ""},     {"SRS", "EPSG:4326"}, {"BBOX", kBox},        {"WIDTH", "256"},
            {"HEIGHT", "256"},  {"FORMAT", "image/png"}, {"TRANSPARENT", "TRUE"}, {"TIME", "2020"}};
  }

  static std::multimap<std::string, std::string> feature_info(const std::string& layers) {
    auto params = get_map(layers);
    params.erase("REQUEST");
    params.emplace("REQUEST", "GetFeatureInfo");
    params.emplace("QUERY_LAYERS", layers);
    params.emplace("X", "60");
    params.emplace("Y", "128");
    params.emplace("INFO_FORMAT", "application/json");
    params.emplace("FEATURE_COUNT", "10");
    return params;
  }

  static http::Response send(const std::string& method, const std::string& path, const std::string& cookie,
                             const std::string& body = {}, std::map<std::string, std::string> headers = {},
                             const std::string& address = "203.0.113.9") {
    http::Request request;
    request.method = method;
    request.path = path;
    request.body = body;
    request.remote_address = address;
    if (!cookie.empty()) request.headers["Cookie"] = cookie;
    if (method == "POST" && headers.count("Content-Type") == 0)
      request.headers["Content-Type"] = "application/x-www-form-urlencoded";
    for (auto& [name, value] : headers) request.headers[name] = value;
    return app_->router().dispatch(request);
  }

  /// Signs in through the login form; the session cookie, or empty.
  /// Each sign-in comes from an address of its own unless `address` is given (tries are counted
  /// per address too).
  static std::string sign_in(const std::string& name, const std::string& password, int* status = nullptr,
                             std::string address = {}) {
    static int next_address = 1;
    if (address.empty()) address = "198.51.100." + std::to_string(next_address++ % 250);
    const auto form = send("GET", "/login", "");
    const std::string token = set_cookie_value(form, "anttmap_login");
    const auto answer = send("POST", "/login", "anttmap_login=" + token,
                             "token=" + token + "&name=" + name + "&password=" + password, {}, address);
    if (status) *status = answer.status;
    return set_cookie_value(answer, "anttmap_session");
  }

  static testing::TempDir* dir_;
  inline static std::string db_;
  static std::vector<Role>* roles_;
  static std::string* revoked_key_;
  static ServeApp* app_;
};

testing::TempDir* AccessTest::dir_ = nullptr;
std::vector<Role>* AccessTest::roles_ = nullptr;
std::string* AccessTest::revoked_key_ = nullptr;
ServeApp* AccessTest::app_ = nullptr;

/// The status an internal layer's request gets for `role`: 200, or its refusal.
int expected(const Role& role) { return role.internal ? 200 : role.refusal; }

TEST_F(AccessTest, CapabilitiesAndListsNameInternalLayersOnlyToInternalRoles) {
  for (const auto& role : *roles_) {
    SCOPED_TRACE(role.name);
    auto contains = [](const http::Response& response, const std::string& text) {
      return response.body->find(text) != std::string::npos;
    };
    const auto wms = get(role, "/wms", {{"SERVICE", "WMS"}, {"VERSION", "1.3.0"}, {"REQUEST", "GetCapabilities"}});
    ASSERT_EQ(wms.status, 200) << *wms.body;
    EXPECT_TRUE(contains(wms, "<Name>communes</Name>"));
    EXPECT_EQ(contains(wms, "<Name>hotspots</Name>"), role.internal);
    EXPECT_EQ(contains(wms, "<Name>clusters</Name>"), role.internal);

    const auto wmts = get(role, "/wmts/1.0.0/WMTSCapabilities.xml");
    ASSERT_EQ(wmts.status, 200);
    EXPECT_TRUE(contains(wmts, "<ows:Identifier>communes</ows:Identifier>"));
    EXPECT_EQ(contains(wmts, "<ows:Identifier>hotspots</ows:Identifier>"), role.internal);

    const auto collections = Json::parse(*get(role, "/ogc/collections").body);
    bool listed = false;
    for (const auto& collection : collections.at("collections")) listed = listed || collection.at("id") == "hotspots";
    EXPECT_EQ(listed, role.internal);

    const auto registry = Json::parse(*get(role, "/api/layers").body);
    listed = false;
    for (const auto& layer : registry.at("layers")) listed = listed || layer.at("name") == "models";
    EXPECT_EQ(listed, role.internal);

    const auto legend = get(role, "/api/legend");
    EXPECT_EQ(contains(legend, "\"hotspot\""), role.internal) << *legend.body;

    const auto page = get(role, "/");
    if (page.status == 200) {
      EXPECT_EQ(contains(page, "\"name\":\"hotspots\""), role.internal);
    }
  }
}

TEST_F(AccessTest, EveryPathToAnInternalLayerIsRefusedToThePublicAndToPartners) {
  const std::string wmts_rest =
      "/wmts/hotspots/default/2020/GoogleMapsCompatible/" + std::to_string(kZ) + "/" + std::to_string(kY) + "/" +
      std::to_string(kX) + ".png";
  for (const auto& role : *roles_) {
    SCOPED_TRACE(role.name);
    const int want = expected(role);
    auto status = [&](const http::Response& response) {
      if (response.status == 401) {
        EXPECT_NE(response.headers.count("WWW-Authenticate"), 0u);
      }
      // A public layer answers 200 (or 204 when it has nothing there); refusals carry a reason, never data.
      return response.status;
    };
    EXPECT_EQ(status(get(role, "/wms", get_map("hotspots"))), want);
    EXPECT_EQ(status(get(role, "/wms", get_map("communes,hotspots"))), want);
    EXPECT_EQ(status(get(role, "/wms", get_map("communes"))), 200);
    EXPECT_EQ(status(get(role, "/wms", feature_info("hotspots"))), want);
    EXPECT_EQ(status(get(role, "/wms", {{"SERVICE", "WMS"}, {"VERSION", "1.1.1"}, {"REQUEST", "GetLegendGraphic"},
                                         {"LAYER", "hotspots"}, {"FORMAT", "image/png"}})),
              want);
    EXPECT_EQ(status(get(role, tile_path("hotspots", ".png"))), want);
    EXPECT_EQ(status(get(role, tile_path("hotspots", "@2x.png"))), want);
    const int mvt = get(role, tile_path("hotspots", ".mvt")).status;
    EXPECT_EQ(role.internal ? (mvt == 200 || mvt == 204) : mvt == want, true) << mvt;
    EXPECT_EQ(status(get(role, "/tiles/hotspots.json")), want);
    EXPECT_EQ(status(get(role, "/tiles/hotspots/vector.json")), want);
    EXPECT_EQ(status(get(role, wmts_rest)), want);
    EXPECT_EQ(status(get(role, "/wmts", {{"SERVICE", "WMTS"}, {"REQUEST", "GetTile"}, {"VERSION", "1.0.0"},
                                          {"LAYER", "hotspots"}, {"STYLE", "default"}, {"FORMAT", "image/png"},
                                          {"TILEMATRIXSET", "GoogleMapsCompatible"},
                                          {"TILEMATRIX", std::to_string(kZ)}, {"TILEROW", std::to_string(kY)},
                                          {"TILECOL", std::to_string(kX)}})),
              want);
    EXPECT_EQ(status(get(role, "/ogc/collections/hotspots")), want);
    EXPECT_EQ(status(get(role, "/ogc/collections/hotspots/items", {{"year", "2020"}})), want);
    EXPECT_EQ(status(get(role, "/api/legend", {{"layer", "hotspots"}})), want);
    EXPECT_EQ(status(get(role, "/embed", {{"layers", "communes,hotspots"}})), want);
    EXPECT_EQ(get(role, "/embed", {{"layers", "communes"}}).status == 200 ||
                  get(role, "/embed", {{"layers", "communes"}}).status == 503,
              true);
  }
}

TEST_F(AccessTest, InternalRolesGetTheInternalDataItself) {
  for (const auto& role : *roles_) {
    if (!role.internal) continue;
    SCOPED_TRACE(role.name);
    const auto items = get(role, "/ogc/collections/hotspots/items", {{"year", "2020"}});
    ASSERT_EQ(items.status, 200) << *items.body;
    EXPECT_NE(items.body->find("77/QĐ-MẬT"), std::string::npos);
    const auto info = get(role, "/wms", feature_info("hotspots"));
    ASSERT_EQ(info.status, 200) << *info.body;
    EXPECT_NE(info.body->find("99001"), std::string::npos) << *info.body;
  }
}

TEST_F(AccessTest, PublicFeatureInfoAndUnitsCarryNoInternalAttribute) {
  for (const auto& role : *roles_) {
    SCOPED_TRACE(role.name);
    const auto info = get(role, "/wms", feature_info("communes"));
    ASSERT_EQ(info.status, 200) << *info.body;
    EXPECT_NE(info.body->find("99001"), std::string::npos);
    EXPECT_EQ(info.body->find("77/QĐ-MẬT"), std::string::npos);
    const auto unit = Json::parse(*get(role, "/api/units/99001").body);
    ASSERT_FALSE(unit.at("statuses").empty()) << unit.dump();
    const auto& recorded_by = unit.at("statuses").at(0).at("recorded_by");
    if (role.internal) {
      EXPECT_EQ(recorded_by, "cán.bộ.nhập");
    } else {
      EXPECT_TRUE(recorded_by.is_null()) << unit.dump();
    }
  }
}

TEST_F(AccessTest, HealthDetailsAndMetricsAreForAdminsAndThisMachine) {
  for (const auto& role : *roles_) {
    SCOPED_TRACE(role.name);
    const auto health = get(role, "/health");
    ASSERT_EQ(health.status, 200);
    const auto body = Json::parse(*health.body);
    EXPECT_EQ(body.contains("tile_cache"), role.name == "admin") << body.dump();
    // No answer names the store: its path, or its database and host.
    const std::string store_name = db_.substr(db_.rfind('/', db_.find('?')) + 1, 20);
    EXPECT_EQ(health.body->find(store_name), std::string::npos) << *health.body;
    EXPECT_EQ(health.body->find(dir_->path().string()), std::string::npos) << *health.body;
    const int metrics = get(role, "/metrics").status;
    EXPECT_EQ(metrics, role.name == "admin" ? 200 : role.refusal == 401 ? 401 : 403);
  }
  http::Request local;
  local.path = "/metrics";
  local.remote_address = "127.0.0.1";
  EXPECT_EQ(app_->router().dispatch(local).status, 200);
  local.path = "/health";
  EXPECT_TRUE(Json::parse(*app_->router().dispatch(local).body).contains("tile_cache"));
}

TEST_F(AccessTest, BadKeysAreRefusedWith401Everywhere) {
  for (const std::string& header :
       {"Bearer " + *revoked_key_, std::string("Bearer antt_forged"), std::string("Basic dXNlcjpwYXNz"),
        std::string("Bearer "), "Bearer " + std::string(300, 'a')}) {
    SCOPED_TRACE(header);
    for (const std::string path : {"/", "/wms", "/tiles/communes.json", "/api/layers", "/health"}) {
      http::Request request;
      request.path = path;
      request.headers["Authorization"] = header;
      const auto response = app_->router().dispatch(request);
      EXPECT_EQ(response.status, 401) << path;
      EXPECT_NE(response.headers.count("WWW-Authenticate"), 0u);
    }
  }
}

TEST_F(AccessTest, AnsweredForASignedInCallerIsPrivate) {
  const auto& viewer = roles_->at(2);
  const auto answer = get(viewer, tile_path("communes", ".png"));
  ASSERT_EQ(answer.status, 200);
  const auto layers = get(viewer, "/api/layers");
  EXPECT_TRUE(layers.private_to_caller);
  EXPECT_FALSE(get(roles_->at(0), "/api/layers").private_to_caller);
}

/// Over a real socket: an internal caller warms the tile cache and the server's kept answers
/// first; the public then asks the same URLs and gets only what was drawn for the public.
TEST_F(AccessTest, CachesWarmedByAnInternalCallerNeverServeThePublic) {
  const auto& viewer = roles_->at(2);
  testing::HttpTestClient client(app_->port());
  const std::map<std::string, std::string> as_viewer{{"Authorization", "Bearer " + viewer.key}};
  for (const std::string layer : {"communes", "hotspots"}) {
    for (int round = 0; round < 2; ++round) {
      const auto warmed = client.get(tile_path(layer, ".png"), as_viewer);
      ASSERT_EQ(warmed.status, 200) << warmed.body;
      EXPECT_NE(warmed.header("ETag").find(".internal"), std::string::npos);
      EXPECT_NE(warmed.header("Cache-Control").find("private"), std::string::npos);
    }
  }
  for (int round = 0; round < 3; ++round) {
    const auto hotspots = client.get(tile_path("hotspots", ".png"));
    EXPECT_EQ(hotspots.status, 401);
    EXPECT_EQ(hotspots.body.find("\x89PNG"), std::string::npos);
    const auto communes = client.get(tile_path("communes", ".png"));
    ASSERT_EQ(communes.status, 200);
    EXPECT_EQ(communes.header("ETag").find(".internal"), std::string::npos) << communes.header("ETag");
    EXPECT_EQ(communes.header("Cache-Control").find("private"), std::string::npos);
    // A tag from the internal scope never matches a public tile.
    const auto revalidated =
        client.get(tile_path("communes", ".png"), {{"If-None-Match", communes.header("ETag") + "x"}});
    EXPECT_EQ(revalidated.status, 200);
  }
  // And the other way round: the public's kept answer is not given to a signed-in caller.
  const auto after = client.get(tile_path("communes", ".png"), as_viewer);
  EXPECT_NE(after.header("ETag").find(".internal"), std::string::npos);
}

TEST_F(AccessTest, ARevokedKeyStopsWorkingWithoutARestart) {
  const std::string& db = db_;
  const std::string key = testing::make_api_key(db, "short-lived", "viewer");
  app_->refresh();
  http::Request request;
  request.path = "/ogc/collections/hotspots";
  request.headers["Authorization"] = "Bearer " + key;
  EXPECT_EQ(app_->router().dispatch(request).status, 200);
  ASSERT_EQ(testing::run_anttmap({"--db", db, "key", "revoke", "short-lived"}).exit_code, 0);
  app_->refresh();
  EXPECT_EQ(app_->router().dispatch(request).status, 401);
}

TEST_F(AccessTest, ASignedInBrowserSeesWhatItsRoleMaySee) {
  const auto form = send("GET", "/login", "");
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body->find("<form method=\"post\" action=\"login\">"), std::string::npos);
  int status = 0;
  const std::string session = sign_in("lanh.dao", "M%E1%BA%ADt+kh%E1%BA%A9u+l%C3%A3nh+%C4%91%E1%BA%A1o+2026", &status);
  ASSERT_EQ(status, 303);
  ASSERT_FALSE(session.empty());
  const std::string cookie = "anttmap_session=" + session;
  const auto layers = send("GET", "/api/layers", cookie);
  ASSERT_EQ(layers.status, 200);
  EXPECT_NE(layers.body->find("\"hotspots\""), std::string::npos);
  EXPECT_TRUE(layers.private_to_caller);
  const auto page = send("GET", "/", cookie);
  if (page.status == 200) {
    EXPECT_NE(page.body->find("\"account\":{\"name\":\"lanh.dao\",\"role\":\"viewer\",\"csrf\":\""), std::string::npos);
  }
}

TEST_F(AccessTest, CookiesAreHttpOnlyAndStrict) {
  const auto form = send("GET", "/login", "");
  const std::string token = set_cookie_value(form, "anttmap_login");
  const auto answer = send("POST", "/login", "anttmap_login=" + token,
                           "token=" + token + "&name=lanh.dao&password=M%E1%BA%ADt+kh%E1%BA%A9u+l%C3%A3nh+%C4%91%E1%BA%A1o+2026");
  ASSERT_EQ(answer.status, 303);
  const std::string header = answer.headers.at("Set-Cookie");
  EXPECT_NE(header.find("HttpOnly"), std::string::npos);
  EXPECT_NE(header.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(answer.headers.at("Location"), "./");  // relative: the server may sit under a proxy's sub-path
}

TEST_F(AccessTest, WrongPasswordsForgedFormsAndFloodsAreRefused) {
  int status = 0;
  EXPECT_TRUE(sign_in("lanh.dao", "sai+mat+khau+roi", &status).empty());
  EXPECT_EQ(status, 401);
  EXPECT_TRUE(sign_in("khong.co.ai", "sai+mat+khau+roi", &status).empty());
  EXPECT_EQ(status, 401);
  // A form posted without the login cookie (from another site) is refused before any check.
  const auto forged = send("POST", "/login", "", "token=abc&name=lanh.dao&password=x");
  EXPECT_EQ(forged.status, 403);
  const auto json = send("POST", "/login", "", "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(json.status, 415);
  // Ten tries a minute per account: the eleventh is 429 even with the right password.
  for (int i = 0; i < 11; ++i) sign_in("nguoi.thu", "sai+mat+khau+nua", &status);
  EXPECT_EQ(status, 429);
  // And ten a minute per address, whatever the accounts.
  for (int i = 0; i < 11; ++i) sign_in("ai.do." + std::to_string(i), "sai+mat+khau+nua", &status, "192.0.2.77");
  EXPECT_EQ(status, 429);
}

TEST_F(AccessTest, StateChangingRequestsNeedTheSessionsCsrfToken) {
  const std::string cookie =
      "anttmap_session=" + sign_in("lanh.dao", "M%E1%BA%ADt+kh%E1%BA%A9u+l%C3%A3nh+%C4%91%E1%BA%A1o+2026");
  const std::string candidate = R"({"type":"FeatureCollection","features":[]})";
  const auto without = send("POST", "/api/validate", cookie, candidate, {{"Content-Type", "application/json"}});
  EXPECT_EQ(without.status, 403) << *without.body;
  const auto page = send("GET", "/", cookie);
  // The token the page carries is the one the session expects.
  const auto at = page.body->find("\"csrf\":\"");
  if (page.status == 200 && at != std::string::npos) {
    const std::string csrf = page.body->substr(at + 8, page.body->find('"', at + 8) - at - 8);
    const auto with = send("POST", "/api/validate", cookie, candidate,
                           {{"Content-Type", "application/json"}, {"X-CSRF-Token", csrf}});
    EXPECT_NE(with.status, 403) << *with.body;
    const auto logout_without = send("POST", "/logout", cookie, "csrf=wrong");
    EXPECT_EQ(logout_without.status, 403);
    const auto logout = send("POST", "/logout", cookie, "csrf=" + csrf);
    EXPECT_EQ(logout.status, 303);
    EXPECT_NE(logout.headers.at("Set-Cookie").find("Max-Age=0"), std::string::npos);
    // The session is gone: its cookie is refused and cleared; the viewer's page sends to /login.
    const auto after = send("GET", "/api/layers", cookie);
    EXPECT_EQ(after.status, 401);
    EXPECT_NE(after.headers.at("Set-Cookie").find("Max-Age=0"), std::string::npos);
    const auto viewer_page = send("GET", "/", cookie);
    EXPECT_EQ(viewer_page.status, 303);
    EXPECT_EQ(viewer_page.headers.at("Location"), "login?expired=1");
  }
  EXPECT_EQ(send("GET", "/api/layers", "anttmap_session=forged-session-id").status, 401);
}

TEST_F(AccessTest, DisablingAnAccountEndsItsSessions) {
  const std::string& db = db_;
  const std::string password_file = dir_->file("other.txt");
  testing::write_file(password_file, "mật khẩu của cán bộ\n");
  ASSERT_EQ(testing::run_anttmap({"--db", db, "user", "add", "can.bo", "--role", "editor", "--scope", "990",
                                  "--password-file", password_file})
                .exit_code,
            0);
  app_->refresh();
  const std::string cookie =
      "anttmap_session=" + sign_in("can.bo", "m%E1%BA%ADt+kh%E1%BA%A9u+c%E1%BB%A7a+c%C3%A1n+b%E1%BB%99");
  ASSERT_EQ(send("GET", "/ogc/collections/hotspots", cookie).status, 200);
  ASSERT_EQ(testing::run_anttmap({"--db", db, "user", "disable", "can.bo"}).exit_code, 0);
  app_->refresh();
  EXPECT_EQ(send("GET", "/ogc/collections/hotspots", cookie).status, 401);
  int status = 0;
  EXPECT_TRUE(sign_in("can.bo", "m%E1%BA%ADt+kh%E1%BA%A9u+c%E1%BB%A7a+c%C3%A1n+b%E1%BB%99", &status).empty());
  EXPECT_EQ(status, 401);
}

TEST_F(AccessTest, EmbedTokensOpenTheirLayersWithinTheirBoxUntilTheyExpire) {
  const std::string& db = db_;
  auto made = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--json", "token", "add"});
    const auto result = testing::run_anttmap(args);
    if (result.exit_code != 0) throw std::runtime_error("token add failed: " + result.err);
    return Json::parse(result.out).at("token").get<std::string>();
  };
  const std::string hotspots = made({"--layers", "hotspots,communes", "--expires", "2"});
  // The test tile spans 105.73-105.82 E, 20.96-21.04 N; this box lies east of it.
  const std::string elsewhere = made({"--layers", "communes", "--expires", "2", "--bbox", "106.5,20.0,107.0,20.5"});
  app_->refresh();
  const Role anyone{"public", "", false, 401};
  auto with = [](const std::string& token) { return std::multimap<std::string, std::string>{{"token", token}}; };
  EXPECT_EQ(get(anyone, tile_path("hotspots", ".png"), with(hotspots)).status, 200);
  EXPECT_EQ(get(anyone, tile_path("communes", ".png"), with(hotspots)).status, 200);
  EXPECT_EQ(get(anyone, tile_path("clusters", ".png"), with(hotspots)).status, 403);  // not in the token
  EXPECT_EQ(get(anyone, tile_path("villages", ".png"), with(hotspots)).status, 403);
  EXPECT_EQ(get(anyone, "/api/units/99001", with(hotspots)).status, 403);  // maps only
  EXPECT_EQ(get(anyone, "/ogc/collections", with(hotspots)).status, 403);
  auto map = get_map("hotspots");
  map.emplace("token", hotspots);
  EXPECT_EQ(get(anyone, "/wms", map).status, 200);
  auto other = get_map("clusters");
  other.emplace("token", hotspots);
  EXPECT_EQ(get(anyone, "/wms", other).status, 403);
  // Capabilities read with the token name its layers and no other, internal or public.
  const auto capabilities =
      get(anyone, "/wms", {{"SERVICE", "WMS"}, {"VERSION", "1.3.0"}, {"REQUEST", "GetCapabilities"}, {"token", hotspots}});
  ASSERT_EQ(capabilities.status, 200) << *capabilities.body;
  EXPECT_NE(capabilities.body->find("<Name>hotspots</Name>"), std::string::npos);
  EXPECT_NE(capabilities.body->find("<Name>communes</Name>"), std::string::npos);
  for (const char* unlisted : {"<Name>clusters</Name>", "<Name>models</Name>", "<Name>villages</Name>",
                               "<Name>districts</Name>"}) {
    EXPECT_EQ(capabilities.body->find(unlisted), std::string::npos) << unlisted;
  }
  const auto page = get(anyone, "/embed", {{"token", hotspots}, {"layers", "hotspots"}});
  if (page.status == 200) {
    EXPECT_NE(page.body->find("\"name\":\"hotspots\""), std::string::npos);
    EXPECT_EQ(page.body->find("\"name\":\"clusters\""), std::string::npos);
  }
  // Outside its box a token opens nothing; inside the box tiles draw.
  EXPECT_EQ(get(anyone, tile_path("communes", ".png"), with(elsewhere)).status, 403);
  auto far_map = get_map("communes");
  far_map.emplace("token", elsewhere);
  EXPECT_EQ(get(anyone, "/wms", far_map).status, 403);
  // Tampered, forged and expired tokens are refused.
  std::string tampered = hotspots;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {tampered, std::string("v1.e30.AAAA"), std::string("nonsense"), std::string()}) {
    const auto refused = get(anyone, tile_path("communes", ".png"), with(bad));
    EXPECT_EQ(refused.status, 401) << bad;
  }
  const auto secret = store::open_store(db)->server_secret();
  ASSERT_TRUE(secret);
  access::EmbedGrant expired{{"communes"}, std::nullopt, 1000};
  EXPECT_EQ(get(anyone, tile_path("communes", ".png"),
                with(access::sign_embed_token(expired, secret->first, secret->second)))
                .status,
            401);
  // Rotating the secret ends every token made before.
  ASSERT_EQ(testing::run_anttmap({"--db", db, "token", "rotate"}).exit_code, 0);
  app_->refresh();
  EXPECT_EQ(get(anyone, tile_path("hotspots", ".png"), with(hotspots)).status, 401);
}

TEST(RateLimits, EachCallerAndAddressHasItsBudgetAndIsToldWhenToComeBack) {
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  RateLimiter limiter(120, [&now] { return now; });  // 2 a second, bursts of 30
  http::Request from_address;
  from_address.remote_address = "203.0.113.50";
  for (int i = 0; i < 30; ++i) ASSERT_FALSE(limiter.check(from_address)) << i;
  const auto refused = limiter.check(from_address);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->headers.at("Retry-After"), "1");
  // Another address and a key have budgets of their own; this machine is not counted.
  http::Request other = from_address;
  other.remote_address = "203.0.113.51";
  EXPECT_FALSE(limiter.check(other));
  http::Request with_key = from_address;
  with_key.caller.credential = access::Credential::api_key;
  with_key.caller.name = "portal";
  EXPECT_FALSE(limiter.check(with_key));
  http::Request local;
  local.remote_address = "127.0.0.1";
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(limiter.check(local));
  // Half a second later one more request is allowed, then the next is refused again.
  now += std::chrono::milliseconds(500);
  EXPECT_FALSE(limiter.check(from_address));
  EXPECT_TRUE(limiter.check(from_address));
  EXPECT_FALSE(RateLimiter(0).check(from_address));  // 0: no limit
}

TEST(Sessions, IdleAndAbsoluteTimeoutsEndSessions) {
  testing::TempDir dir;
  const std::string db = dir.store("sessions.sqlite");
  auto store = store::open_store(db, true);
  store::Account account;
  account.name = "lanh.dao";
  account.role = "viewer";
  store->write({"test", "sessions"}, [&] { store->add_account(account, access::hash_password("mật khẩu đủ dài")); });
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1000);
  SessionOptions options;
  options.idle = std::chrono::minutes(30);
  options.absolute = std::chrono::hours(12);
  options.now = [&now] { return now; };
  Credentials credentials(*store, options);
  const auto signed_in = credentials.sign_in("lanh.dao", "mật khẩu đủ dài");
  ASSERT_TRUE(signed_in);
  http::Request request;
  request.path = "/api/layers";
  request.headers["Cookie"] = "other=1; anttmap_session=" + signed_in->session_id;
  auto ask = [&] { return !credentials.identify(request).has_value() && request.caller.signed_in(); };
  // Used every 29 minutes it lives for 12 hours, then ends.
  for (int step = 0; step < 24; ++step) {
    now += std::chrono::minutes(29);
    ASSERT_TRUE(ask()) << step;
  }
  now += std::chrono::minutes(29);
  EXPECT_FALSE(ask());
  const auto again = credentials.sign_in("lanh.dao", "mật khẩu đủ dài");
  request.headers["Cookie"] = "anttmap_session=" + again->session_id;
  now += std::chrono::minutes(31);  // idle too long
  EXPECT_FALSE(ask());
  EXPECT_FALSE(credentials.sign_in("lanh.dao", "mật khẩu sai rồi"));
}

}  // namespace
}  // namespace antt::serve
