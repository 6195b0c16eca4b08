#include "antt/store/model.hpp"

#include <array>
#include <utility>

#include "antt/core/error.hpp"

namespace antt::store {
namespace {

template <typename Enum, size_t N>
Enum parse_from(const std::array<std::pair<Enum, std::string_view>, N>& table, std::string_view text,
                std::string_view what, bool usage) {
  for (const auto& [value, name] : table)
    if (name == text) return value;
  std::string valid;
  for (const auto& [value, name] : table) valid += (valid.empty() ? "" : ", ") + std::string(name);
  std::string message = "unknown " + std::string(what) + " '" + std::string(text) + "'; use one of: " + valid;
  if (usage) throw UsageError(message);
  throw InputError(message);
}

template <typename Enum, size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [candidate, name] : table)
    if (candidate == value) return name;
  return "?";
}

constexpr std::array<std::pair<UnitKind, std::string_view>, 7> kUnitKinds{{
    {UnitKind::province, "province"},
    {UnitKind::district, "district"},
    {UnitKind::commune, "commune"},
    {UnitKind::village, "village"},
    {UnitKind::agency, "agency"},
    {UnitKind::enterprise, "enterprise"},
    {UnitKind::school, "school"},
}};

constexpr std::array<std::pair<StatusValue, std::string_view>, 6> kStatuses{{
    {StatusValue::not_registered, "not_registered"},
    {StatusValue::registered, "registered"},
    {StatusValue::proposed, "proposed"},
    {StatusValue::recognised, "recognised"},
    {StatusValue::not_recognised, "not_recognised"},
    {StatusValue::revoked, "revoked"},
}};

constexpr std::array<std::pair<LineageKind, std::string_view>, 7> kLineageKinds{{
    {LineageKind::create, "create"},
    {LineageKind::abolish, "abolish"},
    {LineageKind::merge, "merge"},
    {LineageKind::split, "split"},
    {LineageKind::rename, "rename"},
    {LineageKind::transfer, "transfer"},
    {LineageKind::reclassify, "reclassify"},
}};

constexpr std::array<std::pair<ClusterKind, std::string_view>, 2> kClusterKinds{{
    {ClusterKind::giap_ranh, "giap_ranh"},
    {ClusterKind::lien_ket, "lien_ket"},
}};

}  // namespace

std::string_view to_string(UnitKind kind) { return name_of(kUnitKinds, kind); }
UnitKind parse_unit_kind(std::string_view text) { return parse_from(kUnitKinds, text, "kind", true); }

const std::vector<UnitKind>& all_unit_kinds() {
  static const std::vector<UnitKind> kinds{UnitKind::province, UnitKind::district, UnitKind::commune,
                                           UnitKind::village,  UnitKind::agency,   UnitKind::enterprise,
                                           UnitKind::school};
  return kinds;
}

bool kind_may_be_point(UnitKind kind) {
  return kind == UnitKind::agency || kind == UnitKind::enterprise || kind == UnitKind::school;
}

std::string_view to_string(StatusValue status) { return name_of(kStatuses, status); }
StatusValue parse_status(std::string_view text) { return parse_from(kStatuses, text, "status", false); }

std::string_view vietnamese_label(StatusValue status) {
  switch (status) {
    case StatusValue::not_registered: return "Chưa đăng ký";
    case StatusValue::registered: return "Đã đăng ký";
    case StatusValue::proposed: return "Đề nghị công nhận";
    case StatusValue::recognised: return "Đạt chuẩn An toàn về ANTT";
    case StatusValue::not_recognised: return "Không đạt";
    case StatusValue::revoked: return "Bị thu hồi công nhận";
  }
  return "";
}

bool status_needs_decision(StatusValue status) {
  return status == StatusValue::recognised || status == StatusValue::revoked;
}

std::string_view criteria_rule_for_year(int year) {
  return year >= 2022 ? "TT124/2021/TT-BCA" : "TT23/2012/TT-BCA";
}

std::string_view to_string(LineageKind kind) { return name_of(kLineageKinds, kind); }
LineageKind parse_lineage_kind(std::string_view text) {
  return parse_from(kLineageKinds, text, "lineage event kind", false);
}

std::string_view to_string(ClusterKind kind) { return name_of(kClusterKinds, kind); }
ClusterKind parse_cluster_kind(std::string_view text) {
  return parse_from(kClusterKinds, text, "cluster kind", false);
}

const std::vector<std::string>& model_types() {
  // The models the programme names (Đề án 886/QĐ-UBND, part III.2), plus "khac" for others.
  static const std::vector<std::string> types{
      "to_lien_gia_tu_quan",      // Tổ liên gia tự quản
      "dong_ho_o_nha_tu_quan",    // Dòng họ, ổ nhà tự quản
      "lang_thon_xom_tu_quan",    // Làng, thôn, xóm tự quản
      "to_tuan_tra_nhan_dan",     // Tổ tuần tra nhân dân
      "to_hoa_giai",              // Tổ hoà giải
      "clb_phong_chong_toi_pham", // Câu lạc bộ phòng chống tội phạm, tệ nạn xã hội
      "hom_thu_to_giac",          // Hòm thư tố giác tội phạm
      "tieng_keng_binh_yen",      // Tiếng kẻng bình yên
      "giup_nguoi_lam_loi",       // Giúp đỡ người lầm lỗi tái hòa nhập cộng đồng
      "clb_19_8",                 // Câu lạc bộ 19/8
      "khac",                     // other
  };
  return types;
}

std::string decision_media_type(std::string_view bytes) {
  const auto starts_with = [&](std::string_view signature) { return bytes.substr(0, signature.size()) == signature; };
  if (starts_with("%PDF-")) return "application/pdf";
  if (starts_with("\xFF\xD8\xFF")) return "image/jpeg";
  if (starts_with("\x89PNG\r\n\x1A\n")) return "image/png";
  return {};
}

}  // namespace antt::store
