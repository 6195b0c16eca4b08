// user / key: who may sign in to the server and which keys open it (antt/access/access.hpp).
// Secrets are hashed before they reach the store; a key is printed once, when it is made.
// Every change is audited under the OS account that ran the command.
#include <termios.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <fstream>
#include <iostream>

#include "antt/access/access.hpp"
#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "command.hpp"

namespace antt::cli {
namespace {

std::vector<std::string> split_codes(const std::string& text) {
  std::vector<std::string> codes;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto end = comma == std::string::npos ? text.size() : comma;
    std::string code = text.substr(start, end - start);
    if (code.empty()) throw UsageError("--scope takes unit codes separated by commas, e.g. 04831,150 / mã đơn vị");
    codes.push_back(std::move(code));
    if (comma == std::string::npos) break;
    start = end + 1;
  }
  return codes;
}

/// The role and, for editors, the unit codes they edit; each code must name a unit of the store.
std::pair<access::Role, std::vector<std::string>> role_and_scope(const ParsedArgs& args, const store::Store& store) {
  const auto role_text = args.get("role");
  if (!role_text) throw UsageError("give --role public|partner|viewer|editor|admin / cần --role");
  const access::Role role = access::role_from(*role_text);
  const auto scope_text = args.get("scope");
  if (role != access::Role::editor) {
    if (scope_text) throw UsageError("--scope is for editors only / chỉ biên tập viên có phạm vi --scope");
    return {role, {}};
  }
  if (!scope_text)
    throw UsageError("an editor needs --scope CODE,... (communes, districts or the province they edit) / cần --scope");
  auto codes = split_codes(*scope_text);
  for (const auto& code : codes) {
    store::UnitQuery query;
    query.code = code;
    query.with_geometry = false;
    if (store.units(query).empty()) throw InputError("--scope: no unit has code " + code + " / không có đơn vị mã này");
  }
  return {role, std::move(codes)};
}

std::string read_password_line(std::istream& in) {
  std::string password;
  std::getline(in, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

/// The password from --password-file, --password-stdin or, on a terminal, typed twice unechoed.
std::string password_argument(Context& context, const ParsedArgs& args) {
  if (auto file = args.get("password-file")) {
    std::ifstream in(*file);
    if (!in) throw UsageError("cannot read " + *file + " / không đọc được tệp mật khẩu");
    return read_password_line(in);
  }
  std::istream& in = context.in != nullptr ? *context.in : std::cin;
  if (args.has("password-stdin")) return read_password_line(in);
  if (context.in != nullptr || !isatty(STDIN_FILENO))
    throw UsageError("give the password with --password-stdin or --password-file FILE / cần mật khẩu");
  termios saved{};
  tcgetattr(STDIN_FILENO, &saved);
  termios silent = saved;
  silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &silent);
  struct RestoreEcho {
    termios state;
    ~RestoreEcho() { tcsetattr(STDIN_FILENO, TCSANOW, &state); }
  } restore{saved};
  context.err << "Password / Mật khẩu: " << std::flush;
  const std::string first = read_password_line(std::cin);
  context.err << "\nAgain / Nhập lại: " << std::flush;
  const std::string second = read_password_line(std::cin);
  context.err << "\n";
  if (first != second) throw UsageError("the two passwords differ / hai lần nhập khác nhau");
  return first;
}

const std::string& name_argument(const ParsedArgs& args, const char* usage) {
  if (args.positional.size() != 2) throw UsageError(std::string("usage: anttmap ") + usage);
  return args.positional[1];
}

nlohmann::json account_json(const store::Account& account) {
  return {{"name", account.name},           {"role", account.role},
          {"scope", account.scope},         {"disabled", account.disabled},
          {"created_at", account.created_at}, {"password_changed_at", account.password_changed_at}};
}

nlohmann::json key_json(const store::ApiKey& key) {
  return {{"name", key.name},
          {"role", key.role},
          {"scope", key.scope},
          {"prefix", key.prefix},
          {"created_at", key.created_at},
          {"revoked_at", key.revoked_at ? nlohmann::json(*key.revoked_at) : nlohmann::json()},
          {"active", !key.revoked_at.has_value()}};
}

std::string scope_text(const std::vector<std::string>& scope) {
  std::string text;
  for (const auto& code : scope) text += (text.empty() ? "" : ",") + code;
  return text.empty() ? "-" : text;
}

void report_done(Context& context, const nlohmann::json& json, const std::string& line) {
  if (context.json)
    print_json(context.out, json.dump());
  else if (!context.quiet)
    context.out << line << "\n";
}

int run_user_add(Context& context, const ParsedArgs& args) {
  const std::string& name = name_argument(args, "user add NAME --role ROLE [--scope CODE,...] --password-stdin");
  access::check_name(name, "account");
  auto store = context.open_store();
  auto [role, scope] = role_and_scope(args, *store);
  const std::string hash = access::hash_password(password_argument(context, args));
  store::Account account;
  account.name = name;
  account.role = std::string(access::to_string(role));
  account.scope = scope;
  store->write(context.actor, [&] { store->add_account(account, hash); });
  report_done(context, {{"account", name}, {"role", account.role}, {"scope", scope}},
              "account " + name + " added (" + account.role + ") / đã tạo tài khoản");
  return 0;
}

int run_user_list(Context& context, const ParsedArgs&) {
  auto store = context.open_store();
  const auto accounts = store->accounts();
  if (context.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& account : accounts) list.push_back(account_json(account));
    print_json(context.out, nlohmann::json{{"accounts", list}}.dump());
    return 0;
  }
  for (const auto& account : accounts)
    context.out << account.name << "  " << account.role << "  " << scope_text(account.scope) << "  "
                << (account.disabled ? "disabled" : "active") << "  " << account.created_at << "\n";
  return 0;
}

int run_user_passwd(Context& context, const ParsedArgs& args) {
  const std::string& name = name_argument(args, "user passwd NAME --password-stdin");
  auto store = context.open_store();
  if (!store->account_credentials(name)) throw InputError("no account '" + name + "' / không có tài khoản này");
  const std::string hash = access::hash_password(password_argument(context, args));
  store->write(context.actor, [&] { store->set_account_password(name, hash); });
  report_done(context, {{"account", name}, {"password_changed", true}},
              "password of " + name + " changed / đã đổi mật khẩu");
  return 0;
}

int run_user_enable(Context& context, const ParsedArgs& args, bool disabled) {
  const std::string& name = name_argument(args, disabled ? "user disable NAME" : "user enable NAME");
  auto store = context.open_store();
  store->write(context.actor, [&] { store->set_account_disabled(name, disabled); });
  report_done(context, {{"account", name}, {"disabled", disabled}},
              "account " + name + (disabled ? " disabled / đã khóa tài khoản" : " enabled / đã mở tài khoản"));
  return 0;
}

int run_user(Context& context, const ParsedArgs& args) {
  const std::string sub = args.positional.empty() ? "list" : args.positional[0];
  if (sub == "list") return run_user_list(context, args);
  if (sub == "add") return run_user_add(context, args);
  if (sub == "passwd") return run_user_passwd(context, args);
  if (sub == "disable") return run_user_enable(context, args, true);
  if (sub == "enable") return run_user_enable(context, args, false);
  throw UsageError("unknown user subcommand '" + sub + "'; use add, list, passwd, disable or enable");
}

int run_key_add(Context& context, const ParsedArgs& args) {
  const std::string& name = name_argument(args, "key add NAME --role ROLE [--scope CODE,...]");
  access::check_name(name, "key");
  auto store = context.open_store();
  auto [role, scope] = role_and_scope(args, *store);
  const std::string key = access::new_api_key();
  store::ApiKey record;
  record.name = name;
  record.role = std::string(access::to_string(role));
  record.scope = scope;
  record.prefix = access::key_prefix(key);
  store->write(context.actor, [&] { store->add_api_key(record, access::key_digest(key)); });
  if (context.json) {
    print_json(context.out, nlohmann::json{{"name", name}, {"role", record.role}, {"scope", scope}, {"key", key}}.dump());
  } else {
    // The key alone on the last line, for scripts; it is not stored and cannot be shown again.
    context.out << "key " << name << " (" << record.role << ") made; it is shown only now, keep it safe / "
                << "khóa chỉ hiển thị một lần:\n"
                << key << "\n";
  }
  return 0;
}

int run_key_list(Context& context, const ParsedArgs&) {
  auto store = context.open_store();
  const auto keys = store->api_keys();
  if (context.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& key : keys) list.push_back(key_json(key));
    print_json(context.out, nlohmann::json{{"keys", list}}.dump());
    return 0;
  }
  for (const auto& key : keys)
    context.out << key.name << "  " << key.role << "  " << scope_text(key.scope) << "  " << key.prefix << "…  "
                << (key.revoked_at ? "revoked " + *key.revoked_at : "active") << "\n";
  return 0;
}

int run_key_revoke(Context& context, const ParsedArgs& args) {
  const std::string& name = name_argument(args, "key revoke NAME");
  auto store = context.open_store();
  store->write(context.actor, [&] { store->revoke_api_key(name); });
  report_done(context, {{"key", name}, {"revoked", true}}, "key " + name + " revoked / đã thu hồi khóa");
  return 0;
}

int run_key(Context& context, const ParsedArgs& args) {
  const std::string sub = args.positional.empty() ? "list" : args.positional[0];
  if (sub == "list") return run_key_list(context, args);
  if (sub == "add") return run_key_add(context, args);
  if (sub == "revoke") return run_key_revoke(context, args);
  throw UsageError("unknown key subcommand '" + sub + "'; use add, list or revoke");
}

/// "30" (days from now) or "YYYY-MM-DD" (the end of that day, UTC), as Unix seconds.
std::int64_t expiry_argument(const std::string& text) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
  if (!text.empty() && text.size() <= 4 && text.find_first_not_of("0123456789") == std::string::npos) {
    const int days = std::stoi(text);
    if (days >= 1 && days <= 3650) return now + std::int64_t{days} * 86400;
  }
  if (text.size() == 10 && text[4] == '-') {
    require_iso_date(text, "--expires");
    const std::chrono::year_month_day day{std::chrono::year(std::stoi(text.substr(0, 4))),
                                          std::chrono::month(static_cast<unsigned>(std::stoi(text.substr(5, 2)))),
                                          std::chrono::day(static_cast<unsigned>(std::stoi(text.substr(8, 2))))};
    const std::int64_t end = std::chrono::sys_days(day).time_since_epoch() / std::chrono::seconds(1) + 86400;
    if (end > now) return end;
    throw UsageError("--expires " + text + " is in the past / ngày hết hạn đã qua");
  }
  throw UsageError("--expires takes days (1-3650) or a date YYYY-MM-DD / --expires nhận số ngày hoặc ngày");
}

int run_token_add(Context& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) throw UsageError("usage: anttmap token add --layers L,... --expires DAYS|DATE");
  const auto layer_list = args.get("layers");
  if (!layer_list) throw UsageError("give --layers L,... (the layers the token opens) / cần --layers");
  access::EmbedGrant grant;
  for (const auto& name : split_codes(*layer_list)) grant.layers.push_back(context.layer(name).name);
  const auto expires = args.get("expires");
  if (!expires) throw UsageError("give --expires DAYS or YYYY-MM-DD / cần thời hạn --expires");
  grant.expires = expiry_argument(*expires);
  if (const auto bbox = args.get("bbox")) {
    std::array<double, 4> box{};
    std::size_t start = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      const auto comma = bbox->find(',', start);
      if ((i < 3) != (comma != std::string::npos))
        throw UsageError("--bbox takes west,south,east,north in degrees / --bbox cần 4 số");
      try {
        box[i] = std::stod(bbox->substr(start, comma - start));
      } catch (const std::exception&) {
        throw UsageError("--bbox takes west,south,east,north in degrees / --bbox cần 4 số");
      }
      start = comma + 1;
    }
    if (!(box[0] < box[2] && box[1] < box[3] && box[0] >= -180 && box[2] <= 180 && box[1] >= -90 && box[3] <= 90))
      throw UsageError("--bbox must have west < east and south < north, in degrees / --bbox không hợp lệ");
    grant.bbox = box;
  }
  auto store = context.open_store();
  auto secret = store->server_secret();
  if (!secret) {
    const std::string made = access::random_token(32);
    std::int64_t id = 0;
    store->write(context.actor, [&] { id = store->rotate_server_secret(made); });
    secret = std::make_pair(id, made);
  }
  const std::string token = access::sign_embed_token(grant, secret->first, secret->second);
  if (context.json) {
    print_json(context.out, nlohmann::json{{"token", token}, {"layers", grant.layers}, {"expires", grant.expires}}.dump());
  } else {
    context.out << "embed token for " << *layer_list << " (valid until Unix time " << grant.expires
                << "); add it to a URL as ?token=... / mã nhúng:\n"
                << token << "\n";
  }
  return 0;
}

int run_token_rotate(Context& context, const ParsedArgs&) {
  auto store = context.open_store();
  store->write(context.actor, [&] { store->rotate_server_secret(access::random_token(32)); });
  report_done(context, {{"rotated", true}},
              "the signing secret was replaced: every embed token made before stops working / đã thay khóa ký");
  return 0;
}

int run_token(Context& context, const ParsedArgs& args) {
  const std::string sub = args.positional.empty() ? "" : args.positional[0];
  if (sub == "add") return run_token_add(context, args);
  if (sub == "rotate") return run_token_rotate(context, args);
  throw UsageError("use `anttmap token add --layers L,... --expires DAYS|DATE` or `anttmap token rotate`");
}

}  // namespace

std::vector<Command> access_commands() {
  const std::string roles =
      "Roles: public (what anyone sees), partner (a portal: public layers and aggregates), viewer (leadership: "
      "everything readable, hotspots, clusters and models included), editor (a viewer who edits the units of its "
      "--scope), admin (everything, and /metrics). A fresh store has no accounts: the server then serves the public "
      "only.";
  return {{"user",
           "user [list] | user add NAME --role ROLE [--scope CODE,...] (--password-stdin | --password-file FILE) | "
           "user passwd NAME (--password-stdin | --password-file FILE) | user disable NAME | user enable NAME",
           "accounts that sign in to the server's viewer / tài khoản đăng nhập",
           {{"role", true, "add: public, partner, viewer, editor or admin"},
            {"scope", true, "add: editors only: unit codes they edit, comma separated"},
            {"password-stdin", false, "read the password from the first line of standard input"},
            {"password-file", true, "read the password from the first line of FILE"}},
           run_user,
           roles + " Passwords (at least 10 characters) are stored as argon2id hashes; on a terminal without either "
                   "option the password is asked for twice. Every change is audited (anttmap audit)."},
          {"key",
           "key [list] | key add NAME --role ROLE [--scope CODE,...] | key revoke NAME",
           "API keys for portals, scripts and the QGIS plugin / khóa truy cập API",
           {{"role", true, "add: public, partner, viewer, editor or admin"},
            {"scope", true, "add: editors only: unit codes they edit, comma separated"}},
           run_key,
           roles + " `key add` prints the new key alone on its last line (--json: {\"key\": ...}); only its digest is "
                   "stored, so it cannot be shown again. Clients send it as `Authorization: Bearer KEY`. A revoked key "
                   "stops working within the server's poll interval."},
          {"token",
           "token add --layers L,... --expires DAYS|YYYY-MM-DD [--bbox W,S,E,N] | token rotate",
           "signed embed tokens for iframes and pasted map URLs / mã nhúng có chữ ký",
           {{"layers", true, "add: the layers the token opens, comma separated"},
            {"expires", true, "add: days from now (1-3650) or the last valid day YYYY-MM-DD"},
            {"bbox", true, "add: only tiles and maps within west,south,east,north (degrees)"}},
           run_token,
           "A token opens its layers (internal ones too) to whoever holds the URL, within its box, until it "
           "expires: /embed?token=T&layers=..., /tiles/...?token=T, /wms?...&token=T. It is signed (HMAC-SHA-256) "
           "with the store's secret; `token rotate` replaces the secret, so every token made before stops working "
           "at the server's next poll."}};
}

}  // namespace antt::cli
