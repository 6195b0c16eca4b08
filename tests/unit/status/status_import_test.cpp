#include "antt/status/status_import.hpp"

#include <gdal.h>
#include <ogr_api.h>

#include <array>

#include "antt/core/error.hpp"
#include "test_support.hpp"

namespace antt::status {
namespace {

class StatusImportTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<store::Store> store = store::open_store(dir.store("s.sqlite"), true);
  const store::Actor actor{"lan", "status_import_test"};

  void SetUp() override {
    store->write(actor, [&] {
      for (const char* code : {"04792", "04795"}) {
        store::UnitVersion unit;
        unit.code = code;
        unit.name = "Phường Thịnh Lang";
        unit.kind = store::UnitKind::commune;
        unit.subtype = "phuong";
        unit.valid_from = "2008-08-01";
        store->insert_unit(unit);
      }
    });
  }

  /// Writes an .xlsx sheet with GDAL: `rows` of code, year, status, decision, date, authority, note.
  /// Years are numbers and dates are real date cells, as a clerk's spreadsheet would have them.
  std::string write_xlsx(const std::vector<std::array<std::string, 7>>& rows) {
    std::string path = dir.file("statuses.xlsx");
    GDALAllRegister();
    GDALDatasetH dataset = GDALCreate(GDALGetDriverByName("XLSX"), path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    OGRLayerH layer = GDALDatasetCreateLayer(dataset, "trang_thai", nullptr, wkbNone, nullptr);
    const char* names[] = {"code", "year", "status", "decision", "date", "authority", "note"};
    const OGRFieldType types[] = {OFTString, OFTInteger, OFTString, OFTString, OFTDate, OFTString, OFTString};
    for (int i = 0; i < 7; ++i) {
      OGRFieldDefnH field = OGR_Fld_Create(names[i], types[i]);
      OGR_L_CreateField(layer, field, TRUE);
      OGR_Fld_Destroy(field);
    }
    for (const auto& row : rows) {
      OGRFeatureH feature = OGR_F_Create(OGR_L_GetLayerDefn(layer));
      for (int i = 0; i < 7; ++i) {
        if (row[i].empty()) continue;
        if (i == 1) {
          OGR_F_SetFieldInteger(feature, i, std::stoi(row[i]));
        } else if (i == 4) {
          OGR_F_SetFieldDateTime(feature, i, std::stoi(row[i].substr(0, 4)), std::stoi(row[i].substr(5, 2)),
                                 std::stoi(row[i].substr(8, 2)), 0, 0, 0, 0);
        } else {
          OGR_F_SetFieldString(feature, i, row[i].c_str());
        }
      }
      EXPECT_EQ(OGR_L_CreateFeature(layer, feature), OGRERR_NONE);
      OGR_F_Destroy(feature);
    }
    GDALClose(dataset);
    return path;
  }
};

TEST_F(StatusImportTest, XlsxWithNumberYearsAndDateCellsImports) {
  auto path = write_xlsx({{"04792", "2016", "recognised", "15/QĐ-UBND", "2016-12-20", "UBND thành phố Hòa Bình",
                           "Đạt chuẩn năm thứ ba"},
                          {"04795", "2016", "proposed", "", "", "", ""}});
  auto result = import_statuses(*store, actor, path);
  EXPECT_EQ(result.imported, 2);
  auto statuses = store->statuses_of_year(2016);
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_EQ(statuses.at("04792").decision_date, "2016-12-20");
  EXPECT_EQ(statuses.at("04792").authority, "UBND thành phố Hòa Bình");
  EXPECT_EQ(statuses.at("04792").recorded_by, "lan");
  EXPECT_EQ(statuses.at("04795").status, store::StatusValue::proposed);
}

TEST_F(StatusImportTest, OneBadRowImportsNothingAndNamesTheRow) {
  auto path = write_xlsx({{"04792", "2016", "registered", "", "", "", ""},
                          {"04795", "2016", "approved", "", "", "", ""}});
  try {
    import_statuses(*store, actor, path);
    FAIL() << "a bad status was accepted";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("row 3"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("approved"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(store->statuses_of_year(2016).empty());
}

TEST_F(StatusImportTest, UnknownColumnsAndDuplicateRowsAreRefused) {
  std::string csv = dir.file("s.csv");
  testing::write_file(csv, "code,year,status,colour\n04792,2016,registered,red\n");
  EXPECT_THROW(import_statuses(*store, actor, csv), InputError);
  testing::write_file(csv, "code,year,status\n04792,2016,registered\n04792,2016,proposed\n");
  EXPECT_THROW(import_statuses(*store, actor, csv), InputError);
  testing::write_file(csv, "code,year,status\n99999,2016,registered\n");
  EXPECT_THROW(import_statuses(*store, actor, csv), InputError);
  EXPECT_TRUE(store->statuses_of_year(2016).empty());
}

TEST_F(StatusImportTest, DayFirstDatesAreUnderstood) {
  std::string csv = dir.file("s.csv");
  testing::write_file(csv,
                      "code,year,status,decision,date,authority\n"
                      "04792,2017,revoked,7/QĐ-UBND,05/03/2018,UBND thành phố Hòa Bình\n");
  import_statuses(*store, actor, csv);
  EXPECT_EQ(store->statuses_of_year(2017).at("04792").decision_date, "2018-03-05");
}

}  // namespace
}  // namespace antt::status
