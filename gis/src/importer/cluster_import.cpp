#include "antt/importer/cluster_import.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"
#include "fields.hpp"
#include "problems.hpp"
#include "source.hpp"
#include "text_decoding.hpp"

namespace antt::importer {
namespace {

using store::ClusterKind;

constexpr int kFirstYear = 1900;
constexpr int kLastYear = 2100;

/// One row of the table, decoded.
struct Row {
  std::string label;  ///< "row 3 (CUM-01, 2019)"
  store::Cluster cluster;
  store::ClusterYear year;
};

/// giap_ranh / lien_ket from "giap_ranh", "Giáp ranh", "GIAP-RANH", "cụm liên kết"…
std::optional<ClusterKind> kind_from_text(const std::string& value) {
  std::string words;
  for (char c : text::fold_for_search(value)) {
    if (c == '_' || c == '-' || std::isspace(static_cast<unsigned char>(c))) {
      if (!words.empty() && words.back() != ' ') words += ' ';
    } else {
      words += c;
    }
  }
  if (!words.empty() && words.back() == ' ') words.pop_back();
  if (words.rfind("cum ", 0) == 0) words.erase(0, 4);
  if (words == "giap ranh" || words == "giapranh") return ClusterKind::giap_ranh;
  if (words == "lien ket" || words == "lienket") return ClusterKind::lien_ket;
  return std::nullopt;
}

std::optional<int> year_from_text(const std::string& value) {
  int year = 0;
  const char* end = value.data() + value.size();
  auto [stop, error] = std::from_chars(value.data(), end, year);
  if (error != std::errc() || stop != end || year < kFirstYear || year > kLastYear) return std::nullopt;
  return year;
}

/// Codes separated by ';', ',' or white space, in order, without repeats.
std::vector<std::string> split_codes(const std::string& value) {
  std::vector<std::string> codes;
  std::string current;
  auto flush = [&] {
    if (!current.empty() && std::find(codes.begin(), codes.end(), current) == codes.end()) codes.push_back(current);
    current.clear();
  };
  for (char c : value) {
    if (c == ';' || c == ',' || std::isspace(static_cast<unsigned char>(c)))
      flush();
    else
      current += c;
  }
  flush();
  return codes;
}

/// Decodes every row; a problem found in one row alone is recorded here.
std::vector<Row> decode_rows(const RawLayer& raw, const TextDecoder& decoder, const std::vector<std::string>& names,
                             const ClusterFieldMap& fields, const std::string& encoding_used, Problems& problems,
                             ClusterImportResult& result) {
  const int commune_width = gso_width(store::UnitKind::commune);
  // Spreadsheet-like files number their rows as their users see them: the header is row 1.
  const int header_rows = raw.driver == "CSV" || raw.driver == "XLSX" || raw.driver == "ODS" ? 1 : 0;
  bool padded = false;
  std::vector<Row> rows;
  for (const RawFeature& feature : raw.features) {
    const std::string row_name = "row " + std::to_string(feature.number + header_rows);
    auto text_of = [&](int field) -> std::string {
      if (field < 0 || !feature.values[field]) return {};
      return decoder.decode(*feature.values[field]);
    };
    auto codes_of = [&](int field) {
      auto codes = split_codes(text_of(field));
      if (field >= 0 && is_integer_field(raw.fields[field].type))
        for (auto& code : codes) code = pad_code(code, commune_width, padded);
      return codes;
    };
    Row row;
    std::string kind, year;
    std::vector<std::string> standing;
    try {
      row.cluster.code = text_of(fields.code);
      row.cluster.name = text_of(fields.name);
      kind = text_of(fields.kind);
      year = text_of(fields.year);
      row.year.member_codes = codes_of(fields.members);
      standing = codes_of(fields.standing);
    } catch (const InputError& error) {
      problems.add(row_name + ": text is not " + encoding_used + " (" + error.what() +
                   "); choose the encoding with --encoding");
      continue;
    }
    if (row.cluster.code.empty() && row.cluster.name.empty() && kind.empty() && year.empty() &&
        row.year.member_codes.empty() && standing.empty())
      continue;  // a blank line
    row.year.cluster_code = row.cluster.code;
    row.label = row_name + " (" + (row.cluster.code.empty() ? std::string("no code") : row.cluster.code) +
                (year.empty() ? std::string() : ", " + year) + ")";

    if (row.cluster.code.empty()) problems.add(row.label + " has no cluster code in column " + names[fields.code]);
    if (row.cluster.name.empty()) problems.add(row.label + " has no name in column " + names[fields.name]);
    if (auto parsed = kind_from_text(kind))
      row.cluster.kind = *parsed;
    else
      problems.add(row.label + (kind.empty() ? " has no kind" : ": unknown kind '" + kind + "'") +
                   "; use giap_ranh (giáp ranh) or lien_ket (liên kết) / loại cụm không hợp lệ");
    if (auto parsed = year_from_text(year))
      row.year.year = *parsed;
    else
      problems.add(row.label + (year.empty() ? " has no year" : ": '" + year + "' is not a year") + " (" +
                   std::to_string(kFirstYear) + "–" + std::to_string(kLastYear) + ") in column " + names[fields.year]);
    if (row.year.member_codes.empty())
      problems.add(row.label + " has no members in column " + names[fields.members] +
                   " (unit codes separated by ';', ',' or spaces)");
    if (standing.size() > 1)
      problems.add(row.label + " names " + std::to_string(standing.size()) + " standing units (" +
                   short_list(standing) + "); a cluster has one a year");
    else if (standing.size() == 1)
      row.year.standing_unit_code = standing.front();
    if (!row.year.standing_unit_code.empty() &&
        std::find(row.year.member_codes.begin(), row.year.member_codes.end(), row.year.standing_unit_code) ==
            row.year.member_codes.end())
      problems.add(row.label + ": the standing unit " + row.year.standing_unit_code +
                   " is not one of its members (" + short_list(row.year.member_codes) +
                   ") / đơn vị thường trực phải là thành viên của cụm");
    rows.push_back(std::move(row));
  }
  if (padded)
    result.warnings.push_back("numeric member codes lost GSO's leading zeros; they were restored to 5-digit commune "
                              "codes");
  return rows;
}

/// Each (code, year) once; a code with one name and kind throughout the file.
void check_file(const std::vector<Row>& rows, Problems& problems) {
  std::map<std::pair<std::string, int>, const Row*> by_year;
  std::map<std::string, const Row*> by_code;
  for (const auto& row : rows) {
    if (row.cluster.code.empty()) continue;
    if (row.year.year != 0) {
      auto [found, inserted] = by_year.emplace(std::pair(row.cluster.code, row.year.year), &row);
      if (!inserted)
        problems.add("cluster " + row.cluster.code + " has two rows for " + std::to_string(row.year.year) + ": " +
                     found->second->label + " and " + row.label + " / cụm bị trùng năm");
    }
    auto [first, inserted] = by_code.emplace(row.cluster.code, &row);
    if (!inserted && (first->second->cluster.name != row.cluster.name || first->second->cluster.kind != row.cluster.kind))
      problems.add(row.label + " calls cluster " + row.cluster.code + " '" + row.cluster.name + "' (" +
                   std::string(store::to_string(row.cluster.kind)) + ") but " + first->second->label + " '" +
                   first->second->cluster.name + "' (" + std::string(store::to_string(first->second->cluster.kind)) +
                   "); a cluster has one name and kind");
  }
}

/// Clusters already in the store keep their name and kind; members are communes valid on 31 December.
void check_against_store(const store::Store& store, const std::vector<Row>& rows, Problems& problems,
                         const std::function<void(double)>& report) {
  std::map<std::string, store::Cluster> existing;
  for (auto& cluster : store.clusters()) existing.emplace(cluster.code, std::move(cluster));
  std::set<std::string> reported;
  std::map<std::pair<std::string, std::string>, std::optional<store::UnitVersion>> units;  // (code, date)
  size_t done = 0;
  for (const auto& row : rows) {
    report(static_cast<double>(done++) / rows.size());
    if (auto found = existing.find(row.cluster.code); found != existing.end() && reported.insert(row.cluster.code).second &&
        (found->second.name != row.cluster.name || found->second.kind != row.cluster.kind))
      problems.add(row.label + ": the store already has cluster " + row.cluster.code + " as '" + found->second.name +
                   "' (" + std::string(store::to_string(found->second.kind)) + "), not '" + row.cluster.name + "' (" +
                   std::string(store::to_string(row.cluster.kind)) +
                   "); a cluster keeps its name and kind — use a new code / cụm đã có với tên hoặc loại khác");
    if (row.year.year == 0) continue;
    const std::string date = year_end(row.year.year);
    for (const auto& code : row.year.member_codes) {
      auto [entry, inserted] = units.emplace(std::pair(code, date), std::nullopt);
      if (inserted) entry->second = store.unit_at(code, date, false);
      const auto& unit = entry->second;
      if (!unit) {
        auto versions = store.overlapping_versions(code, std::string(store::kOpenStart), std::nullopt);
        if (versions.empty()) {
          problems.add(row.label + ": member " + code + " is not a unit of the store; import its commune first "
                       "(neighbouring provinces' communes too) / mã thành viên không có trong kho dữ liệu");
        } else {
          std::vector<std::string> validity;
          for (const auto& version : versions) validity.push_back("'" + version.name + "' " + validity_text(version));
          problems.add(row.label + ": member " + code + " is not valid on " + date + " (" + short_list(validity) +
                       ") / đơn vị không còn hiệu lực trong năm " + std::to_string(row.year.year));
        }
      } else if (unit->kind != store::UnitKind::commune) {
        problems.add(row.label + ": member " + code + " '" + unit->name + "' is a " +
                     std::string(store::to_string(unit->kind)) + "; the members of a cluster are communes / "
                     "thành viên của cụm phải là xã, phường, thị trấn");
      }
    }
  }
}

}  // namespace

ClusterImportResult import_clusters(store::Store& store, const store::Actor& actor, const std::string& path,
                                    const ClusterImportOptions& options, const std::function<void(double)>& progress) {
  auto report = [&](double fraction) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0));
  };
  if (options.encoding != "auto") text::parse_encoding(options.encoding);  // UsageError

  report(0);
  RawLayer raw = read_source(path, options.layer, [&](double f) { report(0.5 * f); });
  if (raw.features.empty()) throw InputError("'" + path + "' has no rows to import / tệp không có dòng nào");

  ClusterImportResult result;
  auto encoding = choose_encoding(options.encoding, raw);
  result.encoding_used = std::string(text::to_string(encoding.decoder.encoding()));
  result.warnings.insert(result.warnings.end(), encoding.warnings.begin(), encoding.warnings.end());
  const auto names = decode_field_names(raw, encoding.decoder, path);
  const ClusterFieldMap fields = map_cluster_fields(names, fields_with_values(raw));

  // Check everything before writing anything.
  Problems problems;
  auto rows = decode_rows(raw, encoding.decoder, names, fields, result.encoding_used, problems, result);
  if (rows.empty() && problems.empty())
    throw InputError("'" + path + "' has only empty rows / tệp không có dòng nào");
  check_file(rows, problems);
  check_against_store(store, rows, problems, [&](double f) { report(0.5 + 0.3 * f); });
  problems.throw_if_any(path);
  report(0.8);

  std::set<std::string> known;
  for (const auto& cluster : store.clusters()) known.insert(cluster.code);
  std::map<int, std::set<std::string>> set_before;  // year → clusters with a membership that year
  for (const auto& row : rows)
    if (auto [codes, inserted] = set_before.try_emplace(row.year.year); inserted)
      for (const auto& entry : store.cluster_years(row.year.year)) codes->second.insert(entry.cluster_code);

  // One transaction.
  std::set<std::string> in_file;
  store.write(actor, [&] {
    size_t done = 0;
    for (const auto& row : rows) {
      if (in_file.insert(row.cluster.code).second && !known.count(row.cluster.code)) {
        store.add_cluster(row.cluster);
        ++result.new_clusters;
      }
      if (set_before[row.year.year].count(row.cluster.code)) ++result.replaced_years;
      store.set_cluster_year(row.year);
      if (++done % 64 == 0) report(0.8 + 0.2 * static_cast<double>(done) / rows.size());
    }
  });
  result.clusters = static_cast<int>(in_file.size());
  result.cluster_years = static_cast<int>(rows.size());
  if (result.replaced_years > 0)
    result.warnings.push_back("replaced the membership of " + std::to_string(result.replaced_years) +
                              " (cluster, year) already in the store (audited)");
  report(1);
  return result;
}

}  // namespace antt::importer
