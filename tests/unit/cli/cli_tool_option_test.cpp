// --tool: a client such as the QGIS plugin names itself in the audit log (the user comes from --user).
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace antt::testing {
namespace {

TEST(CliToolOption, StatusSetIsAuditedWithTheGivenToolAndUser) {
  TempDir dir;
  const std::string db = dir.file("tool.sqlite");
  copy_sample_store(db);
  auto set = run_anttmap({"--db", db, "--user", "Nguyễn Thị Hoa", "--tool", "qgis", "--json", "status", "set",
                          "04792", "--year", "2020", "--status", "proposed"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(nlohmann::json::parse(set.out)["recorded_by"], "Nguyễn Thị Hoa");
  auto audit = nlohmann::json::parse(
      run_anttmap({"--db", db, "--json", "audit", "--table", "unit_status", "--limit", "1"}).out);
  EXPECT_EQ(audit["entries"][0]["user"], "Nguyễn Thị Hoa");
  EXPECT_EQ(audit["entries"][0]["tool"], "qgis");
}

TEST(CliToolOption, WithoutToolTheCommandIsRecorded) {
  TempDir dir;
  const std::string db = dir.file("tool.sqlite");
  copy_sample_store(db);
  ASSERT_EQ(run_anttmap({"--db", db, "status", "set", "04792", "--year", "2020", "--status", "proposed"}).exit_code, 0);
  auto audit = nlohmann::json::parse(
      run_anttmap({"--db", db, "--json", "audit", "--table", "unit_status", "--limit", "1"}).out);
  EXPECT_EQ(audit["entries"][0]["tool"], "anttmap status");
}

}  // namespace
}  // namespace antt::testing
