// Boundary edits over the network (docs/api.md, "Editing boundaries").
#include "serve/boundary_edits.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/boundaries.hpp"
#include "antt/geo/ogr.hpp"
#include "antt/layers/layers.hpp"
#include "antt/text/unicode.hpp"
#include "serve/candidates_body.hpp"
#include "serve/errors.hpp"
#include "serve/params.hpp"

namespace antt::serve {
namespace {

using nlohmann::json;

constexpr int kFirstEditYear = 1990, kLastEditYear = 2100;
constexpr std::size_t kMaxReasonBytes = 2000;

/// The unit kinds of an editable layer of the registry; 400 naming the editable layers otherwise.
std::vector<store::UnitKind> editable_kinds(const std::string& layer_name) {
  const auto registry = layers::LayerRegistry::standard();
  std::string editable;
  for (const auto& layer : registry->layers()) {
    if (!layer.editable) continue;
    if (layer.name == layer_name) return layer.unit_kinds;
    editable += (editable.empty() ? "" : ", ") + layer.name;
  }
  throw RequestError(400, "layer must be one whose boundaries are edited: " + editable +
                              " / lớp không cho phép sửa ranh giới");
}

int year_in_range(std::string_view text, const char* name) {
  const auto year = parse_year(text);
  if (!year || *year < kFirstEditYear || *year > kLastEditYear)
    throw RequestError(400, std::string(name) + " must be a year YYYY from " + std::to_string(kFirstEditYear) + " to " +
                                std::to_string(kLastEditYear) + " / năm không hợp lệ");
  return *year;
}

/// The day of a GET: `date` (YYYY-MM-DD) or 31 December of `year`, one of them required.
std::string day_of(const http::Request& request) {
  const auto year = request.param("year");
  const auto date = request.param("date");
  if (year && date) throw RequestError(400, "give year or date, not both / chỉ dùng year hoặc date");
  if (date) {
    const auto day = parse_iso_date(*date);
    if (!day) throw RequestError(400, "date must be a calendar date YYYY-MM-DD / ngày phải có dạng YYYY-MM-DD");
    year_in_range(day->substr(0, 4), "date");
    return *day;
  }
  if (!year) throw RequestError(400, "give year=YYYY (or date=YYYY-MM-DD) / thiếu năm");
  return year_end(year_in_range(*year, "year"));
}

json feature_of(const store::UnitVersion& unit) {
  json properties = {{"code", unit.code},
                     {"name", text::to_nfc(unit.name)},
                     {"kind", std::string(store::to_string(unit.kind))},
                     {"parent_code", unit.parent_code.empty() ? json(nullptr) : json(unit.parent_code)},
                     {"valid_from", unit.valid_from == store::kOpenStart ? json(nullptr) : json(unit.valid_from)},
                     {"valid_to", unit.valid_to ? json(*unit.valid_to) : json(nullptr)},
                     {"version", editing::unit_version_tag(unit)}};
  json geometry = unit.geometry_wkb.empty()
                      ? json(nullptr)
                      : json::parse(geo::OgrGeometry::from_wkb(unit.geometry_wkb).geojson_exact());  // the stored doubles
  return {{"type", "Feature"}, {"id", unit.code}, {"geometry", std::move(geometry)}, {"properties", std::move(properties)}};
}

http::Response no_store_json(int status, const json& document) {
  http::Response answer = http::Response::json(status, document.dump(-1, ' ', false, json::error_handler_t::replace));
  answer.headers["Cache-Control"] = "no-store";
  answer.reusable = false;
  return answer;
}

/// A member FeatureCollection of the POST body, as the text read_candidates_body checks and reads.
std::vector<validate::Candidate> candidates_of(const json& body, const char* member) {
  const auto found = body.find(member);
  if (found == body.end() || found->is_null()) return {};
  if (!found->is_object())
    throw RequestError(400, std::string("\"") + member + "\" must be a GeoJSON FeatureCollection / phải là "
                                                         "FeatureCollection");
  return read_candidates_body(found->dump());
}

/// code -> the version tag the editor's copy had (property "version" of each edited feature).
std::map<std::string, std::string> copied_versions(const json& boundaries) {
  std::map<std::string, std::string> tags;
  for (const auto& feature : boundaries.value("features", json::array())) {
    if (!feature.is_object() || !feature.contains("properties") || !feature["properties"].is_object()) continue;
    const json& properties = feature["properties"];
    const auto code = properties.find("code");
    const auto version = properties.find("version");
    if (code == properties.end() || !code->is_string() || version == properties.end() || version->is_null()) continue;
    if (!version->is_string())
      throw RequestError(400, "property \"version\" must be the version tag read from GET /api/boundaries");
    std::string tag = version->get<std::string>();
    if (tag.size() < 2 || tag.front() != '"' || tag.back() != '"') tag = '"' + tag + '"';  // bare or quoted, as ETags
    tags[code->get<std::string>()] = std::move(tag);
  }
  return tags;
}

/// The edit a POST body describes (docs/api.md): RequestError naming what is wrong.
editing::BoundaryEdit edit_of(const std::string& text) {
  json body;
  try {
    body = json::parse(text);
  } catch (const json::exception&) {
    throw RequestError(400, "the body is not JSON / nội dung không phải JSON");
  }
  if (!body.is_object())
    throw RequestError(400, "send a JSON object {\"year\" or \"new_version_from\", \"boundaries\", \"pending\", "
                            "\"override_reason\"}");
  static const std::set<std::string, std::less<>> known = {"year", "new_version_from", "boundaries", "pending",
                                                           "override_reason"};
  for (const auto& [key, value] : body.items())
    if (known.count(key) == 0)
      throw RequestError(400, "unknown field \"" + key + "\"; a boundary edit takes year or new_version_from, "
                                                         "boundaries, pending, override_reason / trường không hợp lệ");
  editing::BoundaryEdit edit;
  const bool has_year = body.contains("year") && !body["year"].is_null();
  const bool has_from = body.contains("new_version_from") && !body["new_version_from"].is_null();
  if (has_year == has_from)
    throw RequestError(400, "give \"year\" (a correction of that year's versions) or \"new_version_from\" (a new "
                            "version from that day), one of them / chọn sửa phiên bản của năm hoặc tạo phiên bản mới");
  if (has_year) {
    if (!body["year"].is_number_integer()) throw RequestError(400, "\"year\" must be a whole number YYYY");
    edit.year = year_in_range(std::to_string(body["year"].get<long long>()), "year");
  } else {
    if (!body["new_version_from"].is_string()) throw RequestError(400, "\"new_version_from\" must be YYYY-MM-DD");
    const auto day = parse_iso_date(body["new_version_from"].get<std::string>());
    if (!day) throw RequestError(400, "\"new_version_from\" must be a calendar date YYYY-MM-DD / ngày không hợp lệ");
    year_in_range(day->substr(0, 4), "new_version_from");
    edit.new_version_from = *day;
  }
  if (const auto reason = body.find("override_reason"); reason != body.end() && !reason->is_null()) {
    if (!reason->is_string()) throw RequestError(400, "\"override_reason\" must be a string");
    const std::string text = checked_text(reason->get<std::string>(), kMaxReasonBytes, "override_reason");
    if (text::trim(text).empty())
      throw RequestError(400, "an override needs a reason / cần nêu lý do lưu khi còn lỗi");
    edit.override_reason = text::trim(text);
  }
  edit.boundaries = candidates_of(body, "boundaries");
  if (edit.boundaries.empty())
    throw RequestError(400, "\"boundaries\" must hold at least one edited unit / không có ranh giới nào để lưu");
  edit.pending = candidates_of(body, "pending");
  edit.expected_tags = copied_versions(body["boundaries"]);
  return edit;
}

json result_json(const editing::BoundaryEdit& edit, const editing::BoundaryEditResult& result) {
  return {{"written", result.written},
          {"changed", result.changed},
          {"unchanged", result.unchanged},
          {"override", result.override_id ? json(*result.override_id) : json(nullptr)},
          {"change", edit.new_version_from ? "new_version" : "correction"},
          {"date", editing::edit_date(edit)},
          {"versions", result.tags},
          {"report", validate::to_json(result.report)}};
}

class BoundaryEdits {
 public:
  explicit BoundaryEdits(std::shared_ptr<StoreWriter> writer) : writer_(std::move(writer)) {}

  http::Response copy(const http::Request& request) const {
    require_editor(request.caller, "copying boundaries to edit");
    const auto layer = request.param("layer");
    if (!layer) throw RequestError(400, "give layer=NAME, a layer whose boundaries are edited / thiếu tên lớp");
    store::UnitQuery query;
    query.kinds = editable_kinds(*layer);
    query.at_date = day_of(request);
    const auto units = writer_->with([&](store::Store& store) { return store.units(query); });
    json features = json::array();
    for (const auto& unit : units) features.push_back(feature_of(unit));
    return no_store_json(200, {{"type", "FeatureCollection"},
                               {"layer", *layer},
                               {"date", *query.at_date},
                               {"features", std::move(features)}});
  }

  http::Response save(const http::Request& request) const {
    const access::Caller& caller = request.caller;
    require_editor(caller, "editing boundaries");
    const editing::BoundaryEdit edit = edit_of(request.body);
    const std::string date = editing::edit_date(edit);
    return writer_->with([&](store::Store& store) {
      std::vector<std::string> outside;
      for (const auto& candidate : edit.boundaries) {
        const auto unit = store.unit_at(candidate.code, date, false);
        if (!unit)
          throw RequestError(404, "no unit " + candidate.code + " is valid on " + date +
                                      " / không có đơn vị này vào ngày " + date);
        if (!within_scope(store, *unit, date, caller)) outside.push_back(candidate.code);
      }
      if (!outside.empty()) {
        std::string codes;
        for (const auto& code : outside) codes += (codes.empty() ? "" : ", ") + code;
        throw RequestError(403, "units " + codes + " are outside your editing scope (" + scope_text(caller) +
                                    "); nothing was written / đơn vị ngoài phạm vi được biên tập, chưa ghi gì");
      }
      const auto result = editing::save_boundaries(store, actor_of(request), edit);
      json document = result_json(edit, result);
      if (!result.stale.empty()) {
        document["error"] = "the boundaries of " + join(result.stale) +
                            " changed since you copied them; nothing was written. Copy them again and redo the edit "
                            "/ ranh giới đã bị người khác sửa, chưa ghi gì";
        document["status"] = 409;
        document["stale"] = result.stale;
        json current = json::array();
        for (const auto& code : result.stale)
          if (const auto unit = store.unit_at(code, date, true)) current.push_back(feature_of(*unit));
        document["current"] = {{"type", "FeatureCollection"}, {"features", std::move(current)}};
        return no_store_json(409, document);
      }
      if (!result.written) {
        document["error"] = "validation found " + std::to_string(result.report.errors()) +
                            " error(s); nothing was written. Fix them, or send an override_reason / còn lỗi, chưa ghi";
        document["status"] = 422;
        return no_store_json(422, document);
      }
      return no_store_json(200, document);
    });
  }

 private:
  static std::string join(const std::vector<std::string>& codes) {
    std::string text;
    for (const auto& code : codes) text += (text.empty() ? "" : ", ") + code;
    return text;
  }

  std::shared_ptr<StoreWriter> writer_;
};

}  // namespace

void register_boundary_edits(http::Router& router, std::shared_ptr<StoreWriter> writer) {
  auto edits = std::make_shared<BoundaryEdits>(std::move(writer));
  // Both read or write the whole layer or run a validation: seconds on a worker, not an I/O thread.
  router.get("/api/boundaries", [edits](const http::Request& request) {
    return http::Response::deferred([edits, request] { return answer_json([&] { return edits->copy(request); }); });
  });
  router.post("/api/boundaries", [edits](const http::Request& request) {
    return http::Response::deferred([edits, request] { return answer_json([&] { return edits->save(request); }); });
  });
}

}  // namespace antt::serve
