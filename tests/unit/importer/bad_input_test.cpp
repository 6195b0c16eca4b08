// Bad input: a clear message naming the problem, and nothing written to the store.
#include <random>

#include "antt/core/error.hpp"
#include "antt/importer/importer.hpp"
#include "import_fixtures.hpp"

namespace antt::importer {
namespace {

using namespace antt::testing;

const std::vector<FieldSpec> kFields{{"ma_xa"}, {"ten_xa"}, {"ma_huyen"}};

FeatureSpec commune(const char* code, const char* name, const char* parent = "148", double lon = 105.33,
                    double lat = 20.83) {
  return {{code, name, parent}, square_wkt(lon, lat, 0.004)};
}

class ImportBadInput : public StoreFixture {
 protected:
  /// Runs the import expecting InputError; returns its message; checks nothing was written.
  std::string refused(const std::string& path, const ImportOptions& options = {}) {
    const int before = unit_count();
    const auto audit_before = store->audit_entries().size();
    std::string message;
    try {
      import_units(*store, actor, path, options);
      ADD_FAILURE() << "expected InputError";
    } catch (const InputError& error) {
      message = error.what();
    }
    EXPECT_EQ(unit_count(), before) << "nothing may be written";
    EXPECT_EQ(store->audit_entries().size(), audit_before);
    return message;
  }

  std::string geojson(const std::string& name, const std::vector<FeatureSpec>& features,
                      const std::vector<FieldSpec>& fields = kFields) {
    std::string path = dir.file(name + ".geojson");
    write_vector("GeoJSON", path, "EPSG:4326", fields, features);
    return path;
  }
};

TEST_F(ImportBadInput, CorruptFile) {
  std::string path = dir.file("broken.shp");
  std::mt19937 random(42);
  std::string bytes(4096, '\0');
  for (auto& byte : bytes) byte = static_cast<char>(random());
  write_file(path, bytes);
  std::string message = refused(path);
  EXPECT_NE(message.find("broken.shp"), std::string::npos) << message;
}

TEST_F(ImportBadInput, MissingFile) {
  std::string message = refused(dir.file("nothing.geojson"));
  EXPECT_NE(message.find("no file"), std::string::npos) << message;
}

TEST_F(ImportBadInput, MissingCodeFieldListsTheFields) {
  std::string path = geojson("nocode", {{{"Phường Thái Bình", "148"}, square_wkt(105.33, 20.83)}}, {{"ten_xa"}, {"ma_huyen"}});
  std::string message = refused(path);
  EXPECT_NE(message.find("code"), std::string::npos) << message;
  EXPECT_NE(message.find("--code-field"), std::string::npos) << message;
  EXPECT_NE(message.find("ten_xa, ma_huyen"), std::string::npos) << message;
}

TEST_F(ImportBadInput, UnknownCodeFieldListsTheFields) {
  std::string path = geojson("ok", {commune("04789", "Phường Thái Bình")});
  ImportOptions options;
  options.code_field = "MA_DVHC";
  std::string message = refused(path, options);
  EXPECT_NE(message.find("'MA_DVHC'"), std::string::npos) << message;
  EXPECT_NE(message.find("ma_xa, ten_xa, ma_huyen"), std::string::npos) << message;
}

TEST_F(ImportBadInput, DuplicateCodesNameBothFeatures) {
  std::string path = geojson("dup", {commune("04789", "Phường Thái Bình"), commune("04792", "Phường Tân Hòa", "148", 105.35),
                                     commune("04789", "Phường Hữu Nghị", "148", 105.37)});
  std::string message = refused(path);
  EXPECT_NE(message.find("04789 appears twice"), std::string::npos) << message;
  EXPECT_NE(message.find("feature 1"), std::string::npos) << message;
  EXPECT_NE(message.find("feature 3"), std::string::npos) << message;
  EXPECT_NE(message.find("Phường Hữu Nghị"), std::string::npos) << message;
}

TEST_F(ImportBadInput, MissingParentAndAllOrNothing) {
  // Two good communes and one whose district does not exist: none is imported.
  std::string path = geojson("parent", {commune("04789", "Phường Thái Bình"), commune("04792", "Phường Tân Hòa", "148", 105.35),
                                        commune("09999", "Xã Không Có", "999", 105.37)});
  std::string message = refused(path);
  EXPECT_NE(message.find("parent 999 does not exist"), std::string::npos) << message;
  EXPECT_NE(message.find("09999"), std::string::npos) << message;
  EXPECT_FALSE(store->unit_at("04789", "2020-06-01"));
}

TEST_F(ImportBadInput, ParentMustExistAtValidFrom) {
  store->write(actor, [&] {
    store::UnitVersion late;
    late.code = "160";
    late.name = "Huyện Mới";
    late.kind = store::UnitKind::district;
    late.parent_code = "17";
    late.valid_from = "2020-01-01";
    store->insert_unit(late);
  });
  std::string path = geojson("early", {commune("09998", "Xã Mới", "160")});
  ImportOptions options;
  options.valid_from = "2015-01-01";
  std::string message = refused(path, options);
  EXPECT_NE(message.find("does not exist on 2015-01-01"), std::string::npos) << message;
  options.valid_from = "2020-01-01";
  EXPECT_EQ(import_units(*store, actor, path, options).imported, 1);
}

TEST_F(ImportBadInput, ParentInTheSameFileIsEnough) {
  // An agency whose parent is another agency of the same file, listed after it.
  std::string path = dir.file("agencies.geojson");
  write_vector("GeoJSON", path, "EPSG:4326", {{"ma"}, {"ten"}, {"parent"}},
               {{{"CA-148", "Công an thành phố Hòa Bình", "CA-17"}, "POINT (105.33 20.82)"},
                {{"CA-17", "Công an tỉnh Hòa Bình", "17"}, "POINT (105.34 20.81)"}});
  ImportOptions options;
  options.kind = store::UnitKind::agency;
  EXPECT_EQ(import_units(*store, actor, path, options).imported, 2);
  EXPECT_EQ(store->unit_at("CA-148", "2020-06-01")->parent_code, "CA-17");
  // Provinces have no parent at all.
  std::string provinces = dir.file("provinces.geojson");
  write_vector("GeoJSON", provinces, "EPSG:4326", {{"ma_tinh"}, {"ten_tinh"}},
               {{{"25", "Tỉnh Phú Thọ"}, square_wkt(105.2, 21.3)}});
  options.kind = store::UnitKind::province;
  EXPECT_EQ(import_units(*store, actor, provinces, options).imported, 1);
}

TEST_F(ImportBadInput, OverlappingVersionRefusedThenReplacedWithAudit) {
  std::string first = geojson("v1", {commune("04789", "Phường Thái Bình")});
  ImportOptions options;
  options.valid_from = "2008-08-01";
  ASSERT_EQ(import_units(*store, actor, first, options).imported, 1);

  std::string second = geojson("v2", {commune("04789", "Phường Thái Bình Mới", "148", 105.331)});
  options.valid_from = "2010-01-01";
  std::string message = refused(second, options);
  EXPECT_NE(message.find("04789"), std::string::npos) << message;
  EXPECT_NE(message.find("Phường Thái Bình"), std::string::npos) << message;
  EXPECT_NE(message.find("2008-08-01"), std::string::npos) << message;
  EXPECT_NE(message.find("--replace"), std::string::npos) << message;

  const auto audit_before = store->audit_entries();
  options.replace = true;
  auto result = import_units(*store, actor, second, options);
  EXPECT_EQ(result.imported, 1);
  EXPECT_EQ(result.replaced, 1);
  EXPECT_EQ(store->unit_at("04789", "2012-01-01")->name, "Phường Thái Bình Mới");
  EXPECT_FALSE(store->unit_at("04789", "2009-01-01")) << "the replaced version is gone";
  bool deletion_audited = false;
  for (const auto& entry : store->audit_entries(audit_before.empty() ? 0 : audit_before.back().id))
    if (entry.table_name == "unit" && entry.operation == "DELETE" && entry.user == "tester" &&
        entry.before_json.find("04789") != std::string::npos)
      deletion_audited = true;
  EXPECT_TRUE(deletion_audited);
}

TEST_F(ImportBadInput, WrongGeometryTypeNamesTheFeature) {
  std::string path = dir.file("points.geojson");
  write_vector("GeoJSON", path, "EPSG:4326", kFields,
               {commune("04789", "Phường Thái Bình"), {{"04792", "Phường Tân Hòa", "148"}, "POINT (105.34 20.81)"}});
  std::string message = refused(path);
  EXPECT_NE(message.find("feature 2"), std::string::npos) << message;
  EXPECT_NE(message.find("Point"), std::string::npos) << message;
  EXPECT_NE(message.find("Polygon or MultiPolygon"), std::string::npos) << message;
}

TEST_F(ImportBadInput, MissingGeometryIsRefused) {
  std::string path = dir.file("nogeom.geojson");
  write_vector("GeoJSON", path, "EPSG:4326", kFields, {commune("04789", "Phường Thái Bình"), {{"04792", "Phường Tân Hòa", "148"}, ""}});
  std::string message = refused(path);
  EXPECT_NE(message.find("feature 2"), std::string::npos) << message;
  EXPECT_NE(message.find("no geometry"), std::string::npos) << message;
}

TEST_F(ImportBadInput, BadOptions) {
  std::string path = geojson("ok", {commune("04789", "Phường Thái Bình")});
  ImportOptions options;
  options.encoding = "ebcdic";
  EXPECT_THROW(import_units(*store, actor, path, options), UsageError);
  options = {};
  options.valid_from = "2020-13-01";
  EXPECT_THROW(import_units(*store, actor, path, options), InputError);
  options = {};
  options.valid_from = "2020-01-01";
  options.valid_to = "2019-01-01";
  EXPECT_THROW(import_units(*store, actor, path, options), UsageError);
  options = {};
  options.source_srs = "EPSG:999999";
  EXPECT_THROW(import_units(*store, actor, path, options), CrsError);
  EXPECT_EQ(unit_count(), 7);
}

TEST_F(ImportBadInput, GeographicCrsWithProjectedNumbersIsRefused) {
  // A GeoJSON without a "crs" member is WGS 84 by definition; VN-2000 metres in it are a mistake.
  std::string path = dir.file("metres.geojson");
  write_vector("GeoJSON", path, "", kFields, {{{"04789", "Phường Thái Bình", "148"}, square_wkt_tm3_106(105.33, 20.83)}});
  const int before = unit_count();
  try {
    import_units(*store, actor, path, ImportOptions{});
    FAIL() << "expected CrsError";
  } catch (const CrsError& error) {
    EXPECT_NE(std::string(error.what()).find("EPSG:9211"), std::string::npos) << error.what();
  }
  EXPECT_EQ(unit_count(), before);
}

}  // namespace
}  // namespace antt::importer
