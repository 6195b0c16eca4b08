#include "antt/editing/boundaries.hpp"

#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/geo/ogr.hpp"

namespace antt::editing {
namespace {

/// The candidate's geometry as the store keeps areas: a MultiPolygon (ISO WKB).
std::string as_multipolygon(const validate::Candidate& candidate) {
  auto geometry = geo::OgrGeometry::from_wkb(candidate.geometry_wkb);
  if (geometry.is_empty()) throw InputError("unit " + candidate.code + ": the edited boundary is empty / ranh giới rỗng");
  const auto type = geometry.flat_type();
  if (type == wkbPolygon) geometry = geo::OgrGeometry(OGR_G_ForceToMultiPolygon(geometry.release()));
  else if (type != wkbMultiPolygon)
    throw InputError("unit " + candidate.code + ": an edited boundary must be a Polygon or MultiPolygon / ranh giới "
                     "phải là vùng");
  return geometry.iso_wkb();
}

std::string findings_json(const validate::Report& report) {
  // Kept in a variable: a range-for over a member of the temporary to_json(report) would read freed memory.
  const nlohmann::json document = validate::to_json(report);
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& finding : document.at("findings"))
    if (finding.at("severity") == "error") errors.push_back(finding);
  return errors.dump();
}

}  // namespace

BoundaryEditResult save_boundaries(store::Store& store, const store::Actor& actor, const BoundaryEdit& edit) {
  if (edit.boundaries.empty()) throw InputError("no edited boundary to save / không có ranh giới nào để lưu");
  if (edit.override_reason && edit.override_reason->find_first_not_of(" \t\r\n") == std::string::npos)
    throw InputError("an override needs a reason / cần nêu lý do lưu khi còn lỗi");
  const std::string date = year_end(edit.year);
  std::set<std::string> codes;
  for (const auto& candidate : edit.boundaries)
    if (!codes.insert(candidate.code).second)
      throw InputError("unit " + candidate.code + " is given twice / đơn vị bị lặp");

  BoundaryEditResult result;
  std::vector<validate::Candidate> checked = edit.boundaries;
  for (const auto& candidate : edit.pending)
    if (!codes.count(candidate.code)) checked.push_back(candidate);
  validate::ValidateOptions options;
  options.year = edit.year;
  result.report = validate::validate_store(store, options, checked);
  const bool errors = result.report.errors() > 0;
  if (errors && !edit.override_reason) return result;

  store.write(actor, [&] {
    for (const auto& candidate : edit.boundaries) {
      const auto version = store.unit_at(candidate.code, date, true);
      if (!version)
        throw InputError("no unit " + candidate.code + " is valid on " + date + " / không có đơn vị này vào ngày " + date);
      if (store::kind_may_be_point(version->kind))
        throw InputError("unit " + candidate.code + " is a " + std::string(store::to_string(version->kind)) +
                         "; only areas of the administrative tiling are edited here / chỉ sửa ranh giới vùng");
      const std::string wkb = as_multipolygon(candidate);
      if (wkb == version->geometry_wkb) {
        result.unchanged.push_back(candidate.code);
        continue;
      }
      store.update_unit_geometry(version->id, wkb);
      result.changed.push_back(candidate.code);
    }
    if (errors) {
      store::ValidationOverride record;
      record.reason = *edit.override_reason;
      record.units = result.changed;
      record.units.insert(record.units.end(), result.unchanged.begin(), result.unchanged.end());
      record.findings_json = findings_json(result.report);
      result.override_id = store.add_validation_override(record);
    }
  });
  result.written = true;
  return result;
}

}  // namespace antt::editing
