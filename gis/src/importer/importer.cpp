#include "antt/importer/importer.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"
#include "fields.hpp"
#include "geometry.hpp"
#include "problems.hpp"
#include "source.hpp"
#include "source_crs.hpp"
#include "text_decoding.hpp"

namespace antt::importer {
namespace {

using store::UnitKind;
using store::UnitVersion;

struct Candidate {
  UnitVersion unit;
  std::string label;  ///< "feature 3 (04819 'Xã Phúc Tuy')"
};

std::optional<UnitKind> expected_parent_kind(UnitKind kind) {
  switch (kind) {
    case UnitKind::district: return UnitKind::province;
    case UnitKind::commune: return UnitKind::district;
    case UnitKind::village: return UnitKind::commune;
    default: return std::nullopt;
  }
}

/// "xa", "phuong", "thi_tran" from a subtype value or a name prefix; "" when not recognised.
std::string subtype_from_prefix(const std::string& nfc_name) {
  std::string folded = text::fold_for_search(nfc_name);
  for (const auto& [prefix, subtype] : {std::pair{"xa ", "xa"}, {"phuong ", "phuong"}, {"thi tran ", "thi_tran"}})
    if (folded.rfind(prefix, 0) == 0) return subtype;
  return "";
}

std::string subtype_from_value(const std::string& value) {
  std::string folded = text::fold_for_search(value);
  std::replace(folded.begin(), folded.end(), '_', ' ');
  if (folded == "xa") return "xa";
  if (folded == "phuong") return "phuong";
  if (folded == "thi tran" || folded == "thitran" || folded == "tt") return "thi_tran";
  return subtype_from_prefix(value + " ");
}

/// Parents inside the file are inserted before their children.
void order_parents_first(std::vector<Candidate>& candidates) {
  std::map<std::string, std::string> parent_of;
  for (const auto& c : candidates) parent_of[c.unit.code] = c.unit.parent_code;
  auto depth = [&](const std::string& code) {
    int d = 0;
    std::string current = code;
    while (d <= static_cast<int>(candidates.size())) {
      auto found = parent_of.find(current);
      if (found == parent_of.end() || found->second.empty() || !parent_of.count(found->second)) break;
      current = found->second;
      ++d;
    }
    return d;
  };
  std::map<std::string, int> depths;
  for (const auto& c : candidates) depths[c.unit.code] = depth(c.unit.code);
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](const Candidate& a, const Candidate& b) { return depths[a.unit.code] < depths[b.unit.code]; });
}

/// What every phase needs: the options, the validity, and where findings go.
struct Run {
  const ImportOptions& options;
  std::string valid_from;
  std::optional<std::string> valid_to;
  ImportResult result;
  Problems problems;
};

/// Decodes each feature into a unit version (text, subtype, geometry in EPSG:4326).
std::vector<Candidate> decode_features(Run& run, RawLayer& raw, const TextDecoder& decoder,
                                       const std::vector<std::string>& names, const FieldMap& fields,
                                       const geo::CoordinateTransformation& to_wgs84,
                                       const std::function<void(double)>& report) {
  const UnitKind kind = run.options.kind;
  const auto parent_kind = expected_parent_kind(kind);
  const bool parent_required = kind == UnitKind::district || kind == UnitKind::commune || kind == UnitKind::village;
  std::vector<Candidate> candidates;
  std::vector<std::string> without_subtype;
  bool padded_codes = false;
  const size_t total = raw.features.size();
  for (size_t index = 0; index < total; ++index) {
    RawFeature& feature = raw.features[index];
    std::string label = "feature " + std::to_string(feature.number);
    auto text_of = [&](int field) -> std::string {
      if (field < 0 || !feature.values[field]) return {};
      return decoder.decode(*feature.values[field]);
    };
    auto code_of = [&](int field, std::optional<UnitKind> code_kind) {
      int width = is_integer_field(raw.fields[field].type) && code_kind ? gso_width(*code_kind) : 0;
      return pad_code(text_of(field), width, padded_codes);
    };
    Candidate candidate;
    UnitVersion& unit = candidate.unit;
    unit.kind = kind;
    unit.valid_from = run.valid_from;
    unit.valid_to = run.valid_to;
    try {
      unit.code = code_of(fields.code, kind);
      unit.name = text_of(fields.name);
      if (fields.parent >= 0) unit.parent_code = code_of(fields.parent, parent_kind);
      if (unit.parent_code.empty() && run.options.parent_code) unit.parent_code = *run.options.parent_code;
      if (kind == UnitKind::commune) {
        std::string given = text_of(fields.subtype);
        unit.subtype = given.empty() ? subtype_from_prefix(unit.name) : subtype_from_value(given);
        if (!given.empty() && unit.subtype.empty())
          run.problems.add(label + ": subtype '" + given + "' is not xa, phuong or thi_tran");
      }
    } catch (const InputError& error) {
      run.problems.add(label + ": text is not " + run.result.encoding_used + " (" + error.what() +
                       "); choose the encoding with --encoding");
      continue;
    }
    label += " (" + (unit.code.empty() ? std::string("no code") : unit.code) +
             (unit.name.empty() ? std::string() : " '" + unit.name + "'") + ")";
    candidate.label = label;
    if (unit.code.empty()) run.problems.add(label + " has no code in field " + names[fields.code]);
    if (unit.name.empty()) run.problems.add(label + " has no name in field " + names[fields.name]);
    if (parent_required && unit.parent_code.empty())
      run.problems.add(label + " has no parent code in field " + names[fields.parent]);
    if (kind == UnitKind::commune && unit.subtype.empty() && fields.subtype < 0) without_subtype.push_back(unit.name);
    try {
      to_wgs84.transform(feature.geometry, label);
      unit.geometry_wkb = normalise_geometry(std::move(feature.geometry), kind, label, run.result.warnings);
    } catch (const InputError& error) {
      run.problems.add(error.what());
      continue;
    }
    candidates.push_back(std::move(candidate));
    if (index % 64 == 0) report(0.5 + 0.3 * static_cast<double>(index) / total);
  }
  if (padded_codes)
    run.result.warnings.push_back("numeric code fields lost GSO's leading zeros; they were restored (provinces 2 "
                                  "digits, districts 3, communes 5)");
  if (!without_subtype.empty())
    run.result.warnings.push_back(std::to_string(without_subtype.size()) +
                                  " commune(s) have no Xã/Phường/Thị trấn prefix and no subtype field; subtype "
                                  "left empty: " + short_list(without_subtype));
  return candidates;
}

/// Codes must be unique within the file; returns the candidates by code.
std::map<std::string, const Candidate*> index_codes(Run& run, const std::vector<Candidate>& candidates) {
  std::map<std::string, const Candidate*> by_code;
  for (const auto& candidate : candidates) {
    if (candidate.unit.code.empty()) continue;
    auto [found, inserted] = by_code.emplace(candidate.unit.code, &candidate);
    if (!inserted)
      run.problems.add("code " + candidate.unit.code + " appears twice: " + found->second->label + " and " +
                       candidate.label + " / mã bị trùng");
  }
  return by_code;
}

/// Versions already in the store that overlap (refused, or returned for replacement) and parents
/// that must exist at valid_from in the store or in the file.
std::vector<UnitVersion> check_against_store(Run& run, const store::Store& store,
                                             const std::vector<Candidate>& candidates,
                                             const std::map<std::string, const Candidate*>& by_code) {
  const UnitKind kind = run.options.kind;
  const auto parent_kind = expected_parent_kind(kind);
  std::vector<UnitVersion> to_replace;
  std::set<std::int64_t> replaced_ids;
  std::vector<std::string> unexpected_parents;
  for (const auto& candidate : candidates) {
    const UnitVersion& unit = candidate.unit;
    for (const auto& existing : store.overlapping_versions(unit.code, unit.valid_from, unit.valid_to)) {
      if (!run.options.replace) {
        run.problems.add(candidate.label + ": the store already has " + std::string(store::to_string(existing.kind)) +
                         " " + existing.code + " '" + existing.name + "' valid " + validity_text(existing) +
                         ", which overlaps " + validity_text(unit) +
                         "; use --replace to replace it, or import with other --valid-from/--valid-to / "
                         "mã đã có phiên bản trùng thời gian");
      } else if (replaced_ids.insert(existing.id).second) {
        to_replace.push_back(existing);
      }
    }
    if (unit.parent_code.empty() || kind == UnitKind::province) continue;
    if (unit.parent_code == unit.code) {
      run.problems.add(candidate.label + " names itself as its parent");
    } else if (!by_code.count(unit.parent_code)) {
      auto parent = store.unit_at(unit.parent_code, unit.valid_from, false);
      if (!parent)
        run.problems.add(candidate.label + ": parent " + unit.parent_code + " does not exist on " + unit.valid_from +
                         " in the store nor in this file; import the parent units first (or choose --valid-from) / "
                         "không có đơn vị cấp trên");
      else if (parent_kind && parent->kind != *parent_kind)
        unexpected_parents.push_back(unit.code + " → " + unit.parent_code + " (" +
                                     std::string(store::to_string(parent->kind)) + ")");
    }
  }
  if (!unexpected_parents.empty())
    run.result.warnings.push_back(std::to_string(unexpected_parents.size()) + " unit(s) have a parent that is not a " +
                                  std::string(store::to_string(*parent_kind)) + ": " + short_list(unexpected_parents));
  return to_replace;
}

}  // namespace

namespace {

/// Reads, decodes and checks a file's features (everything but the store).
std::vector<Candidate> read_candidates(Run& run, const std::string& path, const std::function<void(double)>& progress) {
  const ImportOptions& options = run.options;
  auto report = [&](double fraction) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0));
  };
  // Options first: a usage mistake costs no reading.
  run.valid_from = options.valid_from.empty() ? std::string(store::kOpenStart)
                                              : require_iso_date(options.valid_from, "--valid-from");
  if (options.valid_to) run.valid_to = require_iso_date(*options.valid_to, "--valid-to");
  if (run.valid_to && *run.valid_to <= run.valid_from)
    throw UsageError("--valid-to " + *run.valid_to + " must be after --valid-from " + run.valid_from +
                     " / ngày kết thúc phải sau ngày bắt đầu");
  if (options.encoding != "auto") text::parse_encoding(options.encoding);               // UsageError
  if (options.source_srs) geo::SpatialReference::from_user_input(*options.source_srs);  // CrsError

  // Read everything, raw.
  report(0);
  RawLayer raw = read_source(path, options.layer, [&](double f) { report(0.5 * f); });
  if (raw.features.empty()) throw InputError("'" + path + "' has no features to import / tệp không có đối tượng");

  // CRS, encoding, fields.
  ImportResult& result = run.result;
  auto crs = resolve_source_crs(path, raw.srs, options.source_srs, raw.has_extent ? &raw.extent : nullptr);
  result.source_crs = crs.description;
  result.warnings.insert(result.warnings.end(), crs.warnings.begin(), crs.warnings.end());
  const auto to_wgs84 = geo::CoordinateTransformation::create(crs.prepared.srs, geo::wgs84());

  auto encoding = choose_encoding(options.encoding, raw);
  result.encoding_used = std::string(text::to_string(encoding.decoder.encoding()));
  result.warnings.insert(result.warnings.end(), encoding.warnings.begin(), encoding.warnings.end());

  const auto names = decode_field_names(raw, encoding.decoder, path);
  const auto has_values = fields_with_values(raw);
  const FieldMap fields = map_fields(names, has_values, options);
  if (options.kind == UnitKind::province && options.parent_field)
    result.warnings.push_back("provinces have no parent; --parent-field is ignored");
  if (options.kind != UnitKind::commune && options.subtype_field)
    result.warnings.push_back("only communes have a subtype; --subtype-field is ignored");

  // Check everything before writing anything.
  auto candidates = decode_features(run, raw, encoding.decoder, names, fields, to_wgs84, report);
  index_codes(run, candidates);
  run.problems.throw_if_any(path);
  return candidates;
}

}  // namespace

UnitsRead read_units(const std::string& path, const ImportOptions& options, const std::function<void(double)>& progress) {
  Run run{options, {}, {}, {}, {}};
  auto candidates = read_candidates(run, path, progress);
  UnitsRead out;
  for (auto& candidate : candidates) out.units.push_back(std::move(candidate.unit));
  out.info = std::move(run.result);
  return out;
}

ImportResult import_units(store::Store& store, const store::Actor& actor, const std::string& path,
                          const ImportOptions& options, const std::function<void(double)>& progress) {
  auto report = [&](double fraction) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0));
  };
  Run run{options, {}, {}, {}, {}};
  ImportResult& result = run.result;
  auto candidates = read_candidates(run, path, progress);
  auto by_code = index_codes(run, candidates);
  run.problems.throw_if_any(path);
  auto to_replace = check_against_store(run, store, candidates, by_code);
  run.problems.throw_if_any(path);
  report(0.8);

  // One transaction.
  order_parents_first(candidates);
  store.write(actor, [&] {
    for (const auto& existing : to_replace) store.delete_unit_version(existing.id);
    size_t done = 0;
    for (const auto& candidate : candidates) {
      try {
        store.insert_unit(candidate.unit);
      } catch (const InputError& error) {
        throw InputError(candidate.label + ": " + error.what() + "; nothing was imported / chưa ghi gì");
      }
      if (++done % 64 == 0) report(0.8 + 0.2 * static_cast<double>(done) / candidates.size());
    }
  });
  result.imported = static_cast<int>(candidates.size());
  result.replaced = static_cast<int>(to_replace.size());
  if (!to_replace.empty()) {
    std::vector<std::string> replaced;
    for (const auto& existing : to_replace)
      replaced.push_back(existing.code + " '" + existing.name + "' valid " + validity_text(existing));
    result.warnings.push_back("replaced " + std::to_string(replaced.size()) + " version(s) (audited): " +
                              short_list(replaced));
  }
  report(1);
  return result;
}

}  // namespace antt::importer
