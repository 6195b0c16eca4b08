#pragma once
// A store with adjoining communes on both sides of the Hòa Bình – Phú Thọ border, for the cluster
// import and export tests. Every commune is a 0.01° square; squares one step apart share an edge.
//
//   20.91  04837 Xã Suối Nánh (until 2020-01-01)   LG-25-01 Xã Đồng Lương Hạ (Phú Thọ, invented code)
//   20.90  04831 Thị trấn Đà Bắc   04834 Xã Đồng Nghê              …   04840 Xã Giáp Đắt (apart)
//          105.20                  105.21                              105.30
//
// (LG-25-01 lies north of 04831, 04837 north of 04834.)
#include <optional>
#include <string>

#include "antt/geo/ogr.hpp"
#include "import_fixtures.hpp"

namespace antt::testing {

/// "x y" ring of a square of `half` degrees around (lon, lat), closed.
inline std::string square_ring(double lon, double lat, double half = 0.005) {
  auto p = [](double x, double y) { return std::to_string(x) + " " + std::to_string(y); };
  return p(lon - half, lat - half) + "," + p(lon + half, lat - half) + "," + p(lon + half, lat + half) + "," +
         p(lon - half, lat + half) + "," + p(lon - half, lat - half);
}

inline std::string square_multipolygon(double lon, double lat) { return "MULTIPOLYGON (((" + square_ring(lon, lat) + ")))"; }

/// Adds district 150, province 25 with district 227, and the communes drawn above to `store`
/// (which must already hold province 17, as StoreFixture's does).
inline void add_border_communes(store::Store& store, const store::Actor& actor) {
  store.write(actor, [&] {
    auto unit = [&](const char* code, const char* name, store::UnitKind kind, const char* parent,
                    std::optional<std::string> valid_to = std::nullopt, std::optional<std::pair<double, double>> at = {}) {
      store::UnitVersion version;
      version.code = code;
      version.name = name;
      version.kind = kind;
      version.parent_code = parent;
      version.valid_to = std::move(valid_to);
      if (kind == store::UnitKind::commune) version.subtype = std::string(name).rfind("Xã", 0) == 0 ? "xa" : "thi_tran";
      if (at) version.geometry_wkb = geo::OgrGeometry::from_wkt(square_multipolygon(at->first, at->second)).iso_wkb();
      store.insert_unit(version);
    };
    using K = store::UnitKind;
    unit("150", "Huyện Đà Bắc", K::district, "17");
    unit("25", "Tỉnh Phú Thọ", K::province, "");
    unit("227", "Huyện Thanh Sơn", K::district, "25");
    unit("04831", "Thị trấn Đà Bắc", K::commune, "150", std::nullopt, std::pair{105.20, 20.90});
    unit("04834", "Xã Đồng Nghê", K::commune, "150", std::nullopt, std::pair{105.21, 20.90});
    unit("04837", "Xã Suối Nánh", K::commune, "150", "2020-01-01", std::pair{105.21, 20.91});
    unit("04840", "Xã Giáp Đắt", K::commune, "150", std::nullopt, std::pair{105.30, 20.90});
    unit("LG-25-01", "Xã Đồng Lương Hạ", K::commune, "227", std::nullopt, std::pair{105.20, 20.91});
  });
}

class ClusterStoreFixture : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    add_border_communes(*store, actor);
  }

  /// The membership of `code` in `year`, if any.
  std::optional<store::ClusterYear> membership(const std::string& code, int year) const {
    for (auto& entry : store->cluster_years(year))
      if (entry.cluster_code == code) return entry;
    return std::nullopt;
  }

  std::optional<store::Cluster> cluster(const std::string& code) const {
    for (auto& found : store->clusters())
      if (found.code == code) return found;
    return std::nullopt;
  }
};

}  // namespace antt::testing
