// plan: the programme's plans whose targets statistics and reports measure each year against (the
// founding Đề án 886/QĐ-UBND 2012-2020 built in, later plans configured), through stats::save_plan.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/stats/plan.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

/// One line per plan: its id, years and title; the one in force this year marked.
void print_plan_line(std::ostream& out, const stats::ProgrammePlan& plan, bool in_force) {
  out << (in_force ? "* " : "  ") << plan.id << "  " << plan.from_year << "-" << plan.to_year
      << (plan.built_in ? "  (có sẵn / built in)" : "") << "\n    " << plan.title << "\n";
}

int run_plan_list(Context& context, int this_year) {
  auto store = context.open_store();
  const auto plans = stats::programme_plans(*store);
  const auto& in_force = stats::plan_in_force(plans, this_year);
  if (context.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& plan : plans) {
      auto entry = stats::to_json(plan);
      entry["in_force_now"] = plan.id == in_force.id;
      list.push_back(std::move(entry));
    }
    print_json(context.out, nlohmann::json{{"plans", list}}.dump());
    return 0;
  }
  for (const auto& plan : plans) print_plan_line(context.out, plan, plan.id == in_force.id);
  return 0;
}

int run_plan_show(Context& context, const ParsedArgs& args, int this_year) {
  auto store = context.open_store();
  const auto plans = stats::programme_plans(*store);
  const auto year = args.get_int("year");
  const stats::ProgrammePlan* plan = nullptr;
  if (args.positional.size() > 1) {
    for (const auto& candidate : plans)
      if (candidate.id == args.positional[1]) plan = &candidate;
    if (!plan) throw InputError("no plan " + args.positional[1] + " (see `anttmap plan list`) / không có kế hoạch này");
  } else {
    plan = &stats::plan_in_force(plans, year.value_or(this_year));
  }
  const int shown_year = year.value_or(std::max(plan->from_year, std::min(this_year, plan->to_year)));
  auto document = stats::to_json(*plan);
  document["in_year"] = stats::targets_json(*plan, shown_year);
  if (context.json) {
    print_json(context.out, document.dump());
    return 0;
  }
  print_plan_line(context.out, *plan, false);
  if (!plan->decision.empty()) context.out << "    " << plan->decision << "\n";
  context.out << "Chỉ tiêu năm / targets in " << shown_year << (shown_year > plan->to_year ? " (past the plan's term)" : "")
              << ":\n";
  for (const auto& [id, target] : document["in_year"]["targets"].items())
    context.out << "  " << id << ": " << target["text"].get<std::string>() << " (từ / from " << target["from_year"]
                << ")\n";
  return 0;
}

std::string read_document(const Context& context, const std::string& path) {
  if (path == "-") {
    std::istream& in = context.in ? *context.in : std::cin;
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) throw InputError("cannot read " + path + " / không đọc được tệp");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

int run_plan_set(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2) throw UsageError("usage: anttmap plan set FILE.json (or - for stdin)");
  const std::string text = read_document(context, args.positional[1]);
  const auto document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded())
    throw InputError(args.positional[1] + " is not JSON / tệp không phải JSON");
  const auto plan = stats::parse_plan(document);
  auto store = context.open_store();
  stats::save_plan(*store, context.actor, plan);
  if (context.json) print_json(context.out, stats::to_json(plan).dump());
  else if (!context.quiet) context.out << "saved / đã lưu kế hoạch " << plan.id << " (" << plan.from_year << "-" << plan.to_year << ")\n";
  return 0;
}

int run_plan_remove(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2) throw UsageError("usage: anttmap plan remove ID");
  auto store = context.open_store();
  stats::remove_plan(*store, context.actor, args.positional[1]);
  if (context.json) print_json(context.out, nlohmann::json{{"removed", args.positional[1]}}.dump());
  else if (!context.quiet) context.out << "removed / đã xóa kế hoạch " << args.positional[1] << "\n";
  return 0;
}

int run_plan(Context& context, const ParsedArgs& args) {
  const int this_year = year_of(today());
  if (args.positional.empty() || args.positional[0] == "list") return run_plan_list(context, this_year);
  if (args.positional[0] == "show") return run_plan_show(context, args, this_year);
  if (args.positional[0] == "set") return run_plan_set(context, args);
  if (args.positional[0] == "remove") return run_plan_remove(context, args);
  throw UsageError("unknown plan subcommand '" + args.positional[0] + "'; use list, show, set or remove");
}

}  // namespace

std::vector<Command> plan_commands() {
  return {{"plan",
           "plan [list] | plan show [ID] [--year Y] | plan set FILE.json | plan remove ID",
           "the programme's plans and their targets / các kế hoạch của phong trào và chỉ tiêu",
           {{"year", true, "show: the plan in force that year and its targets then"}},
           run_plan,
           "Statistics, reports and the viewer measure each year against the plan in force: the one that\n"
           "started last by then, kept past its last year until a later one starts. The founding plan\n"
           "(Đề án 886/QĐ-UBND, 2012-2020: over 70 % recognised from 2015, over 90 % from 2020) is built in.\n"
           "`plan set FILE.json` adds a later plan (or replaces the one with its id), audited:\n"
           "  {\"id\": \"123/KH-UBND\", \"title\": \"Kế hoạch … giai đoạn 2021-2025\", \"decision\": \"…\",\n"
           "   \"from_year\": 2021, \"to_year\": 2025,\n"
           "   \"targets\": {\"recognised\": [{\"percent\": 90, \"strictly_over\": true},\n"
           "                               {\"from_year\": 2025, \"percent\": 95, \"strictly_over\": true}],\n"
           "               \"communes_with_model\": 100, \"pledge_share\": 100}}\n"
           "A number is \"at least\" that share from the plan's first year; an indicator a plan does not\n"
           "name has no target while it is in force. Indicators: recognised, communes_with_model,\n"
           "agencies_with_model, festival_held, core_forces_staffed, models_effective and those of\n"
           "`anttmap record indicators`. A bad file is refused naming the field, and nothing is written."}};
}

}  // namespace antt::cli
