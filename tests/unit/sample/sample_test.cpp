// The sample province: real names and codes on synthetic boundaries that tile exactly, the 2020
// mergers as versions and lineage, and yearly statuses that climb to the programme's targets.
#include "antt/sample/sample.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <set>

#include <gdal.h>
#include <ogr_api.h>

#include "antt/core/date.hpp"
#include "antt/editing/lineage.hpp"
#include "antt/stats/stats.hpp"
#include "antt/core/error.hpp"
#include "antt/geo/geos.hpp"
#include "antt/store/store.hpp"
#include "antt/text/unicode.hpp"
#include "antt/validate/validator.hpp"
#include "test_support.hpp"

namespace antt::sample {
namespace {

using store::UnitKind;
using store::UnitVersion;

bool valid_on(const UnitVersion& unit, const std::string& date) {
  return unit.valid_from <= date && (!unit.valid_to || date < *unit.valid_to);
}

/// Units of the sample valid on `date`, of one kind, under Hòa Bình (neighbouring provinces' communes excluded).
std::vector<const UnitVersion*> hoa_binh_units(const SampleData& data, UnitKind kind, const std::string& date) {
  std::set<std::string> districts;
  for (const auto& u : data.units)
    if (u.kind == UnitKind::district && u.parent_code == "17") districts.insert(u.code);
  std::vector<const UnitVersion*> out;
  for (const auto& u : data.units)
    if (u.kind == kind && valid_on(u, date) && (kind != UnitKind::commune || districts.contains(u.parent_code)))
      out.push_back(&u);
  return out;
}

/// Checks each administrative unit of `data` valid on `date` against its parent and its siblings with
/// exact GEOS overlays (no clipping, no tolerance relative to size): every child lies within its parent
/// and no two siblings overlap, each within `max_m2`.
void expect_children_inside_and_apart(const SampleData& data, const std::string& date, double max_m2 = 1.0) {
  SCOPED_TRACE(date);
  geo::GeosContext geos;
  std::map<std::string, geo::Geometry> areas;
  std::map<std::string, std::vector<const UnitVersion*>> children;
  for (const auto& u : data.units) {
    if (!valid_on(u, date) || u.geometry_wkb.empty() || store::kind_may_be_point(u.kind)) continue;
    areas.emplace(u.code, geo::Geometry::from_wkb(geos, u.geometry_wkb));
  }
  for (const auto& u : data.units)
    if (areas.contains(u.code) && valid_on(u, date) && areas.contains(u.parent_code))
      children[u.parent_code + "/" + std::string(store::to_string(u.kind))].push_back(&u);
  int checked = 0;
  for (const auto& [group, members] : children) {
    const auto& parent = areas.at(members.front()->parent_code);
    for (size_t i = 0; i < members.size(); ++i) {
      const auto& a = areas.at(members[i]->code);
      geo::Geometry outside(geos, GEOSDifference_r(geos.get(), a.get(), parent.get()));
      EXPECT_LT(geo::geodesic_area_m2(geos, outside.get()), max_m2)
          << members[i]->code << " " << members[i]->name << " outside " << members[i]->parent_code;
      ++checked;
      for (size_t j = i + 1; j < members.size(); ++j) {
        const auto& b = areas.at(members[j]->code);
        if (GEOSIntersects_r(geos.get(), a.get(), b.get()) != 1) continue;
        geo::Geometry common(geos, GEOSIntersection_r(geos.get(), a.get(), b.get()));
        EXPECT_LT(geo::geodesic_area_m2(geos, common.get()), max_m2)
            << members[i]->code << " overlaps " << members[j]->code << " under " << members[i]->parent_code;
      }
    }
  }
  EXPECT_GT(checked, 1500);
}

class SampleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto start = std::chrono::steady_clock::now();
    data_ = new SampleData(generate_sample({}));
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }
  static const SampleData& data() { return *data_; }

  geo::GeosContext geos;
  geo::Geometry geometry(const UnitVersion& unit) const { return geo::Geometry::from_wkb(geos, unit.geometry_wkb); }
  double area_km2(const geo::Geometry& g) const { return geo::geodesic_area_m2(geos, g.get()) / 1e6; }

  /// The children of `parent` valid on `date` tile it: no overlaps (their areas add up to the area
  /// of their union) and no gaps (the union equals the parent), within `tolerance` of the parent's area.
  void expect_tiling(const UnitVersion& parent, const std::vector<const UnitVersion*>& children, double tolerance) {
    SCOPED_TRACE(parent.code + " " + parent.name + " from " + parent.valid_from);
    ASSERT_FALSE(children.empty());
    std::vector<GEOSGeometry*> parts;
    double sum = 0;
    for (const auto* child : children) {
      auto g = geometry(*child);
      sum += g.area();
      parts.push_back(g.release());
    }
    geo::Geometry collection(geos, GEOSGeom_createCollection_r(geos.get(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                               static_cast<unsigned>(parts.size())));
    geo::Geometry united(geos, GEOSUnaryUnion_r(geos.get(), collection.get()));
    auto whole = geometry(parent);
    geo::Geometry difference(geos, GEOSSymDifference_r(geos.get(), united.get(), whole.get()));
    const double reference = whole.area();
    EXPECT_NEAR(sum, united.area(), reference * tolerance) << "children overlap";
    EXPECT_NEAR(united.area(), reference, reference * tolerance) << "children do not cover their parent";
    EXPECT_LT(difference.area(), reference * tolerance) << "children and parent differ";
  }

  static SampleData* data_;
  static double seconds_;
};

SampleData* SampleTest::data_ = nullptr;
double SampleTest::seconds_ = 0;

TEST_F(SampleTest, GeneratesTheProvincesUnits) {
  std::cout << "[ timing   ] generate_sample scale 1: " << seconds_ << " s\n";  // a figure; benchmarks bound speed
  const auto& s = data().summary;
  EXPECT_EQ(s.districts, 11);
  EXPECT_EQ(s.communes_2019, 210);
  EXPECT_EQ(s.communes_2020, 151);
  EXPECT_GE(s.villages, 1400);
  EXPECT_LE(s.villages, 1600);
  EXPECT_GE(s.agencies, 24);
  EXPECT_GE(s.enterprises, 24);
  EXPECT_GE(s.schools, 24);
  EXPECT_GE(s.clusters, 10);
  EXPECT_GE(s.hotspots, 4);
  EXPECT_LE(s.hotspots, 8);
  EXPECT_EQ(s.models, 65);
  EXPECT_GE(s.neighbour_communes, 5);
}

TEST_F(SampleTest, HasTheRealUnitCountsOfEachPeriod) {
  EXPECT_EQ(hoa_binh_units(data(), UnitKind::district, "2019-12-31").size(), 11u);
  EXPECT_EQ(hoa_binh_units(data(), UnitKind::district, "2020-12-31").size(), 10u);
  EXPECT_EQ(hoa_binh_units(data(), UnitKind::commune, "2012-12-31").size(), 210u);
  EXPECT_EQ(hoa_binh_units(data(), UnitKind::commune, "2019-12-31").size(), 210u);
  EXPECT_EQ(hoa_binh_units(data(), UnitKind::commune, "2020-12-31").size(), 151u);
  // phường / thị trấn / xã, as in GSO's lists.
  auto types = [&](const std::string& date) {
    std::map<std::string, int> count;
    for (const auto* u : hoa_binh_units(data(), UnitKind::commune, date)) ++count[u->subtype];
    return std::vector<int>{count["phuong"], count["thi_tran"], count["xa"]};
  };
  EXPECT_EQ(types("2019-12-31"), (std::vector<int>{8, 11, 191}));
  EXPECT_EQ(types("2020-12-31"), (std::vector<int>{10, 10, 131}));
  EXPECT_EQ(types("2021-12-31"), (std::vector<int>{12, 10, 129}));
  EXPECT_EQ(hoa_binh_units(data(), UnitKind::village, "2019-12-31").size(),
            hoa_binh_units(data(), UnitKind::village, "2020-12-31").size());
}

TEST_F(SampleTest, KeepsOneVersionForUnchangedCommunesAndVersionsTheMerged) {
  std::map<std::string, std::vector<const UnitVersion*>> versions;
  for (const auto& u : data().units) versions[u.code].push_back(&u);
  // Xã Yên Mông continues unchanged: one open-ended version.
  ASSERT_EQ(versions["04813"].size(), 1u);
  EXPECT_FALSE(versions["04813"].front()->valid_to);
  // Xã Đồng Nghê absorbed Suối Nánh and became Xã Nánh Nghê on 2020-01-01.
  ASSERT_EQ(versions["04834"].size(), 2u);
  EXPECT_EQ(versions["04834"][0]->name, "Xã Đồng Nghê");
  EXPECT_EQ(versions["04834"][0]->valid_to.value_or(""), "2020-01-01");
  EXPECT_EQ(versions["04834"][1]->name, "Xã Nánh Nghê");
  EXPECT_EQ(versions["04834"][1]->valid_from, "2020-01-01");
  // Suối Nánh ends.
  ASSERT_EQ(versions["04837"].size(), 1u);
  EXPECT_EQ(versions["04837"].front()->valid_to.value_or(""), "2020-01-01");
  // Huyện Kỳ Sơn ends; TP Hòa Bình gets a new version; Kỳ Sơn's communes move under 148.
  ASSERT_EQ(versions["151"].size(), 1u);
  EXPECT_EQ(versions["151"].front()->valid_to.value_or(""), "2020-01-01");
  ASSERT_EQ(versions["148"].size(), 2u);
  ASSERT_EQ(versions["04912"].size(), 2u);
  EXPECT_EQ(versions["04912"][1]->parent_code, "148");
  // Sủ Ngòi became Phường Quỳnh Lâm on 2021-02-01.
  ASSERT_EQ(versions["04816"].size(), 2u);
  EXPECT_EQ(versions["04816"][0]->valid_to.value_or(""), "2021-02-01");
  EXPECT_EQ(versions["04816"][1]->name, "Phường Quỳnh Lâm");
  EXPECT_EQ(versions["04816"][1]->subtype, "phuong");
  // Dân Chủ: a xã until 2020, then a phường with part of Chăm Mát.
  ASSERT_EQ(versions["04819"].size(), 2u);
  EXPECT_EQ(versions["04819"][0]->subtype, "xa");
  EXPECT_EQ(versions["04819"][1]->subtype, "phuong");
}

TEST_F(SampleTest, RecordsTheLineageOfThe2020Mergers) {
  std::map<store::LineageKind, int> kinds;
  bool kyson = false, chammat = false, quynhlam = false;
  for (const auto& e : data().lineage) {
    ++kinds[e.kind];
    EXPECT_FALSE(e.decision.empty());
    EXPECT_FALSE(e.from.empty());
    EXPECT_FALSE(e.to.empty());
    if (e.kind == store::LineageKind::merge && e.to.front().code == "148") {
      kyson = true;
      EXPECT_EQ(e.decision, "830/NQ-UBTVQH14");
      EXPECT_EQ(e.from.size(), 2u);
    }
    if (e.kind == store::LineageKind::split && e.from.front().code == "04810") {
      chammat = true;
      ASSERT_EQ(e.to.size(), 2u);
      EXPECT_EQ(e.to[0].code, "04819");
      EXPECT_EQ(e.to[1].code, "04828");
    }
    if (e.kind == store::LineageKind::reclassify && e.to.front().code == "04816") {
      quynhlam = true;
      EXPECT_EQ(e.effective_date, "2021-02-01");
      EXPECT_EQ(e.decision, "1189/NQ-UBTVQH14");
    }
  }
  EXPECT_TRUE(kyson);
  EXPECT_TRUE(chammat);
  EXPECT_TRUE(quynhlam);
  EXPECT_GE(kinds[store::LineageKind::merge], 35);
  EXPECT_GE(kinds[store::LineageKind::transfer], 100) << "villages of merged communes change parent";
  // Every unit referred to by an event exists with that validity start.
  std::set<std::pair<std::string, std::string>> starts;
  for (const auto& u : data().units) starts.insert({u.code, u.valid_from});
  for (const auto& e : data().lineage) {
    for (const auto& ref : e.from) EXPECT_TRUE(starts.contains({ref.code, ref.valid_from})) << ref.code;
    for (const auto& ref : e.to) EXPECT_TRUE(starts.contains({ref.code, ref.valid_from})) << ref.code;
  }
}

TEST_F(SampleTest, EveryGeometryIsValid) {
  int points = 0, areas = 0;
  for (const auto& u : data().units) {
    if (u.geometry_wkb.empty()) continue;
    auto g = geometry(u);
    EXPECT_EQ(GEOSisValid_r(geos.get(), g.get()), 1) << u.code << " " << u.name;
    const int type = GEOSGeomTypeId_r(geos.get(), g.get());
    if (type == GEOS_POINT)
      ++points;
    else if (type == GEOS_MULTIPOLYGON)
      ++areas;
    else
      ADD_FAILURE() << u.code << " has geometry type " << type;
    if (type == GEOS_POINT) {
      EXPECT_TRUE(store::kind_may_be_point(u.kind)) << u.code;
    }
  }
  EXPECT_GT(points, 40);
  EXPECT_GT(areas, 1500);
}

TEST_F(SampleTest, SiblingsTileTheirParents) {
  for (const std::string date : {"2019-12-31", "2020-12-31"}) {
    std::map<std::string, std::vector<const UnitVersion*>> children;
    for (const auto& u : data().units)
      if (valid_on(u, date) && !u.parent_code.empty() &&
          (u.kind == UnitKind::district || u.kind == UnitKind::commune || u.kind == UnitKind::village))
        children[u.parent_code].push_back(&u);
    int parents = 0;
    for (const auto& u : data().units) {
      if (!valid_on(u, date) || u.geometry_wkb.empty()) continue;
      if (u.kind == UnitKind::province && u.code != "17") continue;  // neighbours: only a few communes
      if (u.kind != UnitKind::province && u.kind != UnitKind::district && u.kind != UnitKind::commune) continue;
      if (u.kind == UnitKind::commune && !children.contains(u.code)) continue;  // neighbouring provinces' communes
      expect_tiling(u, children[u.code], 1e-4);
      ++parents;
    }
    EXPECT_GT(parents, 150) << date;
  }
}

TEST_F(SampleTest, EveryUnitLiesInItsParentAndApartFromItsSiblings) {
  for (const std::string date : {"2019-12-31", "2020-12-31"}) expect_children_inside_and_apart(data(), date);
}

TEST_F(SampleTest, UnitsAreNearTheirRealAreaAndPlace) {
  std::map<std::string, geo::Geometry> shapes;
  double province = 0;
  for (const auto& u : data().units) {
    if (!valid_on(u, "2019-12-31")) continue;
    if (u.code == "17") province = area_km2(geometry(u));
    if (u.kind == UnitKind::district && u.parent_code == "17") shapes.emplace(u.code, geometry(u));
  }
  EXPECT_NEAR(province, 4573, 4573 * 0.03);
  auto centre = [&](const std::string& code) {
    geo::Geometry c(geos, GEOSGetCentroid_r(geos.get(), shapes.at(code).get()));
    double x = 0, y = 0;
    GEOSGeomGetX_r(geos.get(), c.get(), &x);
    GEOSGeomGetY_r(geos.get(), c.get(), &y);
    return std::pair{x, y};
  };
  EXPECT_LT(centre("150").first, centre("152").first);    // Đà Bắc west of Lương Sơn
  EXPECT_GT(centre("150").second, centre("157").second);  // Đà Bắc north of Lạc Sơn
  EXPECT_LT(centre("156").first, centre("159").first);    // Mai Châu west of Lạc Thủy
  EXPECT_GT(centre("148").second, centre("155").second);  // the city north of Tân Lạc
  for (const auto& [code, shape] : shapes) {
    auto [x, y] = centre(code);
    EXPECT_GT(x, 104.8);
    EXPECT_LT(x, 105.9);
    EXPECT_GT(y, 20.3);
    EXPECT_LT(y, 21.1);
  }
  // Communes within a quarter of their real area (dien_tich_km2), on average much closer.
  const std::map<std::string, double> real{{"04855", 74.76}, {"04978", 0.73}, {"04810", 3.43},
                                           {"05224", 59.69}, {"04918", 14.1}, {"05266", 1.67}};
  for (const auto& u : data().units) {
    if (u.kind == UnitKind::commune && valid_on(u, "2019-12-31") && real.contains(u.code)) {
      EXPECT_NEAR(area_km2(geometry(u)), real.at(u.code), real.at(u.code) * 0.25) << u.code << " " << u.name;
    }
  }
}

TEST_F(SampleTest, FacilitiesLieInsideTheirCommune) {
  std::map<std::string, const UnitVersion*> communes;
  for (const auto& u : data().units)
    if ((u.kind == UnitKind::commune || u.kind == UnitKind::province) && valid_on(u, "2015-12-31"))
      communes[u.code] = &u;
  int provincial = 0;
  for (const auto& u : data().units) {
    if (!store::kind_may_be_point(u.kind)) continue;
    ASSERT_TRUE(communes.contains(u.parent_code)) << u.code;
    if (u.parent_code == "17") ++provincial;
    auto parent = geometry(*communes.at(u.parent_code));
    auto self = geometry(u);
    EXPECT_EQ(GEOSWithin_r(geos.get(), self.get(), parent.get()), 1) << u.code << " " << u.name;
  }
  EXPECT_GE(provincial, 3);
}

TEST_F(SampleTest, NamesAreNfcAndUseEveryToneMark) {
  std::string all;
  std::set<std::string> codes;
  for (const auto& u : data().units) {
    EXPECT_EQ(u.name, text::to_nfc(u.name)) << u.code;
    if (u.kind == UnitKind::village) {
      all += u.name + "\n";
      EXPECT_TRUE(u.code.starts_with("KDC-")) << u.code;
    }
  }
  // sắc, huyền, hỏi, ngã, nặng, and the letters ă â đ ê ô ơ ư.
  for (const char* mark :
       {"á", "à", "ả", "ã", "ạ", "ắ", "ằ", "ẫ", "ậ", "Đ", "ê", "ô", "ơ",          "ư",    "ố",    "ồ",    "ổ",
        "ỗ", "ộ", "ớ", "ờ", "ở", "ỡ", "ợ", "ứ", "ừ", "ử", "ữ", "ự", "Tổ dân phố", "Bản ", "Xóm ", "Thôn "})
    EXPECT_NE(all.find(text::to_nfc(mark)), std::string::npos) << mark;
}

TEST_F(SampleTest, RecognitionClimbsToTheProgrammeTargets) {
  std::map<int, std::pair<int, int>> share;  // year → (recognised, all)
  std::map<int, std::pair<int, int>> villages;
  std::set<std::string> statuses;
  for (const auto& s : data().statuses) {
    auto& [yes, all] = share[s.year];
    ++all;
    if (s.status == store::StatusValue::recognised) ++yes;
    if (s.unit_code.starts_with("KDC-")) {
      ++villages[s.year].second;
      if (s.status == store::StatusValue::recognised) ++villages[s.year].first;
    }
    statuses.insert(std::string(store::to_string(s.status)));
    if (store::status_needs_decision(s.status)) {
      EXPECT_FALSE(s.decision_number.empty());
      EXPECT_TRUE(s.decision_date.starts_with(std::to_string(s.year)));
      EXPECT_TRUE(s.authority.starts_with("UBND ")) << s.authority;
    }
  }
  auto percent = [](std::pair<int, int> p) { return 100.0 * p.first / p.second; };
  EXPECT_GT(percent(share[2012]), 50);
  EXPECT_LT(percent(share[2012]), 62);
  EXPECT_LT(percent(share[2014]), 70);
  EXPECT_GT(percent(share[2015]), 70);
  EXPECT_LT(percent(share[2019]), 90);
  EXPECT_GT(percent(share[2020]), 90);
  for (int year = 2013; year <= 2020; ++year) EXPECT_GT(percent(share[year]), percent(share[year - 1])) << year;
  EXPECT_GT(percent(villages[2015]), 70);
  EXPECT_GT(percent(villages[2020]), 90);
  EXPECT_EQ(statuses, (std::set<std::string>{"not_registered", "registered", "proposed", "recognised", "not_recognised",
                                             "revoked"}));
}

TEST_F(SampleTest, CommunesAreRecognisedOnlyWithSeventyPercentOfTheirVillages) {
  for (int year = 2012; year <= 2020; ++year) {
    const std::string date = year_end(year);
    std::map<std::string, std::string> parent;
    for (const auto& u : data().units)
      if (u.kind == UnitKind::village && valid_on(u, date)) parent[u.code] = u.parent_code;
    std::map<std::string, std::pair<int, int>> tally;
    std::map<std::string, const store::StatusRecord*> commune_status;
    for (const auto& s : data().statuses) {
      if (s.year != year) continue;
      if (auto p = parent.find(s.unit_code); p != parent.end()) {
        ++tally[p->second].second;
        if (s.status == store::StatusValue::recognised) ++tally[p->second].first;
      } else {
        commune_status[s.unit_code] = &s;
      }
    }
    for (const auto& [code, counts] : tally) {
      ASSERT_TRUE(commune_status.contains(code)) << code << " " << year;
      const auto* s = commune_status.at(code);
      const double share = 100.0 * counts.first / counts.second;
      EXPECT_NEAR(s->criteria.villages_recognised_share.value_or(-1), share, 1e-9) << code << " " << year;
      if (s->status == store::StatusValue::recognised) {
        EXPECT_GE(share, 70.0) << code << " " << year;
      }
    }
  }
}

TEST_F(SampleTest, ClustersAreConnectedAreasOnDistrictBorders) {
  std::map<std::string, const UnitVersion*> latest;
  EXPECT_GE(data().clusters.size(), 10u);
  int lien_ket = 0, across = 0;
  for (const auto& c : data().clusters) lien_ket += c.kind == store::ClusterKind::lien_ket;
  EXPECT_GE(lien_ket, 1);
  for (const auto& year : data().cluster_years) {
    const std::string date = year_end(year.year);
    std::vector<GEOSGeometry*> parts;
    std::set<std::string> parents;
    for (const auto& code : year.member_codes)
      for (const auto& u : data().units)
        if (u.code == code && valid_on(u, date)) {
          parts.push_back(geometry(u).release());
          parents.insert(u.parent_code);
        }
    ASSERT_EQ(parts.size(), year.member_codes.size()) << year.cluster_code << " " << year.year;
    EXPECT_GE(parents.size(), year.year < 2020 ? 2u : 1u) << year.cluster_code;
    for (const auto& p : parents) across += p.size() == 2 && p != "17";
    EXPECT_NE(std::find(year.member_codes.begin(), year.member_codes.end(), year.standing_unit_code),
              year.member_codes.end());
    geo::Geometry collection(geos, GEOSGeom_createCollection_r(geos.get(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                               static_cast<unsigned>(parts.size())));
    geo::Geometry united(geos, GEOSUnaryUnion_r(geos.get(), collection.get()));
    EXPECT_EQ(GEOSGetNumGeometries_r(geos.get(), united.get()), 1) << year.cluster_code << " " << year.year;
  }
  EXPECT_GT(across, 0) << "some clusters reach into neighbouring provinces";
}

TEST_F(SampleTest, ModelsAreAboutTwoThirdsEffective) {
  std::set<std::string> types(store::model_types().begin(), store::model_types().end());
  for (const auto& m : data().models) {
    EXPECT_TRUE(types.contains(m.type)) << m.type;
    EXPECT_FALSE(m.founded.empty());
  }
  std::map<int, std::pair<int, int>> effective;
  for (const auto& y : data().model_years) {
    ++effective[y.year].second;
    effective[y.year].first += y.effective;
  }
  for (int year = 2012; year <= 2020; ++year) {
    const double share = 1.0 * effective[year].first / effective[year].second;
    EXPECT_GT(share, 0.6) << year;
    EXPECT_LT(share, 0.8) << year;
  }
}

TEST(SampleDeterminism, SameSeedSameBytesOtherSeedOtherShapes) {
  auto a = generate_sample({});
  auto b = generate_sample({});
  auto c = generate_sample({.scale = 1, .seed = 7});
  ASSERT_EQ(a.units.size(), b.units.size());
  for (size_t i = 0; i < a.units.size(); ++i) {
    EXPECT_EQ(a.units[i].code, b.units[i].code);
    EXPECT_TRUE(a.units[i].geometry_wkb == b.units[i].geometry_wkb) << a.units[i].code;
  }
  ASSERT_EQ(a.statuses.size(), b.statuses.size());
  for (size_t i = 0; i < a.statuses.size(); ++i) EXPECT_EQ(a.statuses[i].status, b.statuses[i].status);
  EXPECT_NE(a.units.front().geometry_wkb, c.units.front().geometry_wkb);
}

// The validator clips a parent or sibling to a child's bounds widened by a margin. With a margin of
// 1e-6° and the sample's coordinates on a 1e-7° grid, that cut line could pass exactly through a
// vertex; GEOSClipByRect then returned a self-intersecting ring and the validator reported phantom
// findings (at --scale 10: village KDC-05044-4-02 wholly "outside" its commune and "overlapping"
// its neighbour). Seed 187 hits the same case at scale 1 (communes 05212 and 05221 in 2020). The
// geometry is right (checked here with exact overlays); the validator must find nothing.
TEST(SampleValidation, AnotherSeedValidatesWithoutFindings) {
  const SampleOptions options{.scale = 1, .seed = 187};
  const SampleData data = generate_sample(options);
  for (const std::string date : {"2019-12-31", "2020-12-31"}) expect_children_inside_and_apart(data, date);
  testing::TempDir dir;
  auto store = store::open_store(dir.store("sample.sqlite"), true);
  load_sample(*store, {"tester", "sample_test"}, options);
  for (int year : {2012, 2019, 2020, 2021, 2025, 2026}) {
    const auto report = validate::validate_store(*store, {.year = year});
    std::vector<std::string> found;
    for (const auto& finding : report.findings) found.push_back(finding.problem + ": " + finding.message);
    EXPECT_EQ(report.errors(), 0) << year << " " << ::testing::PrintToString(found);
    EXPECT_EQ(report.warnings(), 0) << year << " " << ::testing::PrintToString(found);
  }
}

TEST(SampleScale, RejectsAScaleOutOfRange) {
  EXPECT_THROW(generate_sample({.scale = 0}), UsageError);
  EXPECT_THROW(generate_sample({.scale = 51}), UsageError);
}

TEST(SampleStore, LoadsIntoASpatialiteStoreInOneTransaction) {
  testing::TempDir dir;
  auto store = store::open_store(dir.store("sample.sqlite"), true);
  std::vector<double> progress;
  const auto start = std::chrono::steady_clock::now();
  auto summary = load_sample(*store, {"tester", "sample_test"}, {}, [&](double f) { progress.push_back(f); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ timing   ] load_sample: " << seconds << " s\n";
  EXPECT_EQ(summary.communes_2019, 210);
  ASSERT_FALSE(progress.empty());
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_DOUBLE_EQ(progress.back(), 1.0);

  EXPECT_EQ(store->setting("home_province").value_or(""), "17");
  auto communes_on = [&](const std::string& date) {
    int n = 0;
    for (const auto& u : store->units({date, {UnitKind::commune}, std::nullopt, false}))
      n += u.code.size() == 5;  // GSO codes; the neighbouring provinces' invented ones are longer
    return n;
  };
  EXPECT_EQ(communes_on("2019-12-31"), 210);
  EXPECT_EQ(communes_on("2020-12-31"), 151);
  EXPECT_EQ(store->units({"2019-12-31", {UnitKind::district}, std::nullopt, false}).size(), 11u);
  EXPECT_EQ(store->units({"2020-12-31", {UnitKind::district}, std::nullopt, false}).size(), 10u);

  // Geometry survives the store byte for byte (as ISO WKB).
  auto generated = generate_sample({});
  geo::GeosContext geos;
  for (const auto& u : generated.units)
    if (u.code == "04789" && u.valid_from == "2008-08-01") {
      auto stored = store->unit_at("04789", "2015-06-01");
      ASSERT_TRUE(stored);
      auto a = geo::Geometry::from_wkb(geos, u.geometry_wkb);
      auto b = geo::Geometry::from_wkb(geos, stored->geometry_wkb);
      EXPECT_EQ(GEOSEqualsExact_r(geos.get(), a.get(), b.get(), 0.0), 1);
    }

  std::map<int, double> share;
  for (int year = 2012; year <= 2020; ++year) {
    auto statuses = store->statuses_of_year(year);
    int yes = 0;
    for (const auto& [code, s] : statuses) yes += s.status == store::StatusValue::recognised;
    share[year] = 100.0 * yes / static_cast<double>(statuses.size());
  }
  EXPECT_LT(share[2014], 70);
  EXPECT_GT(share[2015], 70);
  EXPECT_LT(share[2019], 90);
  EXPECT_GT(share[2020], 90);
  EXPECT_EQ(store->models().size(), 65u);
  EXPECT_GE(store->clusters().size(), 10u);
  EXPECT_GE(store->hotspots_at("2015-06-01").size(), 3u);
  EXPECT_GT(store->lineage_events().size(), 100u);
  EXPECT_EQ(store->core_forces(2020).size(), 151u);

  // A second load refuses instead of duplicating the province.
  EXPECT_THROW(load_sample(*store, {"tester", "sample_test"}, {}), InputError);
}

// The sample replays 1 July 2025 through the lineage write path: the units of each date are those
// that existed then, and since the reform the 46 real communes of Phú Thọ on Hòa Bình's ground.
TEST(SampleStore, ReplaysTheRealHistoryUnitsOfEachDate) {
  testing::TempDir dir;
  auto store = store::open_store(dir.store("sample.sqlite"), true);
  load_sample(*store, {"tester", "sample_test"}, {});
  auto on = [&](const std::string& date, UnitKind kind) {
    std::vector<store::UnitVersion> out;
    for (auto& unit : store->units({date, {kind}, std::nullopt, true}))
      if (unit.code.rfind("LG-", 0) != 0) out.push_back(std::move(unit));  // the invented neighbours
    return out;
  };
  auto codes = [](const std::vector<store::UnitVersion>& units) {
    std::set<std::string> out;
    for (const auto& unit : units) out.insert(unit.code);
    return out;
  };
  // 2015: Hòa Bình, 11 districts, 210 communes.
  EXPECT_TRUE(codes(on("2015-12-31", UnitKind::province)).count("17"));
  EXPECT_EQ(on("2015-12-31", UnitKind::district).size(), 11u);
  EXPECT_EQ(on("2015-12-31", UnitKind::commune).size(), 210u);
  // 2020: 10 districts, 151 communes.
  EXPECT_EQ(on("2020-12-31", UnitKind::district).size(), 10u);
  EXPECT_EQ(on("2020-12-31", UnitKind::commune).size(), 151u);
  EXPECT_EQ(on("2025-06-30", UnitKind::commune).size(), 151u);
  // 2026: Phú Thọ, no districts, 46 communes under it, each with its real boundary.
  const auto provinces = on("2026-12-31", UnitKind::province);
  ASSERT_EQ(provinces.size(), 1u);
  EXPECT_EQ(provinces[0].code, "25");
  EXPECT_EQ(provinces[0].name, "Tỉnh Phú Thọ");
  EXPECT_TRUE(on("2026-12-31", UnitKind::district).empty());
  const auto communes = on("2026-12-31", UnitKind::commune);
  ASSERT_EQ(communes.size(), 46u);
  std::map<std::string, std::string> real;  // code -> WKT, as sample-data/phutho-2025-communes.csv has it
  {
    GDALAllRegister();
    const char* options[] = {"AUTODETECT_TYPE=NO", "HEADERS=YES", "GEOM_POSSIBLE_NAMES=nothing", nullptr};
    GDALDatasetH csv = GDALOpenEx(ANTT_SOURCE_DIR "/sample-data/phutho-2025-communes.csv", GDAL_OF_VECTOR, nullptr,
                                  options, nullptr);
    ASSERT_NE(csv, nullptr);
    OGRLayerH layer = GDALDatasetGetLayer(csv, 0);
    for (OGRFeatureH row; (row = OGR_L_GetNextFeature(layer)) != nullptr; OGR_F_Destroy(row))
      real[OGR_F_GetFieldAsString(row, OGR_F_GetFieldIndex(row, "ma_xa"))] =
          OGR_F_GetFieldAsString(row, OGR_F_GetFieldIndex(row, "wkt"));
    GDALClose(csv);
  }
  ASSERT_EQ(real.size(), 46u);
  geo::GeosContext geos;
  for (const auto& commune : communes) {
    EXPECT_EQ(commune.parent_code, "25") << commune.code;
    EXPECT_FALSE(commune.synthetic) << commune.code;
    ASSERT_TRUE(real.count(commune.code)) << commune.code;
    const auto expected = geo::Geometry::from_wkt(geos, real.at(commune.code));
    const auto stored = geo::Geometry::from_wkb(geos, commune.geometry_wkb);
    EXPECT_EQ(GEOSEqualsExact_r(geos.get(), expected.get(), stored.get(), 1e-9), 1) << commune.code;
  }
  // Phường Hoà Bình (04795, once Phường Thịnh Lang) and what it was made from.
  const auto lineage = editing::lineage_of(*store, "04795");
  std::set<std::string> before;
  for (const auto& item : lineage["before"]) before.insert(item["code"].get<std::string>());
  for (const char* code : {"04798", "04801", "04804", "04807", "04816", "04918"}) EXPECT_TRUE(before.count(code)) << code;
  EXPECT_EQ(editing::successor_on(*store, "17", "2026-12-31").value_or(""), "25");
  // Every village and facility moved with its commune; statuses go on to 2026.
  EXPECT_EQ(on("2026-12-31", UnitKind::village).size(), on("2020-12-31", UnitKind::village).size());
  for (int year = 2021; year <= 2026; ++year) EXPECT_FALSE(store->statuses_of_year(year).empty()) << year;
  const auto stats = stats::compute_stats(*store, 2026);
  EXPECT_EQ(stats.province.code, "25");
  EXPECT_EQ(stats.area_level, "commune");
  EXPECT_EQ(stats.districts.size(), 46u);
  const auto earlier = stats::compute_stats(*store, 2015);
  EXPECT_EQ(earlier.province.code, "17");
  EXPECT_EQ(earlier.area_level, "district");
  EXPECT_EQ(earlier.districts.size(), 11u);
}

}  // namespace
}  // namespace antt::sample
