// The indicator form's shared names and readers (indicator_form.hpp).
#include "indicator_form.hpp"

#include "antt/text/unicode.hpp"

namespace antt::editing::form {

using store::UnitKind;

std::string kind_label(UnitKind kind) {
  switch (kind) {
    case UnitKind::province: return "Tỉnh";
    case UnitKind::district: return "Huyện, thành phố";
    case UnitKind::commune: return "Xã, phường, thị trấn";
    case UnitKind::village: return "Khu dân cư";
    case UnitKind::agency: return "Cơ quan";
    case UnitKind::enterprise: return "Doanh nghiệp";
    case UnitKind::school: return "Nhà trường";
  }
  return "";
}

const std::vector<std::pair<std::string, std::string>>& model_type_labels() {
  static const std::vector<std::pair<std::string, std::string>> labels{
      {"to_lien_gia_tu_quan", "Tổ liên gia tự quản"},
      {"dong_ho_o_nha_tu_quan", "Dòng họ, ổ nhà tự quản"},
      {"lang_thon_xom_tu_quan", "Làng, thôn, xóm tự quản"},
      {"to_tuan_tra_nhan_dan", "Tổ tuần tra nhân dân"},
      {"to_hoa_giai", "Tổ hòa giải"},
      {"clb_phong_chong_toi_pham", "CLB phòng, chống tội phạm"},
      {"hom_thu_to_giac", "Hòm thư tố giác tội phạm"},
      {"tieng_keng_binh_yen", "Tiếng kẻng bình yên"},
      {"giup_nguoi_lam_loi", "Giúp người lầm lỗi hòa nhập"},
      {"clb_19_8", "Câu lạc bộ 19/8"},
      {"khac", "Mô hình khác"},
  };
  return labels;
}

std::string model_type_label(const std::string& key) {
  for (const auto& [type, label] : model_type_labels())
    if (type == key) return label;
  return key;
}

std::optional<std::string> model_type_of(const std::string& text) {
  const std::string folded = text::fold_for_search(text::trim(text));
  for (const auto& [type, label] : model_type_labels())
    if (folded == type || folded == text::fold_for_search(label)) return type;
  return std::nullopt;
}

std::string vn_date(const std::string& iso) {
  return iso.size() == 10 ? iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4) : iso;
}

std::optional<bool> yes_no_of(const std::string& text) {
  const std::string folded = text::fold_for_search(text::trim(text));
  if (folded == "co" || folded == "yes" || folded == "1" || folded == "true" || folded == "x") return true;
  if (folded == "khong" || folded == "no" || folded == "0" || folded == "false") return false;
  return std::nullopt;
}

std::string header_text(const IndicatorDefinition& definition) { return definition.label_vi; }

std::vector<std::string> indicator_headers(const IndicatorDefinition& definition) {
  return {"Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Thuộc", header_text(definition), "Ghi chú"};
}

std::vector<std::string> model_headers(int year) {
  return {"Mã đơn vị", "Tên đơn vị", "Mã mô hình", "Loại mô hình", "Tên mô hình", "Ngày thành lập",
          "Hiệu quả năm " + std::to_string(year)};
}

std::string value_hint_en(const IndicatorDefinition& definition) {
  switch (definition.kind) {
    case IndicatorKind::count: return "a whole number >= 0";
    case IndicatorKind::money: return "a whole number of đồng";
    case IndicatorKind::percent: return "a percentage from 0 to 100";
    case IndicatorKind::yes_no: return "có or không (yes or no)";
    case IndicatorKind::grade: return "khá, trung bình or yếu";
  }
  return "";
}

std::string value_hint(const IndicatorDefinition& definition) {
  switch (definition.kind) {
    case IndicatorKind::count: return "số nguyên ≥ 0";
    case IndicatorKind::money: return "số đồng, số nguyên (1500000 hoặc 1.500.000)";
    case IndicatorKind::percent: return "tỷ lệ % từ 0 đến 100 (85,5)";
    case IndicatorKind::yes_no: return "có / không";
    case IndicatorKind::grade: return "khá / trung bình / yếu";
  }
  return "";
}

}  // namespace antt::editing::form
