#include "antt/status/status_import.hpp"

#include <gdal.h>
#include <ogr_api.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"

namespace antt::status {
namespace {

struct DatasetCloser {
  void operator()(void* dataset) const { GDALClose(dataset); }
};
using DatasetPtr = std::unique_ptr<void, DatasetCloser>;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

/// Accepts YYYY-MM-DD, YYYY/MM/DD (how spreadsheets hand dates to GDAL) and dd/mm/yyyy.
std::string normalise_date(const std::string& text, const std::string& where) {
  std::string value = text::trim(text);
  if (value.size() >= 10 && value[4] == '/' && value[7] == '/') {
    value = value.substr(0, 10);
    value[4] = value[7] = '-';
  } else if (value.size() == 10 && value[2] == '/' && value[5] == '/') {
    value = value.substr(6, 4) + "-" + value.substr(3, 2) + "-" + value.substr(0, 2);
  } else if (value.size() > 10 && value[10] == ' ') {
    value = value.substr(0, 10);
  }
  return require_iso_date(value, where + " date");
}

std::optional<double> optional_number(const std::string& text, const std::string& where) {
  std::string value = text::trim(text);
  if (value.empty()) return std::nullopt;
  try {
    size_t used = 0;
    double number = std::stod(value, &used);
    if (used == value.size()) return number;
  } catch (const std::exception&) {
  }
  throw InputError(where + ": '" + value + "' is not a number");
}

}  // namespace

StatusImportResult import_statuses(store::Store& store, const store::Actor& actor, const std::string& path,
                                   const std::function<void(double)>& progress, const StatusImportOptions& options) {
  if (!std::filesystem::exists(path)) throw InputError("no such file: " + path);
  const std::string shown = options.label.empty() ? path : options.label;  // the input, in messages
  GDALAllRegister();
  std::string extension = lower(std::filesystem::path(path).extension().string());
  if (extension != ".csv" && extension != ".xlsx")
    throw InputError("status import reads .csv or .xlsx files, not '" + extension + "'");
  const char* csv_options[] = {"AUTODETECT_TYPE=NO", "HEADERS=YES", nullptr};
  const char* xlsx_options[] = {"FIELD_TYPES=STRING", "HEADERS=FORCE", nullptr};
  DatasetPtr dataset(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                extension == ".csv" ? csv_options : xlsx_options, nullptr));
  if (!dataset) throw InputError("cannot read '" + shown + "': " + CPLGetLastErrorMsg());
  OGRLayerH layer = GDALDatasetGetLayer(dataset.get(), 0);
  if (!layer) throw InputError("'" + shown + "' has no table");
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);
  std::map<std::string, int> columns;
  for (int i = 0; i < OGR_FD_GetFieldCount(definition); ++i)
    columns[lower(text::trim(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, i))))] = i;
  for (const char* required : {"code", "year", "status"})
    if (!columns.count(required))
      throw InputError("'" + shown + "' lacks the column '" + required +
                       "'; expected code, year, status, decision, date, authority, note");
  static const std::set<std::string> known{"code", "year", "status", "decision", "date", "authority", "note",
                                           "resolution_adopted", "pledge_share", "police_rating",
                                           "villages_recognised_share", "effective_models"};
  for (const auto& [name, index] : columns)
    if (!known.count(name))
      throw InputError("unknown column '" + name + "' in '" + shown +
                       "'; expected code, year, status, decision, date, authority, note (and criteria columns)");

  std::vector<store::StatusRecord> records;
  std::set<std::pair<std::string, int>> seen;
  OGR_L_ResetReading(layer);
  int row = 1;  // the header is row 1
  for (OGRFeatureH feature; (feature = OGR_L_GetNextFeature(layer)) != nullptr; OGR_F_Destroy(feature)) {
    ++row;
    auto field = [&](const char* name) -> std::string {
      auto found = columns.find(name);
      if (found == columns.end() || !OGR_F_IsFieldSetAndNotNull(feature, found->second)) return {};
      return text::trim(OGR_F_GetFieldAsString(feature, found->second));
    };
    const std::string where = "row " + std::to_string(row);
    try {
      store::StatusRecord record;
      record.unit_code = field("code");
      if (record.unit_code.empty() && field("year").empty() && field("status").empty()) continue;  // blank line
      if (record.unit_code.empty()) throw InputError(where + ": empty code");
      std::string year = field("year");
      try {
        size_t used = 0;
        record.year = std::stoi(year, &used);
        if (used != year.size()) throw std::invalid_argument(year);
      } catch (const std::exception&) {
        throw InputError(where + ": year '" + year + "' is not a year");
      }
      record.status = store::parse_status(field("status"));
      record.decision_number = text::to_nfc(field("decision"));
      if (!field("date").empty()) record.decision_date = normalise_date(field("date"), where);
      record.authority = text::to_nfc(field("authority"));
      record.note = text::to_nfc(field("note"));
      if (auto value = optional_number(field("resolution_adopted"), where)) record.criteria.resolution_adopted = *value != 0;
      record.criteria.pledge_share = optional_number(field("pledge_share"), where);
      if (!field("police_rating").empty()) record.criteria.police_rating = field("police_rating");
      record.criteria.villages_recognised_share = optional_number(field("villages_recognised_share"), where);
      if (auto value = optional_number(field("effective_models"), where))
        record.criteria.effective_models = static_cast<int>(*value);
      if (!seen.insert({record.unit_code, record.year}).second)
        throw InputError(where + ": " + record.unit_code + " has two rows for " + std::to_string(record.year));
      records.push_back(std::move(record));
    } catch (const InputError& error) {
      OGR_F_Destroy(feature);
      std::string message = error.what();
      throw InputError("'" + shown + "' " + (message.rfind("row ", 0) == 0 ? message : where + ": " + message) +
                       " — nothing imported / không nhập dòng nào");
    } catch (const UsageError& error) {
      OGR_F_Destroy(feature);
      throw InputError("'" + shown + "' " + where + ": " + error.what() + " — nothing imported");
    }
  }
  StatusImportResult result;
  store.write(actor, [&] {
    for (const auto& record : records) {
      try {
        if (options.check_row) options.check_row(record);
      } catch (const InputError& error) {
        throw InputError("'" + shown + "': " + record.unit_code + " " + std::to_string(record.year) + ": " + error.what() +
                         " — nothing imported / không nhập dòng nào");
      }
    }
    // In slices, for the progress bar; each slice as the store writes many rows best.
    constexpr std::size_t kSlice = 5000;
    for (std::size_t start = 0; start < records.size(); start += kSlice) {
      const auto end = records.begin() + static_cast<std::ptrdiff_t>(std::min(records.size(), start + kSlice));
      try {
        store.add_statuses(std::vector<store::StatusRecord>(records.begin() + static_cast<std::ptrdiff_t>(start), end));
      } catch (const InputError& error) {
        // The store's refusal names the unit and year (a status that needs a decision, a unit not valid then).
        throw InputError("'" + shown + "': " + error.what() + " — nothing imported / không nhập dòng nào");
      }
      if (progress) progress(static_cast<double>(end - records.begin()) / records.size());
    }
  });
  if (progress) progress(1.0);
  result.imported = static_cast<int>(records.size());
  return result;
}

}  // namespace antt::status
