// Import from the other GDAL formats the province receives data in, each written with GDAL here.
#include "antt/core/error.hpp"
#include "antt/importer/importer.hpp"
#include "antt/text/legacy_encoding.hpp"
#include "import_fixtures.hpp"

namespace antt::importer {
namespace {

using namespace antt::testing;

struct Sample {
  const char* code;
  const char* name;
  double lon, lat;
};

const std::vector<Sample> kSamples = {
    {"04789", "Phường Thái Bình", 105.330, 20.830},
    {"04792", "Phường Tân Hòa", 105.345, 20.800},
    {"04795", "Phường Hữu Nghị", 105.360, 20.815},
};

std::vector<FeatureSpec> sample_features(bool projected = false) {
  std::vector<FeatureSpec> features;
  for (const auto& s : kSamples)
    features.push_back({{s.code, s.name, "148"},
                        projected ? square_wkt_tm3_106(s.lon, s.lat, 0.004) : square_wkt(s.lon, s.lat, 0.004)});
  return features;
}

const std::vector<FieldSpec> kFields{{"ma_xa"}, {"ten_xa"}, {"ma_huyen"}};

class ImportFormats : public StoreFixture {
 protected:
  void expect_samples(const ImportResult& result) {
    EXPECT_EQ(result.imported, 3);
    for (const auto& s : kSamples) {
      auto unit = store->unit_at(s.code, "2020-06-01");
      ASSERT_TRUE(unit) << s.code;
      EXPECT_EQ(unit->name, s.name);
      EXPECT_EQ(unit->subtype, "phuong");
      EXPECT_EQ(unit->parent_code, "148");
      EXPECT_GEOM_EQ(square_wkt(s.lon, s.lat, 0.004), wkt_of(*unit), kOneMetreInDegrees);
    }
  }
};

TEST_F(ImportFormats, GeoJson) {
  std::string path = dir.file("communes.geojson");
  write_vector("GeoJSON", path, "EPSG:4326", kFields, sample_features());
  auto result = import_units(*store, actor, path, ImportOptions{});
  EXPECT_EQ(result.encoding_used, "utf-8");
  EXPECT_NE(result.source_crs.find("4326"), std::string::npos) << result.source_crs;
  expect_samples(result);
}

TEST_F(ImportFormats, GeoPackageInVn2000) {
  std::string path = dir.file("communes.gpkg");
  write_vector("GPKG", path, "EPSG:9211", kFields, sample_features(true), {}, wkbPolygon);
  auto result = import_units(*store, actor, path, ImportOptions{});
  EXPECT_NE(result.source_crs.find("EPSG:9211"), std::string::npos) << result.source_crs;
  expect_samples(result);
}

TEST_F(ImportFormats, CsvWithWktColumnNeedsSsrs) {
  std::string path = dir.file("communes.csv");
  std::string csv = "ma_xa,ten_xa,ma_huyen,WKT\n";
  for (const auto& s : kSamples)
    csv += std::string(s.code) + "," + s.name + ",148,\"" + square_wkt(s.lon, s.lat, 0.004) + "\"\n";
  write_file(path, csv);
  EXPECT_THROW(import_units(*store, actor, path, ImportOptions{}), CrsError);
  EXPECT_EQ(unit_count(), 7);
  ImportOptions options;
  options.source_srs = "EPSG:4326";
  auto result = import_units(*store, actor, path, options);
  expect_samples(result);
  // Codes stay text: the leading zero survives.
  EXPECT_TRUE(store->unit_at("04789", "2020-06-01"));
}

TEST_F(ImportFormats, Kml) {
  std::string path = dir.file("communes.kml");
  write_vector("KML", path, "EPSG:4326", kFields, sample_features());
  auto result = import_units(*store, actor, path, ImportOptions{});
  expect_samples(result);
}

TEST_F(ImportFormats, MapInfoTab) {
  std::string path = dir.file("communes.tab");
  write_vector("MapInfo File", path, "EPSG:4326", kFields, sample_features());
  auto result = import_units(*store, actor, path, ImportOptions{});
  expect_samples(result);
}

TEST_F(ImportFormats, UppercaseFieldNamesAndNamedFields) {
  std::string path = dir.file("named.geojson");
  write_vector("GeoJSON", path, "EPSG:4326", {{"GSO"}, {"TEN_DON_VI"}, {"CAP_TREN"}, {"LOAI"}},
               {{{"04789", "Thái Bình", "148", "Phường"}, square_wkt(105.33, 20.83, 0.004)}});
  ImportOptions options;
  options.code_field = "gso";
  options.name_field = "Ten_Don_Vi";
  options.parent_field = "cap_tren";
  options.subtype_field = "LOAI";
  auto result = import_units(*store, actor, path, options);
  EXPECT_EQ(result.imported, 1);
  auto unit = store->unit_at("04789", "2020-06-01");
  ASSERT_TRUE(unit);
  EXPECT_EQ(unit->name, "Thái Bình");
  EXPECT_EQ(unit->subtype, "phuong");
}

/// TCVN3 bytes as a Latin-1 reader shows them, re-encoded as UTF-8 ("Ph\u00adêng Th\u00b8i B\u00d7nh").
std::string tcvn3_as_latin1(const std::string& name) {
  std::string out;
  for (unsigned char byte : text::encode_from_utf8(name, text::Encoding::tcvn3)) {
    if (byte < 0x80) {
      out += static_cast<char>(byte);
    } else {
      out += static_cast<char>(0xC0 | (byte >> 6));
      out += static_cast<char>(0x80 | (byte & 0x3F));
    }
  }
  return out;
}

TEST_F(ImportFormats, Tcvn3ReadAsLatin1UpstreamIsRepaired) {
  // A GeoJSON produced by a converter that read TCVN3 bytes as Latin-1.
  std::vector<FeatureSpec> features;
  for (const auto& s : kSamples)
    features.push_back({{s.code, tcvn3_as_latin1(s.name), "148"}, square_wkt(s.lon, s.lat, 0.004)});
  std::string path = dir.file("mojibake.geojson");
  write_vector("GeoJSON", path, "EPSG:4326", kFields, features);
  auto result = import_units(*store, actor, path, ImportOptions{});
  EXPECT_EQ(result.encoding_used, "tcvn3");
  ASSERT_FALSE(result.warnings.empty());
  expect_samples(result);
}

TEST_F(ImportFormats, MapInfoTabWithTcvn3BytesAndNeutralCharset) {
  std::vector<FeatureSpec> features;
  for (const auto& s : kSamples)
    features.push_back({{s.code, text::encode_from_utf8(s.name, text::Encoding::tcvn3), "148"},
                        square_wkt(s.lon, s.lat, 0.004)});
  std::string path = dir.file("tcvn3.tab");
  write_vector("MapInfo File", path, "EPSG:4326", kFields, features);
  auto result = import_units(*store, actor, path, ImportOptions{});
  EXPECT_EQ(result.encoding_used, "tcvn3");
  expect_samples(result);
}

TEST_F(ImportFormats, MapInfoTabWithTcvn3BytesLabelledWindowsLatin1) {
  // The common case in provincial archives: MapInfo says "WindowsLatin1", the bytes are TCVN3,
  // GDAL recodes them from CP1252 to UTF-8, the importer repairs the result.
  std::vector<FeatureSpec> features;
  for (const auto& s : kSamples)
    features.push_back({{s.code, tcvn3_as_latin1(s.name), "148"}, square_wkt(s.lon, s.lat, 0.004)});
  std::string path = dir.file("latin1.tab");
  write_vector("MapInfo File", path, "EPSG:4326", kFields, features, {"ENCODING=CP1252"});
  ASSERT_NE(read_file(dir.file("latin1.tab")).find("WindowsLatin1"), std::string::npos);
  auto result = import_units(*store, actor, path, ImportOptions{});
  EXPECT_EQ(result.encoding_used, "tcvn3");
  expect_samples(result);
}

TEST_F(ImportFormats, GenuineUtf8ThatFitsLatin1IsNotRepaired) {
  std::string path = dir.file("latin1ish.geojson");
  write_vector("GeoJSON", path, "EPSG:4326", kFields,
               {{{"05299", "Xã Phúc Tuy", "157"}, square_wkt(105.4, 20.3, 0.004)}});
  auto result = import_units(*store, actor, path, ImportOptions{});
  EXPECT_EQ(result.encoding_used, "utf-8");
  EXPECT_EQ(store->unit_at("05299", "2020-06-01")->name, "Xã Phúc Tuy");
}

TEST_F(ImportFormats, PointsForSchoolsAndMultiLayerChoice) {
  std::string path = dir.file("schools.gpkg");
  {
    auto dataset = geo::Dataset::create_vector("GPKG", path);
    auto srs = geo::SpatialReference::from_epsg(4326);
    for (const char* name : {"truong", "ghi_chu"}) {
      OGRLayerH layer = GDALDatasetCreateLayer(dataset.get(), name, srs.get(), wkbPoint, nullptr);
      for (const char* field : {"ma", "ten", "ma_xa"}) {
        OGRFieldDefnH definition = OGR_Fld_Create(field, OFTString);
        ASSERT_EQ(OGR_L_CreateField(layer, definition, TRUE), OGRERR_NONE);
        OGR_Fld_Destroy(definition);
      }
      geo::Feature feature = geo::Feature::create(OGR_L_GetLayerDefn(layer));
      OGR_F_SetFieldString(feature.get(), 0, name == std::string("truong") ? "TH-01" : "X");
      OGR_F_SetFieldString(feature.get(), 1, "Trường THPT Công Nghiệp");
      auto point = geo::OgrGeometry::from_wkt("POINT (105.34 20.81)");
      OGR_F_SetGeometry(feature.get(), point.get());
      ASSERT_EQ(OGR_L_CreateFeature(layer, feature.get()), OGRERR_NONE);
    }
    dataset.close();
  }
  ImportOptions options;
  options.kind = store::UnitKind::school;
  try {
    import_units(*store, actor, path, options);
    FAIL() << "two non-empty layers need --layer";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("--layer"), std::string::npos) << error.what();
  }
  options.layer = "truong";
  auto result = import_units(*store, actor, path, options);
  EXPECT_EQ(result.imported, 1);
  auto school = store->unit_at("TH-01", "2020-06-01");
  ASSERT_TRUE(school);
  EXPECT_EQ(school->kind, store::UnitKind::school);
  EXPECT_EQ(school->geometry_wkb.at(1), 1) << "stored as a Point";
}

TEST_F(ImportFormats, InvalidPolygonIsRepairedAndPromoted) {
  std::string path = dir.file("bowtie.geojson");
  write_vector("GeoJSON", path, "EPSG:4326", kFields,
               {{{"04789", "Phường Thái Bình", "148"}, "POLYGON ((105.3 20.8, 105.31 20.81, 105.31 20.8, 105.3 20.81, 105.3 20.8))"}});
  auto result = import_units(*store, actor, path, ImportOptions{});
  EXPECT_EQ(result.imported, 1);
  bool warned = false;
  for (const auto& warning : result.warnings) warned = warned || warning.find("repaired") != std::string::npos;
  EXPECT_TRUE(warned);
  auto unit = store->unit_at("04789", "2020-06-01");
  auto geometry = geo::OgrGeometry::from_wkb(unit->geometry_wkb);
  EXPECT_EQ(geometry.flat_type(), wkbMultiPolygon);
  EXPECT_TRUE(OGR_G_IsValid(geometry.get()));
}

TEST_F(ImportFormats, IntegerCodesGetTheirLeadingZerosBack) {
  std::string path = dir.file("numeric.geojson");
  write_vector("GeoJSON", path, "EPSG:4326", {{"ma_xa", OFTInteger}, {"ten_xa"}, {"ma_huyen", OFTInteger}},
               {{{"4789", "Phường Thái Bình", "148"}, square_wkt(105.33, 20.83, 0.004)}});
  auto result = import_units(*store, actor, path, ImportOptions{});
  EXPECT_EQ(result.imported, 1);
  EXPECT_TRUE(store->unit_at("04789", "2020-06-01"));
}

TEST_F(ImportFormats, CommuneWithoutPrefixGetsAWarningAndNoSubtype) {
  std::string path = dir.file("noprefix.geojson");
  write_vector("GeoJSON", path, "EPSG:4326", kFields, {{{"04789", "Thái Bình", "148"}, square_wkt(105.33, 20.83, 0.004)}});
  auto result = import_units(*store, actor, path, ImportOptions{});
  EXPECT_EQ(result.imported, 1);
  EXPECT_EQ(store->unit_at("04789", "2020-06-01")->subtype, "");
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("Thái Bình"), std::string::npos);
}

}  // namespace
}  // namespace antt::importer
