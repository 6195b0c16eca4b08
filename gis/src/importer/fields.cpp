#include "fields.hpp"

#include <algorithm>

#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"

namespace antt::importer {
namespace {

using store::UnitKind;

std::string field_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "(none)" : out;
}

int named_or_default(const std::vector<std::string>& names, const std::vector<bool>& has_values,
                     const std::optional<std::string>& named,
                     const char* option, const std::vector<std::string>& defaults, bool required,
                     const char* role) {
  if (named) {
    int index = find_field(names, *named);
    if (index < 0)
      throw InputError("no field '" + *named + "' (" + option + "); the file has: " + field_list(names) +
                       " / không có trường này");
    return index;
  }
  for (const auto& candidate : defaults)
    if (int index = find_field(names, candidate); index >= 0 && has_values[index]) return index;
  if (!required) return -1;
  throw InputError("cannot tell which field holds the " + std::string(role) + " (looked for " +
                   field_list(defaults) + "); name it with " + option + "; the file has: " + field_list(names) +
                   " / hãy chỉ rõ trường bằng " + option);
}

}  // namespace

int find_field(const std::vector<std::string>& names, const std::string& wanted) {
  const std::string key = text::fold_for_search(text::trim(wanted));
  for (size_t i = 0; i < names.size(); ++i)
    if (text::fold_for_search(names[i]) == key) return static_cast<int>(i);
  return -1;
}

int gso_width(UnitKind kind) {
  switch (kind) {
    case UnitKind::province: return 2;
    case UnitKind::district: return 3;
    case UnitKind::commune: return 5;
    default: return 0;
  }
}

bool is_integer_field(OGRFieldType type) { return type == OFTInteger || type == OFTInteger64 || type == OFTReal; }

std::string pad_code(std::string code, int width, bool& padded) {
  bool digits = !code.empty() && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits && width > 0 && static_cast<int>(code.size()) < width) {
    code.insert(0, width - code.size(), '0');
    padded = true;
  }
  return code;
}

std::vector<std::string> default_code_fields(UnitKind kind) {
  std::vector<std::string> fields{"code", "ma"};
  switch (kind) {
    case UnitKind::province: fields.insert(fields.end(), {"ma_tinh", "ma_tinh_tp"}); break;
    case UnitKind::district: fields.insert(fields.end(), {"ma_huyen", "ma_qh"}); break;
    case UnitKind::commune: fields.insert(fields.end(), {"ma_xa", "ma_px"}); break;
    case UnitKind::village: fields.insert(fields.end(), {"ma_thon", "ma_kdc", "ma_to"}); break;
    default: fields.insert(fields.end(), {"ma_don_vi", "ma_dv", "ma_co_so"}); break;
  }
  fields.insert(fields.end(), {"ma_dvhc", "gso_code", "gso", "id"});
  return fields;
}

std::vector<std::string> default_name_fields(UnitKind kind) {
  std::vector<std::string> fields{"name", "ten"};
  switch (kind) {
    case UnitKind::province: fields.insert(fields.end(), {"ten_tinh", "ten_tinh_tp"}); break;
    case UnitKind::district: fields.insert(fields.end(), {"ten_huyen", "ten_qh"}); break;
    case UnitKind::commune: fields.insert(fields.end(), {"ten_xa", "ten_px"}); break;
    case UnitKind::village: fields.insert(fields.end(), {"ten_thon", "ten_kdc", "ten_to"}); break;
    default: fields.insert(fields.end(), {"ten_don_vi", "ten_dv", "ten_co_so"}); break;
  }
  fields.insert(fields.end(), {"ten_dvhc", "ten_don_vi"});
  return fields;
}

std::vector<std::string> default_parent_fields(UnitKind kind) {
  std::vector<std::string> fields{"parent", "parent_code", "ma_cha"};
  switch (kind) {
    case UnitKind::province: return {};
    case UnitKind::district: fields.push_back("ma_tinh"); break;
    case UnitKind::commune: fields.push_back("ma_huyen"); break;
    default: fields.push_back("ma_xa"); break;
  }
  return fields;
}

FieldMap map_fields(const std::vector<std::string>& names, const std::vector<bool>& has_values,
                    const ImportOptions& options) {
  const UnitKind kind = options.kind;
  FieldMap map;
  map.code = named_or_default(names, has_values, options.code_field, "--code-field", default_code_fields(kind), true, "code");
  map.name = named_or_default(names, has_values, options.name_field, "--name-field", default_name_fields(kind), true, "name");
  if (kind != UnitKind::province) {
    bool required = !options.parent_code &&
                    (kind == UnitKind::district || kind == UnitKind::commune || kind == UnitKind::village);
    if (!options.parent_code || options.parent_field)
      map.parent = named_or_default(names, has_values, options.parent_field, "--parent-field", default_parent_fields(kind),
                                  required, "parent unit's code");
  }
  if (kind == UnitKind::commune)
    map.subtype = named_or_default(names, has_values, options.subtype_field, "--subtype-field", {"subtype", "loai_dvhc"}, false,
                                   "subtype");
  if (map.code == map.parent)
    throw InputError("the code and the parent code cannot both come from field '" + names[map.code] +
                     "'; name the fields with --code-field and --parent-field");
  return map;
}

ClusterFieldMap map_cluster_fields(const std::vector<std::string>& names, const std::vector<bool>& has_values) {
  // Shapefile field names hold 10 characters: stand_unit is what export_clusters writes there.
  // The first candidate that has values; else the first present (its rows are then reported empty).
  auto column = [&](const char* role, const std::vector<std::string>& candidates, bool required) {
    int present = -1;
    for (const auto& candidate : candidates) {
      int index = find_field(names, candidate);
      if (index < 0) continue;
      if (has_values[index]) return index;
      if (present < 0) present = index;
    }
    if (present >= 0 || !required) return present;
    throw InputError("a cluster table needs a column for the " + std::string(role) + " (looked for " +
                     field_list(candidates) + "); the file has: " + field_list(names) + " / thiếu cột " + role);
  };
  ClusterFieldMap map;
  map.code = column("cluster code", {"code", "ma", "ma_cum", "cluster_code", "cluster"}, true);
  map.name = column("cluster name", {"name", "ten", "ten_cum", "cluster_name"}, true);
  map.kind = column("kind (giap_ranh or lien_ket)", {"kind", "loai", "loai_cum", "type"}, true);
  map.year = column("year", {"year", "nam"}, true);
  map.members = column("members (unit codes)", {"members", "member_codes", "thanh_vien", "ma_thanh_vien", "ma_xa"},
                       true);
  map.standing = column("standing unit", {"standing_unit", "stand_unit", "standing", "thuong_truc",
                                          "don_vi_thuong_truc", "dv_thuong_truc"},
                        false);
  return map;
}

}  // namespace antt::importer
