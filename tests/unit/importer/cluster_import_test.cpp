#include "antt/importer/cluster_import.hpp"

#include "antt/core/error.hpp"
#include "antt/text/legacy_encoding.hpp"
#include "antt/text/unicode.hpp"
#include "cluster_fixtures.hpp"

namespace antt::importer {
namespace {

using namespace antt::testing;

constexpr const char* kHeader = "code,name,kind,year,members,standing_unit\n";

// Every tone mark (huyền, sắc, hỏi, ngã, nặng) and ă â đ ê ô ơ ư.
constexpr const char* kBorderName = "Cụm ANTT giáp ranh Đà Bắc – Đồng Lương";
constexpr const char* kLinkedName = "Cụm liên kết Suối Nánh – Ngã Ba Mỹ Hảo";

class ClusterImport : public ClusterStoreFixture {
 protected:
  std::string write_csv(const std::string& rows, const std::string& name = "clusters.csv") {
    write_file(dir.file(name), std::string(kHeader) + rows);
    return dir.file(name);
  }

  /// Expects InputError mentioning every `needle`, and the store's clusters untouched.
  void expect_refused(const std::string& path, const std::vector<std::string>& needles) {
    const auto clusters_before = store->clusters().size();
    const auto years_before = store->years_with_clusters();
    const auto audit_before = store->audit_entries().size();
    try {
      import_clusters(*store, actor, path, ClusterImportOptions{});
      ADD_FAILURE() << "expected InputError";
    } catch (const InputError& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find("nothing was imported"), std::string::npos) << message;
      for (const auto& needle : needles) EXPECT_NE(message.find(needle), std::string::npos) << needle << "\n" << message;
    }
    EXPECT_EQ(store->clusters().size(), clusters_before);
    EXPECT_EQ(store->years_with_clusters(), years_before);
    EXPECT_EQ(store->audit_entries().size(), audit_before);
  }
};

TEST_F(ClusterImport, CsvWithVietnameseNamesAcrossTheProvinceBorder) {
  // One name is written decomposed (NFD), as some Mac and web tools do.
  const std::string nfd_linked =
      "Cu\u0323m lie\u0302n ke\u0302\u0301t Suo\u0302\u0301i Na\u0301nh – Nga\u0303 Ba My\u0303 Ha\u0309o";
  std::string path = write_csv(std::string("CUM-01,") + kBorderName + ",giap_ranh,2019,04831;LG-25-01,04831\n" +
                               "CUM-01," + kBorderName + ",Giáp ranh,2020,\"04831, LG-25-01 04834\",LG-25-01\n" +
                               "CUM-02,\"" + nfd_linked + "\",LIÊN KẾT,2019,04834 04837,\n");
  auto result = import_clusters(*store, actor, path, ClusterImportOptions{});
  EXPECT_EQ(result.clusters, 2);
  EXPECT_EQ(result.new_clusters, 2);
  EXPECT_EQ(result.cluster_years, 3);
  EXPECT_EQ(result.replaced_years, 0);
  EXPECT_EQ(result.encoding_used, "utf-8");

  auto border = cluster("CUM-01");
  ASSERT_TRUE(border);
  EXPECT_EQ(border->name, kBorderName);
  EXPECT_EQ(border->kind, store::ClusterKind::giap_ranh);
  auto linked = cluster("CUM-02");
  ASSERT_TRUE(linked);
  EXPECT_EQ(linked->name, kLinkedName) << "stored as NFC";
  EXPECT_EQ(linked->name, text::to_nfc(nfd_linked));
  EXPECT_EQ(linked->kind, store::ClusterKind::lien_ket);

  auto y2019 = membership("CUM-01", 2019);
  ASSERT_TRUE(y2019);
  EXPECT_EQ(y2019->member_codes, (std::vector<std::string>{"04831", "LG-25-01"}));
  EXPECT_EQ(y2019->standing_unit_code, "04831");
  auto y2020 = membership("CUM-01", 2020);
  ASSERT_TRUE(y2020);
  EXPECT_EQ(y2020->member_codes, (std::vector<std::string>{"04831", "04834", "LG-25-01"}));
  EXPECT_EQ(y2020->standing_unit_code, "LG-25-01") << "the standing unit rotates yearly";
  auto linked_2019 = membership("CUM-02", 2019);
  ASSERT_TRUE(linked_2019);
  EXPECT_EQ(linked_2019->standing_unit_code, "");
  EXPECT_EQ(store->years_with_clusters(), (std::vector<int>{2019, 2020}));

  // Attributed to the actor in the audit log.
  bool audited = false;
  for (const auto& entry : store->audit_entries())
    audited = audited || (entry.table_name == "cluster" && entry.row_key == "CUM-01" && entry.user == "tester");
  EXPECT_TRUE(audited);
}

TEST_F(ClusterImport, Tcvn3DbfTableWithNumericStandingUnit) {
  // A DBF alone, as old desktop software writes it: TCVN3 bytes, no .cpg, short field names,
  // integer columns that drop the leading zero of a GSO code.
  const std::string name = "Cụm ANTT giáp ranh Đà Bắc - Đồng Lương";  // TCVN3 has no en dash
  std::string path = dir.file("cum_antt.dbf");
  write_vector("ESRI Shapefile", path, "",
               {{"CODE"}, {"NAME"}, {"KIND"}, {"YEAR", OFTInteger}, {"MEMBERS"}, {"STAND_UNIT", OFTInteger}},
               {{{"CUM-01", text::encode_from_utf8(name, text::Encoding::tcvn3),
                  text::encode_from_utf8("giáp ranh", text::Encoding::tcvn3), "2019", "04831;04834;LG-25-01", "4834"},
                 ""},
                {{"CUM-02", text::encode_from_utf8("Cụm liên kết Suối Nánh", text::Encoding::tcvn3),
                  text::encode_from_utf8("liên kết", text::Encoding::tcvn3), "2019", "04834;04837", std::nullopt},
                 ""}},
               {"ENCODING="}, wkbNone);
  ASSERT_FALSE(std::filesystem::exists(dir.file("cum_antt.shp")));
  std::filesystem::remove(dir.file("cum_antt.cpg"));

  auto result = import_clusters(*store, actor, path, ClusterImportOptions{});
  EXPECT_EQ(result.encoding_used, "tcvn3");
  EXPECT_EQ(result.cluster_years, 2);
  EXPECT_EQ(cluster("CUM-01")->name, name) << "letter for letter";
  EXPECT_EQ(cluster("CUM-02")->name, "Cụm liên kết Suối Nánh");
  EXPECT_EQ(cluster("CUM-02")->kind, store::ClusterKind::lien_ket);
  auto year = membership("CUM-01", 2019);
  ASSERT_TRUE(year);
  EXPECT_EQ(year->member_codes, (std::vector<std::string>{"04831", "04834", "LG-25-01"}));
  EXPECT_EQ(year->standing_unit_code, "04834") << "leading zero restored";
  bool warned = false;
  for (const auto& warning : result.warnings) warned = warned || warning.find("leading zeros") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST_F(ClusterImport, GeometryOfAVectorSourceIsIgnored) {
  std::string path = dir.file("clusters.geojson");
  write_vector("GeoJSON", path, "EPSG:4326", {{"code"}, {"name"}, {"kind"}, {"year"}, {"members"}},
               {{{"CUM-01", kBorderName, "giap_ranh", "2019", "04831;04834"}, square_wkt(106.5, 21.5, 0.5)}});
  auto result = import_clusters(*store, actor, path, ClusterImportOptions{});
  EXPECT_EQ(result.cluster_years, 1);
  EXPECT_EQ(membership("CUM-01", 2019)->member_codes, (std::vector<std::string>{"04831", "04834"}));
}

struct BadRow {
  const char* name;
  std::string rows;  ///< after a good first row
  std::vector<std::string> needles;
};

class ClusterImportBadRow : public ClusterImport, public ::testing::WithParamInterface<BadRow> {};

TEST_P(ClusterImportBadRow, IsRefusedNamingTheRowAndNothingIsWritten) {
  std::string path = write_csv(std::string("CUM-01,") + kBorderName + ",giap_ranh,2019,04831;04834,04831\n" +
                               GetParam().rows);
  expect_refused(path, GetParam().needles);
}

INSTANTIATE_TEST_SUITE_P(
    Import, ClusterImportBadRow,
    ::testing::Values(
        BadRow{"unknown_member", "CUM-02,Cụm B,giap_ranh,2019,04831;99999,\n",
               {"row 3 (CUM-02, 2019)", "member 99999 is not a unit of the store"}},
        BadRow{"member_not_valid_that_year", "CUM-02,Cụm B,lien_ket,2020,04834;04837,\n",
               {"row 3 (CUM-02, 2020)", "member 04837 is not valid on 2020-12-31", "0001-01-01 … 2020-01-01"}},
        BadRow{"standing_unit_not_a_member", "CUM-02,Cụm B,giap_ranh,2019,04831;04834,LG-25-01\n",
               {"row 3 (CUM-02, 2019)", "standing unit LG-25-01 is not one of its members"}},
        BadRow{"unknown_kind", "CUM-02,Cụm B,liên minh,2019,04831,\n",
               {"row 3 (CUM-02, 2019)", "unknown kind 'liên minh'", "giap_ranh"}},
        BadRow{"duplicate_code_and_year", std::string("CUM-01,") + kBorderName + ",giap_ranh,2019,04831,\n",
               {"cluster CUM-01 has two rows for 2019", "row 2 (CUM-01, 2019)", "row 3 (CUM-01, 2019)"}},
        BadRow{"member_is_a_district", "CUM-02,Cụm B,giap_ranh,2019,04831;150,\n",
               {"row 3 (CUM-02, 2019)", "member 150 'Huyện Đà Bắc' is a district"}},
        BadRow{"no_members_and_bad_year", "CUM-02,Cụm B,giap_ranh,năm 2019,,\n",
               {"'năm 2019' is not a year", "has no members"}},
        BadRow{"one_code_two_names", "CUM-01,Cụm khác,giap_ranh,2020,04831,\n",
               {"row 3 (CUM-01, 2020) calls cluster CUM-01 'Cụm khác'", "but row 2 (CUM-01, 2019) 'Cụm ANTT giáp ranh",
                "a cluster has one name and kind"}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(ClusterImport, EveryProblemOfTheFileIsReportedAtOnce) {
  std::string path = write_csv("CUM-01,Cụm A,giap_ranh,2019,04831;99999,\n"
                               "CUM-02,Cụm B,lien_ket,2020,04837,04831\n"
                               "CUM-03,Cụm C,khac,2019,04831,\n");
  expect_refused(path, {"4 problems", "99999", "04837 is not valid", "standing unit 04831", "unknown kind 'khac'"});
}

TEST_F(ClusterImport, ReplacesAnExistingYearAndLeavesTheOthers) {
  import_clusters(*store, actor,
                  write_csv(std::string("CUM-01,") + kBorderName + ",giap_ranh,2019,04831;04834,04831\n" +
                            "CUM-01," + kBorderName + ",giap_ranh,2020,04831;04834,04834\n"),
                  ClusterImportOptions{});
  const std::int64_t last_audit = store->audit_entries().back().id;

  auto result = import_clusters(
      *store, actor,
      write_csv(std::string("CUM-01,") + kBorderName + ",giáp ranh,2019,04831 04834 LG-25-01,LG-25-01\n", "fix.csv"),
      ClusterImportOptions{});
  EXPECT_EQ(result.clusters, 1);
  EXPECT_EQ(result.new_clusters, 0);
  EXPECT_EQ(result.replaced_years, 1);
  auto y2019 = membership("CUM-01", 2019);
  ASSERT_TRUE(y2019);
  EXPECT_EQ(y2019->member_codes, (std::vector<std::string>{"04831", "04834", "LG-25-01"}));
  EXPECT_EQ(y2019->standing_unit_code, "LG-25-01");
  auto y2020 = membership("CUM-01", 2020);
  ASSERT_TRUE(y2020);
  EXPECT_EQ(y2020->member_codes, (std::vector<std::string>{"04831", "04834"}));
  EXPECT_EQ(y2020->standing_unit_code, "04834");

  // The old standing unit is in the audit log.
  bool old_standing_audited = false;
  for (const auto& entry : store->audit_entries(last_audit))
    if (entry.table_name == "cluster_standing" && entry.operation == "DELETE" && entry.row_key == "CUM-01/2019")
      old_standing_audited = old_standing_audited || entry.before_json.find("04831") != std::string::npos;
  EXPECT_TRUE(old_standing_audited);
}

TEST_F(ClusterImport, AnExistingCodeWithAnotherNameOrKindIsRefused) {
  import_clusters(*store, actor, write_csv(std::string("CUM-01,") + kBorderName + ",giap_ranh,2019,04831,\n"),
                  ClusterImportOptions{});
  expect_refused(write_csv(std::string("CUM-01,") + kBorderName + ",lien_ket,2020,04831,\n", "kind.csv"),
                 {"the store already has cluster CUM-01", "(giap_ranh)", "(lien_ket)"});
  expect_refused(write_csv("CUM-01,Cụm Đà Bắc,giap_ranh,2020,04831,\n", "name.csv"),
                 {"the store already has cluster CUM-01", "'Cụm Đà Bắc'"});
}

TEST_F(ClusterImport, MissingColumnNamesWhatIsThere) {
  write_file(dir.file("short.csv"), "code,name,year,members\nCUM-01,Cụm A,2019,04831\n");
  try {
    import_clusters(*store, actor, dir.file("short.csv"), ClusterImportOptions{});
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("column for the kind"), std::string::npos) << message;
    EXPECT_NE(message.find("the file has: code, name, year, members"), std::string::npos) << message;
  }
  EXPECT_THROW(import_clusters(*store, actor, dir.file("short.csv"), ClusterImportOptions{"klingon", {}}), UsageError);
  EXPECT_TRUE(store->clusters().empty());
}

TEST_F(ClusterImport, ReportsProgressFromZeroToOne) {
  std::vector<double> seen;
  import_clusters(*store, actor, write_csv(std::string("CUM-01,") + kBorderName + ",giap_ranh,2019,04831,\n"),
                  ClusterImportOptions{}, [&](double f) { seen.push_back(f); });
  ASSERT_FALSE(seen.empty());
  EXPECT_DOUBLE_EQ(seen.front(), 0.0);
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

}  // namespace
}  // namespace antt::importer
