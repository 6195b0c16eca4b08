// init, backup, restore, copy, audit.
#include <filesystem>

#include "antt/core/error.hpp"
#include "antt/store/store.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

int run_init(Context& context, const ParsedArgs&) {
  const bool postgis = store::is_postgis_location(context.db_path);
  bool existed = !postgis && std::filesystem::exists(context.db_path);
  if (postgis) {
    try {
      store::open_store(context.db_path, false);
      existed = true;
    } catch (const StoreError&) {
      // not a store yet: made below, or refused there with the reason
    }
  }
  auto store = context.open_store(true);
  const std::string shown = store::printable_location(context.db_path);
  if (context.json) {
    print_json(context.out, nlohmann::json{{"db", shown},
                                           {"created", !existed},
                                           {"schema_version", store->schema_version()}}
                                .dump());
  } else if (!context.quiet) {
    context.out << (existed ? "Store up to date / CSDL đã cập nhật: " : "Store created / đã tạo CSDL: ")
                << shown << " (schema " << store->schema_version() << ")\n";
  }
  return 0;
}

std::string single_path(const ParsedArgs& args, const char* what) {
  if (args.positional.size() != 1) throw UsageError(std::string("give one ") + what + " path");
  return args.positional[0];
}

int run_backup(Context& context, const ParsedArgs& args) {
  std::string target = single_path(args, "backup file");
  if (std::filesystem::exists(target) && !args.has("force"))
    throw UsageError("'" + target + "' exists; add --force to overwrite it / tệp đã tồn tại");
  std::filesystem::remove(target);
  auto store = context.open_store();
  store->backup_to(target);
  if (context.json)
    print_json(context.out, nlohmann::json{{"backup", target}, {"bytes", std::filesystem::file_size(target)}}.dump());
  else if (!context.quiet)
    context.out << "Backup written / đã sao lưu: " << target << "\n";
  return 0;
}

int run_restore(Context& context, const ParsedArgs& args) {
  std::string source = single_path(args, "backup file");
  if (store::is_postgis_location(context.db_path))
    throw UsageError("restore replaces a SpatiaLite file; to load a backup into PostGIS, make an empty database and "
                     "run `anttmap copy --from " + source + " --to URI` / với PostGIS, dùng anttmap copy vào CSDL trống");
  if (std::filesystem::exists(context.db_path) && !args.has("force"))
    throw UsageError("restore replaces '" + context.db_path + "'; add --force to confirm / thêm --force để xác nhận");
  store::restore_spatialite_store(source, context.db_path);
  if (context.json)
    print_json(context.out, nlohmann::json{{"restored", context.db_path}, {"from", source}}.dump());
  else if (!context.quiet)
    context.out << "Store restored from / đã khôi phục từ: " << source << "\n";
  return 0;
}

int run_copy(Context& context, const ParsedArgs& args) {
  const auto from = args.get("from");
  const auto to = args.get("to");
  if (!from || !to) throw UsageError("give --from STORE and --to STORE / cần --from và --to");
  if (*from == *to) throw UsageError("--from and --to name the same store / nguồn và đích trùng nhau");
  auto source = store::open_store(*from, false);
  // A new SpatiaLite file is made; a PostgreSQL database must exist (empty), as with init.
  auto target = store::open_store(*to, true);
  const auto progress = context.progress("copy / sao chép");
  const double table_count = static_cast<double>(store::copied_tables().size());
  double done = 0;
  const auto summary = store::copy_store(*source, *target, [&](const std::string&, std::int64_t) {
    if (progress) progress(++done / table_count);
  });
  std::int64_t rows = 0;
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& [table, count] : summary.tables) {
    tables[table] = count;
    rows += count;
  }
  if (context.json) {
    print_json(context.out, nlohmann::json{{"from", store::printable_location(*from)},
                                           {"to", store::printable_location(*to)},
                                           {"rows", rows},
                                           {"tables", tables}}
                                .dump());
  } else if (!context.quiet) {
    context.out << "Copied / đã sao chép " << rows << " rows from " << store::printable_location(*from) << " to "
                << store::printable_location(*to) << " (units " << tables.value("unit", 0) << ", statuses "
                << tables.value("unit_status", 0) << ", audit entries " << tables.value("audit_log", 0) << ")\n";
  }
  return 0;
}

int run_audit(Context& context, const ParsedArgs& args) {
  auto store = context.open_store();
  auto entries = store->audit_entries(args.get_int("after").value_or(0));
  int limit = args.get_int("limit").value_or(50);
  auto table = args.get("table");
  std::vector<store::AuditEntry> shown;
  for (auto it = entries.rbegin(); it != entries.rend() && static_cast<int>(shown.size()) < limit; ++it)
    if (!table || it->table_name == *table) shown.insert(shown.begin(), *it);
  if (context.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& entry : shown)
      list.push_back({{"id", entry.id},
                      {"at", entry.at},
                      {"user", entry.user},
                      {"tool", entry.tool},
                      {"table", entry.table_name},
                      {"operation", entry.operation},
                      {"key", entry.row_key},
                      {"before", entry.before_json.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(entry.before_json)},
                      {"after", entry.after_json.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(entry.after_json)}});
    print_json(context.out, nlohmann::json{{"entries", list}}.dump());
  } else {
    for (const auto& entry : shown)
      context.out << entry.id << "  " << entry.at << "  " << entry.user << "  " << entry.tool << "  "
                  << entry.operation << " " << entry.table_name << " " << entry.row_key << "\n";
  }
  return 0;
}

}  // namespace

std::vector<Command> store_commands() {
  return {
      {"init", "init", "Create or migrate a store / tạo hoặc nâng cấp CSDL", {}, run_init,
       "Creates the SpatiaLite store at --db (WAL mode), or makes an existing, empty PostgreSQL database "
       "(--db postgresql://…) a PostGIS store, or brings an older store up to the current schema."},
      {"backup", "backup FILE [--force]", "Copy the store with SQLite's online backup / sao lưu CSDL",
       {{"force", false, "overwrite FILE if it exists"}}, run_backup, ""},
      {"restore", "restore FILE --force", "Replace the store with a backup / khôi phục CSDL từ bản sao lưu",
       {{"force", false, "confirm replacing the store at --db"}}, run_restore, ""},
      {"copy", "copy --from STORE --to STORE", "Copy a whole store into a new one / sao chép toàn bộ CSDL",
       {{"from", true, "the store to copy: a SpatiaLite file or postgresql://… (read only)"},
        {"to", true, "a new SpatiaLite file, or an empty PostgreSQL database (postgresql://…)"}},
       run_copy,
       "Moves everything either way between SpatiaLite and PostGIS: units, statuses, every record, accounts and "
       "keys (hashes only), documents, settings and the audit log, with their ids and times. All or nothing; "
       "refused into a store that holds anything."},
      {"audit", "audit [--limit N] [--table T] [--after ID]", "Show the audit log of changes / nhật ký thay đổi",
       {{"limit", true, "newest N entries (default 50)"},
        {"table", true, "only changes of this table (e.g. unit_status)"},
        {"after", true, "only entries after this id (a script's last seen entry)"}},
       run_audit, "Every change is logged by triggers, including plain-SQL edits (user 'sql')."},
  };
}

}  // namespace antt::cli
