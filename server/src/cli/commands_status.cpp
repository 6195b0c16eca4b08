// status set / status import / status show.
#include <algorithm>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/status/status_import.hpp"
#include "antt/text/unicode.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

nlohmann::json record_json(const store::StatusRecord& record) {
  return {{"id", record.id},
          {"code", record.unit_code},
          {"year", record.year},
          {"status", std::string(store::to_string(record.status))},
          {"label", std::string(store::vietnamese_label(record.status))},
          {"decision", record.decision_number},
          {"date", record.decision_date},
          {"authority", record.authority},
          {"note", record.note},
          {"criteria_rule", std::string(store::criteria_rule_for_year(record.year))},
          {"recorded_at", record.recorded_at},
          {"recorded_by", record.recorded_by},
          {"supersedes", record.supersedes ? nlohmann::json(*record.supersedes) : nlohmann::json(nullptr)}};
}

std::optional<bool> parse_yes_no(const std::optional<std::string>& value, const char* what) {
  if (!value) return std::nullopt;
  if (*value == "yes" || *value == "1" || *value == "true") return true;
  if (*value == "no" || *value == "0" || *value == "false") return false;
  throw UsageError(std::string("--") + what + " takes yes or no");
}

std::optional<double> parse_percent(const std::optional<std::string>& value, const char* what) {
  if (!value) return std::nullopt;
  try {
    size_t used = 0;
    double number = std::stod(*value, &used);
    if (used == value->size() && number >= 0 && number <= 100) return number;
  } catch (const std::exception&) {
  }
  throw UsageError(std::string("--") + what + " takes a percentage from 0 to 100");
}

int run_status_set(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2) throw UsageError("usage: anttmap status set CODE --year Y --status STATUS");
  auto year = args.get_int("year");
  auto status = args.get("status");
  if (!year || !status) throw UsageError("status set needs --year and --status / cần --year và --status");
  store::StatusRecord record;
  record.unit_code = args.positional[1];
  record.year = *year;
  record.status = store::parse_status(*status);
  record.decision_number = text::to_nfc(args.get("decision").value_or(""));
  if (auto date = args.get("date")) record.decision_date = require_iso_date(*date, "--date");
  record.authority = text::to_nfc(args.get("authority").value_or(""));
  record.note = text::to_nfc(args.get("note").value_or(""));
  record.criteria.resolution_adopted = parse_yes_no(args.get("resolution"), "resolution");
  record.criteria.pledge_share = parse_percent(args.get("pledge-share"), "pledge-share");
  record.criteria.police_rating = args.get("police-rating");
  record.criteria.villages_recognised_share = parse_percent(args.get("village-share"), "village-share");
  if (auto models = args.get_int("effective-models")) record.criteria.effective_models = *models;
  auto store = context.open_store();
  std::int64_t id = 0;
  store->write(context.actor, [&] { id = store->add_status(record); });
  // The row just written (the history is ordered by year, and later years may exist).
  const auto history = store->status_history(record.unit_code);
  const auto saved = *std::find_if(history.begin(), history.end(), [&](const store::StatusRecord& row) { return row.id == id; });
  if (context.json) {
    print_json(context.out, record_json(saved).dump());
  } else {
    context.out << record.unit_code << " " << record.year << ": " << store::vietnamese_label(record.status) << " ("
                << store::to_string(record.status) << ")" << (saved.supersedes ? " — corrects an earlier entry" : "")
                << "\n";
  }
  return 0;
}

int run_status_import(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2) throw UsageError("usage: anttmap status import FILE");
  auto store = context.open_store();
  auto result = status::import_statuses(*store, context.actor, args.positional[1], context.progress("status import"));
  if (context.json)
    print_json(context.out, nlohmann::json{{"imported", result.imported}, {"file", args.positional[1]}}.dump());
  else
    context.out << "Imported " << result.imported << " status rows / đã nhập " << result.imported << " dòng\n";
  return 0;
}

int run_status_show(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2) throw UsageError("usage: anttmap status show CODE");
  auto store = context.open_store();
  auto history = store->status_history(args.positional[1]);
  if (context.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& record : history) list.push_back(record_json(record));
    print_json(context.out, nlohmann::json{{"code", args.positional[1]}, {"history", list}}.dump());
  } else {
    for (const auto& record : history)
      context.out << record.year << "  " << store::to_string(record.status) << "  " << record.decision_number << "  "
                  << record.decision_date << "  " << record.authority << "  (" << record.recorded_by << ", "
                  << record.recorded_at << (record.supersedes ? ", correction" : "") << ")\n";
  }
  return 0;
}

int run_status(Context& context, const ParsedArgs& args) {
  if (args.positional.empty()) throw UsageError("status needs a subcommand: set, import or show; see `anttmap status --help`");
  const std::string& sub = args.positional[0];
  if (sub == "set") return run_status_set(context, args);
  if (sub == "import") return run_status_import(context, args);
  if (sub == "show") return run_status_show(context, args);
  throw UsageError("unknown status subcommand '" + sub + "'; use set, import or show");
}

}  // namespace

std::vector<Command> status_commands() {
  return {{"status",
           "status set CODE --year Y --status STATUS [--decision NO --date YYYY-MM-DD --authority TEXT] | "
           "status import FILE | status show CODE",
           "Set, import or show yearly statuses / đặt, nhập, xem trạng thái hằng năm",
           {{"year", true, "year of the status"},
            {"status", true, "not_registered, registered, proposed, recognised, not_recognised or revoked"},
            {"decision", true, "decision number (required for recognised and revoked)"},
            {"date", true, "decision date YYYY-MM-DD (required for recognised and revoked)"},
            {"authority", true, "issuing authority (required for recognised and revoked)"},
            {"note", true, "free note"},
            {"resolution", true, "criteria: resolution and plan adopted (yes/no)"},
            {"pledge-share", true, "criteria: % of households that signed the pledge"},
            {"police-rating", true, "criteria: police unit rating (e.g. tien_tien)"},
            {"village-share", true, "criteria: % of villages recognised (communes)"},
            {"effective-models", true, "criteria (TT 124/2021): effective models (communes)"}},
           run_status,
           "History is append-only: setting a status again adds a correcting row that supersedes the old one.\n"
           "status import reads CSV or XLSX with columns code, year, status, decision, date, authority, note\n"
           "(optional: resolution_adopted, pledge_share, police_rating, villages_recognised_share, effective_models);\n"
           "dates YYYY-MM-DD; all rows or none are imported."}};
}

}  // namespace antt::cli
