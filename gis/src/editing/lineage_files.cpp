// Lineage tables: crosswalks read from CSV/XLSX, events written as rows (CSV, the GeoPackage table
// `lineage`) and read back into a store.
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/lineage.hpp"
#include "antt/text/unicode.hpp"
#include "lineage_support.hpp"

namespace antt::editing {
namespace {

using namespace detail;

struct DatasetCloser {
  void operator()(void* dataset) const { GDALClose(dataset); }
};
using Dataset = std::unique_ptr<void, DatasetCloser>;

std::string lower_ascii(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

/// A table as text: lower-case header names and the rows (row numbers as a spreadsheet shows them).
struct Table {
  std::vector<std::string> header;
  std::vector<std::pair<int, std::vector<std::string>>> rows;
  int column(std::initializer_list<std::string_view> names) const {
    for (auto name : names)
      for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return static_cast<int>(i);
    return -1;
  }
};

/// Reads a CSV or XLSX file, or a named table of a GeoPackage, as text (NFC) with GDAL.
Table read_table(const std::string& path, const char* gpkg_layer) {
  if (!std::filesystem::exists(path)) throw InputError("no such file: " + path + " / không có tệp");
  GDALAllRegister();
  const std::string extension = lower_ascii(std::filesystem::path(path).extension().string());
  const char* csv_options[] = {"AUTODETECT_TYPE=NO", "HEADERS=YES", nullptr};
  const char* xlsx_options[] = {"FIELD_TYPES=STRING", "HEADERS=FORCE", nullptr};
  const char* const* options = extension == ".csv" ? csv_options : extension == ".xlsx" ? xlsx_options : nullptr;
  if (!options && extension != ".gpkg")
    throw InputError("'" + path + "': expected a .csv, .xlsx or .gpkg file / cần tệp .csv, .xlsx hoặc .gpkg");
  Dataset dataset(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options, nullptr));
  if (!dataset) throw InputError("cannot read '" + path + "': " + CPLGetLastErrorMsg());
  OGRLayerH layer = extension == ".gpkg" ? GDALDatasetGetLayerByName(dataset.get(), gpkg_layer)
                                         : GDALDatasetGetLayer(dataset.get(), 0);
  if (!layer)
    throw InputError("'" + path + "' has no " + (extension == ".gpkg" ? "table '" + std::string(gpkg_layer) + "'" : "table"));
  Table table;
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);
  const int fields = OGR_FD_GetFieldCount(definition);
  for (int i = 0; i < fields; ++i)
    table.header.push_back(lower_ascii(text::trim(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, i)))));
  OGR_L_ResetReading(layer);
  int row = 1;
  for (OGRFeatureH feature; (feature = OGR_L_GetNextFeature(layer)) != nullptr; OGR_F_Destroy(feature)) {
    ++row;
    std::vector<std::string> values;
    bool blank = true;
    for (int i = 0; i < fields; ++i) {
      std::string value =
          OGR_F_IsFieldSetAndNotNull(feature, i) ? text::to_nfc(text::trim(OGR_F_GetFieldAsString(feature, i))) : "";
      blank = blank && value.empty();
      values.push_back(std::move(value));
    }
    if (!blank) table.rows.emplace_back(row, std::move(values));
  }
  return table;
}

}  // namespace

std::vector<CrosswalkRow> read_crosswalk_csv(const std::string& path) {
  const Table table = read_table(path, "crosswalk");
  const int old_column = table.column({"old_code", "ma_cu", "ma_xa_cu"});
  const int new_column = table.column({"new_code", "ma_moi", "ma_xa_moi"});
  const int share_column = table.column({"share", "ti_le"});
  const int part_column = table.column({"part", "phan"});
  if (old_column < 0 || new_column < 0)
    throw InputError("'" + path + "' needs the columns old_code and new_code (or ma_cu/ma_xa_cu, ma_moi/ma_xa_moi) / "
                     "thiếu cột mã cũ, mã mới");
  std::vector<CrosswalkRow> rows;
  Problems problems;
  for (const auto& [number, values] : table.rows) {
    const std::string where = "row " + std::to_string(number);
    CrosswalkRow row;
    row.old_code = values[static_cast<size_t>(old_column)];
    row.new_code = values[static_cast<size_t>(new_column)];
    if (row.old_code.empty() || row.new_code.empty()) problems.add(where + ": an old and a new code are both needed");
    if (share_column >= 0 && !values[static_cast<size_t>(share_column)].empty()) {
      const std::string& text = values[static_cast<size_t>(share_column)];
      try {
        size_t used = 0;
        const double share = std::stod(text, &used);
        if (used != text.size()) throw std::invalid_argument(text);
        row.share = share > 1 + kShareEpsilon && share <= 100 ? share / 100 : share;  // 62 or 0.62
      } catch (const std::exception&) {
        problems.add(where + ": share '" + text + "' is not a number / tỉ lệ không phải số");
      }
    }
    if (part_column >= 0) {
      const std::string part = lower_ascii(values[static_cast<size_t>(part_column)]);
      if (part == "mot_phan" || part == "part" || part == "một phần")
        row.part = true;
      else if (!part.empty() && part != "toan_bo" && part != "whole" && part != "toàn bộ")
        problems.add(where + ": part '" + part + "' is neither toan_bo (whole) nor mot_phan (part)");
    }
    rows.push_back(std::move(row));
  }
  problems.throw_if_any("'" + path + "'");
  return rows;
}


const std::vector<std::string>& lineage_columns() {
  static const std::vector<std::string> columns{"event_id", "kind", "effective_date", "decision", "note",
                                                "synthetic", "role", "unit_code", "unit_valid_from"};
  return columns;
}

std::vector<std::vector<std::string>> lineage_rows(const store::Store& store) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& event : store.lineage_events()) {
    auto add = [&](const char* role, const store::UnitRef& ref) {
      rows.push_back({std::to_string(event.id), std::string(store::to_string(event.kind)), event.effective_date,
                      event.decision, event.note, event.synthetic ? "1" : "0", role, ref.code, ref.valid_from});
    };
    for (const auto& ref : event.from) add("from", ref);
    for (const auto& ref : event.to) add("to", ref);
    if (event.from.empty() && event.to.empty())
      rows.push_back({std::to_string(event.id), std::string(store::to_string(event.kind)), event.effective_date,
                      event.decision, event.note, event.synthetic ? "1" : "0", "", "", ""});
  }
  return rows;
}

std::vector<store::LineageEvent> read_lineage_file(const std::string& path) {
  const Table table = read_table(path, "lineage");
  std::vector<int> index;
  for (const auto& name : lineage_columns()) {
    const int column = table.column({name});
    if (column < 0) throw InputError("'" + path + "' lacks the column '" + name + "' (expected " + [] {
      std::string all;
      for (const auto& n : lineage_columns()) all += (all.empty() ? "" : ", ") + n;
      return all;
    }() + ")");
    index.push_back(column);
  }
  std::map<std::string, store::LineageEvent> events;
  std::vector<std::string> order;
  Problems problems;
  for (const auto& [number, values] : table.rows) {
    auto value = [&](size_t i) -> const std::string& { return values[static_cast<size_t>(index[i])]; };
    const std::string where = "row " + std::to_string(number);
    try {
      auto [found, inserted] = events.try_emplace(value(0));
      store::LineageEvent& event = found->second;
      if (inserted) {
        order.push_back(value(0));
        event.kind = store::parse_lineage_kind(value(1));
        event.effective_date = require_iso_date(value(2), "effective_date");
        event.decision = value(3);
        event.note = value(4);
        event.synthetic = value(5) == "1" || lower_ascii(value(5)) == "true";
      } else if (value(1) != store::to_string(event.kind) || value(2) != event.effective_date) {
        throw InputError("event " + value(0) + " has another kind or date than in its first row");
      }
      if (value(6) == "from" || value(6) == "to") {
        store::UnitRef ref{value(7), require_iso_date(value(8), "unit_valid_from")};
        if (ref.code.empty()) throw InputError("no unit_code");
        (value(6) == "from" ? event.from : event.to).push_back(ref);
      } else if (!value(6).empty()) {
        throw InputError("role '" + value(6) + "' is neither from nor to");
      }
    } catch (const Error& error) {
      problems.add(where + ": " + error.what());
    }
  }
  problems.throw_if_any("'" + path + "'");
  std::vector<store::LineageEvent> out;
  for (const auto& id : order) out.push_back(std::move(events.at(id)));
  return out;
}

int load_lineage(store::Store& store, const store::Actor& actor, const std::vector<store::LineageEvent>& events) {
  auto key = [](const store::LineageEvent& event) {
    std::string out = std::string(store::to_string(event.kind)) + "|" + event.effective_date + "|" + event.decision;
    std::vector<std::string> refs;
    for (const auto& ref : event.from) refs.push_back("f:" + ref.code + "@" + ref.valid_from);
    for (const auto& ref : event.to) refs.push_back("t:" + ref.code + "@" + ref.valid_from);
    std::sort(refs.begin(), refs.end());
    return out + "|" + join(refs, ";");
  };
  int added = 0;
  store.write(actor, [&] {
    std::set<std::string> known;
    for (const auto& event : store.lineage_events()) known.insert(key(event));
    Problems problems;
    for (const auto& event : events)
      for (const auto* refs : {&event.from, &event.to})
        for (const auto& ref : *refs) {
          auto version = store.unit_at(ref.code, ref.valid_from, false);
          if (!version || version->valid_from != ref.valid_from)
            problems.add("event of " + event.effective_date + " (" + event.decision + ") names " + ref.code +
                         " valid from " + ref.valid_from + ", which the store does not have; import the units first");
        }
    problems.throw_if_any("lineage");
    for (const auto& event : events)
      if (known.insert(key(event)).second) store.add_lineage_event(event), ++added;
  });
  return added;
}

}  // namespace antt::editing
