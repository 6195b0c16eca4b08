// The CLI's commands for what the QGIS plugin reads and writes (unit show/reshape, hotspot, cluster,
// years, layers export), in-process on a small province made with the store API.
#include <gdal.h>
#include <ogr_api.h>

#include <nlohmann/json.hpp>
#include <fstream>
#include <sstream>

#include "antt/geo/ogr.hpp"
#include "antt/store/store.hpp"
#include "test_support.hpp"

namespace antt::testing {
namespace {

using Json = nlohmann::json;


std::string feature(const std::string& code, double west, double south, double east, double north) {
  std::ostringstream out;
  out.precision(12);
  out << R"({"type":"Feature","properties":{"code":")" << code << R"("},"geometry":{"type":"Polygon","coordinates":[[[)"
      << west << "," << south << "],[" << east << "," << south << "],[" << east << "," << north << "],[" << west << ","
      << north << "],[" << west << "," << south << "]]]}}";
  return out.str();
}

/// One district tiled by two communes (105.0-105.1 and 105.1-105.2), a border cluster, a status year.
class RecordsTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::string db = dir.store("records.sqlite");

  RecordsTest() {
    auto store = store::open_store(db, true);
    store->write({"setup", "records_test"}, [&] {
      store->insert_unit({0, "17", "Tỉnh Hòa Bình", store::UnitKind::province, "", "", "2008-01-01", std::nullopt,
                          rectangle_wkb(105.0, 20.0, 105.2, 20.1), true});
      store->insert_unit({0, "148", "Huyện Đà Bắc", store::UnitKind::district, "", "17", "2008-01-01", std::nullopt,
                          rectangle_wkb(105.0, 20.0, 105.2, 20.1), true});
      store->insert_unit({0, "04792", "Xã Tân Hòa", store::UnitKind::commune, "xa", "148", "2008-01-01", std::nullopt,
                          rectangle_wkb(105.0, 20.0, 105.1, 20.1), true});
      store->insert_unit({0, "04795", "Xã Đồng Ruộng", store::UnitKind::commune, "xa", "148", "2008-01-01",
                          std::nullopt, rectangle_wkb(105.1, 20.0, 105.2, 20.1), true});
      store->add_cluster({"CUM-01", "Cụm ANTT giáp ranh Đà Bắc – Mai Châu", store::ClusterKind::giap_ranh});
      for (const char* code : {"04792", "04795"}) {
        store::StatusRecord record;
        record.unit_code = code;
        record.year = 2020;
        record.status = store::StatusValue::registered;
        store->add_status(record);
      }
    });
  }

  CliResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--tool", "qgis", "--json"});
    return run_anttmap(args);
  }

  std::int64_t position() { return store::open_store(db)->change_position(); }
};

TEST_F(RecordsTest, UnitShowGivesTheVersionStatusHotspotAndClusters) {
  const auto shown = run({"unit", "show", "04792", "--year", "2020", "--geometry"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const auto document = Json::parse(shown.out);
  EXPECT_EQ(document["unit"]["name"], "Xã Tân Hòa");
  EXPECT_EQ(document["status"]["status"], "registered");
  EXPECT_TRUE(document["hotspot"].is_null());
  EXPECT_EQ(document["clusters"], Json::array());
  EXPECT_EQ(document["all_clusters"][0]["code"], "CUM-01");
  EXPECT_EQ(document["geometry"]["type"], "MultiPolygon");
  EXPECT_EQ(run({"unit", "show", "04792", "--year", "2005"}).exit_code, 4);
}

TEST_F(RecordsTest, UnitShowGivesTheStatusCriteriaTheUnitFormSendsBack) {
  ASSERT_EQ(run({"status", "set", "04792", "--year", "2020", "--status", "proposed", "--pledge-share", "87.5",
                 "--police-rating", "kha"}).exit_code, 0);
  const auto status = Json::parse(run({"unit", "show", "04792", "--year", "2020"}).out)["status"];
  EXPECT_EQ(status["status"], "proposed");
  EXPECT_EQ(status["pledge_share"], 87.5);
  EXPECT_EQ(status["police_rating"], "kha");
  EXPECT_TRUE(status["resolution_adopted"].is_null());
  EXPECT_TRUE(status["effective_models"].is_null());
}

TEST_F(RecordsTest, AnOverlappingReshapeIsRefusedUnlessAReasonIsGivenAndRecorded) {
  // 04792 reaches into 04795: an overlap between siblings.
  const auto path = dir.file("edit.geojson");
  write_file(path, R"({"type":"FeatureCollection","features":[)" + feature("04792", 105.0, 20.0, 105.15, 20.1) + "]}");
  const auto before = position();
  const auto refused = run({"unit", "reshape", path, "--year", "2020"});
  ASSERT_EQ(refused.exit_code, 6) << refused.err;
  const auto report = Json::parse(refused.out);
  EXPECT_FALSE(report["written"].get<bool>());
  EXPECT_EQ(report["report"]["findings"][0]["problem"], "overlap");
  EXPECT_EQ(position(), before);  // nothing written

  const auto saved = run({"unit", "reshape", path, "--year", "2020", "--override-reason",
                          "Nghị quyết điều chỉnh địa giới chưa số hóa"});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  const auto result = Json::parse(saved.out);
  EXPECT_EQ(result["changed"], Json::array({"04792"}));
  EXPECT_FALSE(result["override"].is_null());
  const auto audit = Json::parse(run({"audit", "--after", std::to_string(before)}).out)["entries"];
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0]["table"], "unit");
  EXPECT_EQ(audit[0]["operation"], "UPDATE");
  EXPECT_EQ(audit[1]["table"], "validation_override");
  for (const auto& entry : audit) {
    EXPECT_EQ(entry["user"], os_account_name());
    EXPECT_EQ(entry["tool"], "qgis");
  }
  EXPECT_EQ(audit[1]["after"]["reason"], "Nghị quyết điều chỉnh địa giới chưa số hóa");
  EXPECT_EQ(audit[1]["after"]["recorded_by"], os_account_name());
  // The override keeps the error findings it was given over (the QGIS plugin's record of why).
  const auto findings = Json::parse(audit[1]["after"]["findings"].get<std::string>());
  ASSERT_EQ(findings.size(), report["report"]["errors"].get<std::size_t>());
  EXPECT_EQ(findings[0]["problem"], "overlap");
  EXPECT_EQ(findings[0]["severity"], "error");

  // The same edit again changes nothing.
  const auto again = Json::parse(run({"unit", "reshape", path, "--year", "2020", "--override-reason", "x"}).out);
  EXPECT_EQ(again["unchanged"], Json::array({"04792"}));
}

TEST_F(RecordsTest, AReshapeCheckedWithTheNeighboursPendingEditIsWrittenAloneAndClean) {
  // The shared boundary moves east: 04792 grows, 04795 shrinks; checked together there is no overlap.
  const auto mine = dir.file("mine.geojson");
  const auto theirs = dir.file("theirs.geojson");
  write_file(mine, R"({"type":"FeatureCollection","features":[)" + feature("04792", 105.0, 20.0, 105.12, 20.1) + "]}");
  write_file(theirs, R"({"type":"FeatureCollection","features":[)" + feature("04795", 105.12, 20.0, 105.2, 20.1) + "]}");
  EXPECT_EQ(run({"unit", "reshape", mine, "--year", "2020"}).exit_code, 6);  // alone it overlaps
  const auto before = position();
  const auto saved = run({"unit", "reshape", mine, "--year", "2020", "--with", theirs});
  ASSERT_EQ(saved.exit_code, 0) << saved.out << saved.err;
  EXPECT_EQ(Json::parse(saved.out)["changed"], Json::array({"04792"}));
  const auto audit = Json::parse(run({"audit", "--after", std::to_string(before)}).out)["entries"];
  ASSERT_EQ(audit.size(), 1u);  // the neighbour's edit was checked, not written, and no override recorded
  EXPECT_EQ(audit[0]["key"].get<std::string>().substr(0, 5), "04792");
}

TEST_F(RecordsTest, HotspotsAreDesignatedOnceAndLifted) {
  const auto designated = run({"hotspot", "designate", "04792", "--from", "2020-03-01", "--decision", "12/QĐ-UBND"});
  ASSERT_EQ(designated.exit_code, 0) << designated.err;
  EXPECT_EQ(run({"hotspot", "designate", "04792", "--from", "2020-06-01"}).exit_code, 4);  // already in force
  EXPECT_EQ(run({"hotspot", "designate", "148", "--from", "2020-06-01"}).exit_code, 4);    // not a commune
  EXPECT_EQ(run({"hotspot", "lift", "04795", "--on", "2020-06-01"}).exit_code, 4);         // none in force
  EXPECT_EQ(Json::parse(run({"unit", "show", "04792", "--year", "2020"}).out)["hotspot"]["decision"], "12/QĐ-UBND");
  ASSERT_EQ(run({"hotspot", "lift", "04792", "--on", "2020-12-01"}).exit_code, 0);
  const auto list = Json::parse(run({"hotspot", "list", "--code", "04792"}).out)["hotspots"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["valid_to"], "2020-12-01");
  EXPECT_TRUE(Json::parse(run({"unit", "show", "04792", "--year", "2020"}).out)["hotspot"].is_null());
}

TEST_F(RecordsTest, ClusterMembershipWritesOnlyWhatChanges) {
  const auto before = position();
  ASSERT_EQ(run({"cluster", "membership", "04792", "--year", "2020", "--clusters", "CUM-01"}).exit_code, 0);
  ASSERT_EQ(run({"cluster", "membership", "04792", "--year", "2020", "--clusters", "CUM-01"}).exit_code, 0);
  EXPECT_EQ(Json::parse(run({"cluster", "list", "--year", "2020"}).out)["clusters"][0]["members"],
            Json::array({"04792"}));
  ASSERT_EQ(run({"cluster", "membership", "04792", "--year", "2020", "--clusters", ""}).exit_code, 0);
  const auto audit = Json::parse(run({"audit", "--after", std::to_string(before)}).out)["entries"];
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0]["operation"], "INSERT");
  EXPECT_EQ(audit[1]["operation"], "DELETE");
  EXPECT_EQ(run({"cluster", "membership", "04792", "--year", "2020", "--clusters", "CUM-99"}).exit_code, 4);
}

TEST_F(RecordsTest, YearsAndLayerExportOfTheYear) {
  const auto years = Json::parse(run({"years"}).out);
  EXPECT_EQ(years["years"], Json::array({2020}));
  EXPECT_EQ(years["default"], 2020);
  const auto path = dir.file("rows-2020.gpkg");
  const auto exported = run({"layers", "export", path, "--year", "2020"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(Json::parse(exported.out)["rows"]["communes"], 2);
  auto dataset = geo::Dataset::open_vector(path);
  OGRLayerH communes = GDALDatasetGetLayerByName(dataset.get(), "communes");
  ASSERT_NE(communes, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(communes, TRUE), 2);
  OGRFeatureH first = OGR_L_GetNextFeature(communes);
  ASSERT_NE(first, nullptr);
  EXPECT_STREQ(OGR_F_GetFieldAsString(first, OGR_F_GetFieldIndex(first, "class")), "registered");
  OGR_F_Destroy(first);
  for (const char* name : {"districts", "villages", "units", "hotspots", "clusters", "models"})
    EXPECT_NE(GDALDatasetGetLayerByName(dataset.get(), name), nullptr) << name;
  EXPECT_EQ(run({"layers", "export", dir.file("rows.txt"), "--year", "2020"}).exit_code, 2);
  EXPECT_EQ(run({"layers", "export", dir.file("two.geojson"), "--year", "2020"}).exit_code, 2);
  EXPECT_EQ(run({"layers", "export", path, "--year", "2020", "--layers", "roads"}).exit_code, 2);
}


TEST_F(RecordsTest, APlanIsSetShownAndMeasuredAgainstAndABadOneChangesNothing) {
  const auto path = dir.file("plan.json");
  auto write = [&](const std::string& text) {
    std::ofstream(path) << text;
  };
  write(R"({"id": "150/KH-UBND", "title": "Kế hoạch giai đoạn 2021-2025", "from_year": 2021, "to_year": 2025,
            "targets": {"recognised": {"percent": 95, "strictly_over": true}}})");
  const auto saved = run({"plan", "set", path});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  const auto listed = Json::parse(run({"plan", "list"}).out)["plans"];
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1]["id"], "150/KH-UBND");
  const auto shown = Json::parse(run({"plan", "show", "--year", "2026"}).out);
  EXPECT_EQ(shown["id"], "150/KH-UBND");
  EXPECT_EQ(shown["in_year"]["plan"]["beyond_its_term"], true);
  EXPECT_EQ(shown["in_year"]["targets"]["recognised"]["text"], "trên 95 %");
  EXPECT_EQ(Json::parse(run({"plan", "show", "--year", "2020"}).out)["id"], "886/QĐ-UBND");
  // 2020's statistics keep the founding plan's target.
  EXPECT_EQ(Json::parse(run({"stats", "--year", "2020"}).out)["target"], 90.0);

  const auto audited = Json::parse(run({"audit", "--limit", "1000"}).out)["entries"].size();
  write(R"({"id": "151/KH-UBND", "title": "x", "from_year": 2026, "to_year": 2030, "targets": {"recognised": 101}})");
  const auto refused = run({"plan", "set", path});
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("targets.recognised: a share must be between 0 and 100"), std::string::npos) << refused.err;
  write("{not json");
  EXPECT_EQ(run({"plan", "set", path}).exit_code, 4);
  EXPECT_EQ(run({"plan", "remove", "886/QĐ-UBND"}).exit_code, 4);
  EXPECT_EQ(Json::parse(run({"audit", "--limit", "1000"}).out)["entries"].size(), audited);
  EXPECT_EQ(run({"plan", "frobnicate"}).exit_code, 2);
  EXPECT_EQ(run({"plan", "remove", "150/KH-UBND"}).exit_code, 0);
  EXPECT_EQ(Json::parse(run({"plan", "list"}).out)["plans"].size(), 1u);
}

}  // namespace
}  // namespace antt::testing
