// RenderStore: builds the render file from the store and follows the store's audit log.
#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/layers/layers.hpp"
#include "antt/mapdata/mapdata.hpp"
#include "antt/mapdata/shapefiles.hpp"
#include "antt/stats/stats.hpp"
#include "antt/store/sqlite.hpp"
#include "antt/store/store.hpp"
#include "generalise.hpp"
#include "render_file.hpp"
#include "render_row.hpp"

namespace antt::mapdata {
namespace {

using store::UnitKind;
using store::UnitVersion;

constexpr const char* kNoData = "no_data";
constexpr const char* kNoDataLabel = "Chưa có số liệu";

/// "2015-03-01" → 20150301, the render file's date columns.
int date_number(std::string_view iso) {
  if (iso.size() < 10) return 0;
  return std::stoi(std::string(iso.substr(0, 4))) * 10000 + std::stoi(std::string(iso.substr(5, 2))) * 100 +
         std::stoi(std::string(iso.substr(8, 2)));
}

int end_number(const std::optional<std::string>& valid_to) { return valid_to ? date_number(*valid_to) : kOpenEnd; }

std::string year_start(int year) {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-01-01", year);
  return text;
}

/// [from, to) overlaps year: starts by its 31 December and ends after its 1 January.
bool overlaps_year(const std::string& from, const std::optional<std::string>& to, int year) {
  return from <= year_end(year) && to.value_or(std::string(antt::kOpenEnd)) > year_start(year);
}

std::string layer_of_kind(UnitKind kind) {
  switch (kind) {
    case UnitKind::district: return "districts";
    case UnitKind::commune: return "communes";
    case UnitKind::village: return "villages";
    case UnitKind::agency:
    case UnitKind::enterprise:
    case UnitKind::school: return "units";
    case UnitKind::province: return "";
  }
  return "";
}

/// "123/QĐ-UBND ngày 20/12/2015", as decisions are cited in Vietnamese documents.
std::string decision_text(const std::string& number, const std::string& date) {
  std::string out = number;
  if (date.size() >= 10) {
    if (!out.empty()) out += " ";
    out += "ngày " + date.substr(8, 2) + "/" + date.substr(5, 2) + "/" + date.substr(0, 4);
  }
  return out;
}

/// "92,5 %": Vietnamese decimal comma.
std::string percent_text(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", share);
  std::string out = text;
  std::replace(out.begin(), out.end(), '.', ',');
  return out + " %";
}

std::string district_class(double share) {
  if (share > 90.0) return "above_90";
  if (share > 70.0) return "above_70";
  return "below_70";
}

std::string cluster_label(store::ClusterKind kind) {
  return kind == store::ClusterKind::giap_ranh ? "Cụm an ninh trật tự giáp ranh" : "Cụm liên kết an ninh trật tự";
}

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

/// Every unit version (no geometry), indexed by code.
class Catalogue {
 public:
  void reset(std::vector<UnitVersion> versions) {
    versions_ = std::move(versions);
    by_code_.clear();
    for (const auto& version : versions_) by_code_[version.code].push_back(&version);
  }
  const std::vector<UnitVersion>& versions() const { return versions_; }
  const std::vector<const UnitVersion*>& of_code(const std::string& code) const {
    static const std::vector<const UnitVersion*> none;
    auto found = by_code_.find(code);
    return found == by_code_.end() ? none : found->second;
  }
  /// The version of `code` valid at the end of `year`, else the last one overlapping the year.
  const UnitVersion* of_year(const std::string& code, int year) const {
    const UnitVersion* last = nullptr;
    for (const UnitVersion* version : of_code(code))
      if (overlaps_year(version->valid_from, version->valid_to, year)) last = version;
    return last;
  }

 private:
  std::vector<UnitVersion> versions_;
  std::map<std::string, std::vector<const UnitVersion*>> by_code_;
};

struct Hotspot {
  std::int64_t id = 0;
  std::string commune_code, valid_from;
  std::optional<std::string> valid_to;
  std::string decision;
};

using LayerYear = std::pair<std::string, int>;

struct WrittenRow {
  std::int64_t fid = 0;
  RenderRow row;
};
using WrittenRows = std::map<std::string, WrittenRow>;

/// What one (layer, year) rewrite does: rows to delete and insert, and the rows afterwards.
struct Rewrite {
  LayerYear target;
  std::vector<std::int64_t> removed;
  std::vector<const WrittenRow*> inserted;  ///< point into `after`
  WrittenRows after;
  Box dirty;
  bool changed = false;
};

}  // namespace

struct RenderStore::Impl {
  Impl(std::string store_path_in, std::string render_path_in, const std::string& shapefile_dir,
       std::vector<int> drawing_years)
      : store_path(std::move(store_path_in)),
        render_path(std::move(render_path_in)),
        store(store::open_spatialite_store(store_path, false)),
        watch(store::Database::open(store_path, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX)),
        layer_list(layers::registry()),
        file(RenderFile::create(render_path, layer_list)) {
    if (!shapefile_dir.empty())
      shapefiles = std::make_unique<RenderShapefiles>(render_path, shapefile_dir, std::move(drawing_years));
  }

  std::string store_path;
  std::string render_path;
  std::unique_ptr<store::Store> store;
  store::Database watch;  ///< read-only: change detection and the few tables the Store API lists by date only
  std::vector<layers::LayerDescriptor> layer_list;
  RenderFile file;
  std::unique_ptr<RenderShapefiles> shapefiles;  ///< drawing copies of the render file, when kept
  Generaliser generaliser;
  Catalogue catalogue;

  // Generalised geometry by unit version id, so a status-only refresh re-simplifies nothing.
  std::unordered_map<std::int64_t, SharedGeometries> unit_geometry;
  std::unordered_map<std::int64_t, SharedGeometries> unit_point;
  std::map<std::string, SharedGeometries> cluster_geometry;  ///< by member version ids
  std::map<std::int64_t, SharedGeometries> model_location;

  std::map<LayerYear, WrittenRows> written;
  std::int64_t next_fid = 1;
  std::int64_t last_audit_id = 0;
  std::int64_t data_version = -1;

  mutable std::mutex published_mutex;  ///< guards the three below, read by other threads
  std::vector<int> published_years;
  std::optional<int> published_latest;
  std::optional<Box> published_extent;

  // Change detection ----------------------------------------------------------------------
  std::int64_t read_data_version() const {
    auto statement = watch.prepare_cached("PRAGMA data_version");
    statement.step();
    return statement.integer(0);
  }
  std::int64_t read_newest_audit_id() const {
    auto statement = watch.prepare_cached("SELECT COALESCE(max(id), 0) FROM audit_log");
    statement.step();
    return statement.integer(0);
  }

  std::pair<std::vector<int>, std::optional<int>> status_years() const {
    auto with_status = store->years_with_status();
    if (with_status.empty()) return {{year_of(today())}, std::nullopt};
    std::vector<int> years;
    for (int year = with_status.front(); year <= with_status.back(); ++year) years.push_back(year);
    return {years, with_status.back()};
  }

  // Geometry ------------------------------------------------------------------------------
  void load_geometry(const std::vector<UnitVersion>& versions) {
    for (const auto& version : versions)
      if (!unit_geometry.count(version.id))
        unit_geometry[version.id] = generaliser.from_store_wkb(version.geometry_wkb, "unit " + version.code);
  }
  SharedGeometries geometry_of(const UnitVersion& version) {
    auto found = unit_geometry.find(version.id);
    if (found != unit_geometry.end()) return found->second;
    load_geometry(store->units({std::nullopt, {}, version.code, true}));
    return unit_geometry[version.id];
  }
  SharedGeometries point_of(const UnitVersion& version) {
    auto found = unit_point.find(version.id);
    if (found != unit_point.end()) return found->second;
    auto area = geometry_of(version);
    return unit_point[version.id] = area ? generaliser.surface_point(*area) : nullptr;
  }

  // Rows of one (layer, year) ------------------------------------------------------------
  std::vector<RenderRow> unit_rows(const std::string& layer, int year) {
    auto statuses = store->statuses_of_year(year);
    std::vector<RenderRow> rows;
    for (const auto& version : catalogue.versions()) {
      if (layer_of_kind(version.kind) != layer || !overlaps_year(version.valid_from, version.valid_to, year)) continue;
      RenderRow row;
      row.geometry = layer == "units" ? point_of(version) : geometry_of(version);
      if (!row.geometry) continue;
      row.key = version.code + "@" + version.valid_from;
      row.vfrom = date_number(version.valid_from);
      row.vto = end_number(version.valid_to);
      row.code = version.code;
      row.name = version.name;
      row.kind = version.subtype.empty() ? std::string(to_string(version.kind)) : version.subtype;
      row.parent_code = version.parent_code;
      auto status = statuses.find(version.code);
      if (status == statuses.end()) {
        row.class_key = kNoData;
        row.label = kNoDataLabel;
      } else {
        row.class_key = to_string(status->second.status);
        row.label = store::vietnamese_label(status->second.status);
        row.decision = decision_text(status->second.decision_number, status->second.decision_date);
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  std::vector<RenderRow> district_rows(int year) {
    std::optional<stats::YearStats> year_stats;
    try {
      year_stats = stats::compute_stats(*store, year);
    } catch (const InputError&) {
      // No province to count (e.g. a store holding only units): districts show no data.
    }
    std::map<std::string, const stats::AreaStats*> by_code;
    if (year_stats)
      for (const auto& area : year_stats->districts) by_code[area.code] = &area;
    auto rows = unit_rows("districts", year);
    for (auto& row : rows) {
      row.decision.clear();
      auto area = by_code.find(row.code);
      // Statistics count the units of 31 December: a district version that ended earlier has none.
      bool counted = area != by_code.end() && row.vto > date_number(year_end(year));
      if (!counted || area->second->pooled.with_status == 0 || area->second->pooled.total == 0) {
        row.class_key = kNoData;
        row.label = kNoDataLabel;
        if (counted) row.total = area->second->pooled.total;
        continue;
      }
      const auto& pooled = area->second->pooled;
      row.share = pooled.share_recognised();
      row.recognised = pooled.recognised;
      row.total = pooled.total;
      row.class_key = district_class(*row.share);
      row.label = "Đạt " + percent_text(*row.share);
    }
    return rows;
  }

  std::vector<Hotspot> hotspots() const {
    auto statement = watch.prepare_cached("SELECT id, commune_code, valid_from, valid_to, decision FROM hotspot ORDER BY id");
    std::vector<Hotspot> out;
    while (statement.step())
      out.push_back({statement.integer(0), statement.text(1), statement.text(2), statement.optional_text(3),
                     statement.text(4)});
    return out;
  }

  std::vector<RenderRow> hotspot_rows(int year) {
    std::vector<RenderRow> rows;
    for (const auto& hotspot : hotspots()) {
      if (!overlaps_year(hotspot.valid_from, hotspot.valid_to, year)) continue;
      // The commune as it was at the end of the designation's part of the year.
      std::string window_from = std::max(hotspot.valid_from, year_start(year));
      std::string window_to = std::min(hotspot.valid_to.value_or(std::string(antt::kOpenEnd)), year_start(year + 1));
      const UnitVersion* commune = nullptr;
      for (const UnitVersion* version : catalogue.of_code(hotspot.commune_code))
        if (version->valid_from < window_to && version->valid_to.value_or(std::string(antt::kOpenEnd)) > window_from)
          commune = version;
      if (!commune) continue;
      RenderRow row;
      row.geometry = geometry_of(*commune);
      if (!row.geometry) continue;
      row.key = std::to_string(hotspot.id);
      row.vfrom = std::max(date_number(hotspot.valid_from), date_number(commune->valid_from));
      row.vto = std::min(end_number(hotspot.valid_to), end_number(commune->valid_to));
      row.code = commune->code;
      row.name = commune->name;
      row.kind = commune->subtype.empty() ? std::string(to_string(commune->kind)) : commune->subtype;
      row.parent_code = commune->parent_code;
      row.class_key = "hotspot";
      row.label = "Địa bàn trọng điểm phức tạp về ANTT";
      row.decision = hotspot.decision;
      rows.push_back(std::move(row));
    }
    return rows;
  }

  std::vector<RenderRow> cluster_rows(int year) {
    std::map<std::string, store::Cluster> clusters;
    for (auto& cluster : store->clusters()) clusters[cluster.code] = cluster;
    std::vector<RenderRow> rows;
    for (const auto& cluster_year : store->cluster_years(year)) {
      if (cluster_year.member_codes.empty()) continue;
      std::string cache_key = cluster_year.cluster_code;
      std::vector<SharedGeometries> parts;
      for (const auto& code : cluster_year.member_codes)
        if (const UnitVersion* member = catalogue.of_year(code, year)) {
          parts.push_back(geometry_of(*member));
          cache_key += "|" + std::to_string(member->id);
        }
      auto cached = cluster_geometry.find(cache_key);
      if (cached == cluster_geometry.end()) {
        std::vector<const LevelGeometries*> areas;
        for (const auto& part : parts) areas.push_back(part.get());
        cached = cluster_geometry.emplace(cache_key, generaliser.union_of(areas)).first;
      }
      if (!cached->second) continue;
      RenderRow row;
      row.geometry = cached->second;
      row.key = cluster_year.cluster_code;
      row.vfrom = year * 10000 + 101;
      row.vto = (year + 1) * 10000 + 101;
      row.code = cluster_year.cluster_code;
      auto cluster = clusters.find(cluster_year.cluster_code);
      if (cluster != clusters.end()) {
        row.name = cluster->second.name;
        row.kind = to_string(cluster->second.kind);
        row.label = cluster_label(cluster->second.kind);
      }
      row.class_key = "cluster";
      for (const auto& code : cluster_year.member_codes) row.members += (row.members.empty() ? "" : ",") + code;
      rows.push_back(std::move(row));
    }
    return rows;
  }

  std::vector<RenderRow> model_rows(int year) {
    auto effectiveness = store->model_effectiveness(year);
    std::vector<RenderRow> rows;
    for (const auto& model : store->models()) {
      if (!model.founded.empty() && model.founded > year_end(year)) continue;
      RenderRow row;
      if (!model.location_wkb.empty()) {
        auto found = model_location.find(model.id);
        if (found == model_location.end())
          found = model_location.emplace(model.id, generaliser.from_store_wkb(model.location_wkb, "model " + model.code)).first;
        row.geometry = found->second;
      } else if (const UnitVersion* runner = catalogue.of_year(model.unit_code, year)) {
        row.geometry = point_of(*runner);
      }
      if (!row.geometry) continue;
      auto rating = effectiveness.find(model.id);
      bool effective = rating != effectiveness.end() && rating->second;
      row.key = model.code;
      row.vfrom = model.founded.empty() ? date_number(store::kOpenStart) : date_number(model.founded);
      row.code = model.code;
      row.name = model.name;
      row.kind = model.type;
      row.parent_code = model.unit_code;
      row.class_key = model.type;
      row.effective = effective ? 1 : 0;
      row.label = effective ? "Mô hình tự quản hoạt động có hiệu quả" : "Mô hình tự quản chưa được đánh giá hiệu quả";
      rows.push_back(std::move(row));
    }
    return rows;
  }

  std::vector<RenderRow> rows_of(const std::string& layer, int year) {
    if (layer == "districts") return district_rows(year);
    if (layer == "communes" || layer == "villages" || layer == "units") return unit_rows(layer, year);
    if (layer == "hotspots") return hotspot_rows(year);
    if (layer == "clusters") return cluster_rows(year);
    if (layer == "models") return model_rows(year);
    return {};  // a registry layer this version does not fill: its tables stay empty
  }

  // Rewrites ------------------------------------------------------------------------------
  Rewrite plan(const LayerYear& target, std::vector<RenderRow> rows) {
    Rewrite rewrite;
    rewrite.target = target;
    WrittenRows before = written.count(target) ? written.at(target) : WrittenRows{};
    bool empty = true;
    std::vector<std::string> fresh_keys;
    for (auto& row : rows) {
      if (rewrite.after.count(row.key)) continue;  // keys are unique by construction; keep the first
      auto old = before.find(row.key);
      if (old != before.end() && old->second.row.same_content(row)) {
        rewrite.after.emplace(row.key, std::move(old->second));
        before.erase(old);
        continue;
      }
      if (old != before.end()) {
        rewrite.removed.push_back(old->second.fid);
        extend(rewrite.dirty, old->second.row.geometry->box, empty);
        before.erase(old);
      }
      extend(rewrite.dirty, row.geometry->box, empty);
      fresh_keys.push_back(row.key);
      std::string key = row.key;
      rewrite.after.emplace(key, WrittenRow{next_fid++, std::move(row)});
    }
    for (const auto& [key, gone] : before) {
      rewrite.removed.push_back(gone.fid);
      extend(rewrite.dirty, gone.row.geometry->box, empty);
    }
    for (const auto& key : fresh_keys) rewrite.inserted.push_back(&rewrite.after.at(key));
    rewrite.changed = !empty;
    return rewrite;
  }

  /// Writes every rewrite in one transaction, then adopts their rows as the written state.
  void execute(std::vector<Rewrite>& rewrites) {
    file.in_transaction([&] {
      for (const auto& rewrite : rewrites) {
        for (auto fid : rewrite.removed) file.remove(rewrite.target.first, fid);
        for (const WrittenRow* row : rewrite.inserted) file.insert(rewrite.target.first, rewrite.target.second, row->fid, row->row);
      }
    });
    for (auto& rewrite : rewrites) {
      if (rewrite.after.empty()) {
        written.erase(rewrite.target);
      } else {
        rewrite.inserted.clear();  // pointers into `after`, about to move
        written[rewrite.target] = std::move(rewrite.after);
      }
    }
  }

  /// Rewrites the drawing shapefiles of the changed (layer, year)s. Called last, once the render
  /// file and the state above are settled: if it throws, RenderShapefiles keeps the targets and
  /// the next refresh() writes them.
  void write_shapefiles(const std::vector<Rewrite>& rewrites) {
    if (!shapefiles) return;
    std::vector<LayerYear> changed;
    for (const auto& rewrite : rewrites)
      if (rewrite.changed) changed.push_back(rewrite.target);
    shapefiles->update(changed);
  }

  void publish(std::vector<int> years, std::optional<int> latest) {
    bool empty = true;
    Box box;
    for (const auto& [target, rows] : written)
      for (const auto& [key, row] : rows) extend(box, row.row.geometry->box, empty);
    std::lock_guard lock(published_mutex);
    published_years = std::move(years);
    published_latest = latest;
    published_extent = empty ? std::nullopt : std::optional<Box>(box);
  }

  std::vector<int> current_years() const {
    std::lock_guard lock(published_mutex);
    return published_years;
  }

  // Audit log → affected (layer, year) ------------------------------------------------------
  struct Affected {
    std::set<LayerYear> targets;
    std::set<std::string> every_year;  ///< layers to rebuild for all years
    std::set<std::int64_t> changed_unit_ids;
    bool units_changed = false;
  };

  static nlohmann::json parse_row(const std::string& text) {
    if (text.empty()) return nlohmann::json::object();
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json::object() : parsed;
  }

  static std::string text_of(const nlohmann::json& row, const char* key) {
    auto found = row.find(key);
    return found != row.end() && found->is_string() ? found->get<std::string>() : std::string();
  }

  static std::optional<int> int_of(const nlohmann::json& row, const char* key) {
    auto found = row.find(key);
    if (found == row.end()) return std::nullopt;
    if (found->is_number_integer()) return found->get<int>();
    if (found->is_string()) {
      try {
        return std::stoi(found->get<std::string>());
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  void note_status(Affected& affected, const nlohmann::json& row, const std::vector<int>& candidate_years) {
    auto year = int_of(row, "year");
    if (!year) {
      for (const char* layer : {"districts", "communes", "villages", "units"}) affected.every_year.insert(layer);
      return;
    }
    std::string code = text_of(row, "unit_code");
    bool known = false;
    for (const UnitVersion* version : catalogue.of_code(code)) {
      if (!overlaps_year(version->valid_from, version->valid_to, *year)) continue;
      known = true;
      affected.targets.insert({layer_of_kind(version->kind), *year});
      if (version->kind == UnitKind::commune) {
        affected.targets.insert({"hotspots", *year});
        affected.targets.insert({"clusters", *year});
      }
    }
    if (!known)
      for (const char* layer : {"communes", "villages", "units"}) affected.targets.insert({layer, *year});
    affected.targets.insert({"districts", *year});
    (void)candidate_years;
  }

  void note_unit(Affected& affected, const nlohmann::json& row, const std::vector<int>& candidate_years) {
    if (row.empty()) return;
    affected.units_changed = true;
    if (auto id = row.find("id"); id != row.end() && id->is_number_integer()) affected.changed_unit_ids.insert(id->get<std::int64_t>());
    std::string from = text_of(row, "valid_from");
    std::optional<std::string> to;
    if (auto found = row.find("valid_to"); found != row.end() && found->is_string()) to = found->get<std::string>();
    std::string kind_text = text_of(row, "kind");
    std::string layer;
    bool commune = kind_text == "commune";
    try {
      layer = layer_of_kind(store::parse_unit_kind(kind_text));
    } catch (const Error&) {
      layer.clear();
    }
    for (int year : candidate_years) {
      if (!overlaps_year(from.empty() ? std::string(store::kOpenStart) : from, to, year)) continue;
      if (!layer.empty()) affected.targets.insert({layer, year});
      affected.targets.insert({"districts", year});  // counts, parents and district outlines
      affected.targets.insert({"models", year});     // models drawn at their unit
      if (commune) {
        affected.targets.insert({"hotspots", year});
        affected.targets.insert({"clusters", year});
      }
    }
  }

  Affected affected_by(const std::vector<store::AuditEntry>& entries, const std::vector<int>& candidate_years) {
    Affected affected;
    for (const auto& entry : entries) {
      const auto before = parse_row(entry.before_json);
      const auto after = parse_row(entry.after_json);
      const std::string& table = entry.table_name;
      if (table == "unit_status") {
        note_status(affected, after.empty() ? before : after, candidate_years);
      } else if (table == "unit") {
        note_unit(affected, before, candidate_years);
        note_unit(affected, after, candidate_years);
      } else if (table == "hotspot") {
        affected.every_year.insert("hotspots");
      } else if (table == "cluster") {
        affected.every_year.insert("clusters");
      } else if (table == "cluster_member" || table == "cluster_standing") {
        for (const auto* row : {&before, &after})
          if (auto year = int_of(*row, "year")) affected.targets.insert({"clusters", *year});
      } else if (table == "model") {
        affected.every_year.insert("models");
        model_location.clear();
      } else if (table == "model_year") {
        for (const auto* row : {&before, &after})
          if (auto year = int_of(*row, "year")) affected.targets.insert({"models", *year});
      } else if (table == "settings") {
        affected.every_year.insert("districts");  // home_province decides which districts count
      }
      // lineage, core forces and festivals draw nothing on the map.
    }
    return affected;
  }

  void forget_units(const std::set<std::int64_t>& ids) {
    for (auto id : ids) {
      unit_geometry.erase(id);
      unit_point.erase(id);
    }
    // Union keys name member version ids, but a member's geometry may have changed in place.
    if (!ids.empty()) cluster_geometry.clear();
  }
};

RenderStore::RenderStore(std::string store_path, std::string render_path, std::string shapefile_dir,
                         std::vector<int> drawing_years)
    : impl_(std::make_unique<Impl>(std::move(store_path), std::move(render_path), shapefile_dir,
                                   std::move(drawing_years))) {}

RenderStore::~RenderStore() = default;

const std::string& RenderStore::path() const { return impl_->render_path; }

void RenderStore::build_all(const std::function<void(double)>& progress) {
  Impl& impl = *impl_;
  auto report = [&](double done) {
    if (progress) progress(std::clamp(done, 0.0, 1.0));
  };
  report(0.0);
  // Read the audit position before the data: a change landing in between is applied again later.
  impl.data_version = impl.read_data_version();
  std::int64_t newest = impl.read_newest_audit_id();

  auto versions = impl.store->units({});
  const double geometry_share = 0.6;
  for (size_t i = 0; i < versions.size(); ++i) {
    auto& version = versions[i];
    if (!impl.unit_geometry.count(version.id))
      impl.unit_geometry[version.id] = impl.generaliser.from_store_wkb(version.geometry_wkb, "unit " + version.code);
    version.geometry_wkb.clear();
    std::string().swap(version.geometry_wkb);
    if (i % 64 == 0) report(geometry_share * static_cast<double>(i) / static_cast<double>(versions.size()));
  }
  impl.catalogue.reset(std::move(versions));

  auto [years, latest] = impl.status_years();
  std::vector<Rewrite> rewrites;
  const double steps = static_cast<double>(years.size() * impl.layer_list.size());
  for (const auto& layer : impl.layer_list)
    for (int year : years) {
      rewrites.push_back(impl.plan({layer.name, year}, impl.rows_of(layer.name, year)));
      report(geometry_share + (1.0 - geometry_share) * 0.9 * static_cast<double>(rewrites.size()) / steps);
    }
  // Years no longer present (build_all called again after statuses disappeared).
  for (const auto& [target, rows] : impl.written)
    if (std::find(years.begin(), years.end(), target.second) == years.end())
      rewrites.push_back(impl.plan(target, {}));
  impl.execute(rewrites);
  impl.last_audit_id = newest;
  impl.publish(years, latest);
  impl.write_shapefiles(rewrites);
  report(1.0);
}

RefreshResult RenderStore::refresh() {
  Impl& impl = *impl_;
  RefreshResult result;
  result.last_audit_id = impl.last_audit_id;
  if (impl.shapefiles && impl.shapefiles->has_pending()) {
    // An earlier refresh wrote the render file but not its shapefiles: write them now, and have
    // every tile of those (layer, year) dropped, as it may have been drawn from the old files.
    const auto retried = impl.shapefiles->pending();
    impl.shapefiles->update({});
    constexpr double kWorld = 20037508.342789244;
    for (const auto& [layer, year] : retried) result.dirty.push_back({layer, year, Box{-kWorld, -kWorld, kWorld, kWorld}});
    result.changed = true;
  }
  std::int64_t version = impl.read_data_version();
  if (version == impl.data_version) return result;
  std::int64_t newest = impl.read_newest_audit_id();
  impl.data_version = version;
  if (newest <= impl.last_audit_id) return result;

  auto entries = impl.store->audit_entries(impl.last_audit_id);
  if (entries.empty()) return result;
  std::vector<int> old_years = impl.current_years();
  auto [years, latest] = impl.status_years();
  std::vector<int> candidate_years = old_years;
  candidate_years.insert(candidate_years.end(), years.begin(), years.end());
  std::sort(candidate_years.begin(), candidate_years.end());
  candidate_years.erase(std::unique(candidate_years.begin(), candidate_years.end()), candidate_years.end());

  auto affected = impl.affected_by(entries, candidate_years);
  if (affected.units_changed) {
    impl.catalogue.reset(impl.store->units({std::nullopt, {}, std::nullopt, false}));
    impl.forget_units(affected.changed_unit_ids);
  }
  auto has = [](const std::vector<int>& list, int year) { return std::find(list.begin(), list.end(), year) != list.end(); };
  std::set<LayerYear> targets;
  for (const auto& target : affected.targets)
    if (has(years, target.second)) targets.insert(target);
  for (int year : years) {
    bool new_year = !has(old_years, year);
    for (const auto& layer : impl.layer_list)
      if (new_year || affected.every_year.count(layer.name)) targets.insert({layer.name, year});
  }

  std::vector<Rewrite> rewrites;
  for (const auto& target : targets) {
    if (!impl.layer_list.empty() && !layers::find_layer(target.first)) continue;
    rewrites.push_back(impl.plan(target, impl.rows_of(target.first, target.second)));
  }
  for (const auto& [target, rows] : impl.written)
    if (!has(years, target.second)) rewrites.push_back(impl.plan(target, {}));
  impl.execute(rewrites);
  impl.last_audit_id = std::max(newest, entries.back().id);
  impl.publish(years, latest);

  impl.write_shapefiles(rewrites);
  for (const auto& rewrite : rewrites)
    if (rewrite.changed) result.dirty.push_back({rewrite.target.first, rewrite.target.second, rewrite.dirty});
  result.changed = result.changed || !result.dirty.empty() || years != old_years;
  result.last_audit_id = impl.last_audit_id;
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

std::optional<Box> RenderStore::extent() const {
  std::lock_guard lock(impl_->published_mutex);
  return impl_->published_extent;
}

}  // namespace antt::mapdata
