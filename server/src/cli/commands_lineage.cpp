// lineage: changes of the administrative map in time (merge, split, rename, reclassify, transfer,
// abolish, create, a whole reform from a crosswalk), what became of a unit, and lineage files.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/lineage.hpp"
#include "antt/importer/importer.hpp"
#include "antt/text/unicode.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

std::vector<std::string> code_list_of(const std::string& text) {
  std::vector<std::string> codes;
  std::stringstream stream(text);
  for (std::string code; std::getline(stream, code, ',');)
    if (!text::trim(code).empty()) codes.push_back(text::trim(code));
  return codes;
}

std::string required_text(const ParsedArgs& args, const std::string& name, const std::string& why) {
  const auto value = args.get(name);
  if (!value || text::trim(*value).empty()) throw UsageError(why);
  return *value;
}

/// The new units of a split, a create or a crosswalk, from a GIS file.
std::vector<store::UnitVersion> new_units_file(Context& context, const ParsedArgs& args, store::UnitKind kind) {
  importer::ImportOptions options;
  options.kind = kind;
  options.code_field = args.get("code-field");
  options.name_field = args.get("name-field");
  options.parent_field = args.get("parent-field");
  options.subtype_field = args.get("subtype-field");
  options.source_srs = args.get("s-srs");
  options.encoding = args.get("encoding").value_or("auto");
  options.layer = args.get("layer");
  options.parent_code = args.get("parent");
  auto read = importer::read_units(required_text(args, "units", "this change needs its new units: --units FILE / cần --units"),
                                   options, context.progress("read"));
  for (const auto& warning : read.info.warnings)
    if (!context.quiet && !context.json) context.err << "warning: " << warning << "\n";
  return std::move(read.units);
}

store::UnitKind kind_on_eve(const store::Store& store, const std::string& code, const std::string& date) {
  const auto version = store.unit_at(code, editing::day_before(date), false);
  if (!version) throw InputError("no unit " + code + " is valid on " + editing::day_before(date) + " / không có đơn vị mã " + code);
  return version->kind;
}

void print_lineage_result(Context& context, const editing::LineageResult& result) {
  if (context.json) {
    print_json(context.out, nlohmann::json{{"event_id", result.event_id},
                                           {"closed", result.closed},
                                           {"opened", result.opened},
                                           {"moved", result.moved}}
                                .dump());
    return;
  }
  if (context.quiet) return;
  context.out << "recorded / đã ghi: event " << result.event_id << "; ended " << result.closed.size()
              << ", started " << result.opened.size() << ", children moved " << result.moved.size() << "\n";
  for (const auto& move : result.moved) context.out << "  " << move << "\n";
}

int run_lineage_change(Context& context, const ParsedArgs& args, store::LineageKind kind) {
  editing::LineageChange change;
  change.kind = kind;
  change.effective_date = require_iso_date(required_text(args, "date", "--date YYYY-MM-DD is required (the day it takes effect) / cần --date"), "--date");
  change.decision = required_text(args, "decision", "--decision is required (e.g. 830/NQ-UBTVQH14) / cần số văn bản --decision");
  change.note = args.get("note").value_or("");
  auto store = context.open_store();
  const std::vector<std::string> rest(args.positional.begin() + 1, args.positional.end());
  using store::LineageKind;
  switch (kind) {
    case LineageKind::merge: {
      change.from = rest.empty() ? code_list_of(args.get("from").value_or("")) : rest;
      store::UnitVersion into;
      into.code = required_text(args, "into", "merge needs --into CODE (the merged unit's code) / cần --into");
      into.name = args.get("name").value_or("");
      into.subtype = args.get("subtype").value_or("");
      into.parent_code = args.get("parent").value_or("");
      into.kind = change.from.empty() ? store::UnitKind::commune : kind_on_eve(*store, change.from.front(), change.effective_date);
      change.to.push_back(into);
      break;
    }
    case LineageKind::split:
      if (rest.size() != 1) throw UsageError("usage: anttmap lineage split CODE --units FILE --date D --decision N");
      change.from = rest;
      change.to = new_units_file(context, args, kind_on_eve(*store, rest.front(), change.effective_date));
      break;
    case LineageKind::create:
      change.to = new_units_file(context, args, store::parse_unit_kind(required_text(args, "kind", "create needs --kind KIND")));
      break;
    case LineageKind::abolish:
      if (rest.empty()) throw UsageError("usage: anttmap lineage abolish CODE... --date D --decision N");
      change.from = rest;
      break;
    case LineageKind::rename:
    case LineageKind::reclassify:
    case LineageKind::transfer: {
      if (rest.size() != 1)
        throw UsageError("usage: anttmap lineage " + std::string(store::to_string(kind)) + " CODE --date D --decision N ...");
      change.from = rest;
      store::UnitVersion next;
      next.code = rest.front();
      next.kind = kind_on_eve(*store, next.code, change.effective_date);
      if (kind == LineageKind::rename) next.name = required_text(args, "name", "rename needs --name / cần tên mới --name");
      if (kind == LineageKind::reclassify) {
        next.subtype = required_text(args, "subtype", "reclassify needs --subtype xa|phuong|thi_tran / cần --subtype");
        next.name = args.get("name").value_or("");
      }
      if (kind == LineageKind::transfer) next.parent_code = required_text(args, "parent", "transfer needs --parent CODE / cần --parent");
      change.to.push_back(next);
      break;
    }
  }
  print_lineage_result(context, editing::apply_lineage(*store, context.actor, change));
  return 0;
}

int run_lineage_import(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2)
    throw UsageError("usage: anttmap lineage import CROSSWALK.csv --date D --decision N --units FILE [--kind commune]");
  editing::Crosswalk crosswalk;
  crosswalk.effective_date = require_iso_date(required_text(args, "date", "--date is required / cần --date"), "--date");
  crosswalk.decision = required_text(args, "decision", "--decision is required / cần --decision");
  crosswalk.note = args.get("note").value_or("");
  crosswalk.partial = args.has("partial");
  if (auto tolerance = args.get("tolerance")) {
    try {
      crosswalk.area_tolerance = std::stod(*tolerance) / 100;
    } catch (const std::exception&) {
      throw UsageError("--tolerance takes a percentage, e.g. 10");
    }
  }
  crosswalk.rows = editing::read_crosswalk_csv(args.positional[1]);
  crosswalk.new_units = new_units_file(context, args, store::parse_unit_kind(args.get("kind").value_or("commune")));
  auto store = context.open_store();
  const auto result = editing::apply_crosswalk(*store, context.actor, crosswalk);
  if (context.json) {
    print_json(context.out, nlohmann::json{{"events", result.events},
                                           {"closed", result.closed},
                                           {"opened", result.opened},
                                           {"moved_children", result.moved_children},
                                           {"resolved_shares", result.resolved_shares},
                                           {"areas", result.areas}}
                                .dump());
  } else if (!context.quiet) {
    context.out << "reform recorded / đã ghi: " << result.closed << " units ended, " << result.opened
                << " started, " << result.events << " events, " << result.moved_children << " children moved\n";
    for (const auto& line : result.resolved_shares) context.out << "  split: " << line << "\n";
  }
  return 0;
}

int run_lineage_show(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2) throw UsageError("usage: anttmap lineage show CODE");
  auto store = context.open_store();
  const auto lineage = editing::lineage_of(*store, args.positional[1]);
  if (context.json) {
    print_json(context.out, lineage.dump());
    return 0;
  }
  auto& out = context.out;
  out << lineage["code"].get<std::string>() << "  " << lineage["name"].get<std::string>() << "\n";
  out << "versions / các phiên bản:\n";
  for (const auto& version : lineage["versions"])
    out << "  " << version["valid_from"].get<std::string>() << " .. "
        << (version["valid_to"].is_null() ? std::string() : version["valid_to"].get<std::string>()) << "  "
        << version["name"].get<std::string>() << " (" << version["kind"].get<std::string>()
        << (version["parent_code"].get<std::string>().empty() ? "" : ", in " + version["parent_code"].get<std::string>())
        << ")\n";
  auto links = [&](const char* title, const nlohmann::json& list) {
    if (list.empty()) return;
    out << title << "\n";
    for (const auto& item : list)
      out << "  " << item["date"].get<std::string>() << "  " << item["kind"].get<std::string>() << "  "
          << item["code"].get<std::string>() << " " << item["name"].get<std::string>() << "  ("
          << item["decision"].get<std::string>() << ")\n";
  };
  links("made from / hình thành từ:", lineage["before"]);
  links("became / trở thành:", lineage["after"]);
  return 0;
}

std::string lineage_csv_field(const std::string& value) {
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

int run_lineage_export(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2) throw UsageError("usage: anttmap lineage export FILE.csv");
  const std::string path = args.positional[1];
  if (std::filesystem::path(path).extension() != ".csv")
    throw UsageError("lineage export writes a .csv (a GeoPackage gets its lineage table from `anttmap export`)");
  auto store = context.open_store();
  const auto rows = editing::lineage_rows(*store);
  const std::string temporary = path + ".part";
  {
    std::ofstream file(temporary, std::ios::binary);
    if (!file) throw Error("cannot write " + temporary);
    const auto& columns = editing::lineage_columns();
    for (size_t i = 0; i < columns.size(); ++i) file << (i ? "," : "") << columns[i];
    file << "\n";
    for (const auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) file << (i ? "," : "") << lineage_csv_field(row[i]);
      file << "\n";
    }
    if (!file.flush()) throw Error("cannot write " + temporary);
  }
  std::filesystem::rename(temporary, path);
  if (context.json) print_json(context.out, nlohmann::json{{"file", path}, {"rows", rows.size()}}.dump());
  else if (!context.quiet) context.out << "wrote " << rows.size() << " lineage rows to " << path << "\n";
  return 0;
}

int run_lineage_load(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 2) throw UsageError("usage: anttmap lineage load FILE.csv|FILE.gpkg");
  const auto events = editing::read_lineage_file(args.positional[1]);
  auto store = context.open_store();
  const int added = editing::load_lineage(*store, context.actor, events);
  if (context.json) print_json(context.out, nlohmann::json{{"read", events.size()}, {"added", added}}.dump());
  else if (!context.quiet)
    context.out << "read " << events.size() << " events, added " << added << " (the others were already there)\n";
  return 0;
}

int run_lineage(Context& context, const ParsedArgs& args) {
  if (args.positional.empty()) throw UsageError("lineage needs a subcommand: show, merge, split, rename, reclassify, "
                                                "transfer, abolish, create, import, export, load");
  const std::string& verb = args.positional[0];
  if (verb == "show") return run_lineage_show(context, args);
  if (verb == "import") return run_lineage_import(context, args);
  if (verb == "export") return run_lineage_export(context, args);
  if (verb == "load") return run_lineage_load(context, args);
  for (auto kind : {store::LineageKind::merge, store::LineageKind::split, store::LineageKind::rename,
                    store::LineageKind::reclassify, store::LineageKind::transfer, store::LineageKind::abolish,
                    store::LineageKind::create})
    if (verb == store::to_string(kind)) return run_lineage_change(context, args, kind);
  throw UsageError("unknown lineage subcommand '" + verb + "'; use show, merge, split, rename, reclassify, transfer, "
                   "abolish, create, import, export or load");
}

}  // namespace

std::vector<Command> lineage_commands() {
  return {{"lineage",
           "lineage show CODE | lineage merge CODE... --into CODE [--name N] | lineage split CODE --units FILE | "
           "lineage rename CODE --name N | lineage reclassify CODE --subtype T | lineage transfer CODE --parent P | "
           "lineage abolish CODE... | lineage create --kind K --units FILE | lineage import CROSSWALK.csv --units FILE | "
           "lineage export FILE.csv | lineage load FILE.csv|FILE.gpkg   (changes take --date D --decision N [--note T])",
           "changes of units in time (merge, split, rename, …, a whole reform) and lineage lookup / lịch sử "
           "sáp nhập, chia tách đơn vị hành chính",
           {{"date", true, "the day the change takes effect (YYYY-MM-DD); old versions end the day before"},
            {"decision", true, "the legal decision, e.g. 830/NQ-UBTVQH14"},
            {"note", true, "free note recorded with the event"},
            {"into", true, "merge: the merged unit's code (one of the merged units' or a new one)"},
            {"from", true, "merge: the merged codes, comma-separated (or give them as arguments)"},
            {"name", true, "rename, merge, reclassify: the new name"},
            {"subtype", true, "reclassify, merge: xa, phuong or thi_tran"},
            {"parent", true, "transfer, merge: the new parent code; split, create, import: the parent of new units "
                             "whose file has none"},
            {"kind", true, "create, import: the kind of the new units (default commune)"},
            {"units", true, "split, create, import: the new units' file (any GIS format `import` reads)"},
            {"code-field", true, "units file: field with the code"},
            {"name-field", true, "units file: field with the name"},
            {"parent-field", true, "units file: field with the parent code"},
            {"subtype-field", true, "units file: field with the commune type"},
            {"layer", true, "units file: the layer to read"},
            {"s-srs", true, "units file: its CRS when the file does not say"},
            {"encoding", true, "units file: auto|utf-8|tcvn3|vni|cp1258"},
            {"tolerance", true, "import: allowed area difference per new unit, percent (default 10)"},
            {"partial", false, "import: a reform of only some of the units under their parents"}},
           run_lineage,
           "Every change ends the versions valid the day before --date and starts new ones on it, all or nothing, "
           "audited with the OS account. Children (villages, agencies, …) of a unit that ends move to the successor\n"
           "that holds them. `lineage import` applies a reform from a crosswalk (columns old_code, new_code and\n"
           "optionally share or part=toan_bo|mot_phan): it is refused, naming the units, when an old unit or part of\n"
           "it goes nowhere (a hole) or is given away twice, or when a new unit's area differs from what its rows give\n"
           "it by more than --tolerance. A split old unit without shares is divided by how it overlaps the new units.\n"
           "`lineage export` writes the events as CSV; `anttmap export FILE.gpkg` adds them as the table `lineage`;\n"
           "`lineage load` reads either back into a store that has the units."}};
}

}  // namespace antt::cli
