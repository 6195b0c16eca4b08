// hotspot / cluster: the programme's records about communes that the unit form edits (hotspot
// designations, border-cluster membership), through the store's write path and audited.
#include <map>
#include <set>
#include <sstream>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/records.hpp"
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
  return {{"hotspot",
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
