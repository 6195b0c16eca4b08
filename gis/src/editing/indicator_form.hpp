#pragma once
// What the indicator form's writer (indicator_template.cpp) and reader (indicator_sheets.cpp) share:
// its layout, the names it gives kinds of unit and types of model, and how it reads yes/no and dates.
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "antt/editing/indicators.hpp"
#include "antt/store/model.hpp"

namespace antt::editing::form {

// Columns of an indicator sheet.
inline constexpr int kCodeColumn = 1;
inline constexpr int kValueColumn = 5;
inline constexpr int kNoteColumn = 6;
// Columns of the model sheet.
inline constexpr int kModelUnitColumn = 1;
inline constexpr int kModelCodeColumn = 3;
inline constexpr int kModelTypeColumn = 4;
inline constexpr int kModelNameColumn = 5;
inline constexpr int kModelFoundedColumn = 6;
inline constexpr int kModelEffectiveColumn = 7;
// Blank rows the model sheet offers for new models (the drop-down lists reach them).
inline constexpr int kBlankModelRows = 100;
// A form of a province has a few thousand rows; a message lists this many problems at most.
inline constexpr std::size_t kProblemsShown = 60;

inline const std::vector<store::UnitKind> kModelUnitKinds{store::UnitKind::village, store::UnitKind::commune, store::UnitKind::agency,
                                            store::UnitKind::enterprise, store::UnitKind::school};

/// "Xã, phường, thị trấn", "Khu dân cư"… as the form names kinds of unit.
std::string kind_label(store::UnitKind kind);
/// The plan's types of self-management model: key and Vietnamese label.
const std::vector<std::pair<std::string, std::string>>& model_type_labels();
std::string model_type_label(const std::string& key);
/// A type as typed or chosen (its label or its key); nothing for another text.
std::optional<std::string> model_type_of(const std::string& text);
/// "2018-03-15" -> "15/03/2018".
std::string vn_date(const std::string& iso);
/// có/không, yes/no, 1/0, x; nothing for another text.
std::optional<bool> yes_no_of(const std::string& text);
/// The header row of an indicator's sheet and of the model sheet of `year`.
std::vector<std::string> indicator_headers(const IndicatorDefinition& definition);
std::vector<std::string> model_headers(int year);
/// What a value must be, in Vietnamese (the form's rules) and in English (messages).
std::string value_hint(const IndicatorDefinition& definition);
std::string value_hint_en(const IndicatorDefinition& definition);

}  // namespace antt::editing::form
