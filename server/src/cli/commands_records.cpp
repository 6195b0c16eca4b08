// hotspot / cluster: the programme's records about communes that the unit form edits (hotspot
// designations, border-cluster membership), through the store's write path and audited.
#include <map>
#include <set>
#include <sstream>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/indicator_sheets.hpp"
#include "antt/editing/indicators.hpp"
#include "antt/editing/records.hpp"
#include "antt/office/xlsx.hpp"
#include "antt/text/unicode.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

int run_hotspot_list(Context& context, const ParsedArgs& args) {
  auto store = context.open_store();
  const auto year = args.get_int("year");
  const auto code = args.get("code");
  nlohmann::json list = nlohmann::json::array();
  for (const auto& hotspot : store->hotspots()) {
    if (code && hotspot.commune_code != *code) continue;
    if (year && !(hotspot.valid_from <= year_end(*year) &&
                  hotspot.valid_to.value_or(std::string(antt::kOpenEnd)) > year_start(*year)))
      continue;
    list.push_back(hotspot_json(hotspot));
  }
  if (context.json) {
    print_json(context.out, nlohmann::json{{"hotspots", list}}.dump());
  } else {
    for (const auto& hotspot : list)
      context.out << hotspot["commune_code"].get<std::string>() << "  " << hotspot["valid_from"].get<std::string>()
                  << " .. " << (hotspot["valid_to"].is_null() ? "" : hotspot["valid_to"].get<std::string>()) << "  "
                  << (hotspot["decision"].is_null() ? "" : hotspot["decision"].get<std::string>()) << "\n";
  }
  return 0;
}

int run_hotspot_designate(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2)
    throw UsageError("usage: anttmap hotspot designate CODE --from YYYY-MM-DD [--decision NO] [--note TEXT]");
  const std::string code = args.positional[1];
  const auto from = args.get("from");
  if (!from) throw UsageError("hotspot designate needs --from DATE / cần ngày bắt đầu --from");
  store::HotspotDesignation hotspot;
  hotspot.commune_code = code;
  hotspot.valid_from = require_iso_date(*from, "--from");
  hotspot.decision = args.get("decision").value_or("");
  hotspot.note = args.get("note").value_or("");
  auto store = context.open_store();
  hotspot = editing::designate_hotspot(*store, context.actor, hotspot);
  if (context.json) print_json(context.out, hotspot_json(hotspot).dump());
  else if (!context.quiet) context.out << "designated / đã đưa vào danh sách trọng điểm: " << code << "\n";
  return 0;
}

int run_hotspot_lift(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2) throw UsageError("usage: anttmap hotspot lift CODE --on YYYY-MM-DD");
  const std::string code = args.positional[1];
  const auto on = args.get("on");
  if (!on) throw UsageError("hotspot lift needs --on DATE, the first day it no longer applies / cần --on");
  const std::string date = require_iso_date(*on, "--on");
  auto store = context.open_store();
  const auto current = editing::lift_hotspot(*store, context.actor, code, date);
  if (context.json) print_json(context.out, hotspot_json(current).dump());
  else if (!context.quiet) context.out << "lifted / đã đưa ra khỏi danh sách: " << code << " from " << date << "\n";
  return 0;
}

int run_hotspot(Context& context, const ParsedArgs& args) {
  if (args.positional.empty() || args.positional[0] == "list") return run_hotspot_list(context, args);
  if (args.positional[0] == "designate") return run_hotspot_designate(context, args);
  if (args.positional[0] == "lift") return run_hotspot_lift(context, args);
  throw UsageError("unknown hotspot subcommand '" + args.positional[0] + "'; use list, designate or lift");
}

int run_cluster_list(Context& context, const ParsedArgs& args) {
  auto store = context.open_store();
  const auto year = args.get_int("year");
  std::map<std::string, store::ClusterYear> years;
  if (year)
    for (auto& cluster_year : store->cluster_years(*year)) years[cluster_year.cluster_code] = cluster_year;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& cluster : store->clusters()) {
    nlohmann::json entry{{"code", cluster.code}, {"name", cluster.name}, {"kind", store::to_string(cluster.kind)}};
    if (year) {
      const auto found = years.find(cluster.code);
      entry["members"] = found == years.end() ? std::vector<std::string>{} : found->second.member_codes;
      entry["standing_unit"] = found == years.end() || found->second.standing_unit_code.empty()
                                   ? nlohmann::json()
                                   : nlohmann::json(found->second.standing_unit_code);
    }
    list.push_back(std::move(entry));
  }
  if (context.json) {
    print_json(context.out, nlohmann::json{{"clusters", list}}.dump());
  } else {
    for (const auto& cluster : list)
      context.out << cluster["code"].get<std::string>() << "  " << cluster["name"].get<std::string>()
                  << (cluster.contains("members") ? "  " + cluster["members"].dump() : "") << "\n";
  }
  return 0;
}

int run_cluster_membership(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2)
    throw UsageError("usage: anttmap cluster membership UNIT_CODE --year Y --clusters CODE,... (empty: none)");
  const std::string code = args.positional[1];
  const auto year = args.get_int("year");
  const auto list = args.get("clusters");
  if (!year || !list) throw UsageError("cluster membership needs --year and --clusters / cần --year và --clusters");
  std::set<std::string> wanted;
  std::stringstream stream(*list);
  for (std::string cluster; std::getline(stream, cluster, ',');)
    if (!cluster.empty()) wanted.insert(cluster);
  auto store = context.open_store();
  editing::set_cluster_membership(*store, context.actor, code, *year, wanted);
  if (context.json)
    print_json(context.out, nlohmann::json{{"unit", code}, {"year", *year}, {"clusters", wanted}}.dump());
  else if (!context.quiet)
    context.out << code << " " << *year << ": " << nlohmann::json(wanted).dump() << "\n";
  return 0;
}

int run_cluster(Context& context, const ParsedArgs& args) {
  if (args.positional.empty() || args.positional[0] == "list") return run_cluster_list(context, args);
  if (args.positional[0] == "membership") return run_cluster_membership(context, args);
  throw UsageError("unknown cluster subcommand '" + args.positional[0] + "'; use list or membership");
}

// ---- record: the programme's indicators (antt/editing/indicators.hpp) ----------------------------

int run_record_indicators(Context& context) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& definition : editing::indicator_definitions()) {
    nlohmann::json kinds = nlohmann::json::array();
    for (auto kind : definition.reported_by) kinds.push_back(store::to_string(kind));
    list.push_back({{"id", definition.id},
                    {"label_vi", definition.label_vi},
                    {"label_en", definition.label_en},
                    {"kind", editing::to_string(definition.kind)},
                    {"reported_by", kinds},
                    {"target", definition.target ? nlohmann::json(*definition.target) : nlohmann::json()},
                    {"source", definition.source}});
  }
  if (context.json) {
    print_json(context.out, nlohmann::json{{"indicators", list}}.dump());
    return 0;
  }
  for (const auto& definition : editing::indicator_definitions()) {
    context.out << definition.id << " (" << editing::to_string(definition.kind) << ", " << definition.source << ")"
                << (definition.target ? " — chỉ tiêu / target 100 %" : "") << "\n    " << definition.label_vi << "\n";
  }
  return 0;
}

/// "ID=VALUE" positionals after `record set UNIT`.
std::vector<std::pair<std::string, std::string>> indicator_assignments(const ParsedArgs& args) {
  std::vector<std::pair<std::string, std::string>> values;
  for (std::size_t i = 2; i < args.positional.size(); ++i) {
    const auto& item = args.positional[i];
    const auto equals = item.find('=');
    if (equals == std::string::npos || equals == 0)
      throw UsageError("'" + item + "': write INDICATOR=VALUE, e.g. propaganda_sessions=12 (`anttmap record "
                       "indicators` lists them) / hãy viết CHỈ_TIÊU=GIÁ_TRỊ");
    values.emplace_back(item.substr(0, equals), item.substr(equals + 1));
  }
  return values;
}

int run_record_set(Context& context, const ParsedArgs& args) {
  if (args.positional.size() < 2) throw UsageError("record set needs a unit code / cần mã đơn vị");
  const auto year = args.get_int("year");
  if (!year) throw UsageError("record set needs --year Y / cần --year");
  const auto values = indicator_assignments(args);
  auto store = context.open_store();
  const auto recorded = editing::record_indicators(*store, context.actor, args.positional[1], *year, values,
                                                   args.get("note").value_or(""));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& value : recorded) list.push_back(editing::indicator_value_json(value));
  if (context.json) {
    print_json(context.out, nlohmann::json{{"unit", args.positional[1]}, {"year", *year}, {"recorded", list}}.dump());
  } else if (!context.quiet) {
    for (const auto& value : recorded)
      context.out << args.positional[1] << " " << *year << " " << value.indicator << " = "
                  << editing::format_indicator_value(editing::indicator_definition(value.indicator), value) << "\n";
    context.out << recorded.size() << " value(s) recorded / đã ghi " << recorded.size() << " giá trị\n";
  }
  return 0;
}

int run_record_show(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2) throw UsageError("record show needs one unit code / cần một mã đơn vị");
  const auto year = args.get_int("year");
  if (!year) throw UsageError("record show needs --year Y / cần --year");
  std::optional<std::string> known_at;
  if (auto as_of = args.get("as-of")) known_at = require_known_at(*as_of, "--as-of");
  auto store = context.open_store();
  const std::string& code = args.positional[1];
  const auto unit = store->unit_at(code, year_end(*year), false);
  if (!unit)
    throw InputError("no unit " + code + " is valid on 31/12/" + std::to_string(*year) + " / không có đơn vị mã " +
                     code + " vào năm " + std::to_string(*year));
  const auto values = editing::indicators_of_unit(*store, code, *year, known_at);
  if (context.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& value : values) list.push_back(editing::indicator_value_json(value));
    print_json(context.out, nlohmann::json{{"unit", code},
                                           {"name", unit->name},
                                           {"year", *year},
                                           {"known_at", known_at ? nlohmann::json(*known_at) : nlohmann::json()},
                                           {"indicators", list}}
                                .dump());
    return 0;
  }
  context.out << code << " " << unit->name << " — " << *year << "\n";
  if (values.empty()) context.out << "  (no indicator recorded / chưa ghi chỉ tiêu nào)\n";
  for (const auto& value : values) {
    const auto& definition = editing::indicator_definition(value.indicator);
    context.out << "  " << definition.label_vi << ": " << editing::format_indicator_value(definition, value);
    if (!value.note.empty()) context.out << " (" << value.note << ")";
    context.out << "\n";
  }
  return 0;
}

int run_record_import(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2)
    throw UsageError("usage: anttmap record import FILE.xlsx|FILE.csv [--year Y] [--note TEXT] / cần một tệp");
  editing::SheetImportOptions options;
  options.year = args.get_int("year");
  options.note = args.get("note").value_or("");
  auto store = context.open_store();
  editing::SheetImportResult result;
  try {
    result = editing::import_indicator_sheets(*store, context.actor, args.positional[1], options);
  } catch (const editing::SheetError& error) {
    if (context.json) {
      print_json(context.out, nlohmann::json{{"file", args.positional[1]},
                                             {"recorded", 0},
                                             {"problems", editing::problems_json(error.problems())}}
                                  .dump());
      return static_cast<int>(error.exit_code());
    }
    throw;
  }
  if (context.json) {
    print_json(context.out, nlohmann::json{{"file", args.positional[1]},
                                           {"year", result.year},
                                           {"recorded", result.recorded},
                                           {"unchanged", result.unchanged},
                                           {"models_added", result.models_added},
                                           {"model_years", result.model_years},
                                           {"units", result.units},
                                           {"by_indicator", result.by_indicator},
                                           {"problems", nlohmann::json::array()}}
                                .dump());
  } else if (!context.quiet) {
    for (const auto& [id, count] : result.by_indicator) context.out << "  " << id << ": " << count << "\n";
    if (result.models_added || result.model_years)
      context.out << "  models / mô hình: " << result.models_added << " new, " << result.model_years
                  << " yearly effectiveness\n";
    context.out << result.recorded << " value(s) recorded for " << result.units << " unit(s), " << result.unchanged
                << " unchanged / đã ghi " << result.recorded << " giá trị, " << result.unchanged
                << " không đổi\n";
  }
  return 0;
}

int run_template(Context& context, const ParsedArgs& args) {
  editing::TemplateRequest request;
  const auto year = args.get_int("year");
  if (!year) throw UsageError("template needs --year Y / cần --year");
  request.year = *year;
  request.within = args.get("within");
  if (!request.within) request.within = args.get("district");
  const auto output = output_argument(args, "template");
  if (!output) throw UsageError("template needs -o FILE.xlsx / cần tệp ra -o");
  auto store = context.open_store();
  const auto summary = editing::write_indicator_template(*store, request, *output);
  if (context.json) {
    print_json(context.out, nlohmann::json{{"output", *output},
                                           {"year", request.year},
                                           {"scope", summary.scope},
                                           {"sheets", summary.sheets},
                                           {"units", summary.units},
                                           {"models", summary.models}}
                                .dump());
  } else if (!context.quiet) {
    context.out << "wrote / đã ghi " << *output << ": " << summary.sheets << " sheets, " << summary.units
                << " units, " << summary.models << " models (" << summary.scope << ", " << request.year << ")\n";
  }
  return 0;
}

int run_record(Context& context, const ParsedArgs& args) {
  if (args.positional.empty() || args.positional[0] == "indicators") return run_record_indicators(context);
  if (args.positional[0] == "set") return run_record_set(context, args);
  if (args.positional[0] == "show") return run_record_show(context, args);
  if (args.positional[0] == "import") return run_record_import(context, args);
  throw UsageError("unknown record subcommand '" + args.positional[0] + "'; use indicators, set, show or import");
}

}  // namespace

nlohmann::json hotspot_json(const store::HotspotDesignation& hotspot) {
  auto text = [](const std::string& value) { return value.empty() ? nlohmann::json() : nlohmann::json(value); };
  return {{"id", hotspot.id},
          {"commune_code", hotspot.commune_code},
          {"valid_from", hotspot.valid_from},
          {"valid_to", hotspot.valid_to ? nlohmann::json(*hotspot.valid_to) : nlohmann::json()},
          {"decision", text(hotspot.decision)},
          {"note", text(hotspot.note)}};
}

std::vector<Command> record_commands() {
  return {{"record",
           "record indicators | record set UNIT --year Y INDICATOR=VALUE... [--note TEXT] | record show UNIT --year Y "
           "[--as-of DATE] | record import FILE.xlsx|FILE.csv [--year Y] [--note TEXT]",
           "the programme's indicators of a unit and year: list, set, show, import a form / các chỉ tiêu của phong trào",
           {{"year", true, "the year the values are for (import: must agree with the form's)"},
            {"note", true, "set, import: a note kept with each value (e.g. the report it comes from)"},
            {"as-of", true, "show: as recorded by then, YYYY-MM-DD (end of that day, Vietnam time) or a moment"}},
           run_record,
           "`record indicators` lists every indicator: its id, what it counts, who reports it and its target.\n"
           "`record set 04831 --year 2020 propaganda_sessions=12 resolution_and_plan=có pledge_share=95,5\n"
           "movement_grade=khá` records them in one audited transaction: all or nothing (an unknown\n"
           "indicator, a unit that does not report one, a value that does not read, and nothing is written).\n"
           "Values: counts and đồng as whole numbers (1.500.000 or 1500000), percentages 0-100 (85,5),\n"
           "yes/no as có/không (or 1/0), grades khá, trung bình, yếu. Every value is kept: a correction is a\n"
           "new row, so `stats --as-of` and `report --as-of` show what was known at a moment (the 19/8\n"
           "festival and the core forces keep one row per unit and year). `stats` sums the counts and đồng\n"
           "per district and province and gives the share of units meeting each target.\n"
           "`record import FORM.xlsx` reads back the form `anttmap template` wrote (or a CSV with the columns\n"
           "ma_don_vi, chi_tieu, gia_tri and optionally nam, ghi_chu): every cell is checked first and every\n"
           "problem is listed with its sheet, row and column (wrong header, unknown code, text in a number,\n"
           "a bad date, merged cells, formulas); then nothing is written. Values equal to those in force are\n"
           "not written again; with --json the problems come as a list."},
          {"template",
           "template --year Y [--within CODE] -o FILE.xlsx",
           "the form offices fill in for a year's indicators / biểu mẫu báo cáo chỉ tiêu của năm",
           {{"year", true, "the year of the form"},
            {"within", true, "only the units under this district (or province), itself included (default: the home province)"},
            {"district", true, "same as --within"},
            {"output", true, "the workbook to write (same as -o FILE)"}},
           run_template,
           "One sheet per indicator (the units that report it, with their codes, names and the values in\n"
           "force pre-filled, a drop-down list or a number rule on the value column), a sheet of\n"
           "self-management models (existing ones listed, blank rows for new ones) and a guide sheet naming\n"
           "the year. Fill it in Excel or LibreOffice and read it back with `anttmap record import FILE`."},
          {"hotspot",
           "hotspot [list] [--year Y] [--code C] | hotspot designate CODE --from DATE [--decision NO] [--note TEXT] | "
           "hotspot lift CODE --on DATE",
           "key hotspot communes (địa bàn trọng điểm): list, designate, lift / địa bàn trọng điểm",
           {{"year", true, "list: designations in force during the year"},
            {"code", true, "list: of this commune only"},
            {"from", true, "designate: the day it takes effect (YYYY-MM-DD)"},
            {"decision", true, "designate: the decision, e.g. 12/QĐ-UBND"},
            {"note", true, "designate: free note"},
            {"on", true, "lift: the first day it no longer applies (YYYY-MM-DD)"}},
           run_hotspot,
           "A commune has at most one designation in force on a day; lifting ends the one in force."},
          {"cluster",
           "cluster [list] [--year Y] | cluster membership UNIT_CODE --year Y --clusters CODE,...",
           "border-area security clusters (cụm ANTT giáp ranh): list, membership of a unit / cụm ANTT",
           {{"year", true, "the year of the members"},
            {"clusters", true, "membership: every cluster the unit belongs to that year (empty: none)"}},
           run_cluster,
           "`cluster membership` makes the unit a member of exactly the clusters given in the year."}};
}

}  // namespace antt::cli
