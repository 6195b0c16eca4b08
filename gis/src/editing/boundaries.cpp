#include "antt/editing/boundaries.hpp"

#include <cstdio>
#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/geo/ogr.hpp"

namespace antt::editing {
namespace {

/// The candidate's geometry as the store keeps areas: a MultiPolygon (ISO WKB).
std::string as_multipolygon(const validate::Candidate& candidate) {
  auto geometry = geo::OgrGeometry::from_wkb(candidate.geometry_wkb);
  if (geometry.is_empty())
    throw InputError("unit " + candidate.code + ": the edited boundary is empty / ranh giới rỗng");
  const auto type = geometry.flat_type();
  if (type == wkbPolygon)
    geometry = geo::OgrGeometry(OGR_G_ForceToMultiPolygon(geometry.release()));
  else if (type != wkbMultiPolygon)
    throw InputError("unit " + candidate.code +
                     ": an edited boundary must be a Polygon or MultiPolygon / ranh giới "
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

/// 64-bit FNV-1a: a cheap fingerprint of a geometry, enough to tell two copies apart.
std::uint64_t fingerprint(std::string_view bytes, std::uint64_t hash = 14695981039346656037ull) {
  for (const unsigned char byte : bytes) hash = (hash ^ byte) * 1099511628211ull;
  return hash;
}

/// Thrown inside the write transaction to roll it back when an edited copy is stale.
struct StaleCopies {
  std::vector<std::string> codes;
};

/// The edited units whose stored version no longer has the tag the editor's copy had.
std::vector<std::string> stale_units(const store::Store& store, const BoundaryEdit& edit, const std::string& date) {
  std::vector<std::string> stale;
  for (const auto& candidate : edit.boundaries) {
    const auto expected = edit.expected_tags.find(candidate.code);
    if (expected == edit.expected_tags.end()) continue;
    const auto version = store.unit_at(candidate.code, date, true);
    if (version && expected->second != unit_version_tag(*version)) stale.push_back(candidate.code);
  }
  return stale;
}

void write_checked(store::Store& store, const BoundaryEdit& edit, const std::string& date, bool errors,
                   BoundaryEditResult& result) {
  // Checked again inside the transaction: another editor may have saved since the first look.
  if (auto stale = stale_units(store, edit, date); !stale.empty()) throw StaleCopies{std::move(stale)};
  for (const auto& candidate : edit.boundaries) {
    const auto version = store.unit_at(candidate.code, date, true);
    if (!version)
      throw InputError("no unit " + candidate.code + " is valid on " + date + " / không có đơn vị này vào ngày " +
                       date);
    if (store::kind_may_be_point(version->kind))
      throw InputError("unit " + candidate.code + " is a " + std::string(store::to_string(version->kind)) +
                       "; only areas of the administrative tiling are edited here / chỉ sửa ranh giới vùng");
    const std::string wkb = as_multipolygon(candidate);
    if (wkb == version->geometry_wkb) {
      result.unchanged.push_back(candidate.code);
      continue;
    }
    if (!edit.new_version_from) {
      store.update_unit_geometry(version->id, wkb);
    } else {
      if (version->valid_from == date)
        throw InputError("unit " + candidate.code + ": its version already starts on " + date +
                         "; correct it instead of starting a new version / phiên bản đã bắt đầu ngày này, hãy "
                         "sửa trực tiếp");
      store::UnitVersion next = *version;
      next.id = 0;
      next.valid_from = date;
      next.geometry_wkb = wkb;
      store.close_unit_version(version->id, date);
      store.insert_unit(next);
    }
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
}

}  // namespace

std::string unit_version_tag(const store::UnitVersion& version) {
  std::uint64_t hash = fingerprint(version.geometry_wkb);
  hash = fingerprint(version.valid_from, hash);
  hash = fingerprint(version.valid_to.value_or("-"), hash);
  char text[64];
  std::snprintf(text, sizeof text, "\"unit-%lld-%016llx\"", static_cast<long long>(version.id),
                static_cast<unsigned long long>(hash));
  return text;
}

std::string edit_date(const BoundaryEdit& edit) {
  return edit.new_version_from ? require_iso_date(*edit.new_version_from, "new version date") : year_end(edit.year);
}

BoundaryEditResult save_boundaries(store::Store& store, const store::Actor& actor, const BoundaryEdit& edit) {
  if (edit.boundaries.empty()) throw InputError("no edited boundary to save / không có ranh giới nào để lưu");
  if (edit.override_reason && edit.override_reason->find_first_not_of(" \t\r\n") == std::string::npos)
    throw InputError("an override needs a reason / cần nêu lý do lưu khi còn lỗi");
  const std::string date = edit_date(edit);
  const int year = edit.new_version_from ? year_of(date) : edit.year;
  std::set<std::string> codes;
  for (const auto& candidate : edit.boundaries)
    if (!codes.insert(candidate.code).second)
      throw InputError("unit " + candidate.code + " is given twice / đơn vị bị lặp");

  BoundaryEditResult result;
  const auto record_tags = [&] {
    for (const auto& candidate : edit.boundaries)
      if (const auto now = store.unit_at(candidate.code, date, true))
        result.tags[candidate.code] = unit_version_tag(*now);
  };
  result.stale = stale_units(store, edit, date);
  if (!result.stale.empty()) {
    record_tags();
    return result;
  }
  std::vector<validate::Candidate> checked = edit.boundaries;
  for (const auto& candidate : edit.pending)
    if (!codes.count(candidate.code)) checked.push_back(candidate);
  validate::ValidateOptions options;
  options.year = year;
  options.date = date;
  result.report = validate::validate_store(store, options, checked);
  const bool errors = result.report.errors() > 0;
  if (errors && !edit.override_reason) return result;

  try {
    store.write(actor, [&] { write_checked(store, edit, date, errors, result); });
  } catch (const StaleCopies& stale) {
    result.changed.clear();
    result.unchanged.clear();
    result.override_id.reset();
    result.stale = stale.codes;
    record_tags();
    return result;
  }
  result.written = true;
  record_tags();
  return result;
}

}  // namespace antt::editing
