#include "commune_lists.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "antt/core/error.hpp"
#include "antt/sample/embedded.hpp"
#include "antt/text/unicode.hpp"

namespace antt::sample {
namespace {

constexpr std::string_view kCommunes2019 = "hoabinh-communes-2008-2019.csv";
constexpr std::string_view kCommunes2020 = "hoabinh-communes-2020-2025.csv";
constexpr std::string_view kCrosswalk = "hoabinh-crosswalk-2019-2020.csv";

}  // namespace

std::vector<std::map<std::string, std::string>> read_csv(std::string_view file) {
  std::string_view text = embedded_file(file);
  if (text.empty()) throw Error("sample: the embedded file " + std::string(file) + " is missing; rebuild anttmap");
  std::vector<std::map<std::string, std::string>> rows;
  std::vector<std::string> header;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto fields = split_csv_line(line);
    if (header.empty()) {
      header = fields;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size(); ++i)
      row[header[i]] = i < fields.size() ? text::to_nfc(text::trim(fields[i])) : std::string();
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

const std::string& field(const std::map<std::string, std::string>& row, const std::string& name,
                         std::string_view file) {
  auto found = row.find(name);
  if (found == row.end()) throw Error("sample: " + std::string(file) + " has no column " + name);
  return found->second;
}

double parse_number(std::string_view text, std::string_view what) {
  double value = 0;
  auto trimmed = text::trim(text);
  auto [end, error] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
  if (error != std::errc()) throw Error("sample: cannot read the number '" + trimmed + "' (" + std::string(what) + ")");
  (void)end;
  return value;
}

std::vector<std::string> split_on(std::string_view text, std::string_view separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = text.find(separator, start);
    out.push_back(text::trim(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start)));
    if (at == std::string_view::npos) break;
    start = at + separator.size();
  }
  return out;
}

}  // namespace

std::vector<std::string> split_csv_line(std::string_view line) {
  std::vector<std::string> fields;
  std::string current;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          current.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        current.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  fields.push_back(std::move(current));
  return fields;
}

std::string subtype_of_name(std::string_view name) {
  if (name.starts_with("Phường")) return "phuong";
  if (name.starts_with("Thị trấn")) return "thi_tran";
  if (name.starts_with("Xã")) return "xa";
  throw Error("sample: cannot tell the type of commune '" + std::string(name) + "'");
}

std::string name_without_type(std::string_view name) {
  for (std::string_view prefix : {"Phường ", "Thị trấn ", "Xã "})
    if (name.starts_with(prefix)) return std::string(name.substr(prefix.size()));
  return std::string(name);
}

AdminLists read_admin_lists() {
  AdminLists lists;
  std::map<std::string, size_t> commune_index;
  std::set<std::string> seen_districts;
  for (const auto& row : read_csv(kCommunes2019)) {
    CommuneRecord commune;
    commune.code = field(row, "ma_xa", kCommunes2019);
    commune.name = field(row, "ten_xa", kCommunes2019);
    commune.subtype = subtype_of_name(field(row, "loai", kCommunes2019));
    commune.district = field(row, "ma_huyen", kCommunes2019);
    commune.area_km2 = parse_number(field(row, "dien_tich_km2", kCommunes2019), "dien_tich_km2");
    commune.population = static_cast<int>(parse_number(field(row, "dan_so_2009", kCommunes2019), "dan_so_2009"));
    if (seen_districts.insert(commune.district).second)
      lists.districts_2019.push_back({commune.district, field(row, "ten_huyen", kCommunes2019)});
    commune_index[commune.code] = lists.communes_2019.size();
    lists.communes_2019.push_back(std::move(commune));
  }

  std::map<std::string, size_t> unit_index;
  seen_districts.clear();
  for (const auto& row : read_csv(kCommunes2020)) {
    Unit2020Record unit;
    unit.code = field(row, "ma_xa", kCommunes2020);
    unit.name = field(row, "ten_xa", kCommunes2020);
    unit.subtype = subtype_of_name(field(row, "loai", kCommunes2020));
    unit.district = field(row, "ma_huyen", kCommunes2020);
    const std::string& note = field(row, "ghi_chu", kCommunes2020);
    // "Xã Sủ Ngòi -> Phường Quỳnh Lâm from 2021-02-01 (1189/NQ-UBTVQH14)": the list shows the later state.
    if (auto arrow = note.find(" -> "); arrow != std::string::npos) {
      auto from = note.find(" from ", arrow);
      auto open = note.find(" (", from == std::string::npos ? arrow : from);
      auto close = note.find(')', open == std::string::npos ? arrow : open);
      if (from == std::string::npos || open == std::string::npos || close == std::string::npos)
        throw Error("sample: cannot read the note of " + unit.code + " in " + std::string(kCommunes2020));
      unit.later_name = unit.name;
      unit.later_subtype = unit.subtype;
      unit.later_date = note.substr(from + 6, open - from - 6);
      unit.later_decision = note.substr(open + 2, close - open - 2);
      unit.name = note.substr(0, arrow);
      unit.subtype = subtype_of_name(unit.name);
    }
    const std::string used = "list used code ";
    if (auto at = note.find(used); at != std::string::npos) unit.january_2020_code = note.substr(at + used.size(), 5);
    if (seen_districts.insert(unit.district).second)
      lists.districts_2020.push_back({unit.district, field(row, "ten_huyen", kCommunes2020)});
    unit_index[unit.code] = lists.units_2020.size();
    lists.units_2020.push_back(std::move(unit));
  }

  std::map<std::string, CrosswalkEntry> entries;
  for (const auto& row : read_csv(kCrosswalk)) {
    CrosswalkEntry entry;
    entry.code_2019 = field(row, "ma_xa_2019", kCrosswalk);
    entry.status = field(row, "trang_thai", kCrosswalk);
    entry.basis = field(row, "can_cu", kCrosswalk);
    const std::string& targets = field(row, "ma_xa_2020", kCrosswalk);
    auto old = commune_index.find(entry.code_2019);
    if (old == commune_index.end())
      throw Error("sample: crosswalk commune " + entry.code_2019 + " is not in " + std::string(kCommunes2019));
    const CommuneRecord& commune = lists.communes_2019[old->second];
    if (entry.status == "split") {
      // "Phường Dân Chủ (1.17 km2); Phường Thống Nhất (1.71 km2)": shares from the areas given.
      auto codes = split_on(targets, ";");
      auto names = split_on(field(row, "ten_xa_2020", kCrosswalk), ";");
      if (codes.size() != names.size() || codes.size() < 2)
        throw Error("sample: cannot read the split of " + entry.code_2019 + " in the crosswalk");
      double total = 0;
      for (size_t i = 0; i < codes.size(); ++i) {
        auto open = names[i].rfind('(');
        double km2 = 1.0;
        if (open != std::string::npos) {
          auto close = names[i].find(" km2", open);
          km2 = parse_number(std::string_view(names[i]).substr(open + 1, close - open - 1), "split area");
        }
        entry.successors.push_back({codes[i], km2});
        total += km2;
      }
      for (auto& successor : entry.successors) successor.share /= total;
    } else if (!targets.empty()) {
      entry.successors.push_back({targets, 1.0});
    } else {
      // UNRESOLVED: choose among the candidate neighbours of the same district, preferring a unit
      // whose name changed in 2020 (a renamed unit is usually the product of a merger).
      std::vector<std::string> same_district, renamed;
      for (const std::string& candidate : split_on(field(row, "ung_vien", kCrosswalk), ";")) {
        std::string code = candidate.substr(0, candidate.find(' '));
        auto before = commune_index.find(code);
        auto after = unit_index.find(code);
        if (before == commune_index.end() || after == unit_index.end()) continue;
        if (lists.communes_2019[before->second].district != commune.district) continue;
        same_district.push_back(code);
        if (name_without_type(lists.communes_2019[before->second].name) !=
            name_without_type(lists.units_2020[after->second].name))
          renamed.push_back(code);
      }
      if (same_district.empty())
        throw Error("sample: no candidate successor in the same district for " + entry.code_2019);
      entry.successors.push_back({renamed.empty() ? same_district.front() : renamed.front(), 1.0});
      entry.invented = true;
    }
    for (const auto& successor : entry.successors)
      if (!unit_index.contains(successor.code))
        throw Error("sample: crosswalk successor " + successor.code + " is not in " + std::string(kCommunes2020));
    entries[entry.code_2019] = std::move(entry);
  }
  for (const auto& commune : lists.communes_2019) {
    auto found = entries.find(commune.code);
    if (found == entries.end()) throw Error("sample: commune " + commune.code + " is missing from the crosswalk");
    lists.crosswalk.push_back(std::move(found->second));
  }
  return lists;
}

}  // namespace antt::sample
