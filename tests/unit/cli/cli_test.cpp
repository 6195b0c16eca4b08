// The CLI run in-process: spellings the acceptance checks use, exit codes and JSON shapes.
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace antt::testing {
namespace {

class CliTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::string db = dir.store("cli.sqlite");

  CliResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db});
    return run_anttmap(args);
  }
};

TEST_F(CliTest, HelpListsCommandsAndExitCodes) {
  auto result = run_anttmap({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* word : {"init", "sample", "import", "status", "stats", "validate", "export", "Exit codes"})
    EXPECT_NE(result.out.find(word), std::string::npos) << word;
  for (const char* command : {"init", "sample", "import", "status", "stats", "validate", "export", "backup"}) {
    auto help = run_anttmap({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Usage: anttmap"), std::string::npos) << command;
  }
}

TEST_F(CliTest, UnknownCommandAndOptionAreUsageErrors) {
  EXPECT_EQ(run({"frobnicate"}).exit_code, 2);
  auto result = run({"init", "--frob"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--frob"), std::string::npos);
}

TEST_F(CliTest, CommandsOnAMissingStoreSayHowToInit) {
  auto result = run({"stats", "--year", "2015"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("init"), std::string::npos);
}

TEST_F(CliTest, StatusSetNeedsDecisionForRecognisedAndRecordsTheUser) {
  copy_sample_store(db);
  auto refused = run({"status", "set", "04792", "--year", "2020", "--status", "recognised"});
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("--decision"), std::string::npos);
  auto accepted = run({"status", "set", "04792", "--year", "2020", "--status", "recognised", "--decision",
                       "99/QĐ-UBND", "--date", "2020-12-28", "--authority", "UBND thành phố Hòa Bình", "--json"});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  auto json = nlohmann::json::parse(accepted.out);
  EXPECT_EQ(json["status"], "recognised");
  EXPECT_EQ(json["recorded_by"], os_account_name());
  auto audit = nlohmann::json::parse(run({"audit", "--table", "unit_status", "--limit", "1", "--json"}).out);
  EXPECT_EQ(audit["entries"][0]["user"], os_account_name());
  EXPECT_EQ(audit["entries"][0]["tool"], "anttmap status");
}

TEST_F(CliTest, StatsJsonOfTheSampleHasProvinceAndDistricts) {
  copy_sample_store(db);
  auto result = run({"stats", "--year", "2015", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["year"], 2015);
  EXPECT_EQ(json["province"]["code"], "17");
  EXPECT_EQ(json["districts"].size(), 11u);  // 2015: eleven districts, Kỳ Sơn still among them
  auto year2020 = nlohmann::json::parse(run({"stats", "--year", "2020", "--json"}).out);
  EXPECT_EQ(year2020["districts"].size(), 10u);
  for (const auto& district : json["districts"]) {
    EXPECT_TRUE(district.contains("code"));
    EXPECT_TRUE(district.contains("name"));
    EXPECT_TRUE(district.contains("share_recognised"));
  }
}

TEST_F(CliTest, SampleValidatesWithoutErrors) {
  copy_sample_store(db);
  for (const char* year : {"2015", "2020"}) {
    auto result = run({"validate", "--year", year, "--json"});
    auto json = nlohmann::json::parse(result.out);
    EXPECT_EQ(result.exit_code, 0) << json.dump(1).substr(0, 2000);
    EXPECT_TRUE(json.contains("findings"));
  }
}

TEST_F(CliTest, StatusImportIsAllOrNothing) {
  copy_sample_store(db);
  std::string csv = dir.file("statuses.csv");
  write_file(csv,
             "code,year,status,decision,date,authority,note\n"
             "04792,2021,registered,,,,\n"
             "04795,2021,recognised,,,,missing decision\n");
  auto before = run({"status", "show", "04792", "--json"}).out;
  auto refused = run({"status", "import", csv});
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("04795"), std::string::npos);
  EXPECT_EQ(run({"status", "show", "04792", "--json"}).out, before);
  write_file(csv,
             "code,year,status,decision,date,authority,note\n"
             "04792,2021,registered,,,,\n"
             "04795,2021,recognised,12/QĐ-UBND,2021-12-20,UBND thành phố Hòa Bình,Đạt chuẩn\n");
  auto accepted = run({"status", "import", csv, "--json"});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_EQ(nlohmann::json::parse(accepted.out)["imported"], 2);
}

TEST_F(CliTest, ExportAndImportSpellingsOfTheAcceptanceChecks) {
  copy_sample_store(db);
  std::string communes = dir.file("communes.geojson");
  auto exported = run({"export", communes, "--kind", "commune", "--year", "2015", "--json"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  // 210 Hòa Bình communes of 2015 and the 13 neighbouring-province communes that clusters reach.
  EXPECT_EQ(nlohmann::json::parse(exported.out)["features"], 223);
  auto geojson = nlohmann::json::parse(read_file(communes));
  const auto& properties = geojson["features"][0]["properties"];
  for (const char* field : {"code", "name", "kind", "parent_code", "status"})
    EXPECT_TRUE(properties.contains(field)) << field;

  // A full date: on 2020-01-01 the 2020 communes are in force (151 + 13 neighbours).
  auto on_new_year = run({"export", dir.file("c2020.geojson"), "--kind", "commune", "--date", "2020-01-01", "--json"});
  ASSERT_EQ(on_new_year.exit_code, 0) << on_new_year.err;
  EXPECT_EQ(nlohmann::json::parse(on_new_year.out)["features"], 164);

  std::string clusters = dir.file("clusters.gpkg");
  ASSERT_EQ(run({"export", clusters, "--kind", "cluster", "--year", "2018"}).exit_code, 0);

  // Into a fresh store: districts first (their parent province travels in the same file kind order).
  std::string fresh = dir.store("fresh.sqlite");
  ASSERT_EQ(run_anttmap({"--db", fresh, "init"}).exit_code, 0);
  for (const char* kind : {"province", "district", "commune"}) {
    std::string file = dir.file(std::string(kind) + ".gpkg");
    ASSERT_EQ(run({"export", file, "--kind", kind, "--year", "2018"}).exit_code, 0);
    auto imported = run_anttmap({"--db", fresh, "import", file, "--kind", kind, "--layer", kind, "--json"});
    ASSERT_EQ(imported.exit_code, 0) << kind << ": " << imported.err;
  }
  // Schools are points and campus polygons: two layers in one GeoPackage, imported back together.
  std::string schools = dir.file("schools.gpkg");
  auto exported_schools = run({"export", schools, "--kind", "school", "--year", "2018", "--json"});
  ASSERT_EQ(exported_schools.exit_code, 0) << exported_schools.err;
  auto imported_schools = run_anttmap({"--db", fresh, "import", schools, "--kind", "school", "--json"});
  ASSERT_EQ(imported_schools.exit_code, 0) << imported_schools.err;
  EXPECT_EQ(nlohmann::json::parse(imported_schools.out)["imported"],
            nlohmann::json::parse(exported_schools.out)["features"]);

  auto imported_clusters = run_anttmap({"--db", fresh, "import", clusters, "--kind", "cluster", "--json"});
  ASSERT_EQ(imported_clusters.exit_code, 0) << imported_clusters.err;
  EXPECT_EQ(nlohmann::json::parse(imported_clusters.out)["cluster_years"], 12);
  auto wrong = run_anttmap({"--db", fresh, "import", clusters, "--kind", "cluster", "--s-srs", "EPSG:9211"});
  EXPECT_EQ(wrong.exit_code, 2);
}

TEST_F(CliTest, BackupAndRestore) {
  ASSERT_EQ(run({"init"}).exit_code, 0);
  std::string backup = dir.file("backup.sqlite");
  EXPECT_EQ(run({"backup", backup}).exit_code, 0);
  EXPECT_EQ(run({"backup", backup}).exit_code, 2);  // exists: needs --force
  EXPECT_EQ(run({"restore", backup}).exit_code, 2);  // replacing needs --force
  if (!tests_use_postgis()) {
    EXPECT_EQ(run({"restore", backup, "--force"}).exit_code, 0);
    return;
  }
  // A PostGIS store is not replaced by a file: the refusal names the command that loads one.
  const auto refused = run({"restore", backup, "--force"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("anttmap copy"), std::string::npos) << refused.err;
  const auto into_new = dir.store("restored.sqlite");
  EXPECT_EQ(run_anttmap({"copy", "--from", backup, "--to", into_new}).exit_code, 0);
}

TEST_F(CliTest, QuietCommandsPrintNothingButTheirErrors) {
  const auto init = run({"--quiet", "init"});
  EXPECT_EQ(init.exit_code, 0) << init.err;
  EXPECT_EQ(init.out, "");
  const auto copied = dir.store("copied.sqlite");
  const auto copy = run_anttmap({"--quiet", "copy", "--from", db, "--to", copied});
  EXPECT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_EQ(copy.out, "");
  const auto backup = run({"--quiet", "backup", dir.file("backup.sqlite")});
  EXPECT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_EQ(backup.out, "");
  // Asked for, JSON still comes; a refusal still says why.
  EXPECT_NE(run({"--quiet", "--json", "init"}).out, "");
  const auto refused = run({"--quiet", "backup", dir.file("backup.sqlite")});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err, "");
}

}  // namespace
}  // namespace antt::testing
