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
#include "antt/geo/ogr.hpp"
#include "antt/layers/layers.hpp"
#include "antt/stats/stats.hpp"
#include "antt/store/store.hpp"
#include "antt/styles/styles.hpp"
#include "antt/text/unicode.hpp"
#include "antt/validate/validator.hpp"
#include "serve/json_errors.hpp"
#include "serve/query_params.hpp"
#include "antt/geo/web_mercator.hpp"

namespace antt::serve {
namespace {

using nlohmann::json;

constexpr int kMinYear = 1990, kMaxYear = 2100;  // the store's range of status years
constexpr int kDefaultLimit = 20, kMaxLimit = 100;
constexpr std::size_t kMaxQueryBytes = 256;
constexpr std::size_t kMaxCodeBytes = 64;
constexpr int kMaxJsonDepth = 32;  // GeoJSON needs 8; deeper input is refused before any parser recurses

http::Response json_answer(const json& document) {
  // Store text is NFC UTF-8; replace rather than throw should anything slip through.
  return http::Response::json(200, document.dump(-1, ' ', false, json::error_handler_t::replace));
}

json optional_text(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }
json optional_text(const std::optional<std::string>& text) { return text ? json(*text) : json(nullptr); }

double round2(double value) { return std::round(value * 100) / 100; }

// ---- store access -------------------------------------------------------------------------

/// Read connections to the store, one per concurrent request, reused between requests
/// (opening one loads SpatiaLite and checks the schema). A Store is used by one thread at a time.
class StorePool {
 public:
  StorePool(std::string path, std::size_t keep) : path_(std::move(path)), keep_(keep) {}

  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<store::Store> store) : pool_(pool), store_(std::move(store)) {}
    ~Lease() { pool_.release(std::move(store_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    const store::Store& operator*() const { return *store_; }

   private:
    StorePool& pool_;
    std::unique_ptr<store::Store> store_;
  };

  Lease acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<store::Store> store = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(store));
      }
    }
    return Lease(*this, store::open_store(path_));
  }

 private:
  void release(std::unique_ptr<store::Store> store) noexcept {
    try {
      std::lock_guard lock(mutex_);
      if (idle_.size() < keep_) idle_.push_back(std::move(store));
    } catch (...) {
      // out of memory: the connection closes instead
    }
  }

  std::string path_;
  std::size_t keep_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::Store>> idle_;
};

/// The store's change position, read on a connection of our own: it moves with every write, from
/// any client (the CLI, QGIS, plain SQL), so a cache keyed on it is never older than the store.
class ChangePosition {
 public:
  explicit ChangePosition(const std::string& location) : store_(store::open_store(location)) {}

  std::int64_t current() const {
    std::lock_guard lock(mutex_);
    return store_->change_position();
  }

 private:
  std::unique_ptr<store::Store> store_;
  mutable std::mutex mutex_;
};

// ---- search index -------------------------------------------------------------------------

/// Lower case, no diacritics, đ -> d, runs of white space as one space, trimmed.
std::string fold(std::string_view text) {
  std::string folded = text::fold_for_search(text);
  std::string out;
  out.reserve(folded.size());
  for (char c : folded) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (space) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

/// The administrative prefix of a folded name ("huyen ", "xa ", ...), so "Huyện Đà Bắc" is a
/// whole-name match for "da bac". Longer prefixes first.
std::string_view administrative_prefix(std::string_view folded) {
  static constexpr std::string_view kPrefixes[] = {
      "thanh pho ", "thi tran ", "to dan pho ", "khu pho ", "thi xa ", "phuong ", "tinh ", "huyen ", "quan ",
      "thon ", "xom ", "ban ", "khu ", "xa ", "to "};
  for (std::string_view prefix : kPrefixes) {
    if (folded.size() > prefix.size() && folded.substr(0, prefix.size()) == prefix) return prefix;
  }
  return {};
}

bool is_word_char(char c) { return static_cast<unsigned char>(c) >= 0x80 || std::isalnum(static_cast<unsigned char>(c)); }

/// True when `needle` starts a word of `haystack` somewhere.
bool starts_a_word(std::string_view haystack, std::string_view needle) {
  for (std::size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) {
    if (at == 0 || !is_word_char(haystack[at - 1])) return true;
  }
  return false;
}

std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start < text.size()) {
    while (start < text.size() && !is_word_char(text[start])) ++start;
    std::size_t end = start;
    while (end < text.size() && is_word_char(text[end])) ++end;
    if (end > start) words.push_back(text.substr(start, end - start));
    start = end;
  }
  return words;
}

/// How well a folded name matches a folded query: 0 whole name (with or without its
/// administrative prefix), 1 the name starts with it, 2 it starts a word, 3 every query word
/// starts a word of the name, 4 it occurs inside a word; nothing when it does not match.
std::optional<int> match_rank(std::string_view name, std::string_view base, std::string_view query) {
  if (name == query || base == query) return 0;
  if (base.substr(0, query.size()) == query || name.substr(0, query.size()) == query) return 1;
  if (starts_a_word(name, query)) return 2;
  const std::vector<std::string_view> query_words = words_of(query);
  if (!query_words.empty()) {
    const std::vector<std::string_view> name_words = words_of(name);
    const bool all = std::all_of(query_words.begin(), query_words.end(), [&](std::string_view word) {
      return std::any_of(name_words.begin(), name_words.end(),
                         [&](std::string_view candidate) { return candidate.substr(0, word.size()) == word; });
    });
    if (all) return 3;
  }
  if (name.find(query) != std::string_view::npos) return 4;
  return std::nullopt;
}

int kind_rank(store::UnitKind kind) {
  const auto& kinds = store::all_unit_kinds();
  return static_cast<int>(std::find(kinds.begin(), kinds.end(), kind) - kinds.begin());
}

/// One unit version as search and detail need it: no geometry, its box and a point on it (EPSG:4326).
struct IndexedUnit {
  std::string code;
  std::string name;
  store::UnitKind kind = store::UnitKind::commune;
  std::string subtype;
  std::string parent_code;
  std::string valid_from;
  std::optional<std::string> valid_to;
  std::string folded;
  std::string folded_base;
  std::optional<std::array<double, 4>> bbox;  ///< minlon, minlat, maxlon, maxlat
  std::optional<std::array<double, 2>> center;

  bool valid_on(const std::string& date) const { return valid_from <= date && (!valid_to || date < *valid_to); }
  bool overlaps(const IndexedUnit& other) const {
    return valid_from < other.valid_to.value_or(std::string(kOpenEnd)) &&
           other.valid_from < valid_to.value_or(std::string(kOpenEnd));
  }
};

double rounded_degrees(double value) { return std::round(value * 1e7) / 1e7; }

void locate(IndexedUnit& unit, const std::string& wkb) {
  if (wkb.empty()) return;
  geo::OgrGeometry geometry = geo::OgrGeometry::from_wkb(wkb);
  if (geometry.is_empty()) return;
  OGREnvelope envelope;
  OGR_G_GetEnvelope(geometry.get(), &envelope);
  unit.bbox = {rounded_degrees(envelope.MinX), rounded_degrees(envelope.MinY), rounded_degrees(envelope.MaxX),
               rounded_degrees(envelope.MaxY)};
  if (geometry.flat_type() == wkbPoint) {
    unit.center = {rounded_degrees(OGR_G_GetX(geometry.get(), 0)), rounded_degrees(OGR_G_GetY(geometry.get(), 0))};
    return;
  }
  // A point on the surface (a concave commune's centroid may lie in its neighbour); the box
  // centre when GEOS cannot give one.
  geo::OgrGeometry inside(OGR_G_PointOnSurface(geometry.get()));
  if (inside && !inside.is_empty()) {
    unit.center = {rounded_degrees(OGR_G_GetX(inside.get(), 0)), rounded_degrees(OGR_G_GetY(inside.get(), 0))};
  } else {
    unit.center = {rounded_degrees((envelope.MinX + envelope.MaxX) / 2), rounded_degrees((envelope.MinY + envelope.MaxY) / 2)};
  }
}

class UnitIndex {
 public:
  explicit UnitIndex(const store::Store& store) {
    geo::register_gdal_drivers();
    for (store::UnitVersion& version : store.units(store::UnitQuery{})) {
      IndexedUnit unit;
      unit.code = std::move(version.code);
      unit.name = std::move(version.name);
      unit.kind = version.kind;
      unit.subtype = std::move(version.subtype);
      unit.parent_code = std::move(version.parent_code);
      unit.valid_from = std::move(version.valid_from);
      unit.valid_to = std::move(version.valid_to);
      unit.folded = fold(unit.name);
      unit.folded_base = unit.folded.substr(administrative_prefix(unit.folded).size());
      locate(unit, version.geometry_wkb);
      units_.push_back(std::move(unit));
    }
    for (std::size_t i = 0; i < units_.size(); ++i) by_code_[units_[i].code].push_back(i);
  }

  const std::vector<IndexedUnit>& units() const { return units_; }

  /// Every version of `code`, oldest first.
  std::vector<const IndexedUnit*> versions(const std::string& code) const {
    std::vector<const IndexedUnit*> out;
    auto found = by_code_.find(code);
    if (found == by_code_.end()) return out;
    for (std::size_t i : found->second) out.push_back(&units_[i]);
    std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->valid_from < b->valid_from; });
    return out;
  }

  const IndexedUnit* at(const std::string& code, const std::string& date) const {
    for (const IndexedUnit* unit : versions(code))
      if (unit->valid_on(date)) return unit;
    return nullptr;
  }

  /// The parent of `unit`: the version valid on `date` when given, else the newest version
  /// that overlaps the unit's validity.
  const IndexedUnit* parent_of(const IndexedUnit& unit, const std::optional<std::string>& date) const {
    if (unit.parent_code.empty()) return nullptr;
    if (date)
      if (const IndexedUnit* parent = at(unit.parent_code, *date)) return parent;
    const IndexedUnit* best = nullptr;
    for (const IndexedUnit* parent : versions(unit.parent_code))
      if (parent->overlaps(unit)) best = parent;
    return best;
  }

 private:
  std::vector<IndexedUnit> units_;
  std::map<std::string, std::vector<std::size_t>> by_code_;
};

json bbox_json(const IndexedUnit& unit) {
  return unit.bbox ? json(*unit.bbox) : json(nullptr);
}
json center_json(const IndexedUnit& unit) {
  return unit.center ? json(*unit.center) : json(nullptr);
}

// ---- the state behind every handler ----------------------------------------------------------

/// What the API knows about the store at one data version. Values are computed on first use and
/// kept until the store changes (a new Snapshot replaces this one).
struct Snapshot {
  std::int64_t version = 0;
  std::vector<int> years;     ///< first .. last status year, as the map draws them
  std::optional<int> latest;  ///< the latest year with a status (the default)

  std::mutex mutex;  ///< guards the values below and serialises their computation
  std::map<int, std::shared_ptr<const stats::YearStats>> stats;
  std::shared_ptr<const UnitIndex> index;
  std::shared_ptr<const std::string> progress;
};

std::string range_text(const std::vector<int>& years) {
  return years.empty() ? std::string("none") : std::to_string(years.front()) + "-" + std::to_string(years.back());
}

/// Checks what an untrusted text parameter may be before it is used anywhere.
std::string checked_text(const std::string& text, std::size_t max_bytes, const std::string& what) {
  if (text.size() > max_bytes)
    throw RequestError(400, what + " is longer than " + std::to_string(max_bytes) + " bytes / " + what + " quá dài");
  if (!text::is_valid_utf8(text)) throw RequestError(400, what + " is not valid UTF-8 / " + what + " không phải UTF-8");
  if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    throw RequestError(400, what + " contains a control character / " + what + " chứa ký tự điều khiển");
  return text::to_nfc(text);
}

/// Refuses JSON nested deeper than kMaxJsonDepth before any parser sees it.
void check_json_depth(std::string_view body) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw RequestError(400, "the request body nests JSON deeper than " + std::to_string(kMaxJsonDepth) +
                                " levels / JSON lồng quá sâu");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

/// The top of a GeoJSON document, read without building it in memory (a 16 MB body would take
/// many times that as a DOM): its "type", the "type" of its "crs", its "features" and their number.
struct GeoJsonOutline {
  bool is_object = false;
  std::optional<std::string> type;
  bool has_crs = false;
  std::optional<std::string> crs_type;
  bool features_is_array = false;
  std::size_t feature_count = 0;
};

class OutlineReader : public nlohmann::json_sax<json> {
 public:
  explicit OutlineReader(GeoJsonOutline& outline) : outline_(outline) {}
  const std::string& error() const { return error_; }

  bool null() override { return value(false, false, nullptr); }
  bool boolean(bool) override { return value(false, false, nullptr); }
  bool number_integer(number_integer_t) override { return value(false, false, nullptr); }
  bool number_unsigned(number_unsigned_t) override { return value(false, false, nullptr); }
  bool number_float(number_float_t, const string_t&) override { return value(false, false, nullptr); }
  bool string(string_t& text) override { return value(false, false, &text); }
  bool binary(binary_t&) override { return value(false, false, nullptr); }
  bool start_object(std::size_t) override { return value(true, true, nullptr); }
  bool start_array(std::size_t) override { return value(true, false, nullptr); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& name) override {
    stack_.back().key = name;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& error) override {
    error_ = error.what();
    return false;
  }

 private:
  struct Level {
    bool object;
    std::string key;  ///< the member being read, objects only
  };

  bool value(bool container, bool object, const std::string* text) {
    const std::size_t depth = stack_.size();
    const bool in_root_object = depth >= 1 && stack_[0].object;
    if (depth == 0) {
      outline_.is_object = object;
    } else if (depth == 1 && in_root_object) {
      const std::string& member = stack_[0].key;
      if (member == "type") outline_.type = text ? std::optional<std::string>(*text) : std::nullopt;
      if (member == "crs") outline_.has_crs = true;
      if (member == "features") outline_.features_is_array = container && !object;
    } else if (depth == 2 && in_root_object && stack_[0].key == "crs" && stack_[1].object) {
      if (stack_[1].key == "type") outline_.crs_type = text ? std::optional<std::string>(*text) : std::nullopt;
    } else if (depth == 2 && in_root_object && stack_[0].key == "features" && !stack_[1].object) {
      ++outline_.feature_count;
    }
    if (container) stack_.push_back({object, {}});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  GeoJsonOutline& outline_;
  std::vector<Level> stack_;
  std::string error_;
};

class Api {
 public:
  explicit Api(ApiContext context)
      : context_(std::move(context)),
        pool_(context_.store_path, context_.pooled_connections),
        version_(context_.store_path) {}

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
    return json_answer({{"years", snap->years}, {"default", default_year(*snap)}, {"extent", extent}});
  }

  http::Response stats(const http::Request& request) {
    auto snap = snapshot();
    const int year = year_param(request, *snap);
    return json_answer(stats::to_json(*year_stats(*snap, year)));
  }

  http::Response progress(const http::Request&) {
    auto snap = snapshot();
    std::lock_guard lock(snap->mutex);
    if (!snap->progress) snap->progress = std::make_shared<const std::string>(progress_json(*snap).dump());
    return http::Response::shared(200, snap->progress, "application/json");
  }

  http::Response search(const http::Request& request) {
    auto snap = snapshot();
    const std::string query = checked_text(request.param("q").value_or(""), kMaxQueryBytes, "q");
    const std::string folded = fold(query);
    if (folded.empty())
      throw RequestError(400, "q is required: the name (or part of it) to look for, e.g. ?q=da%20bac / cần tên cần tìm");
    const int limit = limit_param(request);
    const int year = year_param(request, *snap);
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
    return json_answer({{"query", query}, {"year", year}, {"total", hits.size()}, {"results", results}});
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
      const int year = year_param(request, *snap);
      date = year_end(year);
      chosen = index->at(code, *date);
      if (!chosen)
        throw RequestError(404, "unit " + code + " did not exist on 31 December " + std::to_string(year) +
                                " / đơn vị không tồn tại vào năm này");
    }
    const IndexedUnit* parent = index->parent_of(*chosen, date);

    std::vector<store::StatusRecord> history;
    {
      auto lease = pool_.acquire();
      history = (*lease).status_history(code);
    }
    std::set<std::int64_t> superseded;
    for (const auto& record : history)
      if (record.supersedes) superseded.insert(*record.supersedes);
    std::sort(history.begin(), history.end(), [](const auto& a, const auto& b) {
      return a.year != b.year ? a.year > b.year : a.id > b.id;
    });
    const auto& status_style = styles::style("unit_status");
    auto labels = [&](store::StatusValue status) -> std::pair<json, json> {
      const std::string key(store::to_string(status));
      for (const auto& entry : status_style.entries)
        if (entry.key == key) return {entry.label_vi, entry.label_en};
      return {std::string(store::vietnamese_label(status)), key};
    };
    json statuses = json::array();
    for (const auto& record : history) {
      auto [label_vi, label_en] = labels(record.status);
      statuses.push_back({{"id", record.id},
                          {"year", record.year},
                          {"status", std::string(store::to_string(record.status))},
                          {"label_vi", label_vi},
                          {"label_en", label_en},
                          {"decision", optional_text(record.decision_number)},
                          {"date", optional_text(record.decision_date)},
                          {"authority", optional_text(record.authority)},
                          {"note", optional_text(record.note)},
                          {"recorded_at", record.recorded_at},
                          {"recorded_by", record.recorded_by},
                          {"supersedes", record.supersedes ? json(*record.supersedes) : json(nullptr)},
                          {"superseded", superseded.count(record.id) != 0}});
    }
    json version_list = json::array();
    for (const IndexedUnit* version : versions)
      version_list.push_back({{"name", version->name},
                              {"parent_code", optional_text(version->parent_code)},
                              {"valid_from", valid_from_json(*version)},
                              {"valid_to", optional_text(version->valid_to)}});
    return json_answer({{"code", chosen->code},
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

  http::Response layer_list(const http::Request&) {
    // The same document as `anttmap layers --json`.
    return http::Response::json(200, layers::registry_json(*context_.layers));
  }

  http::Response legend(const http::Request& request) {
    // The same text as `anttmap styles --format json [--layer L]`.
    auto legend = nlohmann::ordered_json::parse(styles::legend_json());
    const std::optional<std::string> name = request.param("layer");
    if (!name) return http::Response::json(200, legend.dump(2) + "\n");
    const layers::LayerDescriptor* layer = context_.layers->find(checked_text(*name, kMaxCodeBytes, "layer"));
    if (!layer)
      throw RequestError(404, "unknown layer '" + *name + "'; known layers: " + context_.layers->names() +
                                  " / lớp không tồn tại");
    for (const auto& style : legend)
      if (style.at("id") == layer->style) return http::Response::json(200, style.dump(2) + "\n");
    throw RequestError(404, "layer '" + layer->name + "' has no legend / lớp không có chú giải");
  }

  http::Response validate(const http::Request& request) {
    validate::ValidateOptions options;
    const auto year_text = request.param("year");
    const auto date_text = request.param("date");
    if (year_text && date_text) throw RequestError(400, "give year or date, not both / chỉ dùng year hoặc date");
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
    const std::vector<validate::Candidate> candidates = read_candidates(request.body);
    // A check of the whole store takes seconds of a worker thread for a 42-byte request: one at a
    // time, as /report, so a client repeating it cannot hold every worker (tiles, WMS) at once.
    std::unique_lock whole_store(whole_store_busy_, std::defer_lock);
    if (candidates.empty() && !whole_store.try_lock()) {
      http::Response busy = http::Response::json_error(
          503, "another check of the whole store is running; retry in a few seconds / đang kiểm tra toàn bộ CSDL, "
               "thử lại sau");
      busy.headers["Retry-After"] = "5";
      return busy;
    }
    auto lease = pool_.acquire();
    const validate::Report report = validate::validate_store(*lease, options, candidates);
    return json_answer(validate::to_json(report));
  }

 private:
  static json valid_from_json(const IndexedUnit& unit) {
    return unit.valid_from == store::kOpenStart ? json(nullptr) : json(unit.valid_from);
  }

  static int default_year(const Snapshot& snap) { return snap.latest.value_or(snap.years.back()); }

  /// The snapshot of the store as it is now; a new one when the store changed.
  std::shared_ptr<Snapshot> snapshot() {
    const std::int64_t version = version_.current();
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
    }
    // The years the map draws (mapdata::RenderStore::years): first to last status year.
    if (with_status.empty()) {
      fresh->years = {year_of(today())};
    } else {
      for (int year = with_status.front(); year <= with_status.back(); ++year) fresh->years.push_back(year);
      fresh->latest = with_status.back();
    }
    std::lock_guard lock(mutex_);
    // Another request may have made one for this version meanwhile: share it (and its caches).
    if (!snapshot_ || snapshot_->version != version) snapshot_ = fresh;
    return snapshot_;
  }

  int year_param(const http::Request& request, const Snapshot& snap) const {
    const std::optional<std::string> text = request.param("year");
    if (!text || text->empty()) return default_year(snap);
    const std::optional<int> year = parse_year(*text);
    if (!year) throw RequestError(400, "year must be YYYY / năm phải có dạng YYYY");
    if (std::find(snap.years.begin(), snap.years.end(), *year) == snap.years.end())
      throw RequestError(400, "no data for year " + std::to_string(*year) + " (available " + range_text(snap.years) +
                              ") / không có dữ liệu năm này");
    return *year;
  }

  static int limit_param(const http::Request& request) {
    const std::optional<std::string> text = request.param("limit");
    if (!text) return kDefaultLimit;
    const bool digits = !text->empty() && text->size() <= 3 &&
                        std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
    const int limit = digits ? std::stoi(*text) : 0;
    if (limit < 1 || limit > kMaxLimit)
      throw RequestError(400, "limit must be an integer from 1 to " + std::to_string(kMaxLimit) +
                              " / limit phải là số nguyên từ 1 đến " + std::to_string(kMaxLimit));
    return limit;
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
    json targets = json::array();
    std::optional<double> previous;
    for (int year = kMinYear; year <= kMaxYear; ++year) {
      const std::optional<double> target = stats::recognised_target(year);
      if (target && target != previous) targets.push_back({{"from", year}, {"share", *target}, {"strictly_over", true}});
      previous = target;
    }
    json province = {{"code", nullptr}, {"name", nullptr}, {"series", json::array()}};
    std::map<std::string, json> districts;  // by code, as the statistics order them
    for (int year : snap.years) {
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
    return {{"years", snap.years}, {"targets", targets}, {"province", province}, {"districts", district_list}};
  }

  /// The candidates of a POST body: checked as JSON first (clear 400s), then read by OGR like a file.
  /// An empty FeatureCollection has none.
  static std::vector<validate::Candidate> read_candidates(const std::string& body) {
    if (!text::is_valid_utf8(body)) throw RequestError(400, "the request body is not valid UTF-8 / nội dung không phải UTF-8");
    check_json_depth(body);
    GeoJsonOutline outline;
    OutlineReader reader(outline);
    if (!json::sax_parse(body, &reader))
      throw RequestError(400, "the request body is not valid JSON (" + reader.error() + ") / nội dung không phải JSON hợp lệ");
    if (!outline.is_object || outline.type != "FeatureCollection")
      throw RequestError(400,
                     "the request body must be a GeoJSON FeatureCollection of edited units, each with a \"code\" "
                     "property / nội dung phải là GeoJSON FeatureCollection");
    // A named CRS only: GDAL would fetch a "link" CRS from the network.
    if (outline.has_crs && outline.crs_type != "name")
      throw RequestError(400, "the body's \"crs\" must be {\"type\": \"name\", ...}, e.g. urn:ogc:def:crs:EPSG::9211 / "
                          "crs phải có dạng name");
    if (!outline.features_is_array)
      throw RequestError(400, "the FeatureCollection has no \"features\" array / thiếu mảng features");
    // No features: no candidates, the whole store is checked (`anttmap validate` without --candidate).
    if (outline.feature_count == 0) return {};
    return validate::read_candidates_text(body, "request body");
  }

  ApiContext context_;
  StorePool pool_;
  ChangePosition version_;
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
  router.get("/api/legend", on(&Api::legend));
  router.get("/api/layers", on(&Api::layer_list));
  router.post("/api/validate", deferred(&Api::validate));
}

}  // namespace antt::serve
