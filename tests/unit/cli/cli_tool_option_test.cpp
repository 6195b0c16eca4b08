// --tool: a client such as the QGIS plugin names itself in the audit log; the user is the OS account,
// never a typed name.
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace antt::testing {
namespace {

TEST(CliToolOption, StatusSetIsAuditedWithTheGivenToolAndTheOsAccount) {
  TempDir dir;
  const std::string db = dir.store("tool.sqlite");
  copy_sample_store(db);
  auto set = run_anttmap({"--db", db, "--tool", "qgis", "--json", "status", "set", "04792", "--year", "2020",
                          "--status", "proposed"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(nlohmann::json::parse(set.out)["recorded_by"], os_account_name());
  auto audit = nlohmann::json::parse(
      run_anttmap({"--db", db, "--json", "audit", "--table", "unit_status", "--limit", "1"}).out);
  EXPECT_EQ(audit["entries"][0]["user"], os_account_name());
  EXPECT_EQ(audit["entries"][0]["tool"], "qgis");
}

TEST(CliToolOption, WithoutToolTheCommandIsRecorded) {
  TempDir dir;
  const std::string db = dir.store("tool.sqlite");
  copy_sample_store(db);
  ASSERT_EQ(run_anttmap({"--db", db, "status", "set", "04792", "--year", "2020", "--status", "proposed"}).exit_code, 0);
  auto audit = nlohmann::json::parse(
      run_anttmap({"--db", db, "--json", "audit", "--table", "unit_status", "--limit", "1"}).out);
  EXPECT_EQ(audit["entries"][0]["tool"], "anttmap status");
}

TEST(CliToolOption, ATypedUserNameIsRefusedAndNothingIsWritten) {
  TempDir dir;
  const std::string db = dir.store("tool.sqlite");
  copy_sample_store(db);
  const auto before = run_anttmap({"--db", db, "--json", "audit", "--limit", "1"}).out;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--db", db, "--user", "Nguyễn Thị Hoa", "status", "set", "04792", "--year", "2020",
                                 "--status", "proposed"},
        std::vector<std::string>{"--db", db, "status", "set", "04792", "--user=someone", "--year", "2020",
                                 "--status", "proposed"}}) {
    const auto refused = run_anttmap(args);
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("--user is no longer accepted"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find(os_account_name()), std::string::npos) << refused.err;
  }
  EXPECT_EQ(run_anttmap({"--db", db, "--json", "audit", "--limit", "1"}).out, before);
}

}  // namespace
}  // namespace antt::testing
