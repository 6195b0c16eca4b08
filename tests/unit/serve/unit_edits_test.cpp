// Editing over the network: PUT /api/units/{code}/status/{year} on `anttmap serve` assembled
// in-process, with keys and accounts made by the CLI. Who may write (401, 403, scope), what is
// refused (400, nothing written), conflicts (409 with the current row), the audit naming the
// account and its client, and one write over a real socket. Its own test binary: one map engine
// per process.
#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "antt/editing/indicators.hpp"
#include "antt/office/xlsx.hpp"
#include "antt/store/store.hpp"
#include "../http/http_test_client.hpp"
#include "serve/app.hpp"
#include "test_support.hpp"

namespace antt::serve {
namespace {

using Json = nlohmann::json;

constexpr int kYear = 2020;

class UnitEditsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    db_ = new std::string(dir_->store("store.sqlite"));
    {
      auto store = store::open_store(*db_, true);
      store->write({"seed", "unit_edits_test"}, [&] { testing::add_tiny_province(*store, kYear); });
    }
    keys_ = new std::map<std::string, std::string>{
        {"partner", testing::make_api_key(*db_, "portal", "partner")},
        {"viewer", testing::make_api_key(*db_, "leadership", "viewer")},
        {"commune", testing::make_api_key(*db_, "xa.hoa.binh", "editor", {"--scope", "99001"})},
        {"district", testing::make_api_key(*db_, "huyen.mau", "editor", {"--scope", "990"})},
        {"admin", testing::make_api_key(*db_, "ops", "admin")}};
    ServeConfig config;
    config.port = 0;
    config.work_dir = dir_->file("work");
    config.poll_interval_ms = 50;
    app_ = new ServeApp(*db_, config, layers::LayerRegistry::standard());
    app_->start();
  }
  static void TearDownTestSuite() {
    delete app_;
    delete keys_;
    delete db_;
    delete dir_;
  }

  static http::Response call(const std::string& method, const std::string& path, const std::string& who,
                             const std::string& body = {}, std::map<std::string, std::string> headers = {}) {
    http::Request request;
    request.method = method;
    request.path = path.substr(0, path.find('?'));
    if (const auto query = path.find('?'); query != std::string::npos) {
      std::stringstream pairs(path.substr(query + 1));  // plain test values: no percent-decoding needed
      for (std::string pair; std::getline(pairs, pair, '&');) {
        const auto equals = pair.find('=');
        request.params.emplace(pair.substr(0, equals), equals == std::string::npos ? "" : pair.substr(equals + 1));
      }
    }
    request.body = body;
    request.remote_address = "203.0.113.9";
    if (!body.empty()) request.headers["Content-Type"] = "application/json";
    if (!who.empty()) request.headers["Authorization"] = "Bearer " + keys_->at(who);
    for (auto& [name, value] : headers) request.headers[name] = value;
    return app_->router().dispatch(request);
  }
  static http::Response put(const std::string& path, const std::string& who, const Json& body,
                            std::map<std::string, std::string> headers = {}) {
    return call("PUT", path, who, body.dump(), std::move(headers));
  }
  static Json json_of(const http::Response& response) { return Json::parse(*response.body); }

  /// Every status row of `code`, as the store holds them.
  static std::vector<store::StatusRecord> history(const std::string& code) {
    return store::open_store(*db_)->status_history(code);
  }

  static testing::TempDir* dir_;
  static std::string* db_;
  static std::map<std::string, std::string>* keys_;
  static ServeApp* app_;
};

testing::TempDir* UnitEditsTest::dir_ = nullptr;
std::string* UnitEditsTest::db_ = nullptr;
std::map<std::string, std::string>* UnitEditsTest::keys_ = nullptr;
ServeApp* UnitEditsTest::app_ = nullptr;

const Json kRegistered = {{"status", "registered"}, {"note", "Đăng ký xây dựng khu dân cư an toàn — ỹ ữ ẵ ộ"}};

TEST_F(UnitEditsTest, OnlyEditorsAndAdminsWriteAndNothingIsWrittenOtherwise) {
  const std::size_t rows = history("99002").size();
  const auto anonymous = put("/api/units/99002/status/2021", "", kRegistered);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.headers.count("WWW-Authenticate"), 1u);
  EXPECT_EQ(put("/api/units/99002/status/2021", "partner", kRegistered).status, 403);
  EXPECT_EQ(put("/api/units/99002/status/2021", "viewer", kRegistered).status, 403);
  // The editor of commune 99001 may not write its neighbour.
  const auto outside = put("/api/units/99002/status/2021", "commune", kRegistered);
  EXPECT_EQ(outside.status, 403);
  EXPECT_NE(json_of(outside).at("error").get<std::string>().find("scope"), std::string::npos);
  EXPECT_EQ(history("99002").size(), rows);
}

TEST_F(UnitEditsTest, AnEditorSetsAStatusInScopeAndTheAuditNamesTheAccountAndClient) {
  const auto answer = put("/api/units/99001/status/2022", "commune", kRegistered, {{"X-Anttmap-Client", "qgis"}});
  ASSERT_EQ(answer.status, 200) << *answer.body;
  const Json row = json_of(answer);
  EXPECT_EQ(row.at("status"), "registered");
  EXPECT_EQ(row.at("year"), 2022);
  EXPECT_EQ(row.at("note"), kRegistered.at("note"));
  EXPECT_EQ(row.at("recorded_by"), "xa.hoa.binh");
  EXPECT_EQ(answer.headers.at("ETag"), row.at("etag").get<std::string>());
  EXPECT_EQ(answer.headers.at("Cache-Control"), "no-store");

  // GET /api/units/{code} shows it (the API's caches follow the store's change feed).
  app_->refresh();
  const Json unit = json_of(call("GET", "/api/units/99001", "viewer"));
  bool shown = false;
  for (const auto& status : unit.at("statuses"))
    shown = shown || (status.at("year") == 2022 && status.at("status") == "registered" &&
                      status.at("etag") == row.at("etag") && status.at("superseded") == false);
  EXPECT_TRUE(shown) << unit.dump();
  // The public sees the row, not who wrote it.
  const Json seen = json_of(call("GET", "/api/units/99001/status/2022", ""));
  EXPECT_EQ(seen.at("status"), "registered");
  EXPECT_TRUE(seen.at("recorded_by").is_null());

  const auto audit = store::open_store(*db_)->audit_entries();
  bool audited = false;
  for (const auto& entry : audit)
    audited = audited || (entry.table_name == "unit_status" && entry.user == "xa.hoa.binh" && entry.tool == "qgis" &&
                          entry.after_json.find("2022") != std::string::npos);
  EXPECT_TRUE(audited);

  // A district editor reaches its communes; an admin reaches every unit. Without a client header
  // a key is "api".
  EXPECT_EQ(put("/api/units/99002/status/2022", "district", kRegistered).status, 200);
  EXPECT_EQ(put("/api/units/99002/status/2023", "admin", kRegistered).status, 200);
  EXPECT_EQ(history("99002").back().recorded_by, "ops");
  const auto last = store::open_store(*db_)->audit_entries().back();
  EXPECT_EQ(last.tool, "api");
}

TEST_F(UnitEditsTest, AStaleIfMatchIs409WithTheCurrentRowAndTheFirstEditStands) {
  const auto first = put("/api/units/99001/status/2024", "district", {{"status", "proposed"}});
  ASSERT_EQ(first.status, 200) << *first.body;
  const std::string read_etag = first.headers.at("ETag");

  // Two editors read the same row; the district's editor saves first.
  const Json recognised = {{"status", "recognised"},
                           {"decision", "15/QĐ-UBND"},
                           {"date", "2024-12-18"},
                           {"authority", "UBND huyện Mẫu"}};
  const auto saved = put("/api/units/99001/status/2024", "district", recognised, {{"If-Match", read_etag}});
  ASSERT_EQ(saved.status, 200) << *saved.body;
  EXPECT_NE(saved.headers.at("ETag"), read_etag);
  EXPECT_EQ(json_of(saved).at("supersedes"), json_of(first).at("id"));

  const std::size_t rows = history("99001").size();
  const auto late = put("/api/units/99001/status/2024", "commune", {{"status", "not_recognised"}},
                        {{"If-Match", read_etag}});
  ASSERT_EQ(late.status, 409) << *late.body;
  const Json conflict = json_of(late);
  EXPECT_EQ(conflict.at("current").at("status"), "recognised");
  EXPECT_EQ(conflict.at("current").at("decision"), "15/QĐ-UBND");
  EXPECT_EQ(late.headers.at("ETag"), saved.headers.at("ETag"));
  EXPECT_EQ(history("99001").size(), rows);

  // With the current ETag the second editor may correct it; "*" matches any row in force.
  EXPECT_EQ(put("/api/units/99001/status/2024", "commune", {{"status", "not_recognised"}},
                {{"If-Match", saved.headers.at("ETag")}})
                .status,
            200);
  EXPECT_EQ(put("/api/units/99001/status/2025", "commune", kRegistered, {{"If-Match", "*"}}).status, 409);
  // A browser that accepts gzip gets the tag of the gzipped answer: it names the same row.
  const auto gzipped = call("GET", "/api/units/99001/status/2024", "viewer");
  const std::string tag = gzipped.headers.at("ETag");
  EXPECT_EQ(put("/api/units/99001/status/2024", "commune", {{"status", "proposed"}},
                {{"If-Match", tag.substr(0, tag.size() - 1) + "-gz\""}})
                .status,
            200);
  // A weak tag never matches If-Match.
  const auto current = call("GET", "/api/units/99001/status/2024", "viewer");
  EXPECT_EQ(put("/api/units/99001/status/2024", "commune", kRegistered,
                {{"If-Match", "W/" + current.headers.at("ETag")}})
                .status,
            409);
}

TEST_F(UnitEditsTest, TheSameValuesAgainWriteNothing) {
  const auto first = put("/api/units/99002/status/2019", "admin", kRegistered);
  ASSERT_EQ(first.status, 200);
  const std::size_t rows = history("99002").size();
  const auto again = put("/api/units/99002/status/2019", "admin", kRegistered);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.headers.at("ETag"), first.headers.at("ETag"));
  EXPECT_EQ(history("99002").size(), rows);
}

TEST_F(UnitEditsTest, BadRequestsAreRefusedWithAReasonAndWriteNothing) {
  const std::size_t rows = history("99001").size();
  struct Case {
    std::string path, body;
    int status;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"/api/units/99001/status/2021", "{not json", 400, "JSON"},
      {"/api/units/99001/status/2021", "[]", 400, "object"},
      {"/api/units/99001/status/2021", R"({"note":"x"})", 400, "status"},
      {"/api/units/99001/status/2021", R"({"status":"safe"})", 400, "safe"},
      {"/api/units/99001/status/2021", R"({"status":"registered","colour":"red"})", 400, "colour"},
      {"/api/units/99001/status/2021", R"({"status":"registered","date":"2021-02-30"})", 400, "date"},
      {"/api/units/99001/status/2021", R"({"status":"registered","note":5})", 400, "note"},
      {"/api/units/99001/status/2021", R"({"status":"recognised"})", 400, "decision"},
      {"/api/units/99001/status/21", R"({"status":"registered"})", 400, "year"},
      {"/api/units/99001/status/2200", R"({"status":"registered"})", 400, "year"},
      {"/api/units/88888/status/2021", R"({"status":"registered"})", 404, "88888"},
      {"/api/units/99001/status/2007", R"({"status":"registered"})", 400, "did not exist"},
  };
  for (const auto& bad : cases) {
    const auto answer = call("PUT", bad.path, "admin", bad.body);
    EXPECT_EQ(answer.status, bad.status) << bad.path << " " << bad.body << ": " << *answer.body;
    EXPECT_NE(answer.body->find(bad.says), std::string::npos) << bad.body << ": " << *answer.body;
  }
  // A PUT without a JSON Content-Type is 415; without a body 400.
  http::Request plain;
  plain.method = "PUT";
  plain.path = "/api/units/99001/status/2021";
  plain.body = R"({"status":"registered"})";
  plain.headers["Authorization"] = "Bearer " + keys_->at("admin");
  plain.headers["Content-Type"] = "text/plain";
  EXPECT_EQ(app_->router().dispatch(plain).status, 415);
  EXPECT_EQ(call("PUT", "/api/units/99001/status/2021", "admin", "", {{"Content-Type", "application/json"}}).status, 400);
  EXPECT_EQ(history("99001").size(), rows);
  // The path takes GET and PUT only.
  const auto deleted = call("DELETE", "/api/units/99001/status/2021", "admin");
  EXPECT_EQ(deleted.status, 405);
  EXPECT_EQ(deleted.headers.at("Allow"), "GET, HEAD, PUT, OPTIONS");
}

/// A GeoJSON FeatureCollection of the two communes with their shared border at `border` degrees
/// east; `version` (when given) is the copy's tag of 99001.
Json border_edit(double border, const std::string& version = {}) {
  const auto box = [](double west, double east) {
    return Json{{"type", "Polygon"},
                {"coordinates", {{{west, 21.0}, {east, 21.0}, {east, 21.03}, {west, 21.03}, {west, 21.0}}}}};
  };
  Json first = {{"type", "Feature"}, {"properties", {{"code", "99001"}}}, {"geometry", box(105.78, border)}};
  if (!version.empty()) first["properties"]["version"] = version;
  Json second = {{"type", "Feature"}, {"properties", {{"code", "99002"}}}, {"geometry", box(border, 105.82)}};
  return {{"type", "FeatureCollection"}, {"features", {first, second}}};
}

TEST_F(UnitEditsTest, BoundaryEditsAreScopedValidatedAuditedAndRefusedWhenStale) {
  const auto copy = call("GET", "/api/boundaries?layer=communes&year=2020", "district");
  ASSERT_EQ(copy.status, 200) << *copy.body;
  const Json features = json_of(copy).at("features");
  ASSERT_EQ(features.size(), 2u);
  const std::string version = features[0].at("properties").at("version");
  EXPECT_EQ(call("GET", "/api/boundaries?layer=communes&year=2020", "").status, 401);
  EXPECT_EQ(call("GET", "/api/boundaries?layer=communes&year=2020", "viewer").status, 403);

  const auto audit_size = store::open_store(*db_)->audit_entries().size();
  const Json edit = {{"year", 2020}, {"boundaries", border_edit(105.805, version)}};
  EXPECT_EQ(call("POST", "/api/boundaries", "partner", edit.dump()).status, 403);
  const auto outside = call("POST", "/api/boundaries", "commune", edit.dump());  // 99002 is not theirs
  EXPECT_EQ(outside.status, 403);
  EXPECT_NE(json_of(outside).at("error").get<std::string>().find("99002"), std::string::npos);
  // The tiny province's district reaches past its communes: a gap, so errors refuse the edit.
  const auto refused = call("POST", "/api/boundaries", "district", edit.dump());
  EXPECT_EQ(refused.status, 422);
  EXPECT_FALSE(json_of(refused).at("written").get<bool>());
  EXPECT_EQ(store::open_store(*db_)->audit_entries().size(), audit_size);

  Json with_reason = edit;
  with_reason["override_reason"] = "Nghị quyết điều chỉnh địa giới";
  const auto saved = call("POST", "/api/boundaries", "district", with_reason.dump(), {{"X-Anttmap-Client", "qgis"}});
  ASSERT_EQ(saved.status, 200) << *saved.body;
  EXPECT_EQ(json_of(saved).at("changed"), (Json{"99001", "99002"}));
  const auto entries = store::open_store(*db_)->audit_entries();
  EXPECT_EQ(entries.back().user, "huyen.mau");
  EXPECT_EQ(entries.back().tool, "qgis");

  // The same copy again: stale, 409 with the current boundary, nothing written.
  Json again = with_reason;
  again["boundaries"] = border_edit(105.79, version);
  const auto stale = call("POST", "/api/boundaries", "district", again.dump());
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(json_of(stale).at("stale"), Json{"99001"});
  EXPECT_EQ(json_of(stale).at("current").at("features")[0].at("geometry").at("coordinates")[0][0][1][0], 105.805);
  EXPECT_EQ(store::open_store(*db_)->audit_entries().size(), entries.size());
  EXPECT_EQ(call("POST", "/api/boundaries", "district", R"({"year": 2020, "boundaries": 7})").status, 400);
  EXPECT_EQ(call("POST", "/api/boundaries", "district", R"({"year": 2020, "new_version_from": "2021-01-01"})").status,
            400);
}

TEST_F(UnitEditsTest, ADecisionIsAttachedKeptOnCorrectionAndServedToInternalRolesOnly) {
  const std::string pdf = "%PDF-1.4\n% Quyết định công nhận — ỹ ữ ẵ ộ\n" + std::string(5000, 'x') + "\n%%EOF\n";
  const std::string path = "/api/units/99002/status/2020/decision";
  const auto upload = [&](const std::string& who, const std::string& body, const std::string& type) {
    return call("PUT", path, who, body,
                {{"Content-Type", type}, {"X-File-Name", "Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012.pdf"}});
  };
  EXPECT_EQ(call("GET", path, "viewer").status, 404);
  EXPECT_EQ(upload("partner", pdf, "application/pdf").status, 403);
  EXPECT_EQ(upload("commune", pdf, "application/pdf").status, 403);  // 99002 is not theirs
  EXPECT_EQ(upload("district", "<html><script>alert(1)</script></html>", "application/pdf").status, 415);
  EXPECT_EQ(upload("district", pdf, "image/png").status, 415);  // the content says PDF
  EXPECT_EQ(upload("district", pdf, "text/html").status, 415);
  EXPECT_EQ(upload("district", "%PDF-" + std::string(store::kMaxDecisionBytes, 'x'), "application/pdf").status, 413);
  EXPECT_FALSE(store::open_store(*db_)->decision_document("99002", 2020));

  const auto attached = upload("district", pdf, "application/pdf");
  ASSERT_EQ(attached.status, 200) << *attached.body;
  EXPECT_EQ(json_of(attached).at("decision_document").at("file_name"), "Quyết định 12.pdf");
  EXPECT_EQ(json_of(attached).at("decision_document").at("bytes"), pdf.size());
  EXPECT_EQ(store::open_store(*db_)->audit_entries().back().user, "huyen.mau");

  const auto served = call("GET", path, "viewer");
  ASSERT_EQ(served.status, 200);
  EXPECT_EQ(*served.body, pdf);
  EXPECT_EQ(served.content_type, "application/pdf");
  EXPECT_EQ(served.headers.at("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(call("GET", path, "partner").status, 403);
  EXPECT_EQ(call("GET", path, "").status, 401);
  // Partners are not even told a decision is attached.
  EXPECT_FALSE(json_of(call("GET", "/api/units/99002/status/2020", "partner")).contains("decision_document"));

  // A correction of the status keeps the decision.
  const auto corrected = put("/api/units/99002/status/2020", "district",
                             {{"status", "recognised"}, {"decision", "1/QĐ-UBND"}, {"date", "2020-12-20"},
                              {"authority", "UBND huyện"}, {"note", "đính chính"}});
  ASSERT_EQ(corrected.status, 200) << *corrected.body;
  EXPECT_EQ(json_of(corrected).at("decision_document").at("sha256"),
            json_of(attached).at("decision_document").at("sha256"));
  EXPECT_EQ(*call("GET", path, "admin").body, pdf);
}

TEST_F(UnitEditsTest, HotspotsAndClusterMembershipAreWrittenInScopeThroughTheCoresRules) {
  const auto post = [&](const std::string& path, const std::string& who, const Json& body) {
    return call("POST", path, who, body.dump());
  };
  EXPECT_EQ(post("/api/units/99001/hotspot", "partner", {{"from", "2020-03-01"}}).status, 403);
  EXPECT_EQ(post("/api/units/99002/hotspot", "commune", {{"from", "2020-03-01"}}).status, 403);
  EXPECT_EQ(post("/api/units/99001/hotspot", "commune", {{"since", "2020-03-01"}}).status, 400);
  EXPECT_EQ(post("/api/units/99001/hotspot", "commune", {{"from", "2020-02-30"}}).status, 400);
  const auto designated = post("/api/units/99001/hotspot", "commune",
                               {{"from", "2020-03-01"}, {"decision", "5/QĐ-UBND"}, {"note", "Địa bàn phức tạp"}});
  ASSERT_EQ(designated.status, 200) << *designated.body;
  EXPECT_EQ(json_of(designated).at("decision"), "5/QĐ-UBND");
  EXPECT_EQ(store::open_store(*db_)->audit_entries().back().user, "xa.hoa.binh");
  const auto twice = post("/api/units/99001/hotspot", "commune", {{"from", "2020-06-01"}});
  EXPECT_EQ(twice.status, 400);
  EXPECT_NE(json_of(twice).at("error").get<std::string>().find("already a hotspot"), std::string::npos);
  const auto lifted = post("/api/units/99001/hotspot/lift", "commune", {{"on", "2020-09-01"}});
  ASSERT_EQ(lifted.status, 200) << *lifted.body;
  EXPECT_EQ(json_of(lifted).at("valid_to"), "2020-09-01");
  EXPECT_EQ(post("/api/units/99001/hotspot/lift", "commune", {{"on", "2020-10-01"}}).status, 400);
  EXPECT_EQ(store::open_store(*db_)->hotspots().size(), 1u);

  EXPECT_EQ(put("/api/units/99001/clusters/2020", "commune", {{"clusters", {"NO-SUCH"}}}).status, 400);
  EXPECT_EQ(put("/api/units/99002/clusters/2020", "commune", {{"clusters", Json::array()}}).status, 403);
  const auto none = put("/api/units/99001/clusters/2020", "commune", {{"clusters", Json::array()}});
  EXPECT_EQ(none.status, 200) << *none.body;
}

TEST_F(UnitEditsTest, AStatusSheetIsImportedWholeOnlyWhenEveryRowIsInScope) {
  const auto import = [&](const std::string& who, const std::string& sheet, const std::string& type = "text/csv") {
    return call("POST", "/api/statuses/import", who, sheet, {{"Content-Type", type}});
  };
  const std::string mine = "code,year,status,decision,date,authority,note\n"
                           "99001,2016,registered,,,,Đăng ký — ỹ ữ ẵ ộ\n";
  const std::string mixed = mine + "99002,2016,registered,,,,\n";
  const auto rows = history("99001").size() + history("99002").size();
  const auto outside = import("commune", mixed);
  EXPECT_EQ(outside.status, 403) << *outside.body;
  EXPECT_NE(json_of(outside).at("error").get<std::string>().find("99002"), std::string::npos);
  EXPECT_EQ(history("99001").size() + history("99002").size(), rows);  // nothing, not the first row either
  EXPECT_EQ(import("commune", "code,year,status\n99001,20x6,registered\n").status, 400);
  EXPECT_EQ(import("commune", mine, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").status, 415);
  EXPECT_EQ(import("commune", mine, "text/plain").status, 415);
  EXPECT_EQ(import("partner", mine).status, 403);
  const auto imported = import("commune", mine);
  ASSERT_EQ(imported.status, 200) << *imported.body;
  EXPECT_EQ(json_of(imported).at("imported"), 1);
  const auto in_2016 = history("99001");
  const auto row = std::find_if(in_2016.begin(), in_2016.end(), [](const auto& record) { return record.year == 2016; });
  ASSERT_NE(row, in_2016.end());
  EXPECT_EQ(row->note, "Đăng ký — ỹ ữ ẵ ộ");
  EXPECT_EQ(row->recorded_by, "xa.hoa.binh");
}

TEST_F(UnitEditsTest, MeNamesTheCallerAndWhetherItMayEdit) {
  const Json district = json_of(call("GET", "/api/me", "district"));
  EXPECT_EQ(district.at("name"), "huyen.mau");
  EXPECT_EQ(district.at("role"), "editor");
  EXPECT_EQ(district.at("scope"), Json{"990"});
  EXPECT_TRUE(district.at("edits").get<bool>());
  EXPECT_FALSE(json_of(call("GET", "/api/me", "viewer")).at("edits").get<bool>());
  const Json nobody = json_of(call("GET", "/api/me", ""));
  EXPECT_EQ(nobody.at("role"), "public");
  EXPECT_TRUE(nobody.at("name").is_null());
  EXPECT_FALSE(nobody.at("edits").get<bool>());
}

TEST_F(UnitEditsTest, APutOverARealSocketIsReadWrittenAndAnswered) {
  testing::HttpTestClient client(app_->port());
  const std::string body = Json{{"status", "proposed"}, {"authority", "Công an xã Hòa Bình Ngãi"}}.dump();
  const auto answer = client.request("PUT", "/api/units/99001/status/2018",
                                     {{"Content-Type", "application/json; charset=utf-8"},
                                      {"Authorization", "Bearer " + keys_->at("commune")},
                                      {"User-Agent", "Mozilla/5.0 QGIS/32200"}},
                                     body);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(Json::parse(answer.body).at("authority"), "Công an xã Hòa Bình Ngãi");
  EXPECT_EQ(store::open_store(*db_)->audit_entries().back().tool, "qgis");
  // The same connection goes on with a GET.
  const auto shown = client.get("/api/units/99001/status/2018");
  EXPECT_EQ(shown.status, 200);
  EXPECT_EQ(shown.header("ETag"), answer.header("ETag"));
}

TEST_F(UnitEditsTest, IndicatorsAreReadByInternalRolesAndWrittenByEditorsInTheirScope) {
  const Json values = {{"values", {{"propaganda_sessions", 12}, {"resolution_and_plan", "có"}, {"movement_grade", "Khá"}}},
                       {"note", "Báo cáo 6 tháng — ỹ ữ ẵ ộ"}};
  EXPECT_EQ(put("/api/units/99001/indicators/2020", "", values).status, 401);
  EXPECT_EQ(put("/api/units/99001/indicators/2020", "viewer", values).status, 403);
  EXPECT_EQ(put("/api/units/99002/indicators/2020", "commune", values).status, 403);  // outside its scope
  EXPECT_EQ(put("/api/units/99001/indicators/2007", "commune", values).status, 400);  // no such unit then
  EXPECT_EQ(put("/api/units/99001/indicators/2020", "commune", {{"values", {{"pledge_share", "nhiều"}}}}).status, 400);
  EXPECT_EQ(put("/api/units/99001/indicators/2020", "commune", {{"values", {{"nope", 1}}}}).status, 400);
  EXPECT_EQ(put("/api/units/99001/indicators/2020", "commune", {{"values", {{"propaganda_sessions", 1}}}, {"x", 1}}).status,
            400);
  EXPECT_EQ(put("/api/units/990/indicators/2020", "district", {{"values", {{"pledge_share", 50}}}}).status, 400)
      << "a district does not report the pledge share";
  EXPECT_TRUE(store::open_store(*db_)->indicator_history("99001").empty()) << "a refused write wrote nothing";

  const auto written = put("/api/units/99001/indicators/2020", "commune", values);
  ASSERT_EQ(written.status, 200) << *written.body;
  const Json answer = json_of(written);
  ASSERT_EQ(answer.at("indicators").size(), 3u);
  EXPECT_EQ(answer.at("indicators")[0].at("recorded_by"), "xa.hoa.binh");
  EXPECT_EQ(answer.at("indicators")[0].at("note"), "Báo cáo 6 tháng — ỹ ữ ẵ ộ");

  const auto read = call("GET", "/api/units/99001/indicators/2020", "viewer");
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(json_of(read).at("indicators"), answer.at("indicators"));
  EXPECT_EQ(read.headers.at("Cache-Control"), "private, no-store");
  EXPECT_EQ(call("GET", "/api/units/99001/indicators/2020", "partner").status, 403);
  EXPECT_NE(call("GET", "/api/units/99001/indicators/2020", "").status, 200);
  EXPECT_EQ(call("GET", "/api/units/99001/indicators/2020?as_of=2020-01-01", "viewer").status, 200);
  EXPECT_TRUE(json_of(call("GET", "/api/units/99001/indicators/2020?as_of=2020-01-01", "viewer"))
                  .at("indicators").empty()) << "nothing was known in 2020";
  EXPECT_EQ(call("GET", "/api/units/99001/indicators/2020?as_of=hôm qua", "viewer").status, 400);
}

TEST_F(UnitEditsTest, TheIndicatorFormGoesOutAndComesBackWithinTheEditorsScope) {
  EXPECT_EQ(call("GET", "/api/indicators/template?year=2021", "viewer").status, 403);
  EXPECT_EQ(call("GET", "/api/indicators/template?year=2021&within=99002", "commune").status, 403);
  const auto form = call("GET", "/api/indicators/template?year=2021", "commune");  // its one scope unit
  ASSERT_EQ(form.status, 200) << *form.body;
  EXPECT_EQ(form.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const auto path = dir_->file("form-2021.xlsx");
  testing::write_file(path, *form.body);
  auto book = office::read_workbook(path);
  std::vector<office::OutSheet> sheets;
  for (const auto& in : book.sheets) {
    office::OutSheet out;
    out.name = in.name;
    out.rows.resize(in.last_row);
    for (const auto& [place, cell] : in.cells) {
      auto& row = out.rows[place.first - 1];
      row.resize(std::max<std::size_t>(row.size(), place.second));
      row[place.second - 1] = cell.type == office::InCell::Type::number ? office::OutCell{"", cell.number, false}
                                                                        : office::OutCell{cell.text};
    }
    sheets.push_back(std::move(out));
  }
  auto& sessions = *std::find_if(sheets.begin(), sheets.end(), [](const auto& sheet) { return sheet.name == "propaganda_sessions"; });
  ASSERT_EQ(sessions.rows.size(), 2u) << "the header and commune 99001 only";
  sessions.rows[1].resize(5);
  sessions.rows[1][4] = office::OutCell{"7"};
  office::write_workbook(sheets, path);
  const std::string filled = testing::read_file(path);
  const std::string type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

  // A row of the neighbouring commune: refused whole, as the editor may not write it.
  sessions.rows.push_back({office::OutCell{"99002"}, {}, {}, {}, office::OutCell{"3"}});
  office::write_workbook(sheets, path);
  const auto outside = call("POST", "/api/indicators/import", "commune", testing::read_file(path), {{"Content-Type", type}});
  EXPECT_EQ(outside.status, 403) << *outside.body;
  sessions.rows.back()[4] = office::OutCell{"ba"};
  office::write_workbook(sheets, path);
  const auto bad = call("POST", "/api/indicators/import", "commune", testing::read_file(path), {{"Content-Type", type}});
  ASSERT_EQ(bad.status, 400) << *bad.body;
  EXPECT_EQ(json_of(bad).at("problems")[0].at("place"), "sheet 'propaganda_sessions', row 3, column E (E3)");
  EXPECT_TRUE(store::open_store(*db_)->indicator_values(2021).empty()) << "nothing was written";
  EXPECT_EQ(call("POST", "/api/indicators/import", "commune", filled, {{"Content-Type", "text/csv"}}).status, 415);

  const auto recorded = call("POST", "/api/indicators/import", "commune", filled, {{"Content-Type", type}});
  ASSERT_EQ(recorded.status, 200) << *recorded.body;
  EXPECT_EQ(json_of(recorded).at("recorded"), 1);
  const auto stored = store::open_store(*db_)->indicator_values(2021);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].number, 7);
  EXPECT_EQ(stored[0].recorded_by, "xa.hoa.binh");
  const auto csv = call("POST", "/api/indicators/import?year=2021", "district",
                        "ma_don_vi,chi_tieu,gia_tri\n99002,pledge_share,\"92,5\"\n", {{"Content-Type", "text/csv"}});
  ASSERT_EQ(csv.status, 200) << *csv.body;
  EXPECT_EQ(json_of(csv).at("recorded"), 1);
}

TEST_F(UnitEditsTest, LineageChangesAreRecordedByEditorsInScopeAndRefusedWithNothingWritten) {
  // Dated 2030 so the 2020 units the other tests use stay as they are.
  const Json merge = {{"kind", "merge"}, {"from", {"99001", "99002"}}, {"date", "2030-01-01"},
                      {"decision", "99/NQ-UBTVQH15"}, {"into", {{"code", "99001"}, {"name", "Xã Hòa Bình Ngãi Mới"}}}};
  auto post = [&](const std::string& who, const Json& body) { return call("POST", "/api/lineage", who, body.dump()); };
  const auto audited = [] {
    auto store = store::open_store(*db_);
    return store->audit_entries().size();
  };
  const auto before = audited();
  EXPECT_EQ(post("", merge).status, 401);
  EXPECT_EQ(post("viewer", merge).status, 403);
  EXPECT_EQ(post("partner", merge).status, 403);
  // A commune editor may not end the neighbouring commune.
  const auto outside = post("commune", merge);
  EXPECT_EQ(outside.status, 403);
  EXPECT_NE(json_of(outside)["error"].get<std::string>().find("99002"), std::string::npos);
  // Bad bodies: 400 with the reason.
  Json no_decision = merge;
  no_decision.erase("decision");
  EXPECT_EQ(post("district", no_decision).status, 400);
  Json bad_kind = merge;
  bad_kind["kind"] = "annex";
  EXPECT_EQ(post("district", bad_kind).status, 400);
  Json bad_date = merge;
  bad_date["date"] = "01/01/2030";
  EXPECT_EQ(post("district", bad_date).status, 400);
  Json unknown = merge;
  unknown["from"] = {"99001", "99999"};
  const auto unknown_answer = post("district", unknown);
  EXPECT_EQ(unknown_answer.status, 400);
  EXPECT_NE(json_of(unknown_answer)["error"].get<std::string>().find("99999"), std::string::npos);
  EXPECT_EQ(call("POST", "/api/lineage", "district", "{not json").status, 400);
  EXPECT_EQ(audited(), before);

  // The district editor merges its two communes: one event, audited as the key's account.
  const auto merged = post("district", merge);
  ASSERT_EQ(merged.status, 200) << *merged.body;
  const auto result = json_of(merged);
  EXPECT_EQ(result["kind"], "merge");
  EXPECT_EQ(result["opened"], Json::array({"99001"}));
  auto store = store::open_store(*db_);
  const auto after = store->unit_at("99001", "2030-06-01", false);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->name, "Xã Hòa Bình Ngãi Mới");
  EXPECT_FALSE(store->unit_at("99002", "2030-06-01", false).has_value());
  EXPECT_TRUE(store->unit_at("99002", "2029-12-31", false).has_value());
  const auto audit = store->audit_entries();
  ASSERT_GT(audit.size(), before);
  for (std::size_t i = before; i < audit.size(); ++i) EXPECT_EQ(audit[i].user, "huyen.mau") << audit[i].table_name;
  const auto lineage = json_of(call("GET", "/api/units/99002/lineage", "viewer"));
  EXPECT_EQ(lineage["after"][0]["code"], "99001");

  // A split takes its new units as GeoJSON; the admin renames one of them afterwards.
  const Json split = {{"kind", "split"}, {"from", {"99001"}}, {"date", "2031-01-01"}, {"decision", "7/NQ-UBTVQH15"},
                      {"units", {{"type", "FeatureCollection"}, {"features", {
                          {{"type", "Feature"}, {"properties", {{"code", "99011"}, {"name", "Xã Tây — ỹ ữ ẵ ộ"},
                                                                {"parent_code", "990"}, {"subtype", "xa"}}},
                           {"geometry", {{"type", "Polygon"}, {"coordinates", {{{105.78, 21.0}, {105.80, 21.0},
                                                                                 {105.80, 21.03}, {105.78, 21.03},
                                                                                 {105.78, 21.0}}}}}}},
                          {{"type", "Feature"}, {"properties", {{"code", "99012"}, {"name", "Xã Đông"},
                                                                {"parent_code", "990"}, {"subtype", "xa"}}},
                           {"geometry", {{"type", "Polygon"}, {"coordinates", {{{105.80, 21.0}, {105.82, 21.0},
                                                                                 {105.82, 21.03}, {105.80, 21.03},
                                                                                 {105.80, 21.0}}}}}}}}}}}};
  const auto made = post("district", split);
  ASSERT_EQ(made.status, 200) << *made.body;
  EXPECT_EQ(json_of(made)["opened"].size(), 2u);
  EXPECT_EQ(store->unit_at("99011", "2031-06-01", false)->name, "Xã Tây — ỹ ữ ẵ ộ");
  const auto renamed = post("admin", {{"kind", "rename"}, {"from", {"99012"}}, {"date", "2032-01-01"},
                                      {"decision", "1/QĐ"}, {"name", "Xã Đông Hòa"}});
  ASSERT_EQ(renamed.status, 200) << *renamed.body;
  EXPECT_EQ(store->unit_at("99012", "2032-06-01", false)->name, "Xã Đông Hòa");
}

}  // namespace
}  // namespace antt::serve
