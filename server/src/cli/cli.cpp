#include "antt/cli/cli.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

#include "antt/core/error.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

const std::vector<OptionSpec> kGlobalOptions{
    {"db", true, "the store: a SpatiaLite file (default ./anttmap.sqlite) or postgresql://USER@HOST/DB (PostGIS) / CSDL"},
    {"tool", true, "client recorded in the audit log, e.g. qgis (default: anttmap COMMAND) / công cụ"},
    {"json", false, "print results as JSON / in kết quả dạng JSON"},
    {"quiet", false, "no progress bars or chatter / không in tiến trình"},
    {"help", false, "show help / trợ giúp"},
};

/// The operating-system account the command runs as, for the audit log: from the user database, not
/// from $USER (any process can set that). Under sudo, root names who asked for it.
std::string os_account() {
  const uid_t uid = geteuid();
  std::string name = "uid " + std::to_string(uid);
  if (const passwd* entry = getpwuid(uid); entry && entry->pw_name) name = entry->pw_name;
  if (uid == 0)
    if (const char* sudo_user = std::getenv("SUDO_USER"); sudo_user && *sudo_user)
      name += std::string(" (sudo ") + sudo_user + ")";
  return name;
}

std::string options_help(const std::vector<OptionSpec>& options) {
  std::ostringstream out;
  for (const auto& option : options) {
    std::string left = "  --" + option.name + (option.takes_value ? " VALUE" : "");
    out << left << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << option.help << "\n";
  }
  return out.str();
}

std::string main_help(const std::vector<Command>& commands) {
  std::ostringstream out;
  out << "anttmap " ANTT_VERSION " — bản đồ phong trào toàn dân bảo vệ ANTQ / ANTT movement map tool\n\n"
      << "Usage: anttmap [--db PATH] [--tool NAME] [--json] [--quiet] COMMAND [ARGS]\n\nCommands:\n";
  for (const auto& command : commands) {
    std::string left = "  " + command.name;
    out << left << std::string(left.size() < 14 ? 14 - left.size() : 1, ' ') << command.summary << "\n";
  }
  out << "\nGlobal options:\n" << options_help(kGlobalOptions)
      << "\n`anttmap COMMAND --help` shows a command's options.\n\n"
      << "Exit codes / mã thoát:\n"
      << "  0 success; 1 internal failure; 2 bad command line; 3 store cannot be opened or written;\n"
      << "  4 bad input (file, value, code); 5 missing or unusable CRS; 6 validate found errors\n";
  return out.str();
}

std::string command_help(const Command& command) {
  std::ostringstream out;
  out << "Usage: anttmap [--db PATH] " << command.usage << "\n\n" << command.summary << "\n";
  if (!command.options.empty()) out << "\nOptions:\n" << options_help(command.options);
  if (!command.details.empty()) out << "\n" << command.details << "\n";
  out << "\nGlobal options:\n" << options_help(kGlobalOptions);
  return out.str();
}

const OptionSpec* find_option(const std::vector<OptionSpec>& options, const std::string& name) {
  for (const auto& option : options)
    if (option.name == name) return &option;
  return nullptr;
}

/// Parses options of `command` (or only the global ones when `command` is null) from args[start..].
ParsedArgs parse(const std::vector<std::string>& args, size_t start, const Command* command) {
  ParsedArgs parsed;
  for (size_t i = start; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() > 2 && arg.rfind("--", 0) == 0) {
      std::string name = arg.substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const OptionSpec* spec = find_option(kGlobalOptions, name);
      if (!spec && command) spec = find_option(command->options, name);
      if (!spec)
        throw UsageError("unknown option --" + name + (command ? " for `" + command->name + "`" : std::string()) +
                         "; see `anttmap " + (command ? command->name + " " : std::string()) + "--help`");
      if (spec->takes_value) {
        if (inline_value) {
          parsed.values[name] = *inline_value;
        } else {
          if (i + 1 >= args.size()) throw UsageError("option --" + name + " needs a value");
          parsed.values[name] = args[++i];
        }
      } else {
        if (inline_value) throw UsageError("option --" + name + " takes no value");
        parsed.flags.insert(name);
      }
    } else {
      parsed.positional.push_back(arg);
    }
  }
  return parsed;
}

}  // namespace

std::optional<std::string> ParsedArgs::get(const std::string& name) const {
  auto found = values.find(name);
  if (found == values.end()) return std::nullopt;
  return found->second;
}

std::optional<int> ParsedArgs::get_int(const std::string& name) const {
  auto value = get(name);
  if (!value) return std::nullopt;
  try {
    size_t used = 0;
    int number = std::stoi(*value, &used);
    if (used == value->size()) return number;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " needs a whole number, not '" + *value + "'");
}

std::unique_ptr<store::Store> Context::open_store(bool create) const { return store::open_store(db_path, create); }

const layers::LayerDescriptor& Context::layer(const std::string& name) const {
  if (const auto* found = layers->find(name)) return *found;
  throw UsageError("unknown layer '" + name + "'; known layers: " + layers->names() + " / lớp không tồn tại");
}

std::function<void(double)> Context::progress(const std::string& label) const {
  if (!interactive || quiet) return {};
  auto last = std::make_shared<int>(-1);
  std::ostream* stream = &err;
  return [stream, label, last](double fraction) {
    int percent = static_cast<int>(fraction * 100 + 0.5);
    if (percent == *last) return;
    *last = percent;
    int filled = percent * 30 / 100;
    *stream << "\r" << label << " [" << std::string(filled, '#') << std::string(30 - filled, '.') << "] " << percent
            << " %" << (percent >= 100 ? "\n" : "") << std::flush;
  };
}

void print_json(std::ostream& out, const std::string& json_text) { out << json_text << "\n"; }

std::optional<std::string> output_argument(const ParsedArgs& args, const std::string& command) {
  const auto& rest = args.positional;
  if (rest.empty()) return args.get("output");
  if (rest.size() == 2 && rest[0] == "-o" && !args.has("output")) return rest[1];
  throw UsageError("unexpected argument '" + rest[0] + "'; give the output as -o FILE (see `anttmap " + command +
                   " --help`) / tham số thừa, tệp kết quả là -o FILE");
}

std::vector<Command> all_commands() {
  std::vector<Command> commands;
  for (auto group : {store_commands(), data_commands(), status_commands(), analysis_commands(), report_commands(), lineage_commands(),
                     styles_commands(), layers_commands(), unit_commands(), record_commands(), plan_commands(),
                     serve_commands(), access_commands()})
    for (auto& command : group) commands.push_back(std::move(command));
  return commands;
}

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return run_cli(args, out, err, layers::LayerRegistry::standard());
}

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            std::shared_ptr<const layers::LayerRegistry> layers) {
  Context context{out, err};
  context.layers = std::move(layers);
  context.actor = {os_account(), "anttmap"};
  context.interactive = (&err == &std::cerr) && isatty(STDERR_FILENO);
  const auto commands = all_commands();
  try {
    for (const auto& arg : args)
      if (arg == "--user" || arg.rfind("--user=", 0) == 0)
        throw UsageError("--user is no longer accepted: the audit log records the account that runs the command (" +
                         context.actor.user + ") / không còn tùy chọn --user: nhật ký ghi tài khoản hệ điều hành");
    // The command is the first positional argument; global options may precede it.
    size_t command_at = 0;
    for (; command_at < args.size(); ++command_at) {
      const std::string& arg = args[command_at];
      if (arg.rfind("--", 0) != 0) break;
      const OptionSpec* spec = find_option(kGlobalOptions, arg.substr(2, arg.find('=') - 2));
      if (spec && spec->takes_value && arg.find('=') == std::string::npos) ++command_at;
    }
    if (command_at >= args.size()) {
      ParsedArgs globals = parse(args, 0, nullptr);
      if (std::find(args.begin(), args.end(), "--version") != args.end()) {
        out << "anttmap " ANTT_VERSION "\n";
        return 0;
      }
      (globals.has("help") ? out : err) << main_help(commands);
      return globals.has("help") ? 0 : static_cast<int>(ExitCode::usage);
    }
    const std::string& name = args[command_at];
    if (name == "help") {
      out << main_help(commands);
      return 0;
    }
    const Command* command = nullptr;
    for (const auto& candidate : commands)
      if (candidate.name == name) command = &candidate;
    if (!command)
      throw UsageError("unknown command '" + name + "'; run `anttmap --help` / lệnh không tồn tại");
    std::vector<std::string> rest(args.begin(), args.begin() + static_cast<long>(command_at));
    rest.insert(rest.end(), args.begin() + static_cast<long>(command_at) + 1, args.end());
    ParsedArgs parsed = parse(rest, 0, command);
    if (parsed.has("help")) {
      out << command_help(*command);
      return 0;
    }
    if (auto db = parsed.get("db")) context.db_path = *db;
    context.actor.tool = "anttmap " + command->name;
    if (auto tool = parsed.get("tool"); tool && !tool->empty()) context.actor.tool = *tool;
    context.json = parsed.has("json");
    context.quiet = parsed.has("quiet");
    return command->run(context, parsed);
  } catch (const Error& error) {
    if (context.json)
      err << nlohmann::json{{"error", error.what()}, {"exit_code", static_cast<int>(error.exit_code())}}.dump() << "\n";
    else
      err << "anttmap: " << error.what() << "\n";
    return static_cast<int>(error.exit_code());
  } catch (const std::exception& error) {
    err << "anttmap: internal error: " << error.what() << "\n";
    return static_cast<int>(ExitCode::failure);
  }
}

}  // namespace antt::cli
