// The programme's indicators over the network: the same write path as `anttmap record` (through
// editing::record_indicators / import_indicator_sheets, one audited transaction naming the account).
#include "serve/indicator_edits.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/indicator_sheets.hpp"
#include "antt/editing/indicators.hpp"
#include "antt/stats/plan.hpp"
#include "antt/text/unicode.hpp"
#include "serve/access_control.hpp"
#include "serve/errors.hpp"
#include "serve/params.hpp"

namespace antt::serve {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxIndicatorCodeBytes = 64;
constexpr std::size_t kMaxIndicatorValueBytes = 200;
constexpr std::size_t kMaxIndicatorNoteBytes = 2000;
constexpr int kFirstIndicatorYear = 1990, kLastIndicatorYear = 2100;
constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

int indicator_year_of(const std::string& text) {
  const std::optional<int> year = parse_year(text);
  if (!year || *year < kFirstIndicatorYear || *year > kLastIndicatorYear)
    throw RequestError(400, "the year must be four digits from " + std::to_string(kFirstIndicatorYear) + " to " +
                                std::to_string(kLastIndicatorYear) + " / năm không hợp lệ");
  return *year;
}

http::Response private_json(const json& document, int status = 200) {
  http::Response answer = http::Response::json(status, document.dump());
  answer.headers["Cache-Control"] = "private, no-store";
  answer.reusable = false;
  return answer;
}

/// A directory of its own for a file GDAL reads or writes by path; removed with what is in it.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "anttmap-form-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot make a temporary directory for the form");
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void write_whole(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write the upload to a temporary file");
}

/// The values of a PUT body: {"values": {"id": "text" | number | true/false}, "note": "..."}.
std::vector<std::pair<std::string, std::string>> values_of(const json& body) {
  const auto values = body.find("values");
  if (values == body.end() || !values->is_object() || values->empty())
    throw RequestError(400, "\"values\" must be an object of indicator ids and values, e.g. {\"propaganda_sessions\": "
                            "12} / cần danh sách giá trị");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [id, value] : values->items()) {
    const std::string name = checked_text(id, kMaxIndicatorCodeBytes, "indicator");
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
      if (!text::is_valid_utf8(text) || text.size() > kMaxIndicatorValueBytes)
        throw RequestError(400, "the value of " + name + " is not UTF-8 text of at most 200 bytes");
    } else if (value.is_boolean()) {
      text = value.get<bool>() ? "1" : "0";
    } else if (value.is_number()) {
      char number[40];
      std::snprintf(number, sizeof number, "%.15g", value.get<double>());
      text = number;
    } else {
      throw RequestError(400, "the value of " + name + " must be a string, a number or true/false");
    }
    out.emplace_back(name, text);
  }
  return out;
}

class IndicatorEdits {
 public:
  explicit IndicatorEdits(std::shared_ptr<StoreWriter> writer) : writer_(std::move(writer)) {}

  http::Response show(const http::Request& request) {
    const access::Caller& caller = request.caller;
    if (!caller.reads_internal_attributes()) throw not_allowed(caller, "the programme's indicators");
    const std::string code = checked_text(request.path_params.at("code"), kMaxIndicatorCodeBytes, "code");
    const int year = indicator_year_of(request.path_params.at("year"));
    std::optional<std::string> known_at;
    if (const auto as_of = request.param("as_of")) {
      try {
        known_at = require_known_at(*as_of, "as_of");
      } catch (const Error& error) {
        throw RequestError(400, error.what());
      }
    }
    return writer_->with([&](store::Store& store) {
      const auto unit = store.unit_at(code, year_end(year), false);
      if (!unit) throw RequestError(404, "no unit " + code + " in " + std::to_string(year) + " / không có đơn vị này");
      return private_json(answer_of(store, *unit, year, known_at));
    });
  }

  http::Response put(const http::Request& request) {
    const access::Caller& caller = request.caller;
    require_editor(caller, "recording indicators");
    const std::string code = checked_text(request.path_params.at("code"), kMaxIndicatorCodeBytes, "code");
    const int year = indicator_year_of(request.path_params.at("year"));
    json body;
    try {
      body = json::parse(request.body);
    } catch (const json::exception&) {
      throw RequestError(400, "the body is not JSON / nội dung không phải JSON");
    }
    if (!body.is_object()) throw RequestError(400, "send a JSON object {\"values\": {...}, \"note\": \"...\"}");
    for (const auto& [key, value] : body.items())
      if (key != "values" && key != "note")
        throw RequestError(400, "unknown field \"" + key + "\"; send values and note / trường không hợp lệ");
    const auto values = values_of(body);
    std::string note;
    if (const auto found = body.find("note"); found != body.end() && !found->is_null()) {
      if (!found->is_string()) throw RequestError(400, "\"note\" must be a string");
      note = found->get<std::string>();
      if (!text::is_valid_utf8(note) || note.size() > kMaxIndicatorNoteBytes)
        throw RequestError(400, "\"note\" is not UTF-8 text of at most 2000 bytes");
    }
    return writer_->with([&](store::Store& writer) {
      require_unit_in_scope(writer, code, year, caller);
      try {
        editing::record_indicators(writer, actor_of(request), code, year, values, note);
      } catch (const UsageError& error) {  // an unknown or repeated indicator: the client's to fix
        throw RequestError(400, error.what());
      }
      return private_json(answer_of(writer, *writer.unit_at(code, year_end(year), false), year, std::nullopt));
    });
  }

  /// GET /api/indicators/template?year=Y[&within=CODE]: the form, pre-filled with the values in
  /// force, to editors (of their scope) and admins.
  http::Response form(const http::Request& request) {
    const access::Caller& caller = request.caller;
    require_editor(caller, "downloading the indicator form");
    const auto year_text = request.param("year");
    if (!year_text) throw RequestError(400, "give ?year=YYYY / cần năm");
    editing::TemplateRequest wanted;
    wanted.year = indicator_year_of(*year_text);
    if (const auto within = request.param("within")) wanted.within = checked_text(*within, kMaxIndicatorCodeBytes, "within");
    ScratchDirectory scratch;
    const std::string path = scratch.file("form.xlsx");
    writer_->with([&](store::Store& store) {
      if (!wanted.within && caller.role != access::Role::admin) {
        if (caller.scope.size() != 1)
          throw RequestError(400, "give ?within=CODE, one unit of your scope (" + scope_text(caller) + ")");
        wanted.within = caller.scope.front();
      }
      if (wanted.within) require_unit_in_scope(store, *wanted.within, wanted.year, caller);
      return editing::write_indicator_template(store, wanted, path);
    });
    http::Response answer =
        http::Response::shared(200, std::make_shared<const std::string>(read_whole(path)), kXlsxType);
    answer.headers["Content-Disposition"] = "attachment; filename=\"bieu-mau-chi-tieu-" + std::to_string(wanted.year) +
                                            (wanted.within ? "-" + *wanted.within : std::string()) + ".xlsx\"";
    answer.headers["Cache-Control"] = "private, no-store";
    answer.reusable = false;
    return answer;
  }

  /// POST /api/indicators/import: a filled form (.xlsx) or a CSV, all or nothing; every unit in it
  /// must be within the caller's scope. 400 lists every bad cell.
  http::Response import(const http::Request& request) {
    const access::Caller& caller = request.caller;
    require_editor(caller, "importing indicators");
    const std::string type = http::media_type(request.header("Content-Type").value_or(""));
    const bool xlsx = type != "text/csv";
    if (xlsx != (request.body.rfind("PK\x03\x04", 0) == 0))
      throw RequestError(415, xlsx ? "the body is not an XLSX workbook / tệp không phải XLSX"
                                   : "the body is not a CSV sheet / tệp không phải CSV");
    editing::SheetImportOptions options;
    options.label = "the uploaded form";
    if (const auto year = request.param("year")) options.year = indicator_year_of(*year);
    if (const auto note = request.param("note")) options.note = checked_text(*note, kMaxIndicatorNoteBytes, "note");
    ScratchDirectory scratch;
    const std::string path = scratch.file(xlsx ? "form.xlsx" : "form.csv");
    write_whole(path, request.body);
    return writer_->with([&](store::Store& writer) {
      options.check_unit = [&](const std::string& code, int year) { require_unit_in_scope(writer, code, year, caller); };
      editing::SheetImportResult result;
      try {
        result = editing::import_indicator_sheets(writer, actor_of(request), path, options);
      } catch (const editing::SheetError& error) {
        return private_json({{"error", error.what()},
                             {"status", 400},
                             {"problems", editing::problems_json(error.problems())}},
                            400);
      }
      return private_json({{"year", result.year},
                           {"recorded", result.recorded},
                           {"unchanged", result.unchanged},
                           {"models_added", result.models_added},
                           {"model_years", result.model_years},
                           {"units", result.units},
                           {"by_indicator", result.by_indicator}});
    });
  }

 private:
  static json answer_of(const store::Store& store, const store::UnitVersion& unit, int year,
                        const std::optional<std::string>& known_at) {
    json list = json::array();
    for (const auto& value : editing::indicators_of_unit(store, unit.code, year, known_at))
      list.push_back(editing::indicator_value_json(value));
    json reported = json::array();
    const auto plan = stats::plan_in_force(stats::programme_plans(store), year);  // whose targets apply that year
    for (const auto& definition : editing::indicator_definitions()) {
      if (!editing::reported_by(definition, unit.kind)) continue;
      const auto target = plan.target(definition.id, year);
      reported.push_back({{"id", definition.id},
                          {"label", definition.label_vi},
                          {"label_en", definition.label_en},
                          {"kind", editing::to_string(definition.kind)},
                          {"target", target ? json(target->percent) : json(nullptr)}});
    }
    return {{"unit", unit.code},
            {"name", unit.name},
            {"year", year},
            {"known_at", known_at ? json(*known_at) : json(nullptr)},
            {"reports", reported},
            {"indicators", list}};
  }

  std::shared_ptr<StoreWriter> writer_;
};

}  // namespace

void register_indicator_edits(http::Router& router, std::shared_ptr<StoreWriter> writer) {
  auto edits = std::make_shared<IndicatorEdits>(std::move(writer));
  router.get("/api/units/{code}/indicators/{year}", [edits](const http::Request& request) {
    return http::Response::deferred([edits, request] { return answer_json([&] { return edits->show(request); }); });
  });
  router.put("/api/units/{code}/indicators/{year}", [edits](const http::Request& request) {
    return http::Response::deferred([edits, request] { return answer_json([&] { return edits->put(request); }); });
  });
  router.get("/api/indicators/template", [edits](const http::Request& request) {
    return http::Response::deferred([edits, request] { return answer_json([&] { return edits->form(request); }); });
  });
  router.post_file("/api/indicators/import", {"text/csv", kXlsxType}, [edits](const http::Request& request) {
    return http::Response::deferred([edits, request] { return answer_json([&] { return edits->import(request); }); });
  });
}

}  // namespace antt::serve
