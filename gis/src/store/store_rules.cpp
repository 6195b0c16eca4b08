#include "store_rules.hpp"

#include <array>

#include <sodium.h>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "row_readers.hpp"

namespace antt::store::rules {

void check_unit(const UnitVersion& unit) {
  if (unit.code.empty()) throw InputError("a unit needs a code / đơn vị thiếu mã");
  if (unit.name.empty()) throw InputError("unit " + unit.code + " needs a name / đơn vị thiếu tên");
  if (!unit.valid_from.empty()) require_iso_date(unit.valid_from, "valid_from");
  if (unit.valid_to) require_iso_date(*unit.valid_to, "valid_to");
  if (!unit.geometry_wkb.empty()) {
    unsigned type = rows::wkb_type(unit.geometry_wkb);
    bool area = type == 6;  // MultiPolygon
    bool point = type == 1;
    if (!(area || (point && kind_may_be_point(unit.kind))))
      throw InputError("unit " + unit.code + ": a " + std::string(to_string(unit.kind)) + " needs a MultiPolygon" +
                       (kind_may_be_point(unit.kind) ? " or a Point" : "") + " geometry");
  }
}

void refuse_overlap(const UnitVersion& unit, const UnitVersion& clash) {
  throw InputError("unit " + unit.code + " already has a version valid from " + clash.valid_from +
                   (clash.valid_to ? " to " + *clash.valid_to : std::string(" (open-ended)")) + " that overlaps " +
                   unit.valid_from + (unit.valid_to ? " to " + *unit.valid_to : "") +
                   "; use --replace to replace it / mã đã có phiên bản trùng thời gian");
}

void check_status(const StatusRecord& record) {
  if (status_needs_decision(record.status) &&
      (record.decision_number.empty() || record.decision_date.empty() || record.authority.empty()))
    throw InputError("status '" + std::string(to_string(record.status)) + "' of " + record.unit_code + " in " +
                     std::to_string(record.year) +
                     " needs --decision, --date and --authority / cần số quyết định, ngày và cơ quan ban hành");
  if (!record.decision_date.empty()) require_iso_date(record.decision_date, "decision date");
}

void refuse_missing_unit_of_year(const std::string& unit_code, int year) {
  throw InputError("no unit " + unit_code + " is valid on 31/12/" + std::to_string(year) + " / không có đơn vị mã " +
                   unit_code + " vào năm " + std::to_string(year));
}

std::string checked_decision_media_type(const DecisionDocument& document) {
  const std::string type = decision_media_type(document.content);
  if (type.empty())
    throw InputError("the decision must be a PDF, JPEG or PNG file (checked by its content) / quyết định phải là "
                     "tệp PDF, JPEG hoặc PNG");
  if (static_cast<std::int64_t>(document.content.size()) > kMaxDecisionBytes)
    throw InputError("the decision file is larger than 10 MB / tệp quyết định lớn hơn 10 MB");
  return type;
}

void refuse_decision_without_status(const DecisionDocument& document) {
  throw InputError("unit " + document.unit_code + " has no status in " + std::to_string(document.year) +
                   " to attach a decision to / chưa có trạng thái để đính kèm quyết định");
}

std::string sha256_hex(const std::string& bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  std::string hex(digest.size() * 2, '0');
  sodium_bin2hex(hex.data(), hex.size() + 1, digest.data(), digest.size());
  return hex;
}

void check_hotspot_end(std::int64_t id, const std::string& date, const std::string& from,
                       const std::optional<std::string>& to) {
  if (date <= from)
    throw InputError("hotspot designation " + std::to_string(id) + " starts on " + from + "; it cannot end on " +
                     date + " / ngày kết thúc phải sau ngày bắt đầu");
  if (to && *to <= date)
    throw InputError("hotspot designation " + std::to_string(id) + " already ended on " + *to +
                     " / địa bàn đã được đưa ra khỏi danh sách trọng điểm");
}

void refuse_unknown_hotspot(std::int64_t id) {
  throw InputError("no hotspot designation " + std::to_string(id) + " / không có quyết định trọng điểm này");
}

std::string joined_scope(const std::vector<std::string>& codes) {
  std::string text;
  for (const auto& code : codes) text += (text.empty() ? "" : ",") + code;
  return text;
}

std::vector<std::string> split_scope(const std::string& text) {
  std::vector<std::string> codes;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto comma = text.find(',', start);
    const auto end = comma == std::string::npos ? text.size() : comma;
    if (end > start) codes.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return codes;
}

void check_override(const ValidationOverride& record) {
  if (record.reason.find_first_not_of(" \t\r\n") == std::string::npos)
    throw InputError("an override needs a reason / cần nêu lý do lưu khi còn lỗi");
}

}  // namespace antt::store::rules
