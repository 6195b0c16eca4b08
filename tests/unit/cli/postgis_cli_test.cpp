// The CLI on a PostGIS store (`--db postgresql://…`), in-process against the tests' throwaway
// PostgreSQL cluster: init, copy either way, and the same answers as from the SpatiaLite file it was
// copied from (statistics of 2015, 2020 and 2026, validation, exports, the audit's account).
#include <nlohmann/json.hpp>

#include "antt/store/store.hpp"
#include "test_support.hpp"

namespace antt::testing {
namespace {

using Json = nlohmann::json;

class PostgisCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ANTT_REQUIRE_POSTGRES(cluster);
    database = std::make_unique<TempPostgisDatabase>(*cluster);
    pg = database->location();
  }

  TempDir dir;
  std::unique_ptr<TempPostgisDatabase> database;
  std::string pg;
};

TEST_F(PostgisCliTest, InitMakesAnEmptyDatabaseAStoreOnceAndHidesThePassword) {
  auto made = run_anttmap({"--db", pg, "--json", "init"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto json = Json::parse(made.out);
  EXPECT_TRUE(json["created"].get<bool>());
  EXPECT_EQ(json["schema_version"], store::latest_schema_version());
  auto again = run_anttmap({"--db", pg, "--json", "init"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_FALSE(Json::parse(again.out)["created"].get<bool>());

  // A password in the URI is never printed back.
  const std::string with_password = "postgresql://anttmap:bi-mat-2026@/khong_co_csdl?host=/nonexistent";
  auto refused = run_anttmap({"--db", with_password, "init"});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_EQ(refused.err.find("bi-mat-2026"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("***"), std::string::npos) << refused.err;
}

TEST_F(PostgisCliTest, TheSampleCopiedIntoPostgisGivesTheSameAnswersAndComesBackWhole) {
  const std::string file = dir.file("sample.sqlite");
  copy_sample_store(file);
  auto copied = run_anttmap({"--json", "copy", "--from", file, "--to", pg});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  const auto summary = Json::parse(copied.out);
  EXPECT_GT(summary["tables"]["unit"].get<int>(), 3000);
  EXPECT_GT(summary["tables"]["audit_log"].get<int>(), 10000);

  for (const std::string year : {"2015", "2020", "2026"}) {
    auto from_file = run_anttmap({"--db", file, "--json", "stats", "--year", year});
    auto from_postgis = run_anttmap({"--db", pg, "--json", "stats", "--year", year});
    ASSERT_EQ(from_postgis.exit_code, 0) << from_postgis.err;
    EXPECT_EQ(Json::parse(from_file.out), Json::parse(from_postgis.out)) << year;
  }
  auto validated = run_anttmap({"--db", pg, "--json", "validate", "--date", "2020-06-01"});
  auto validated_file = run_anttmap({"--db", file, "--json", "validate", "--date", "2020-06-01"});
  EXPECT_EQ(validated.exit_code, validated_file.exit_code) << validated.err;
  EXPECT_EQ(Json::parse(validated.out)["findings"], Json::parse(validated_file.out)["findings"]);
  // The same file name in two folders: GeoJSON names its collection after the file.
  std::filesystem::create_directories(dir.path() / "pg");
  const std::string exported = dir.file("pg/communes.geojson"), exported_file = dir.file("communes.geojson");
  ASSERT_EQ(run_anttmap({"--db", pg, "export", exported, "--kind", "commune", "--year", "2015"}).exit_code, 0);
  ASSERT_EQ(run_anttmap({"--db", file, "export", exported_file, "--kind", "commune", "--year", "2015"}).exit_code, 0);
  EXPECT_TRUE(read_file(exported) == read_file(exported_file)) << "the exports differ";

  // A write through the CLI is audited as the OS account, as on SpatiaLite.
  auto set = run_anttmap({"--db", pg, "status", "set", "04792", "--year", "2026", "--status", "proposed"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  auto audit = Json::parse(run_anttmap({"--db", pg, "--json", "audit", "--limit", "1"}).out);
  ASSERT_EQ(audit["entries"].size(), 1u);
  EXPECT_EQ(audit["entries"][0]["user"], os_account_name());
  EXPECT_EQ(audit["entries"][0]["table"], "unit_status");

  // Into a store that holds anything: refused, nothing written.
  auto again = run_anttmap({"copy", "--from", file, "--to", pg});
  EXPECT_EQ(again.exit_code, 3);
  EXPECT_NE(again.err.find("already holds data"), std::string::npos) << again.err;
  EXPECT_EQ(Json::parse(run_anttmap({"--db", pg, "--json", "audit", "--limit", "1"}).out)["entries"][0]["id"],
            audit["entries"][0]["id"]);

  // And back to a new file, with the write just made.
  const std::string back = dir.file("back.sqlite");
  auto returned = run_anttmap({"copy", "--from", pg, "--to", back});
  ASSERT_EQ(returned.exit_code, 0) << returned.err;
  auto shown = run_anttmap({"--db", back, "--json", "status", "show", "04792"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("proposed"), std::string::npos);
  auto restore = run_anttmap({"--db", pg, "restore", back, "--force"});
  EXPECT_EQ(restore.exit_code, 2);
  EXPECT_NE(restore.err.find("anttmap copy"), std::string::npos) << restore.err;
}

TEST_F(PostgisCliTest, CopyNeedsBothEndsAndTwoDifferentStores) {
  EXPECT_EQ(run_anttmap({"copy", "--from", pg}).exit_code, 2);
  EXPECT_EQ(run_anttmap({"copy", "--from", pg, "--to", pg}).exit_code, 2);
  auto missing = run_anttmap({"copy", "--from", dir.file("none.sqlite"), "--to", pg});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("init"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace antt::testing
