#include "antt/stats/plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "antt/core/error.hpp"
#include "antt/editing/indicators.hpp"
#include "antt/text/unicode.hpp"

namespace antt::stats {
namespace {

using nlohmann::json;

/// The store's setting holding the configured plans (a JSON array), written whole by each change.
constexpr const char* kPlansSetting = "programme_plans";
constexpr int kFirstYear = 2000, kLastYear = 2100;

/// Ids a plan may set targets for: recognition, the statistics' own indicators, the catalogue's.
const std::set<std::string>& known_indicators() {
  static const std::set<std::string> ids = [] {
    std::set<std::string> out{std::string(kRecognisedIndicator), "communes_with_model", "agencies_with_model",
                              "festival_held", "core_forces_staffed", "models_effective"};
    for (const auto& definition : editing::indicator_definitions()) out.insert(definition.id);
    return out;
  }();
  return ids;
}

std::string percent_text(double value) {
  char out[32];
  std::snprintf(out, sizeof out, "%g", value);
  std::string text = out;
  std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

[[noreturn]] void refuse(const std::string& where, const std::string& why_en, const std::string& why_vi) {
  throw InputError("plan: " + where + ": " + why_en + " / kế hoạch: " + where + ": " + why_vi);
}

std::string text_field(const json& document, const char* key, bool required) {
  const auto found = document.find(key);
  if (found == document.end() || found->is_null()) {
    if (required) refuse(key, "missing", "thiếu");
    return {};
  }
  if (!found->is_string()) refuse(key, "must be text", "phải là chuỗi");
  std::string value = text::trim(text::to_nfc(found->get<std::string>()));
  if (required && value.empty()) refuse(key, "is empty", "để trống");
  return value;
}

int year_field(const json& document, const char* key, const std::string& where) {
  const auto found = document.find(key);
  if (found == document.end()) refuse(where + key, "missing", "thiếu");
  if (!found->is_number_integer()) refuse(where + key, "must be a year", "phải là năm");
  const auto year = found->get<long long>();
  if (year < kFirstYear || year > kLastYear)
    refuse(where + key, "must be between 2000 and 2100", "năm phải trong khoảng 2000-2100");
  return static_cast<int>(year);
}

PlanTarget parse_step(const json& step, int plan_from, const std::string& where) {
  PlanTarget target{plan_from, 0, false};
  if (step.is_number()) {
    target.percent = step.get<double>();
  } else if (step.is_object()) {
    for (const auto& [key, value] : step.items())
      // "text" is what to_json adds for people ("trên 70 %"); it is read back and ignored.
      if (key != "percent" && key != "strictly_over" && key != "from_year" && key != "text")
        refuse(where + "." + key, "unknown key (percent, strictly_over, from_year)",
               "khóa không hợp lệ (percent, strictly_over, from_year)");
    const auto percent = step.find("percent");
    if (percent == step.end() || !percent->is_number()) refuse(where + ".percent", "missing or not a number", "thiếu hoặc không phải số");
    target.percent = percent->get<double>();
    if (const auto strictly = step.find("strictly_over"); strictly != step.end()) {
      if (!strictly->is_boolean()) refuse(where + ".strictly_over", "must be true or false", "phải là true hoặc false");
      target.strictly_over = strictly->get<bool>();
    }
    if (step.contains("from_year")) target.from_year = year_field(step, "from_year", where + ".");
  } else {
    refuse(where, "must be a share, {percent, strictly_over, from_year} or a list of those",
           "phải là tỷ lệ, {percent, strictly_over, from_year} hoặc danh sách");
  }
  if (!std::isfinite(target.percent) || target.percent < 0 || target.percent > 100)
    refuse(where, "a share must be between 0 and 100", "tỷ lệ phải từ 0 đến 100");
  return target;
}

json step_json(const PlanTarget& step) {
  return {{"from_year", step.from_year}, {"percent", step.percent}, {"strictly_over", step.strictly_over},
          {"text", step.text()}};
}

std::vector<ProgrammePlan> configured_plans(const store::Store& store) {
  std::vector<ProgrammePlan> plans;
  const auto stored = store.setting(kPlansSetting);
  if (!stored || stored->empty()) return plans;
  const json documents = json::parse(*stored, nullptr, false);
  if (!documents.is_array())
    throw StoreError(std::string("the setting ") + kPlansSetting + " is not a JSON array / cấu hình kế hoạch bị hỏng");
  for (const auto& document : documents) plans.push_back(parse_plan(document));
  return plans;
}

void write_configured(store::Store& store, const store::Actor& actor, const std::vector<ProgrammePlan>& plans) {
  json documents = json::array();
  for (const auto& plan : plans) {
    json document = to_json(plan);
    document.erase("built_in");
    for (auto& [id, steps] : document["targets"].items())
      for (auto& step : steps) step.erase("text");
    documents.push_back(std::move(document));
  }
  store.write(actor, [&] { store.set_setting(kPlansSetting, documents.dump()); });
}

}  // namespace

bool PlanTarget::met_by(double share) const { return strictly_over ? share > percent : share >= percent - 1e-9; }

std::string PlanTarget::text() const { return (strictly_over ? "trên " : "") + percent_text(percent) + " %"; }

std::optional<PlanTarget> ProgrammePlan::target(std::string_view indicator, int year) const {
  const auto found = targets.find(std::string(indicator));
  if (found == targets.end()) return std::nullopt;
  std::optional<PlanTarget> in_force;
  for (const auto& step : found->second)
    if (step.from_year <= year) in_force = step;
  return in_force;
}

std::string ProgrammePlan::steps_text(std::string_view indicator) const {
  const auto found = targets.find(std::string(indicator));
  if (found == targets.end()) return {};
  std::string out;
  for (const auto& step : found->second)
    out += (out.empty() ? "" : ", ") + step.text() + " từ " + std::to_string(step.from_year);
  return out;
}

const ProgrammePlan& founding_plan() {
  static const ProgrammePlan plan = [] {
    ProgrammePlan out;
    out.id = "886/QĐ-UBND";
    out.title = "Đề án xây dựng khu dân cư, xã, phường, thị trấn, cơ quan, doanh nghiệp, nhà trường đạt tiêu chuẩn "
                "“An toàn về an ninh, trật tự” giai đoạn 2012-2020";
    out.decision = "Quyết định số 886/QĐ-UBND ngày 09/7/2012 của UBND tỉnh Hòa Bình";
    out.from_year = 2012;
    out.to_year = 2020;
    out.built_in = true;
    out.targets[std::string(kRecognisedIndicator)] = {{2015, 70.0, true}, {2020, 90.0, true}};
    out.targets["communes_with_model"] = {{2015, 100.0, false}};
    out.targets["agencies_with_model"] = {{2015, 70.0, true}, {2020, 100.0, false}};
    out.targets["festival_held"] = {{2012, 100.0, false}};
    for (const auto& definition : editing::indicator_definitions())
      if (definition.target) out.targets[definition.id] = {{2012, *definition.target, false}};
    return out;
  }();
  return plan;
}

std::vector<ProgrammePlan> programme_plans(const store::Store& store) {
  std::vector<ProgrammePlan> plans{founding_plan()};
  for (auto& plan : configured_plans(store)) plans.push_back(std::move(plan));
  std::stable_sort(plans.begin(), plans.end(),
                   [](const ProgrammePlan& a, const ProgrammePlan& b) { return a.from_year < b.from_year; });
  return plans;
}

const ProgrammePlan& plan_in_force(const std::vector<ProgrammePlan>& plans, int year) {
  if (plans.empty()) return founding_plan();
  const ProgrammePlan* in_force = &plans.front();
  for (const auto& plan : plans)
    if (plan.from_year <= year) in_force = &plan;
  return *in_force;
}

ProgrammePlan parse_plan(const json& document) {
  if (!document.is_object()) refuse("document", "must be a JSON object", "phải là đối tượng JSON");
  static const std::set<std::string> keys{"id", "title", "decision", "from_year", "to_year", "targets", "built_in"};
  for (const auto& [key, value] : document.items())
    if (!keys.count(key)) refuse(key, "unknown key (id, title, decision, from_year, to_year, targets)", "khóa không hợp lệ");
  ProgrammePlan plan;
  plan.id = text_field(document, "id", true);
  plan.title = text_field(document, "title", true);
  plan.decision = text_field(document, "decision", false);
  plan.from_year = year_field(document, "from_year", "");
  plan.to_year = year_field(document, "to_year", "");
  if (plan.to_year < plan.from_year) refuse("to_year", "is before from_year", "trước năm bắt đầu");
  const auto targets = document.find("targets");
  if (targets == document.end() || !targets->is_object())
    refuse("targets", "missing or not an object {indicator: target}", "thiếu hoặc không phải đối tượng {chỉ tiêu: mức}");
  for (const auto& [id, given] : targets->items()) {
    const std::string where = "targets." + id;
    if (!known_indicators().count(id)) {
      std::string ids;
      for (const auto& known : known_indicators()) ids += (ids.empty() ? "" : ", ") + known;
      refuse(where, "unknown indicator (known: " + ids + ")", "chỉ tiêu không có trong danh mục");
    }
    std::vector<PlanTarget> steps;
    if (given.is_array()) {
      if (given.empty()) refuse(where, "an empty list", "danh sách rỗng");
      for (std::size_t i = 0; i < given.size(); ++i)
        steps.push_back(parse_step(given[i], plan.from_year, where + "[" + std::to_string(i) + "]"));
    } else {
      steps.push_back(parse_step(given, plan.from_year, where));
    }
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].from_year < plan.from_year || steps[i].from_year > plan.to_year)
        refuse(where, "a step from " + std::to_string(steps[i].from_year) + " lies outside the plan's years",
               "mốc năm nằm ngoài thời gian của kế hoạch");
      if (i > 0 && steps[i].from_year <= steps[i - 1].from_year)
        refuse(where, "steps must follow each other by year", "các mốc phải theo thứ tự năm tăng dần");
    }
    plan.targets[id] = std::move(steps);
  }
  return plan;
}

json to_json(const ProgrammePlan& plan) {
  json targets = json::object();
  for (const auto& [id, steps] : plan.targets) {
    json list = json::array();
    for (const auto& step : steps) list.push_back(step_json(step));
    targets[id] = std::move(list);
  }
  return {{"id", plan.id},           {"title", plan.title},   {"decision", plan.decision},
          {"from_year", plan.from_year}, {"to_year", plan.to_year}, {"built_in", plan.built_in},
          {"targets", std::move(targets)}};
}

json targets_json(const ProgrammePlan& plan, int year) {
  json targets = json::object();
  for (const auto& [id, steps] : plan.targets)
    if (const auto step = plan.target(id, year)) targets[id] = step_json(*step);
  return {{"year", year},
          {"plan", {{"id", plan.id}, {"title", plan.title}, {"decision", plan.decision},
                    {"from_year", plan.from_year}, {"to_year", plan.to_year}, {"built_in", plan.built_in},
                    // A year past the plan's last one, with no later plan configured yet.
                    {"beyond_its_term", year > plan.to_year}}},
          {"targets", std::move(targets)}};
}

void save_plan(store::Store& store, const store::Actor& actor, const ProgrammePlan& plan) {
  if (plan.id == founding_plan().id)
    refuse("id", plan.id + " is the built-in founding plan; give a later plan its own id",
           "đây là đề án có sẵn, kế hoạch mới cần mã riêng");
  auto plans = configured_plans(store);
  plans.erase(std::remove_if(plans.begin(), plans.end(), [&](const ProgrammePlan& p) { return p.id == plan.id; }),
              plans.end());
  for (const auto& other : plans)
    if (other.from_year == plan.from_year)
      refuse("from_year", other.id + " already starts in " + std::to_string(other.from_year),
             "kế hoạch " + other.id + " đã bắt đầu cùng năm");
  if (plan.from_year <= founding_plan().from_year)
    refuse("from_year", "a later plan starts after the founding plan's first year (" +
                            std::to_string(founding_plan().from_year) + ")",
           "kế hoạch mới phải bắt đầu sau năm " + std::to_string(founding_plan().from_year));
  plans.push_back(plan);
  std::sort(plans.begin(), plans.end(), [](const ProgrammePlan& a, const ProgrammePlan& b) { return a.from_year < b.from_year; });
  write_configured(store, actor, plans);
}

void remove_plan(store::Store& store, const store::Actor& actor, const std::string& id) {
  auto plans = configured_plans(store);
  const auto before = plans.size();
  plans.erase(std::remove_if(plans.begin(), plans.end(), [&](const ProgrammePlan& p) { return p.id == id; }),
              plans.end());
  if (plans.size() == before) {
    if (id == founding_plan().id) refuse("id", id + " is built in and stays", "đề án có sẵn không xóa được");
    refuse("id", "no configured plan " + id, "không có kế hoạch " + id);
  }
  write_configured(store, actor, plans);
}

}  // namespace antt::stats
