// RenderStore: builds the render file from the store with each layer's row builder, and follows
// the store's change feed.
#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/layers/layers.hpp"
#include "antt/mapdata/mapdata.hpp"
#include "antt/mapdata/shapefiles.hpp"
#include "antt/store/render_file.hpp"
#include "antt/store/store.hpp"
#include "generalise.hpp"

namespace antt::mapdata {
namespace {

using layers::LayerRow;
using store::UnitVersion;
using LayerYear = std::pair<std::string, int>;
using RowPointer = std::shared_ptr<const LayerRow>;

void extend(Box& box, const Box& more, bool& empty) {
  if (empty) {
    box = more;
    empty = false;
    return;
  }
  box.minx = std::min(box.minx, more.minx);
  box.miny = std::min(box.miny, more.miny);
  box.maxx = std::max(box.maxx, more.maxx);
  box.maxy = std::max(box.maxy, more.maxy);
}

struct WrittenRow {
  std::int64_t fid = 0;
  RowPointer row;
};
using WrittenRows = std::map<std::string, WrittenRow>;  ///< by row key

/// What one (layer, year) rewrite does: rows to delete and insert, and the rows afterwards.
struct Rewrite {
  LayerYear target;
  std::vector<std::int64_t> removed;
  std::vector<WrittenRow> inserted;
  WrittenRows after;
  Box dirty;
  bool changed = false;
};

std::vector<store::RenderTable> tables_of(const layers::LayerRegistry& registry) {
  std::vector<store::RenderTable> tables;
  for (const auto& layer : registry.layers())
    for (int level = 0; level < kLevels; ++level)
      tables.push_back({table_name(layer.name, level), layer.geometry == layers::GeometryType::point});
  return tables;
}

store::RenderFileRow file_row(const LayerRow& row, std::int64_t fid, int year, int level) {
  store::RenderFileRow out;
  out.fid = fid;
  out.year = year;
  out.vfrom = row.vfrom;
  out.vto = row.vto;
  out.code = row.code;
  out.name = row.name;
  out.kind = row.kind;
  out.parent_code = row.parent_code;
  out.class_key = row.class_key;
  out.label = row.label;
  out.share = row.share;
  out.recognised = row.recognised;
  out.total = row.total;
  out.effective = row.effective;
  out.decision = row.decision;
  out.members = row.members;
  out.wkb = row.geometry->wkb[level];
  return out;
}

}  // namespace

struct RenderStore::Impl final : layers::RowSource {
  Impl(std::unique_ptr<store::Store> store_in, std::shared_ptr<const layers::LayerRegistry> registry_in,
       std::string render_path_in, const std::string& shapefile_dir, std::vector<int> drawing_years)
      : store_(std::move(store_in)),
        registry(std::move(registry_in)),
        render_path(std::move(render_path_in)),
        file(store::RenderFile::create(render_path, tables_of(*registry))) {
    if (!shapefile_dir.empty())
      shapefiles = std::make_unique<RenderShapefiles>(registry, shapefile_dir, std::move(drawing_years));
  }

  std::unique_ptr<store::Store> store_;
  std::shared_ptr<const layers::LayerRegistry> registry;
  std::string render_path;
  store::RenderFile file;
  std::unique_ptr<RenderShapefiles> shapefiles;  ///< drawing copies of the rows, when kept
  std::vector<int> only_years;  ///< sorted; empty: every year
  int first_year = 0;            ///< years before it are not held; 0: from the first status year
  Generaliser generaliser;
  layers::UnitCatalogue catalogue;

  // Generalised geometry by unit version id, so a status-only refresh re-simplifies nothing.
  std::unordered_map<std::int64_t, SharedGeometries> unit_area;
  std::unordered_map<std::int64_t, SharedGeometries> unit_point;
  std::map<std::string, SharedGeometries> unions;  ///< by member version ids
  std::map<std::string, std::pair<std::string, SharedGeometries>> keyed;  ///< key -> (source WKB, geometry)

  std::map<LayerYear, WrittenRows> written;
  std::int64_t next_fid = 1;
  std::int64_t position = 0;  ///< the change feed position the rows reflect

  mutable std::mutex published_mutex;  ///< guards the four below, read by other threads
  std::vector<int> published_years;
  std::optional<int> published_latest;
  std::optional<Box> published_extent;
  std::map<LayerYear, std::shared_ptr<const std::vector<RowPointer>>> published_rows;

  // RowSource ------------------------------------------------------------------------------
  const store::Store& store() const override { return *store_; }
  const layers::UnitCatalogue& units() const override { return catalogue; }

  SharedGeometries area(const UnitVersion& version) override {
    auto found = unit_area.find(version.id);
    if (found != unit_area.end()) return found->second;
    for (const auto& read : store_->units({std::nullopt, {}, version.code, true}))
      if (!unit_area.count(read.id)) unit_area[read.id] = generaliser.from_store_wkb(read.geometry_wkb, "unit " + read.code);
    return unit_area[version.id];
  }

  SharedGeometries point(const UnitVersion& version) override {
    auto found = unit_point.find(version.id);
    if (found != unit_point.end()) return found->second;
    auto shape = area(version);
    return unit_point[version.id] = shape ? generaliser.surface_point(*shape) : nullptr;
  }

  SharedGeometries union_of(const std::vector<const UnitVersion*>& versions) override {
    std::string key;
    std::vector<SharedGeometries> parts;
    for (const UnitVersion* version : versions) {
      key += std::to_string(version->id) + "|";
      parts.push_back(area(*version));
    }
    auto cached = unions.find(key);
    if (cached != unions.end()) return cached->second;
    std::vector<const LevelGeometries*> shapes;
    for (const auto& part : parts) shapes.push_back(part.get());
    return unions.emplace(key, generaliser.union_of(shapes)).first->second;
  }

  SharedGeometries geometry(const std::string& key, const std::string& wkb_4326) override {
    auto found = keyed.find(key);
    if (found != keyed.end() && found->second.first == wkb_4326) return found->second.second;
    auto made = generaliser.from_store_wkb(wkb_4326, key);
    keyed[key] = {wkb_4326, made};
    return made;
  }

  // Years ---------------------------------------------------------------------------------
  std::pair<std::vector<int>, std::optional<int>> status_years() const {
    auto with_status = store_->years_with_status();
    if (with_status.empty()) return {{year_of(today())}, std::nullopt};
    // Up to this year even without statuses: today's units are drawn, as "no data" (đã có đơn vị,
    // chưa có trạng thái), rather than the year refused.
    std::vector<int> years;
    const int last = std::max(with_status.back(), year_of(today()));
    for (int year = std::max(with_status.front(), first_year); year <= last; ++year)
      if (only_years.empty() || std::binary_search(only_years.begin(), only_years.end(), year)) years.push_back(year);
    return {years, with_status.back()};
  }

  /// Whether a unit version is in force at some time of the years held (all, when not restricted).
  bool in_years_held(const UnitVersion& version) const {
    const int from = std::max(first_year, only_years.empty() ? 0 : only_years.front());
    if (from > 0 && version.valid_to && *version.valid_to <= std::to_string(from) + "-01-01") return false;
    return only_years.empty() || version.valid_from < std::to_string(only_years.back() + 1) + "-01-01";
  }

  std::vector<LayerRow> rows_of(const LayerYear& target) {
    const auto* layer = registry->find(target.first);
    return layer ? layer->rows(*this, target.second) : std::vector<LayerRow>{};
  }

  // Rewrites ------------------------------------------------------------------------------
  Rewrite plan(const LayerYear& target, std::vector<LayerRow> rows) {
    Rewrite rewrite;
    rewrite.target = target;
    WrittenRows before = written.count(target) ? written.at(target) : WrittenRows{};
    bool empty = true;
    for (auto& row : rows) {
      if (rewrite.after.count(row.key)) continue;  // keys are unique by construction; keep the first
      auto old = before.find(row.key);
      if (old != before.end() && old->second.row->same_content(row)) {
        rewrite.after.emplace(row.key, std::move(old->second));
        before.erase(old);
        continue;
      }
      if (old != before.end()) {
        rewrite.removed.push_back(old->second.fid);
        extend(rewrite.dirty, old->second.row->geometry->box, empty);
        before.erase(old);
      }
      extend(rewrite.dirty, row.geometry->box, empty);
      std::string key = row.key;
      WrittenRow fresh{next_fid++, std::make_shared<const LayerRow>(std::move(row))};
      rewrite.inserted.push_back(fresh);
      rewrite.after.emplace(std::move(key), std::move(fresh));
    }
    for (const auto& [key, gone] : before) {
      rewrite.removed.push_back(gone.fid);
      extend(rewrite.dirty, gone.row->geometry->box, empty);
    }
    rewrite.changed = !empty;
    return rewrite;
  }

  /// Writes every rewrite in one transaction, then adopts their rows as the written state.
  void execute(std::vector<Rewrite>& rewrites) {
    file.in_transaction([&] {
      for (const auto& rewrite : rewrites) {
        const auto& [layer, year] = rewrite.target;
        for (auto fid : rewrite.removed)
          for (int level = 0; level < kLevels; ++level) file.remove(table_name(layer, level), fid);
        for (const WrittenRow& row : rewrite.inserted)
          for (int level = 0; level < kLevels; ++level)
            if (!row.row->geometry->wkb[level].empty())
              file.insert(table_name(layer, level), file_row(*row.row, row.fid, year, level));
      }
    });
    std::map<LayerYear, std::shared_ptr<const std::vector<RowPointer>>> snapshots;
    for (auto& rewrite : rewrites) {
      if (rewrite.after.empty()) {
        written.erase(rewrite.target);
        snapshots[rewrite.target] = nullptr;
        continue;
      }
      std::vector<const WrittenRow*> by_fid;
      for (const auto& [key, row] : rewrite.after) by_fid.push_back(&row);
      std::sort(by_fid.begin(), by_fid.end(), [](auto* a, auto* b) { return a->fid < b->fid; });
      auto rows = std::make_shared<std::vector<RowPointer>>();
      for (const WrittenRow* row : by_fid) rows->push_back(row->row);
      snapshots[rewrite.target] = std::move(rows);
      written[rewrite.target] = std::move(rewrite.after);
    }
    std::lock_guard lock(published_mutex);
    for (auto& [target, rows] : snapshots) {
      if (rows) published_rows[target] = std::move(rows);
      else published_rows.erase(target);
    }
  }

  std::vector<RowPointer> published(const LayerYear& target) const {
    std::lock_guard lock(published_mutex);
    auto found = published_rows.find(target);
    return found == published_rows.end() || !found->second ? std::vector<RowPointer>{} : *found->second;
  }

  /// Rewrites the drawing shapefiles of the changed (layer, year)s. Called last, once the render
  /// file and the state above are settled: if it throws, RenderShapefiles keeps the targets and
  /// the next refresh() writes them.
  void write_shapefiles(const std::vector<Rewrite>& rewrites) {
    if (!shapefiles) return;
    std::vector<LayerYear> changed;
    for (const auto& rewrite : rewrites)
      if (rewrite.changed) changed.push_back(rewrite.target);
    shapefiles->update(changed, [this](const std::string& layer, int year) { return published({layer, year}); });
  }

  void publish(std::vector<int> years, std::optional<int> latest) {
    bool empty = true;
    Box box;
    for (const auto& [target, rows] : written)
      for (const auto& [key, row] : rows) extend(box, row.row->geometry->box, empty);
    std::lock_guard lock(published_mutex);
    published_years = std::move(years);
    published_latest = latest;
    published_extent = empty ? std::nullopt : std::optional<Box>(box);
  }

  std::vector<int> current_years() const {
    std::lock_guard lock(published_mutex);
    return published_years;
  }

  // Change feed → affected (layer, year) ------------------------------------------------------
  struct Affected {
    std::set<LayerYear> targets;
    std::set<std::string> every_year;  ///< layers to rebuild for all years
    std::set<std::string> unit_codes;  ///< units whose versions changed
  };

  Affected affected_by(const std::vector<store::Change>& changes, const std::vector<int>& candidate_years) const {
    Affected affected;
    for (const auto& change : changes) {
      if (change.topic == store::ChangeTopic::unit)
        affected.unit_codes.insert(change.unit_codes.begin(), change.unit_codes.end());
      for (const auto& layer : registry->layers()) {
        if (!layer.affected_by(change)) continue;
        if (layer.affects_every_year(change)) {
          affected.every_year.insert(layer.name);
          continue;
        }
        for (int year : candidate_years)
          if (change.years->contains(year)) affected.targets.insert({layer.name, year});
      }
    }
    return affected;
  }

  /// Drops the cached geometry of every version of `codes` (a version may change in place).
  void forget_units(const std::set<std::string>& codes) {
    for (const auto& code : codes)
      for (const UnitVersion* version : catalogue.of_code(code)) {
        unit_area.erase(version->id);
        unit_point.erase(version->id);
      }
    // Union keys name member version ids, but a member's geometry may have changed in place.
    if (!codes.empty()) unions.clear();
  }
};

RenderStore::RenderStore(std::unique_ptr<store::Store> store, std::shared_ptr<const layers::LayerRegistry> registry,
                         std::string render_path, std::string shapefile_dir, std::vector<int> drawing_years)
    : impl_(std::make_unique<Impl>(std::move(store), std::move(registry), std::move(render_path), shapefile_dir,
                                   std::move(drawing_years))) {}

RenderStore::~RenderStore() = default;

const std::string& RenderStore::path() const { return impl_->render_path; }

void RenderStore::build_all(const std::function<void(double)>& progress) {
  Impl& impl = *impl_;
  auto report = [&](double done) {
    if (progress) progress(std::clamp(done, 0.0, 1.0));
  };
  report(0.0);
  // Read the feed position before the data: a change landing in between is applied again later.
  const std::int64_t position = impl.store_->change_position();

  auto versions = impl.store_->units({});
  const double geometry_share = 0.6;
  for (size_t i = 0; i < versions.size(); ++i) {
    auto& version = versions[i];
    // Versions of other years are generalised only if a layer asks for them (area() reads them then).
    if (!impl.unit_area.count(version.id) && impl.in_years_held(version))
      impl.unit_area[version.id] = impl.generaliser.from_store_wkb(version.geometry_wkb, "unit " + version.code);
    std::string().swap(version.geometry_wkb);
    if (i % 64 == 0) report(geometry_share * static_cast<double>(i) / static_cast<double>(versions.size()));
  }
  impl.catalogue.reset(std::move(versions));

  auto [years, latest] = impl.status_years();
  std::vector<Rewrite> rewrites;
  const auto& layers = impl.registry->layers();
  const double steps = static_cast<double>(years.size() * layers.size());
  for (const auto& layer : layers)
    for (int year : years) {
      rewrites.push_back(impl.plan({layer.name, year}, impl.rows_of({layer.name, year})));
      report(geometry_share + (1.0 - geometry_share) * 0.9 * static_cast<double>(rewrites.size()) / steps);
    }
  // Years no longer present (build_all called again after statuses disappeared).
  for (const auto& [target, rows] : impl.written)
    if (std::find(years.begin(), years.end(), target.second) == years.end())
      rewrites.push_back(impl.plan(target, {}));
  impl.execute(rewrites);
  impl.position = position;
  impl.publish(years, latest);
  impl.write_shapefiles(rewrites);
  report(1.0);
}

void RenderStore::keep_only_years(std::vector<int> years) {
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  impl_->only_years = std::move(years);
}

void RenderStore::keep_years_from(int first_year) { impl_->first_year = first_year; }

RefreshResult RenderStore::refresh() {
  Impl& impl = *impl_;
  RefreshResult result;
  result.position = impl.position;
  if (impl.shapefiles && impl.shapefiles->has_pending()) {
    // An earlier refresh wrote the render file but not its shapefiles: write them now, and have
    // every tile of those (layer, year) dropped, as it may have been drawn from the old files.
    const auto retried = impl.shapefiles->pending();
    impl.shapefiles->update({}, [&impl](const std::string& layer, int year) { return impl.published({layer, year}); });
    constexpr double kWorld = geo::web_mercator::kHalfWorld;
    for (const auto& [layer, year] : retried) result.dirty.push_back({layer, year, Box{-kWorld, -kWorld, kWorld, kWorld}});
    result.changed = true;
  }
  if (impl.store_->change_position() <= impl.position) return result;

  const auto changes = impl.store_->changes_since(impl.position);
  if (changes.empty()) return result;
  for (const auto& change : changes) result.topics.insert(change.topic);
  std::vector<int> old_years = impl.current_years();
  auto [years, latest] = impl.status_years();
  std::vector<int> candidate_years = old_years;
  candidate_years.insert(candidate_years.end(), years.begin(), years.end());
  std::sort(candidate_years.begin(), candidate_years.end());
  candidate_years.erase(std::unique(candidate_years.begin(), candidate_years.end()), candidate_years.end());

  auto affected = impl.affected_by(changes, candidate_years);
  if (!affected.unit_codes.empty()) {
    impl.forget_units(affected.unit_codes);  // the versions as they were
    impl.catalogue.reset(impl.store_->units({std::nullopt, {}, std::nullopt, false}));
    impl.forget_units(affected.unit_codes);  // and as they are (a new version may reuse an id)
  }
  auto has = [](const std::vector<int>& list, int year) { return std::find(list.begin(), list.end(), year) != list.end(); };
  std::set<LayerYear> targets;
  for (const auto& target : affected.targets)
    if (has(years, target.second)) targets.insert(target);
  for (int year : years) {
    bool new_year = !has(old_years, year);
    for (const auto& layer : impl.registry->layers())
      if (new_year || affected.every_year.count(layer.name)) targets.insert({layer.name, year});
  }

  std::vector<Rewrite> rewrites;
  for (const auto& target : targets) rewrites.push_back(impl.plan(target, impl.rows_of(target)));
  for (const auto& [target, rows] : impl.written)
    if (!has(years, target.second)) rewrites.push_back(impl.plan(target, {}));
  impl.execute(rewrites);
  impl.position = changes.back().position;
  impl.publish(years, latest);

  impl.write_shapefiles(rewrites);
  for (const auto& rewrite : rewrites)
    if (rewrite.changed) result.dirty.push_back({rewrite.target.first, rewrite.target.second, rewrite.dirty});
  result.changed = result.changed || !result.dirty.empty() || years != old_years;
  result.position = impl.position;
  return result;
}

std::vector<int> RenderStore::years() const { return impl_->current_years(); }

std::optional<int> RenderStore::latest_status_year() const {
  std::lock_guard lock(impl_->published_mutex);
  return impl_->published_latest;
}

std::shared_ptr<const ShapefileSet> RenderStore::shapefiles() const {
  return impl_->shapefiles ? impl_->shapefiles->current() : nullptr;
}

std::vector<std::shared_ptr<const layers::LayerRow>> RenderStore::rows(const std::string& layer, int year) const {
  return impl_->published({layer, year});
}

std::optional<Box> RenderStore::extent() const {
  std::lock_guard lock(impl_->published_mutex);
  return impl_->published_extent;
}

}  // namespace antt::mapdata
