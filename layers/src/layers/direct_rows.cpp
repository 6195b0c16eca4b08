// Rows at full detail in EPSG:4326: the store's geometry passed through, points on surfaces and
// unions made with GEOS in the same coordinates.
#include "antt/layers/direct_rows.hpp"

#include <map>

#include "antt/core/error.hpp"
#include "antt/geo/geos.hpp"
#include "antt/store/store.hpp"

namespace antt::layers {
namespace {

constexpr int kFullLevel = mapdata::kLevels - 1;

class DirectRowSource final : public RowSource {
 public:
  explicit DirectRowSource(const store::Store& store) : store_(store) {
    catalogue_.reset(store.units({std::nullopt, {}, std::nullopt, false}));
  }

  const store::Store& store() const override { return store_; }
  const UnitCatalogue& units() const override { return catalogue_; }

  SharedGeometries area(const store::UnitVersion& version) override {
    auto found = areas_.find(version.id);
    if (found != areas_.end()) return found->second;
    for (const auto& read : store_.units({std::nullopt, {}, version.code, true}))
      if (!areas_.count(read.id)) areas_[read.id] = from_wkb(read.geometry_wkb);
    return areas_[version.id];
  }

  SharedGeometries point(const store::UnitVersion& version) override {
    auto shape = area(version);
    if (!shape || shape->point) return shape;
    auto geometry = geo::Geometry::from_wkb(context_, shape->wkb[kFullLevel]);
    geo::Geometry inside(context_, geo::check(context_, GEOSPointOnSurface_r(context_.get(), geometry.get()),
                                              "point on surface"));
    return made(inside);
  }

  SharedGeometries union_of(const std::vector<const store::UnitVersion*>& versions) override {
    std::vector<geo::Geometry> parts;
    for (const auto* version : versions)
      if (auto shape = area(*version); shape && !shape->point)
        parts.push_back(geo::Geometry::from_wkb(context_, shape->wkb[kFullLevel]));
    if (parts.empty()) return nullptr;
    std::vector<const GEOSGeometry*> borrowed;
    for (const auto& part : parts) borrowed.push_back(part.get());
    auto joined = geo::union_of(context_, borrowed, 1e-8);
    return joined.is_empty() ? nullptr : made(joined);
  }

  SharedGeometries geometry(const std::string&, const std::string& wkb_4326) override { return from_wkb(wkb_4326); }

 private:
  SharedGeometries from_wkb(const std::string& wkb) {
    if (wkb.empty()) return nullptr;
    auto geometry = geo::Geometry::from_wkb(context_, wkb);
    if (!geometry || geometry.is_empty()) return nullptr;
    return made(geometry);
  }

  SharedGeometries made(const geo::Geometry& geometry) {
    auto levels = std::make_shared<LevelGeometries>();
    levels->wkb[kFullLevel] = geometry.wkb();
    double minx = 0, miny = 0, maxx = 0, maxy = 0;
    GEOSGeom_getXMin_r(context_.get(), geometry.get(), &minx);
    GEOSGeom_getYMin_r(context_.get(), geometry.get(), &miny);
    GEOSGeom_getXMax_r(context_.get(), geometry.get(), &maxx);
    GEOSGeom_getYMax_r(context_.get(), geometry.get(), &maxy);
    levels->box = {minx, miny, maxx, maxy};
    levels->point = GEOSGeomTypeId_r(context_.get(), geometry.get()) == GEOS_POINT;
    return levels;
  }

  const store::Store& store_;
  UnitCatalogue catalogue_;
  geo::GeosContext context_;
  std::map<std::int64_t, SharedGeometries> areas_;
};

}  // namespace

std::vector<LayerRow> direct_rows(const store::Store& store, const LayerDescriptor& layer, int year) {
  return direct_rows(store, std::vector<const LayerDescriptor*>{&layer}, year).front();
}

std::vector<std::vector<LayerRow>> direct_rows(const store::Store& store, const std::vector<const LayerDescriptor*>& layers,
                                               int year) {
  DirectRowSource source(store);
  std::vector<std::vector<LayerRow>> out;
  for (const auto* layer : layers) out.push_back(layer->rows(source, year));
  return out;
}

}  // namespace antt::layers
