// The key acceptance test: a Shapefile as old Vietnamese desktop GIS left it — VN-2000 TM-3 106°
// coordinates, an ESRI .prj, TCVN3 attributes, no .cpg — imported with default options.
#include <fstream>
#include <iostream>

#include "antt/core/error.hpp"
#include "antt/importer/importer.hpp"
#include "antt/text/legacy_encoding.hpp"
#include "antt/text/unicode.hpp"
#include "import_fixtures.hpp"

namespace antt::importer {
namespace {

using namespace antt::testing;
using text::Encoding;

struct Commune {
  const char* code;
  const char* name;  ///< every tone mark, ư ơ ă â ê ô đ Đ Â, each name ending in a letter
  const char* parent;
  const char* subtype;
  double lon, lat;
};

const std::vector<Commune> kCommunes = {
    {"04804", "Phường Đồng Tiến", "148", "phuong", 105.337, 20.815},
    {"04897", "Xã Hợp Thịnh", "151", "xa", 105.430, 20.930},
    {"04999", "Xã Tú Sơn", "153", "xa", 105.550, 20.700},
    {"05077", "Xã Cuối Hạ", "153", "xa", 105.620, 20.550},
    {"05128", "Thị trấn Mường Khến", "155", "thi_tran", 105.270, 20.620},
    {"05164", "Xã Tử Nê", "155", "xa", 105.240, 20.560},
    {"05170", "Xã Ngọc Mỹ", "155", "xa", 105.290, 20.500},
    {"05299", "Xã Phúc Tuy", "157", "xa", 105.400, 20.300},
    {"05347", "Xã Ân Nghĩa", "157", "xa", 105.520, 20.450},
};

/// Writes communes.shp in VN-2000 TM-3 106° with attributes in `encoding` (raw bytes, no .cpg) and
/// the given .prj text ("" = no .prj).
std::string write_legacy_shapefile(const TempDir& dir, Encoding encoding, const std::string& prj,
                                   const std::string& name = "communes") {
  std::string path = dir.file(name + ".shp");
  std::vector<FeatureSpec> features;
  for (const auto& c : kCommunes)
    features.push_back({{c.code, text::encode_from_utf8(c.name, encoding), c.parent}, square_wkt_tm3_106(c.lon, c.lat, 0.005)});
  write_vector("ESRI Shapefile", path, "", {{"MA_XA"}, {"TEN_XA"}, {"MA_HUYEN"}}, features, {"ENCODING="}, wkbPolygon);
  std::filesystem::remove(dir.file(name + ".cpg"));
  if (!prj.empty()) write_file(dir.file(name + ".prj"), prj);
  return path;
}

class ImportLegacyShapefile : public StoreFixture {
 protected:
  void expect_communes_imported(const ImportResult& result) {
    EXPECT_EQ(result.imported, static_cast<int>(kCommunes.size()));
    for (const auto& c : kCommunes) {
      auto unit = store->unit_at(c.code, "2015-01-01");
      ASSERT_TRUE(unit) << c.code;
      EXPECT_EQ(unit->name, c.name) << "letter for letter";
      EXPECT_EQ(unit->name, text::to_nfc(unit->name)) << "stored as NFC";
      EXPECT_EQ(unit->subtype, c.subtype) << c.name;
      EXPECT_EQ(unit->parent_code, c.parent);
      EXPECT_EQ(unit->kind, store::UnitKind::commune);
      EXPECT_GEOM_EQ(square_wkt(c.lon, c.lat, 0.005), wkt_of(*unit), kOneMetreInDegrees);
    }
  }
};

class ImportLegacyShapefilePrj : public ImportLegacyShapefile,
                                 public ::testing::WithParamInterface<std::pair<const char*, std::string>> {};

TEST_P(ImportLegacyShapefilePrj, Tcvn3NamesLetterForLetterAndPositionsWithinOneMetre) {
  std::string path = write_legacy_shapefile(dir, Encoding::tcvn3, GetParam().second);
  ImportOptions options;
  options.kind = store::UnitKind::commune;
  auto result = import_units(*store, actor, path, options);
  EXPECT_EQ(result.encoding_used, "tcvn3");
  EXPECT_NE(result.source_crs.find("QĐ 05/2007"), std::string::npos) << result.source_crs;
  expect_communes_imported(result);
}

INSTANTIATE_TEST_SUITE_P(
    Import, ImportLegacyShapefilePrj,
    ::testing::Values(std::pair{"esri_wkt_of_epsg_9211", esri_wkt("EPSG:9211")},
                      std::pair{"hand_written_D_Vietnam_2000", hoa_binh_prj()},
                      // A datum name PROJ does not know: without the attached parameters it would be ~225 m off.
                      std::pair{"unknown_vn2000_datum_name", hoa_binh_prj("D_VN2000_Hoa_Binh", "GCS_VN2000_Hoa_Binh")}),
    [](const auto& info) { return std::string(info.param.first); });

TEST_F(ImportLegacyShapefile, ReportsProgressFromZeroToOne) {
  std::string path = write_legacy_shapefile(dir, Encoding::tcvn3, hoa_binh_prj());
  std::vector<double> seen;
  import_units(*store, actor, path, ImportOptions{}, [&](double f) { seen.push_back(f); });
  ASSERT_FALSE(seen.empty());
  EXPECT_DOUBLE_EQ(seen.front(), 0.0);
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

TEST_F(ImportLegacyShapefile, NoCrsIsRefusedAndNothingWrittenUntilSsrsNamesIt) {
  std::string path = write_legacy_shapefile(dir, Encoding::tcvn3, "");
  const int before = unit_count();
  try {
    import_units(*store, actor, path, ImportOptions{});
    FAIL() << "expected CrsError";
  } catch (const CrsError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("no coordinate reference system"), std::string::npos) << message;
    EXPECT_NE(message.find("--s-srs EPSG:9211"), std::string::npos) << message;
  }
  EXPECT_EQ(unit_count(), before);

  ImportOptions options;
  options.source_srs = "EPSG:9211";
  auto result = import_units(*store, actor, path, options);
  EXPECT_NE(result.source_crs.find("EPSG:9211"), std::string::npos) << result.source_crs;
  expect_communes_imported(result);
}

TEST_F(ImportLegacyShapefile, TmZoneWithADatumThatIsNotVn2000IsRefusedWithAHint) {
  for (const auto& datum : {std::string("D_WGS_1984"), std::string("D_unknown")}) {
    std::string path = write_legacy_shapefile(
        dir, Encoding::tcvn3, hoa_binh_prj(datum, datum == "D_WGS_1984" ? "GCS_WGS_1984" : "GCS_unknown", "Transverse_Mercator"),
        "communes_" + datum);
    const int before = unit_count();
    try {
      import_units(*store, actor, path, ImportOptions{});
      FAIL() << "expected CrsError for datum " << datum;
    } catch (const CrsError& error) {
      std::string message = error.what();
      EXPECT_NE(message.find("225 m"), std::string::npos) << message;
      EXPECT_NE(message.find("--s-srs EPSG:9211"), std::string::npos) << message;
      EXPECT_NE(message.find("not VN-2000"), std::string::npos) << message;
    }
    EXPECT_EQ(unit_count(), before);
  }
  // The hint works.
  std::string path = dir.file("communes_D_WGS_1984.shp");
  ImportOptions options;
  options.source_srs = "EPSG:9211";
  auto result = import_units(*store, actor, path, options);
  ASSERT_FALSE(result.warnings.empty());
  EXPECT_NE(result.warnings.front().find("is used instead"), std::string::npos) << result.warnings.front();
  expect_communes_imported(result);
}

TEST_F(ImportLegacyShapefile, ProducersOwnTowgs84IsKeptWithAWarning) {
  // QĐ 05's rotation signs copied literally into TOWGS84: a common mistake, ~0.75 m in Hòa Bình.
  // (A Shapefile keeps such a .prj as it is; GeoPackage would store EPSG:9211 and drop TOWGS84.)
  const std::string prj =
      "PROJCS[\"VN-2000 Hoa Binh\",GEOGCS[\"VN-2000\",DATUM[\"Vietnam_2000\",SPHEROID[\"WGS 84\",6378137,298.257223563],"
      "TOWGS84[-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278]],"
      "PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
      "PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",106],PARAMETER[\"scale_factor\",0.9999],"
      "PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]";
  std::string path = write_legacy_shapefile(dir, Encoding::tcvn3, prj, "literal");
  const Commune& c = kCommunes[0];
  auto result = import_units(*store, actor, path, ImportOptions{});
  bool warned = false;
  for (const auto& warning : result.warnings) warned = warned || warning.find("0.75 m") != std::string::npos;
  EXPECT_TRUE(warned);
  EXPECT_NE(result.source_crs.find("datum shift from the file"), std::string::npos) << result.source_crs;
  auto [lon, lat] = centroid_of(*store->unit_at(c.code, "2015-01-01"));
  double offset = metres_between(c.lon, c.lat, lon, lat);
  std::cout << "[ measured ] literal-sign +towgs84 moves the commune by " << offset << " m\n";
  EXPECT_GT(offset, 0.3);
  EXPECT_LT(offset, 1.5);
}

class ImportLegacyEncodings : public ImportLegacyShapefile,
                              public ::testing::WithParamInterface<std::pair<Encoding, const char*>> {};

TEST_P(ImportLegacyEncodings, DetectedAutomatically) {
  auto [encoding, name] = GetParam();
  std::string path = write_legacy_shapefile(dir, encoding, hoa_binh_prj());
  auto result = import_units(*store, actor, path, ImportOptions{});
  EXPECT_EQ(result.encoding_used, name);
  expect_communes_imported(result);
}

TEST_P(ImportLegacyEncodings, GivenWithEncodingOption) {
  auto [encoding, name] = GetParam();
  std::string path = write_legacy_shapefile(dir, encoding, hoa_binh_prj());
  ImportOptions options;
  options.encoding = name;
  auto result = import_units(*store, actor, path, options);
  EXPECT_EQ(result.encoding_used, name);
  expect_communes_imported(result);
}

INSTANTIATE_TEST_SUITE_P(Import, ImportLegacyEncodings,
                         ::testing::Values(std::pair{Encoding::tcvn3, "tcvn3"}, std::pair{Encoding::vni, "vni"},
                                           std::pair{Encoding::cp1258, "cp1258"}, std::pair{Encoding::utf8, "utf-8"}),
                         [](const auto& info) { return std::string(info.param.second == std::string("utf-8") ? "utf8" : info.param.second); });

TEST_F(ImportLegacyShapefile, CpgFileDecidesTheEncoding) {
  std::string path = write_legacy_shapefile(dir, Encoding::cp1258, hoa_binh_prj());
  write_file(dir.file("communes.cpg"), "1258");
  auto result = import_units(*store, actor, path, ImportOptions{});
  EXPECT_EQ(result.encoding_used, "cp1258");
  expect_communes_imported(result);
}

TEST_F(ImportLegacyShapefile, GdalsOwnTcvnRecodingWouldDropTheLastLetter) {
  // Documents why the importer reads raw bytes (DOMAIN.md §4): GDAL 3.6 + glibc TCVN5712-1.
  std::string path = write_legacy_shapefile(dir, Encoding::tcvn3, hoa_binh_prj());
  auto dataset = geo::Dataset::open_vector(path, {"ENCODING=TCVN5712-1"});
  OGRLayerH layer = GDALDatasetGetLayer(dataset.get(), 0);
  geo::Feature feature(OGR_L_GetNextFeature(layer));
  ASSERT_TRUE(feature);
  std::string gdal_name = OGR_F_GetFieldAsString(feature.get(), 1);
  if (gdal_name == kCommunes[0].name) GTEST_SKIP() << "this GDAL recodes TCVN3 correctly";
  EXPECT_EQ(gdal_name + "n", std::string(kCommunes[0].name)) << "GDAL returned '" << gdal_name << "'";
}

}  // namespace
}  // namespace antt::importer
