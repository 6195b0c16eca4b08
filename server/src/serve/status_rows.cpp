#include "serve/status_rows.hpp"

#include <set>
#include <utility>

#include "antt/styles/styles.hpp"

namespace antt::serve {
namespace {

using nlohmann::json;

json text_or_null(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

/// Vietnamese and English labels, as the legend has them.
std::pair<json, json> status_labels(store::StatusValue status) {
  const std::string key(store::to_string(status));
  for (const auto& entry : styles::style("unit_status").entries)
    if (entry.key == key) return {entry.label_vi, entry.label_en};
  return {std::string(store::vietnamese_label(status)), key};
}

}  // namespace

std::string status_etag(std::int64_t row_id) { return "\"status-" + std::to_string(row_id) + "\""; }

std::optional<store::StatusRecord> current_status(const std::vector<store::StatusRecord>& history, int year) {
  std::set<std::int64_t> corrected;
  for (const auto& record : history)
    if (record.supersedes) corrected.insert(*record.supersedes);
  std::optional<store::StatusRecord> current;
  for (const auto& record : history) {
    if (record.year != year || corrected.count(record.id) != 0) continue;
    if (!current || record.id > current->id) current = record;
  }
  return current;
}

json status_row_json(const store::StatusRecord& record, const access::Caller& caller, bool superseded) {
  auto [label_vi, label_en] = status_labels(record.status);
  return {{"id", record.id},
          {"code", record.unit_code},
          {"year", record.year},
          {"status", std::string(store::to_string(record.status))},
          {"label_vi", label_vi},
          {"label_en", label_en},
          {"decision", text_or_null(record.decision_number)},
          {"date", text_or_null(record.decision_date)},
          {"authority", text_or_null(record.authority)},
          {"note", text_or_null(record.note)},
          {"recorded_at", record.recorded_at},
          // Editors' names are internal: the public and partners get null.
          {"recorded_by", caller.reads_internal_attributes() ? json(record.recorded_by) : json(nullptr)},
          {"supersedes", record.supersedes ? json(*record.supersedes) : json(nullptr)},
          {"superseded", superseded},
          {"etag", status_etag(record.id)}};
}

}  // namespace antt::serve
