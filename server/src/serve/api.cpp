// The JSON API (/api/...). docs/api.md is the contract the web viewer, the QGIS plugin and other
// portals share: change both together.
#include "serve/api.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/indicators.hpp"
#include "antt/editing/lineage.hpp"
#include "antt/geo/web_mercator.hpp"
#include "antt/layers/layers.hpp"
#include "antt/stats/stats.hpp"
#include "antt/store/store.hpp"
#include "antt/validate/validator.hpp"
#include "serve/candidates_body.hpp"
#include "serve/errors.hpp"
#include "serve/params.hpp"
#include "serve/status_rows.hpp"
#include "serve/store_pool.hpp"
#include "serve/unit_index.hpp"

namespace antt::serve {
namespace {

using nlohmann::json;

constexpr int kMinYear = 1990, kMaxYear = 2100;  // the store's range of status years
constexpr int kDefaultLimit = 20, kMaxLimit = 100;
constexpr std::size_t kMaxQueryBytes = 256;
constexpr std::size_t kMaxCodeBytes = 64;

http::Response json_answer(const json& document) {
  // Store text is NFC UTF-8; replace rather than throw should anything slip through.
  return http::Response::json(200, document.dump(-1, ' ', false, json::error_handler_t::replace));
}

/// The plan's other indicators (budgets, propaganda, grades…, antt/editing/indicators.hpp) are the
/// movement's own figures: a caller who does not read internal layers gets the statistics without
/// them (an empty `totals`, no such indicator), as if none had been recorded.
json without_internal_indicators(json document) {
  auto strip = [](json& area) {
    area["totals"] = json::object();
    json kept = json::array();
    for (const auto& indicator : area["indicators"]) {
      const auto& definitions = editing::indicator_definitions();
      const bool internal = std::any_of(definitions.begin(), definitions.end(), [&](const auto& definition) {
        return indicator["id"] == definition.id;
      });
      if (!internal) kept.push_back(indicator);
    }
    area["indicators"] = std::move(kept);
  };
  strip(document["province"]);
  for (auto& district : document["districts"]) strip(district);
  return document;
}

json optional_text(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }
json optional_text(const std::optional<std::string>& text) { return text ? json(*text) : json(nullptr); }

double round2(double value) { return std::round(value * 100) / 100; }

json bbox_json(const IndexedUnit& unit) { return unit.bbox ? json(*unit.bbox) : json(nullptr); }
json center_json(const IndexedUnit& unit) { return unit.center ? json(*unit.center) : json(nullptr); }

// ---- the state behind every handler ----------------------------------------------------------

/// What the API knows about the store at one data version. Values are computed on first use and
/// kept until the store changes (a new Snapshot replaces this one).
constexpr std::size_t kMaxCachedHistories = 32;

struct Snapshot {
  std::int64_t version = 0;
  Years years;  ///< first .. last status year, as the map draws them; the default: the latest with a status
  bool synthetic = false;  ///< the store holds invented data (store::holds_synthetic_data)
  std::vector<stats::ProgrammePlan> plans;  ///< the programme's plans (stats::programme_plans)

  std::mutex mutex;  ///< guards the values below and serialises their computation
  std::map<int, std::shared_ptr<const stats::YearStats>> stats;
  std::shared_ptr<const UnitIndex> index;
  std::shared_ptr<const std::string> progress;
  /// /api/history answers by "date|years" (the viewer asks the same one for every commune it shows).
  std::map<std::string, std::shared_ptr<const std::string>> history;
};

class Api {
 public:
  explicit Api(ApiContext context)
      : context_(std::move(context)),
        reads_(context_.reads ? context_.reads
                              : std::make_shared<StoreReads>(context_.store_path, context_.pooled_connections)),
        pool_(reads_->pool()) {}

  static json for_caller(const http::Request& request, json document) {
    return request.caller.reads_internal() ? document : without_internal_indicators(std::move(document));
  }

  /// Every answer drawn from invented data says so: "synthetic": true beside the document's own keys.
  http::Response answer(json document) {
    if (document.is_object() && snapshot()->synthetic) document["synthetic"] = true;
    return json_answer(document);
  }

  http::Response years(const http::Request&) {
    auto snap = snapshot();
    json extent = nullptr;
    if (context_.extent) {
      if (auto box = context_.extent()) {
        const geo::LonLatBox lon_lat = geo::to_lon_lat(box);
        extent = {rounded_degrees(lon_lat.west), rounded_degrees(lon_lat.south), rounded_degrees(lon_lat.east),
                  rounded_degrees(lon_lat.north)};
      }
    }
    return answer({{"years", snap->years.all}, {"default", snap->years.default_year}, {"extent", extent}});
  }

  http::Response stats(const http::Request& request) {
    auto snap = snapshot();
    const int year = year_param(request, snap->years);
    const auto group_by = request.param("group_by");
    const auto group_date = request.param("group_date");
    if (request.param("as_of") || group_by || group_date) {
      // What had been recorded by then, or grouped by former areas: computed for this request, never kept.
      std::optional<std::string> known_at;
      if (auto as_of = request.param("as_of")) {
        known_at = parse_known_at(checked_text(*as_of, kMaxCodeBytes, "as_of"));
        if (!known_at)
          throw RequestError(400, "as_of must be YYYY-MM-DD (end of that day, Vietnam time) or "
                                  "YYYY-MM-DDTHH:MM[:SS](Z|+07:00) / thời điểm không hợp lệ");
      }
      if (group_date && !group_by) throw RequestError(400, "group_date goes with group_by / group_date cần group_by");
      if (group_by && *group_by != "former_district" && *group_by != "former_province")
        throw RequestError(400, "group_by must be former_district or former_province / nhóm theo huyện cũ hoặc tỉnh cũ");
      if (group_date && !parse_iso_date(*group_date))
        throw RequestError(400, "group_date must be YYYY-MM-DD / ngày không hợp lệ");
      auto lease = pool_.acquire();
      std::optional<stats::AreaGrouping> grouping;
      try {
        if (group_by) grouping = stats::former_areas(*lease, year, *group_by, group_date);
      } catch (const UsageError& error) {
        throw RequestError(400, error.what());
      }
      return answer(for_caller(
          request, stats::to_json(stats::compute_stats(*lease, year, {}, known_at, grouping ? &*grouping : nullptr))));
    }
    return answer(for_caller(request, stats::to_json(*year_stats(*snap, year))));
  }

  /// What a unit became and what it was made from (antt::editing::lineage_of).
  http::Response lineage(const http::Request& request) {
    const std::string code = checked_text(request.path_params.at("code"), kMaxCodeBytes, "code");
    return answer(*reads_->cached<json>("lineage " + code,
                                        [&](const store::Store& store) { return editing::lineage_of(store, code); }));
  }

  /// History re-expressed on the units of a date: ?on_units_of=2026-12-31&years=2015,2020.
  http::Response history(const http::Request& request) {
    const auto on = request.param("on_units_of");
    if (!on) throw RequestError(400, "on_units_of=YYYY-MM-DD is required / cần on_units_of");
    const auto date = parse_iso_date(checked_text(*on, kMaxCodeBytes, "on_units_of"));
    if (!date) throw RequestError(400, "on_units_of must be a date YYYY-MM-DD / ngày không hợp lệ");
    std::vector<int> years;
    const std::string list = checked_text(request.param("years").value_or(""), kMaxCodeBytes, "years");
    size_t start = 0;
    while (start <= list.size() && !list.empty()) {
      const size_t end = std::min(list.find(',', start), list.size());
      const std::string item = list.substr(start, end - start);
      const auto year = parse_time_filter(item);
      if (!year || item.size() != 4 || year->year < kMinYear || year->year > kMaxYear)
        throw RequestError(400, "years must be years separated by commas, e.g. 2015,2020 / năm không hợp lệ");
      years.push_back(year->year);
      start = end + 1;
    }
    if (years.empty() || years.size() > 20)
      throw RequestError(400, "years: give 1 to 20 years, e.g. years=2015,2020 / cần danh sách năm");
    // Kept with the snapshot: the same for every caller until the store changes.
    auto snap = snapshot();
    std::string key = *date + "|";
    for (int year : years) key += std::to_string(year) + ",";
    std::lock_guard lock(snap->mutex);
    if (const auto found = snap->history.find(key); found != snap->history.end())
      return http::Response::shared(200, found->second, "application/json");
    auto lease = pool_.acquire();
    json document = stats::to_json(stats::reexpress(*lease, *date, years), *date);
    if (snap->synthetic) document["synthetic"] = true;
    auto computed = std::make_shared<const std::string>(document.dump());
    // A bounded cache: a client asking ever other dates or years gets answers, not the server's memory.
    if (snap->history.size() < kMaxCachedHistories) snap->history.emplace(key, computed);
    return http::Response::shared(200, computed, "application/json");
  }

  http::Response progress(const http::Request&) {
    auto snap = snapshot();
    std::lock_guard lock(snap->mutex);
    if (!snap->progress) {
      json document = progress_json(*snap);
      if (snap->synthetic) document["synthetic"] = true;
      snap->progress = std::make_shared<const std::string>(document.dump());
    }
    return http::Response::shared(200, snap->progress, "application/json");
  }

  http::Response search(const http::Request& request) {
    auto snap = snapshot();
    const std::string query = checked_text(request.param("q").value_or(""), kMaxQueryBytes, "q");
    const std::string folded = fold(query);
    if (folded.empty())
      throw RequestError(400, "q is required: the name (or part of it) to look for, e.g. ?q=da%20bac / cần tên cần tìm");
    const int limit = integer_param(request, "limit", kDefaultLimit, 1, kMaxLimit);
    const int year = year_param(request, snap->years);
    const std::string date = year_end(year);
    auto index = unit_index(*snap);

    struct Hit {
      int rank;
      int kind;
      const IndexedUnit* unit;
    };
    std::vector<Hit> hits;
    for (const IndexedUnit& unit : index->units()) {
      if (!unit.valid_on(date)) continue;
      if (auto rank = match_rank(unit.folded, unit.folded_base, folded)) hits.push_back({*rank, kind_rank(unit.kind), &unit});
    }
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
      if (a.rank != b.rank) return a.rank < b.rank;
      if (a.kind != b.kind) return a.kind < b.kind;
      if (a.unit->folded.size() != b.unit->folded.size()) return a.unit->folded.size() < b.unit->folded.size();
      if (a.unit->name != b.unit->name) return a.unit->name < b.unit->name;
      return a.unit->code < b.unit->code;
    });
    json results = json::array();
    for (std::size_t i = 0; i < hits.size() && i < static_cast<std::size_t>(limit); ++i) {
      const IndexedUnit& unit = *hits[i].unit;
      const IndexedUnit* parent = index->parent_of(unit, date);
      results.push_back({{"code", unit.code},
                         {"name", unit.name},
                         {"kind", std::string(store::to_string(unit.kind))},
                         {"parent_code", optional_text(unit.parent_code)},
                         {"parent_name", parent ? json(parent->name) : json(nullptr)},
                         {"bbox", bbox_json(unit)},
                         {"center", center_json(unit)}});
    }
    return answer({{"query", query}, {"year", year}, {"total", hits.size()}, {"results", results}});
  }

  http::Response unit(const http::Request& request) {
    auto snap = snapshot();
    const std::string code = checked_text(request.path_params.at("code"), kMaxCodeBytes, "code");
    auto index = unit_index(*snap);
    const auto versions = index->versions(code);
    if (versions.empty()) throw RequestError(404, "no unit with code " + code + " / không có đơn vị mã " + code);

    const IndexedUnit* chosen = versions.back();
    std::optional<std::string> date;
    if (request.param("year")) {
      const int year = year_param(request, snap->years);
      date = year_end(year);
      chosen = index->at(code, *date);
      if (!chosen)
        throw RequestError(404, "unit " + code + " did not exist on 31 December " + std::to_string(year) +
                                " / đơn vị không tồn tại vào năm này");
    }
    const IndexedUnit* parent = index->parent_of(*chosen, date);

    std::vector<store::StatusRecord> history = *reads_->cached<std::vector<store::StatusRecord>>(
        "history " + code, [&](const store::Store& store) { return store.status_history(code); });
    std::set<std::int64_t> superseded;
    for (const auto& record : history)
      if (record.supersedes) superseded.insert(*record.supersedes);
    std::sort(history.begin(), history.end(), [](const auto& a, const auto& b) {
      return a.year != b.year ? a.year > b.year : a.id > b.id;
    });
    json statuses = json::array();
    for (const auto& record : history)
      statuses.push_back(status_row_json(record, request.caller, superseded.count(record.id) != 0));
    json version_list = json::array();
    for (const IndexedUnit* version : versions)
      version_list.push_back({{"name", version->name},
                              {"parent_code", optional_text(version->parent_code)},
                              {"valid_from", valid_from_json(*version)},
                              {"valid_to", optional_text(version->valid_to)}});
    return answer({{"code", chosen->code},
                        {"name", chosen->name},
                        {"kind", std::string(store::to_string(chosen->kind))},
                        {"subtype", optional_text(chosen->subtype)},
                        {"parent_code", optional_text(chosen->parent_code)},
                        {"parent_name", parent ? json(parent->name) : json(nullptr)},
                        {"valid_from", valid_from_json(*chosen)},
                        {"valid_to", optional_text(chosen->valid_to)},
                        {"bbox", bbox_json(*chosen)},
                        {"center", center_json(*chosen)},
                        {"versions", version_list},
                        {"statuses", statuses}});
  }

  http::Response layer_list(const http::Request& request) {
    // The same document as `anttmap layers --json`, with the layers the caller may see.
    return http::Response::json(200, layers::registry_json(*context_.layers->visible_to(request.caller)));
  }

  http::Response legend(const http::Request& request) {
    // The same text as `anttmap styles --format json [--layer L]`.
    const auto visible = context_.layers->visible_to(request.caller);
    auto legend = legend_of(*visible);
    const std::optional<std::string> name = request.param("layer");
    if (!name) return http::Response::json(200, legend.dump(2) + "\n");
    context_.layers->require_visible(request.caller, checked_text(*name, kMaxCodeBytes, "layer"));
    const layers::LayerDescriptor* layer = visible->find(*name);
    if (!layer)
      throw RequestError(404, "unknown layer '" + *name + "'; known layers: " + visible->names() +
                                  " / lớp không tồn tại");
    for (const auto& style : legend)
      if (style.at("id") == layer->style) return http::Response::json(200, style.dump(2) + "\n");
    throw RequestError(404, "layer '" + layer->name + "' has no legend / lớp không có chú giải");
  }

  http::Response validate(const http::Request& request) {
    validate::ValidateOptions options;
    const auto year_text = request.param("year");
    const auto date_text = request.param("date");
    if (year_text && date_text) throw RequestError("give year or date, not both / chỉ dùng year hoặc date");
    if (year_text) {
      const auto year = parse_year(*year_text);
      if (!year || *year < kMinYear || *year > kMaxYear)
        throw RequestError(400, "year must be YYYY from " + std::to_string(kMinYear) + " to " + std::to_string(kMaxYear) +
                                " / năm phải từ " + std::to_string(kMinYear) + " đến " + std::to_string(kMaxYear));
      options.year = *year;
    }
    if (date_text) {
      options.date = parse_iso_date(*date_text);
      if (!options.date) throw RequestError(400, "date must be a calendar date YYYY-MM-DD / ngày phải có dạng YYYY-MM-DD");
    }
    const std::vector<validate::Candidate> candidates = read_candidates_body(request.body);
    // A check of the whole store takes seconds of a worker thread for a 42-byte request: one at a
    // time, as /report, so a client repeating it cannot hold every worker (tiles, WMS) at once.
    std::unique_lock whole_store(whole_store_busy_, std::defer_lock);
    if (candidates.empty() && !whole_store.try_lock())
      throw RequestError(503, "another check of the whole store is running; retry in a few seconds / đang kiểm tra "
                              "toàn bộ CSDL, thử lại sau");
    auto lease = pool_.acquire();
    const validate::Report report = validate::validate_store(*lease, options, candidates);
    return answer(validate::to_json(report));
  }

 private:
  static json valid_from_json(const IndexedUnit& unit) {
    return unit.valid_from == store::kOpenStart ? json(nullptr) : json(unit.valid_from);
  }

  /// The snapshot of the store as it is now; a new one when the store changed.
  std::shared_ptr<Snapshot> snapshot() {
    const std::int64_t version = reads_->position();
    {
      std::lock_guard lock(mutex_);
      if (snapshot_ && snapshot_->version == version) return snapshot_;
    }
    auto fresh = std::make_shared<Snapshot>();
    fresh->version = version;
    std::vector<int> with_status;
    {
      auto lease = pool_.acquire();
      with_status = (*lease).years_with_status();
      fresh->synthetic = store::holds_synthetic_data(*lease);
      fresh->plans = stats::programme_plans(*lease);
    }
    // The years the map draws (mapdata::RenderStore::years): the first status year to this year
    // (a year without statuses draws today's units as "no data"); the map opens on this year.
    const int this_year = year_of(today());
    if (with_status.empty()) {
      fresh->years = {{this_year}, this_year};
    } else {
      const int last = std::max(with_status.back(), this_year);
      for (int year = with_status.front(); year <= last; ++year) fresh->years.all.push_back(year);
      fresh->years.default_year = this_year < with_status.front() ? with_status.back() : this_year;
    }
    std::lock_guard lock(mutex_);
    // Another request may have made one for this version meanwhile: share it (and its caches).
    if (!snapshot_ || snapshot_->version != version) snapshot_ = fresh;
    return snapshot_;
  }

  std::shared_ptr<const stats::YearStats> year_stats(Snapshot& snap, int year) {
    std::lock_guard lock(snap.mutex);
    return year_stats_locked(snap, year);
  }

  std::shared_ptr<const stats::YearStats> year_stats_locked(Snapshot& snap, int year) {
    auto& cached = snap.stats[year];
    if (!cached) {
      auto lease = pool_.acquire();
      cached = std::make_shared<const stats::YearStats>(stats::compute_stats(*lease, year));
    }
    return cached;
  }

  std::shared_ptr<const UnitIndex> unit_index(Snapshot& snap) {
    std::lock_guard lock(snap.mutex);
    if (!snap.index) {
      auto lease = pool_.acquire();
      snap.index = std::make_shared<const UnitIndex>(*lease);
    }
    return snap.index;
  }

  /// One point of a progress series: the pooled share the `districts` layer draws.
  static json series_point(int year, const stats::AreaStats& area) {
    const stats::Counts& pooled = area.pooled;
    const bool drawn = pooled.with_status > 0 && pooled.total > 0;  // else the map shows "no data"
    const std::optional<bool> meets = drawn ? area.meets_target() : std::nullopt;
    return {{"year", year},
            {"recognised", pooled.recognised},
            {"total", pooled.total},
            {"with_status", pooled.with_status},
            {"share", drawn ? json(round2(pooled.share_recognised())) : json(nullptr)},
            {"target", area.target ? json(*area.target) : json(nullptr)},
            {"meets_target", meets ? json(*meets) : json(nullptr)}};
  }

  /// Called with snap.mutex held.
  json progress_json(Snapshot& snap) {
    // The recognised-share target of each year, as the plan in force sets it: one entry per change.
    json targets = json::array();
    std::optional<stats::PlanTarget> previous;
    for (int year = kMinYear; year <= kMaxYear; ++year) {
      const auto& plan = stats::plan_in_force(snap.plans, year);
      auto target = plan.target(stats::kRecognisedIndicator, year);
      const bool same = target && previous && target->percent == previous->percent &&
                        target->strictly_over == previous->strictly_over;
      if (target && !same)
        targets.push_back({{"from", year}, {"share", target->percent}, {"strictly_over", target->strictly_over},
                           {"plan", plan.id}});
      if (!target && previous) targets.push_back({{"from", year}, {"share", nullptr}, {"plan", plan.id}});
      previous = target;
    }
    json province = {{"code", nullptr}, {"name", nullptr}, {"series", json::array()}};
    std::map<std::string, json> districts;  // by code, as the statistics order them
    for (int year : snap.years.all) {
      auto year_stats = year_stats_locked(snap, year);
      province["code"] = year_stats->province.code;
      province["name"] = year_stats->province.name;  // the newest year's name wins
      province["series"].push_back(series_point(year, year_stats->province));
      for (const auto& district : year_stats->districts) {
        json& entry = districts[district.code];
        if (entry.is_null()) entry = {{"code", district.code}, {"series", json::array()}};
        entry["name"] = district.name;
        entry["series"].push_back(series_point(year, district));
      }
    }
    json district_list = json::array();
    for (auto& [code, entry] : districts)
      district_list.push_back({{"code", entry["code"]}, {"name", entry["name"]}, {"series", entry["series"]}});
    return {{"years", snap.years.all}, {"targets", targets}, {"province", province}, {"districts", district_list}};
  }

  ApiContext context_;
  std::shared_ptr<StoreReads> reads_;
  StorePool& pool_;
  std::mutex mutex_;  ///< guards snapshot_
  std::mutex whole_store_busy_;  ///< held while a POST without features checks the whole store
  std::shared_ptr<Snapshot> snapshot_;
};

}  // namespace

void register_api(http::Router& router, ApiContext context) {
  auto api = std::make_shared<Api>(std::move(context));
  auto on = [api](http::Response (Api::*handler)(const http::Request&)) {
    return [api, handler](const http::Request& request) {
      return answer_json([&] { return ((*api).*handler)(request); });
    };
  };
  // Answers that may take a worker for a second (statistics after a change, validation) are
  // computed by the server's workers, not on the connection's I/O thread.
  auto deferred = [api](http::Response (Api::*handler)(const http::Request&)) {
    return [api, handler](const http::Request& request) {
      return http::Response::deferred(
          [api, handler, request] { return answer_json([&] { return ((*api).*handler)(request); }); });
    };
  };
  router.get("/api/years", on(&Api::years));
  router.get("/api/stats", deferred(&Api::stats));
  router.get("/api/progress", deferred(&Api::progress));
  router.get("/api/search", on(&Api::search));
  router.get("/api/units/{code}", on(&Api::unit));
  router.get("/api/units/{code}/lineage", on(&Api::lineage));
  router.get("/api/history", deferred(&Api::history));
  router.get("/api/legend", on(&Api::legend));
  router.get("/api/layers", on(&Api::layer_list));
  router.post("/api/validate", deferred(&Api::validate));
}

}  // namespace antt::serve
