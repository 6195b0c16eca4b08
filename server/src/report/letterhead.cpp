// The report's letterhead: who issues it and who signs it, from a small "key = value" file or flags,
// with the Ban Chỉ đạo's usual text for what is not given.
#include <glib.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"
#include "report/report.hpp"

namespace antt::report {
namespace {

std::string uppercase_of(const std::string& text) {
  const std::unique_ptr<gchar, decltype(&g_free)> upper(g_utf8_strup(text.c_str(), static_cast<gssize>(text.size())),
                                                        &g_free);
  return upper.get();
}

std::string known_keys() {
  std::string keys;
  for (const auto& key : letterhead_keys()) keys += (keys.empty() ? "" : ", ") + key;
  return keys;
}

}  // namespace

const std::vector<std::string>& letterhead_keys() {
  static const std::vector<std::string> keys{"parent_body", "issuer", "number",    "place",
                                             "signer_title", "signer", "recipients"};
  return keys;
}

void set_letterhead(Letterhead& letterhead, std::string_view key, std::string_view raw) {
  if (!text::is_valid_utf8(raw)) throw UsageError("the letterhead's " + std::string(key) + " is not UTF-8 text");
  const std::string value = text::trim(text::to_nfc(raw));
  if (value.size() > 500) throw UsageError("the letterhead's " + std::string(key) + " is longer than 500 bytes");
  if (key == "parent_body") letterhead.parent_body = value;
  else if (key == "issuer") letterhead.issuer = value;
  else if (key == "number") letterhead.number = value;
  else if (key == "place") letterhead.place = value;
  else if (key == "signer_title") letterhead.signer_title = value;
  else if (key == "signer") letterhead.signer = value;
  else if (key == "recipients") {
    letterhead.recipients.clear();
    std::stringstream items(value);
    for (std::string item; std::getline(items, item, ';');)
      if (auto trimmed = text::trim(item); !trimmed.empty()) letterhead.recipients.push_back(trimmed);
  } else {
    throw UsageError("unknown letterhead key '" + std::string(key) + "'; the keys are " + known_keys() +
                     " / khóa không hợp lệ");
  }
}

Letterhead read_letterhead(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read the letterhead " + path + " / không đọc được tệp");
  Letterhead letterhead;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string trimmed = text::trim(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    const auto equals = trimmed.find('=');
    if (equals == std::string::npos)
      throw UsageError(path + ":" + std::to_string(number) + ": write key = value / dòng không hợp lệ");
    try {
      set_letterhead(letterhead, text::trim(trimmed.substr(0, equals)), trimmed.substr(equals + 1));
    } catch (const UsageError& error) {
      throw UsageError(path + ":" + std::to_string(number) + ": " + error.what());
    }
  }
  return letterhead;
}

Letterhead completed(Letterhead letterhead, const std::string& province_name) {
  if (letterhead.parent_body.empty()) letterhead.parent_body = "UBND TỈNH " + uppercase_of(province_name);
  if (letterhead.issuer.empty()) letterhead.issuer = "BAN CHỈ ĐẠO PHONG TRÀO|TOÀN DÂN BẢO VỆ|AN NINH TỔ QUỐC";
  if (letterhead.number.empty()) letterhead.number = "      /BC-BCĐ";
  if (letterhead.place.empty()) letterhead.place = province_name;
  if (letterhead.signer_title.empty()) letterhead.signer_title = "TM. BAN CHỈ ĐẠO|TRƯỞNG BAN";
  if (letterhead.recipients.empty())
    letterhead.recipients = {"Ban Chỉ đạo tỉnh", "Công an tỉnh", "UBND các huyện, thành phố", "Lưu: VT"};
  return letterhead;
}

std::vector<std::string> recipient_lines(const Letterhead& letterhead) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < letterhead.recipients.size(); ++i) {
    std::string line = "- " + letterhead.recipients[i];
    if (line.back() != ';' && line.back() != '.') line += i + 1 == letterhead.recipients.size() ? "." : ";";
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace antt::report
