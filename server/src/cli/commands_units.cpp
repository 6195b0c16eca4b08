// unit show / unit reshape: one unit as the QGIS unit form shows it, and saving edited boundaries
// (antt/editing/boundaries.hpp). years: the years the map and the API offer.
#include <cpl_conv.h>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/boundaries.hpp"
#include "antt/geo/ogr.hpp"
#include "antt/validate/validator.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

nlohmann::json optional_text(const std::string& text) { return text.empty() ? nlohmann::json() : nlohmann::json(text); }
nlohmann::json optional_text(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json();
}

template <typename T>
nlohmann::json optional_value(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

nlohmann::json geometry_json(const std::string& wkb) {
  if (wkb.empty()) return nullptr;
  auto geometry = geo::OgrGeometry::from_wkb(wkb);
  char* text = OGR_G_ExportToJson(geometry.get());
  if (!text) return nullptr;
  auto parsed = nlohmann::json::parse(text);
  CPLFree(text);
  return parsed;
}

int run_unit_show(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2) throw UsageError("usage: anttmap unit show CODE --year Y [--geometry]");
  const std::string code = args.positional[1];
  const auto year = args.get_int("year");
  if (!year) throw UsageError("unit show needs --year / cần --year");
  auto store = context.open_store();
  const std::string date = year_end(*year);
  const bool with_geometry = args.has("geometry");
  const auto unit = store->unit_at(code, date, with_geometry);
  if (!unit)
    throw InputError("no unit " + code + " is valid on 31 December " + std::to_string(*year) +
                     " / không có đơn vị mã " + code + " vào năm " + std::to_string(*year));
  const auto statuses = store->statuses_of_year(*year);
  const auto status = statuses.find(code);
  nlohmann::json hotspots = nlohmann::json::array();
  nlohmann::json in_force = nullptr;
  for (const auto& hotspot : store->hotspots()) {
    if (hotspot.commune_code != code) continue;
    hotspots.push_back(hotspot_json(hotspot));
    if (hotspot.valid_from <= date && hotspot.valid_to.value_or(std::string(antt::kOpenEnd)) > date)
      in_force = hotspot_json(hotspot);
  }
  nlohmann::json clusters = nlohmann::json::array();
  for (const auto& cluster_year : store->cluster_years(*year))
    for (const auto& member : cluster_year.member_codes)
      if (member == code) clusters.push_back(cluster_year.cluster_code);
  nlohmann::json all_clusters = nlohmann::json::array();
  for (const auto& cluster : store->clusters())
    all_clusters.push_back({{"code", cluster.code}, {"name", cluster.name}, {"kind", store::to_string(cluster.kind)}});
  nlohmann::json status_json = nullptr;
  if (status != statuses.end()) {
    const auto& record = status->second;
    status_json = {{"id", record.id},
                   {"status", store::to_string(record.status)},
                   {"decision_number", optional_text(record.decision_number)},
                   {"decision_date", optional_text(record.decision_date)},
                   {"authority", optional_text(record.authority)},
                   {"note", optional_text(record.note)},
                   {"resolution_adopted", optional_value(record.criteria.resolution_adopted)},
                   {"pledge_share", optional_value(record.criteria.pledge_share)},
                   {"police_rating", optional_value(record.criteria.police_rating)},
                   {"villages_recognised_share", optional_value(record.criteria.villages_recognised_share)},
                   {"effective_models", optional_value(record.criteria.effective_models)},
                   {"recorded_at", record.recorded_at},
                   {"recorded_by", record.recorded_by}};
  }
  nlohmann::json document{{"unit",
                           {{"id", unit->id},
                            {"code", unit->code},
                            {"name", unit->name},
                            {"kind", store::to_string(unit->kind)},
                            {"subtype", optional_text(unit->subtype)},
                            {"parent_code", optional_text(unit->parent_code)},
                            {"valid_from", unit->valid_from},
                            {"valid_to", optional_text(unit->valid_to)}}},
                          {"year", *year},
                          {"status", status_json},
                          {"hotspot", in_force},
                          {"hotspots", hotspots},
                          {"clusters", clusters},
                          {"all_clusters", all_clusters}};
  if (with_geometry) document["geometry"] = geometry_json(unit->geometry_wkb);
  if (context.json) {
    print_json(context.out, document.dump());
  } else {
    context.out << unit->code << "  " << unit->name << "  " << store::to_string(unit->kind) << "  "
                << unit->valid_from << " .. " << unit->valid_to.value_or("") << "\n"
                << "status " << *year << ": "
                << (status == statuses.end() ? std::string("-") : std::string(store::to_string(status->second.status)))
                << "\nhotspot: " << (in_force.is_null() ? std::string("-") : in_force.at("valid_from").get<std::string>())
                << "\nclusters: " << clusters.dump() << "\n";
  }
  return 0;
}

int run_unit_reshape(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2)
    throw UsageError("usage: anttmap unit reshape FILE.geojson (--year Y | --new-version-from DATE) [--with FILE] "
                     "[--override-reason TEXT]");
  const auto year = args.get_int("year");
  const auto new_version_from = args.get("new-version-from");
  if (!year && !new_version_from)
    throw UsageError("unit reshape needs --year (a correction) or --new-version-from DATE / cần --year");
  if (year && new_version_from)
    throw UsageError("give --year (a correction) or --new-version-from (a new version), not both / chỉ một trong hai");
  editing::BoundaryEdit edit;
  if (year) edit.year = *year;
  if (new_version_from) edit.new_version_from = require_iso_date(*new_version_from, "--new-version-from");
  edit.boundaries = validate::read_candidates(args.positional[1]);
  if (auto with = args.get("with")) edit.pending = validate::read_candidates(*with);
  if (auto reason = args.get("override-reason")) edit.override_reason = *reason;
  auto store = context.open_store();
  const auto result = editing::save_boundaries(*store, context.actor, edit);
  nlohmann::json document{{"written", result.written},
                          {"changed", result.changed},
                          {"unchanged", result.unchanged},
                          {"override", result.override_id ? nlohmann::json(*result.override_id) : nlohmann::json()},
                          {"change", edit.new_version_from ? "new_version" : "correction"},
                          {"date", editing::edit_date(edit)},
                          {"versions", result.tags},
                          {"report", validate::to_json(result.report)}};
  if (context.json) {
    print_json(context.out, document.dump());
  } else {
    for (const auto& finding : result.report.findings)
      context.out << validate::to_string(finding.severity) << "  " << finding.problem << "  " << finding.message << "\n";
    context.out << (result.written ? "saved / đã lưu: " + std::to_string(result.changed.size()) + " changed, " +
                                         std::to_string(result.unchanged.size()) + " unchanged"
                                   : std::string("refused: validation errors; fix them or give --override-reason / "
                                                 "không lưu: còn lỗi"))
                << "\n";
  }
  return result.written ? 0 : static_cast<int>(ExitCode::validation_errors);
}

int run_unit(Context& context, const ParsedArgs& args) {
  if (args.positional.empty()) throw UsageError("unit needs a subcommand: show or reshape; see `anttmap unit --help`");
  if (args.positional[0] == "show") return run_unit_show(context, args);
  if (args.positional[0] == "reshape") return run_unit_reshape(context, args);
  throw UsageError("unknown unit subcommand '" + args.positional[0] + "'; use show or reshape");
}

int run_years(Context& context, const ParsedArgs&) {
  auto store = context.open_store();
  const auto with_status = store->years_with_status();
  // The years the map and the API offer: the first to the last year with a status.
  std::vector<int> years;
  if (with_status.empty()) years = {year_of(today())};
  else
    for (int year = with_status.front(); year <= with_status.back(); ++year) years.push_back(year);
  const int default_year = with_status.empty() ? years.back() : with_status.back();
  if (context.json) {
    print_json(context.out,
               nlohmann::json{{"years", years}, {"default", default_year}, {"with_status", with_status}}.dump());
  } else {
    context.out << years.front() << "-" << years.back() << " (default " << default_year << ")\n";
  }
  return 0;
}

}  // namespace

std::vector<Command> unit_commands() {
  return {{"unit",
           "unit show CODE --year Y [--geometry] | unit reshape FILE.geojson (--year Y | --new-version-from DATE) "
           "[--with FILE] [--override-reason TEXT]",
           "one unit of a year; save edited boundaries / xem đơn vị; lưu ranh giới đã sửa",
           {{"year", true, "the year: units valid on its 31 December / năm"},
            {"geometry", false, "show: include the boundary as GeoJSON / kèm ranh giới"},
            {"new-version-from", true,
             "reshape: start new versions on DATE instead of correcting the year's / phiên bản mới từ ngày"},
            {"with", true, "reshape: other unsaved edits (GeoJSON) checked together, not written / các sửa đổi khác"},
            {"override-reason", true, "reshape: save despite validation errors, recording why / lý do lưu khi còn lỗi"}},
           run_unit,
           "`unit show` prints the version valid on 31 December of the year with its status, hotspot designations\n"
           "and cluster memberships. `unit reshape` reads a GeoJSON FeatureCollection of edited units (property\n"
           "\"code\"), validates it as `validate --candidate` does and corrects the geometry of each unit's version\n"
           "of the year, all or nothing; with --new-version-from DATE the version valid that day ends there and a\n"
           "new version with the edited boundary starts (a boundary that changed, not a mistake). Validation errors refuse it (exit 6, findings printed) unless\n"
           "--override-reason is given, which is recorded with the edit (audit table validation_override)."},
          {"years", "years", "the years the map and the API offer / các năm có dữ liệu", {}, run_years,
           "The first to the last year with a status, and the default (the latest with a status)."}};
}

}  // namespace antt::cli
