// `anttmap user` and `anttmap key`, in-process on a small store: secrets reach the store only as
// hashes, a key is printed once (alone on the last line), every change is audited, and bad input
// changes nothing.

#include <nlohmann/json.hpp>

#include "antt/access/access.hpp"
#include "antt/store/store.hpp"
#include "test_support.hpp"

namespace antt::testing {
namespace {

using Json = nlohmann::json;

class AccessCommandsTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::string db = dir.store("access.sqlite");
  std::string password_file = dir.file("password.txt");

  AccessCommandsTest() {
    auto store = store::open_store(db, true);
    store->write({"setup", "access_commands_test"}, [&] {
      store->insert_unit({0, "17", "Tỉnh Hòa Bình", store::UnitKind::province, "", "", "2008-01-01", std::nullopt,
                          rectangle_wkb(105.0, 20.0, 105.2, 20.1), true});
      store->insert_unit({0, "148", "Huyện Đà Bắc", store::UnitKind::district, "", "17", "2008-01-01", std::nullopt,
                          rectangle_wkb(105.0, 20.0, 105.2, 20.1), true});
    });
    write_file(password_file, "Mật-khẩu đủ dài 2026\n");
  }

  CliResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db});
    return run_anttmap(args);
  }

  /// Every byte of the store, as one string: what a thief of the file (or of the database) would read.
  /// A PostGIS store is read as its full copy in a SpatiaLite file.
  std::string whole_file() {
    if (!store::is_postgis_location(db)) return read_file(db);
    const std::string copy = dir.file("whole-" + std::to_string(++copies) + ".sqlite");
    const auto copied = run_anttmap({"--quiet", "copy", "--from", db, "--to", copy});
    if (copied.exit_code != 0) throw std::runtime_error("cannot copy the store: " + copied.err);
    return read_file(copy);
  }
  int copies = 0;

  std::size_t audit_count() { return store::open_store(db)->audit_entries().size(); }
};

TEST_F(AccessCommandsTest, AKeyIsPrintedOnceAloneOnTheLastLineAndStoredOnlyAsADigest) {
  const auto made = run({"key", "add", "portal-tinh", "--role", "partner"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string out = made.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  const std::string key = out.substr(out.rfind('\n') + 1);
  EXPECT_TRUE(key.starts_with("antt_")) << made.out;
  EXPECT_EQ(key.size(), 5u + 43u);
  EXPECT_EQ(whole_file().find(key), std::string::npos);
  EXPECT_EQ(whole_file().find(key.substr(9)), std::string::npos);  // not even most of it

  auto store = store::open_store(db);
  const auto digests = store->active_api_key_digests();
  ASSERT_EQ(digests.size(), 1u);
  EXPECT_EQ(digests[0].second, access::key_digest(key));
  EXPECT_EQ(digests[0].first.role, "partner");

  const auto json = run({"key", "add", "script", "--role", "viewer", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const std::string second = Json::parse(json.out).at("key");
  EXPECT_NE(second, key);

  const auto listed = run({"key", "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0);
  EXPECT_EQ(listed.out.find(key), std::string::npos);
  EXPECT_EQ(listed.out.find(second), std::string::npos);
  const auto keys = Json::parse(listed.out).at("keys");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].at("prefix"), key.substr(0, 9));
  EXPECT_EQ(keys[0].at("active"), true);
}

TEST_F(AccessCommandsTest, RevokingEndsAKeyAndFreesItsName) {
  ASSERT_EQ(run({"key", "add", "portal", "--role", "partner"}).exit_code, 0);
  EXPECT_NE(run({"key", "add", "portal", "--role", "partner"}).exit_code, 0);  // the name is taken
  ASSERT_EQ(run({"key", "revoke", "portal"}).exit_code, 0);
  EXPECT_TRUE(store::open_store(db)->active_api_key_digests().empty());
  EXPECT_NE(run({"key", "revoke", "portal"}).exit_code, 0);  // nothing active to revoke
  ASSERT_EQ(run({"key", "add", "portal", "--role", "partner"}).exit_code, 0);
  const auto keys = Json::parse(run({"key", "list", "--json"}).out).at("keys");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_FALSE(keys[0].at("revoked_at").is_null());
  EXPECT_TRUE(keys[1].at("revoked_at").is_null());
}

TEST_F(AccessCommandsTest, EditorsNeedAScopeOfKnownUnitsAndOthersHaveNone) {
  const auto before = audit_count();
  EXPECT_EQ(run({"key", "add", "e1", "--role", "editor"}).exit_code, 2);
  EXPECT_EQ(run({"key", "add", "e1", "--role", "editor", "--scope", "999"}).exit_code, 4);
  EXPECT_EQ(run({"key", "add", "e1", "--role", "editor", "--scope", "148,"}).exit_code, 2);
  EXPECT_EQ(run({"key", "add", "v1", "--role", "viewer", "--scope", "148"}).exit_code, 2);
  EXPECT_EQ(run({"key", "add", "x", "--role", "superuser"}).exit_code, 2);
  EXPECT_EQ(run({"key", "add", "tên có dấu", "--role", "viewer"}).exit_code, 2);
  EXPECT_EQ(run({"key", "add", "x"}).exit_code, 2);
  EXPECT_EQ(audit_count(), before);  // nothing written
  const auto made = run({"key", "add", "e1", "--role", "editor", "--scope", "148,17", "--json"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(Json::parse(made.out).at("scope"), (Json{"148", "17"}));
}

TEST_F(AccessCommandsTest, PasswordsAreArgon2idHashesAndCheckable) {
  const auto added = run({"user", "add", "lanh.dao", "--role", "viewer", "--password-file", password_file});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(whole_file().find("Mật-khẩu đủ dài 2026"), std::string::npos);
  auto credentials = store::open_store(db)->account_credentials("lanh.dao");
  ASSERT_TRUE(credentials);
  EXPECT_TRUE(credentials->second.starts_with("$argon2id$")) << credentials->second;
  EXPECT_TRUE(access::verify_password(credentials->second, "Mật-khẩu đủ dài 2026"));
  EXPECT_FALSE(access::verify_password(credentials->second, "Mật-khẩu đủ dài 2025"));

  write_file(password_file, "một mật khẩu mới khác\n");
  ASSERT_EQ(run({"user", "passwd", "lanh.dao", "--password-file", password_file}).exit_code, 0);
  credentials = store::open_store(db)->account_credentials("lanh.dao");
  EXPECT_TRUE(access::verify_password(credentials->second, "một mật khẩu mới khác"));

  ASSERT_EQ(run({"user", "disable", "lanh.dao"}).exit_code, 0);
  const auto listed = Json::parse(run({"user", "list", "--json"}).out).at("accounts");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("disabled"), true);
  EXPECT_FALSE(listed[0].contains("password_hash"));
  EXPECT_EQ(run({"user", "list", "--json"}).out.find("argon2"), std::string::npos);
}

TEST_F(AccessCommandsTest, BadAccountsChangeNothing) {
  const auto before = audit_count();
  write_file(password_file, "short\n");
  EXPECT_EQ(run({"user", "add", "a", "--role", "viewer", "--password-file", password_file}).exit_code, 2);
  write_file(password_file, "long enough password\n");
  EXPECT_EQ(run({"user", "add", "a", "--role", "viewer"}).exit_code, 2);  // no password given (not a terminal)
  EXPECT_EQ(run({"user", "add", "a/b", "--role", "viewer", "--password-file", password_file}).exit_code, 2);
  EXPECT_EQ(run({"user", "passwd", "nobody", "--password-file", password_file}).exit_code, 4);
  EXPECT_EQ(run({"user", "disable", "nobody"}).exit_code, 4);
  EXPECT_EQ(audit_count(), before);
  ASSERT_EQ(run({"user", "add", "a", "--role", "viewer", "--password-file", password_file}).exit_code, 0);
  EXPECT_EQ(run({"user", "add", "a", "--role", "admin", "--password-file", password_file}).exit_code, 4);
}

TEST_F(AccessCommandsTest, AccountAndKeyChangesAreAuditedWithoutSecrets) {
  ASSERT_EQ(run({"user", "add", "can.bo", "--role", "editor", "--scope", "148",
                 "--password-file", password_file})
                .exit_code,
            0);
  ASSERT_EQ(run({"key", "add", "qgis-da-bac", "--role", "editor", "--scope", "148"}).exit_code,
            0);
  ASSERT_EQ(run({"key", "revoke", "qgis-da-bac"}).exit_code, 0);
  const auto audit = store::open_store(db)->audit_entries();
  std::vector<std::string> seen;
  for (const auto& entry : audit) {
    if (entry.table_name != "account" && entry.table_name != "api_key") continue;
    seen.push_back(entry.table_name + " " + entry.operation);
    EXPECT_EQ(entry.user, os_account_name());
    EXPECT_EQ(entry.before_json.find("hash"), std::string::npos);
    EXPECT_EQ(entry.after_json.find("argon2"), std::string::npos);
    EXPECT_EQ(entry.after_json.find("digest"), std::string::npos);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"account INSERT", "api_key INSERT", "api_key UPDATE"}));
  const auto changes = store::open_store(db)->changes_since(0);
  EXPECT_EQ(changes.back().topic, store::ChangeTopic::account);
}

TEST(AccessRoles, RolesMapToTwoDataScopes) {
  EXPECT_EQ(access::data_scope_of(access::Role::everyone), access::DataScope::everyone);
  EXPECT_EQ(access::data_scope_of(access::Role::partner), access::DataScope::everyone);
  EXPECT_EQ(access::data_scope_of(access::Role::viewer), access::DataScope::internal);
  EXPECT_EQ(access::data_scope_of(access::Role::editor), access::DataScope::internal);
  EXPECT_EQ(access::data_scope_of(access::Role::admin), access::DataScope::internal);
  for (const char* name : {"public", "partner", "viewer", "editor", "admin"})
    EXPECT_EQ(access::to_string(*access::parse_role(name)), name);
  EXPECT_FALSE(access::parse_role("Admin"));
  EXPECT_TRUE(access::same_secret("abc", "abc"));
  EXPECT_FALSE(access::same_secret("abc", "abd"));
  EXPECT_FALSE(access::same_secret("abc", "abcd"));
}

}  // namespace
}  // namespace antt::testing
