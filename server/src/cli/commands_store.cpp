// init, backup, restore, audit.
#include <filesystem>

#include "antt/core/error.hpp"
#include "antt/store/store.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

int run_init(Context& context, const ParsedArgs&) {
  bool existed = std::filesystem::exists(context.db_path);
  auto store = context.open_store(true);
  if (context.json) {
    print_json(context.out, nlohmann::json{{"db", context.db_path},
                                           {"created", !existed},
                                           {"schema_version", store->schema_version()}}
                                .dump());
  } else {
    context.out << (existed ? "Store up to date / CSDL đã cập nhật: " : "Store created / đã tạo CSDL: ")
                << context.db_path << " (schema " << store->schema_version() << ")\n";
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
  else
    context.out << "Backup written / đã sao lưu: " << target << "\n";
  return 0;
}

int run_restore(Context& context, const ParsedArgs& args) {
  std::string source = single_path(args, "backup file");
  if (std::filesystem::exists(context.db_path) && !args.has("force"))
    throw UsageError("restore replaces '" + context.db_path + "'; add --force to confirm / thêm --force để xác nhận");
  store::restore_spatialite_store(source, context.db_path);
  if (context.json)
    print_json(context.out, nlohmann::json{{"restored", context.db_path}, {"from", source}}.dump());
  else
    context.out << "Store restored from / đã khôi phục từ: " << source << "\n";
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
       "Creates the SpatiaLite store at --db (WAL mode) or brings an older one up to the current schema."},
      {"backup", "backup FILE [--force]", "Copy the store with SQLite's online backup / sao lưu CSDL",
       {{"force", false, "overwrite FILE if it exists"}}, run_backup, ""},
      {"restore", "restore FILE --force", "Replace the store with a backup / khôi phục CSDL từ bản sao lưu",
       {{"force", false, "confirm replacing the store at --db"}}, run_restore, ""},
      {"audit", "audit [--limit N] [--table T] [--after ID]", "Show the audit log of changes / nhật ký thay đổi",
       {{"limit", true, "newest N entries (default 50)"},
        {"table", true, "only changes of this table (e.g. unit_status)"},
        {"after", true, "only entries after this id (a script's last seen entry)"}},
       run_audit, "Every change is logged by triggers, including plain-SQL edits (user 'sql')."},
  };
}

}  // namespace antt::cli
