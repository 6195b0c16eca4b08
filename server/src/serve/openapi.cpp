// The OpenAPI 3 description of /api (GET /api/openapi.json). docs/api.md is the prose; this is what
// generators and API consoles read. Change both with the endpoints.
#include "serve/openapi.hpp"

#include <string>
#include <utility>

namespace antt::serve {
namespace {

using nlohmann::ordered_json;

ordered_json schema_ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

ordered_json json_content(ordered_json schema) {
  return {{"application/json", {{"schema", std::move(schema)}}}};
}

ordered_json described_answer(const std::string& description, ordered_json schema = nullptr) {
  ordered_json response = {{"description", description}};
  if (!schema.is_null()) response["content"] = json_content(std::move(schema));
  return response;
}

ordered_json error_answer(const std::string& description) { return described_answer(description, schema_ref("Error")); }

ordered_json path_parameter(const std::string& name, const std::string& description, ordered_json schema) {
  return {{"name", name}, {"in", "path"}, {"required", true}, {"description", description}, {"schema", schema}};
}

ordered_json query_parameter(const std::string& name, const std::string& description, ordered_json schema) {
  return {{"name", name}, {"in", "query"}, {"required", false}, {"description", description}, {"schema", schema}};
}

const ordered_json kYearParameter =
    query_parameter("year", "four digits, one of /api/years; default the latest year with a status",
                    {{"type", "integer"}, {"minimum", 1990}, {"maximum", 2100}});

ordered_json get_operation(const std::string& id, const std::string& summary, ordered_json parameters,
                           ordered_json ok) {
  return {{"operationId", id},
          {"summary", summary},
          {"parameters", std::move(parameters)},
          {"responses", {{"200", std::move(ok)}, {"400", error_answer("a bad parameter, with the reason")}}}};
}

ordered_json component_schemas() {
  const ordered_json nullable_text = {{"type", "string"}, {"nullable", true}};
  ordered_json status_values = {{"type", "string"},
                                {"enum", {"not_registered", "registered", "proposed", "recognised",
                                          "not_recognised", "revoked"}}};
  return {
      {"Error",
       {{"type", "object"},
        {"required", {"error", "status"}},
        {"properties", {{"error", {{"type", "string"}}}, {"status", {{"type", "integer"}}}}}}},
      {"StatusWrite",
       {{"type", "object"},
        {"required", {"status"}},
        {"additionalProperties", false},
        {"description", "recognised and revoked need decision, date and authority"},
        {"properties",
         {{"status", status_values},
          {"decision", nullable_text},
          {"date", {{"type", "string"}, {"format", "date"}, {"nullable", true}}},
          {"authority", nullable_text},
          {"note", nullable_text}}}}},
      {"StatusRow",
       {{"type", "object"},
        {"properties",
         {{"id", {{"type", "integer"}}},
          {"code", {{"type", "string"}}},
          {"year", {{"type", "integer"}}},
          {"status", status_values},
          {"label_vi", {{"type", "string"}}},
          {"label_en", {{"type", "string"}}},
          {"decision", nullable_text},
          {"date", nullable_text},
          {"authority", nullable_text},
          {"note", nullable_text},
          {"recorded_at", {{"type", "string"}}},
          {"recorded_by", {{"type", "string"}, {"nullable", true}, {"description", "null unless the caller's role is internal"}}},
          {"supersedes", {{"type", "integer"}, {"nullable", true}}},
          {"superseded", {{"type", "boolean"}}},
          {"etag", {{"type", "string"}, {"description", "send it back as If-Match to change this row"}}}}}}},
      {"Conflict",
       {{"type", "object"},
        {"properties",
         {{"error", {{"type", "string"}}},
          {"status", {{"type", "integer"}, {"enum", {409}}}},
          {"current", {{"allOf", ordered_json::array({schema_ref("StatusRow")})}, {"nullable", true}}}}}}},
      {"Unit",
       {{"type", "object"},
        {"properties",
         {{"code", {{"type", "string"}}},
          {"name", {{"type", "string"}}},
          {"kind", {{"type", "string"}}},
          {"parent_code", nullable_text},
          {"valid_from", nullable_text},
          {"valid_to", nullable_text},
          {"versions", {{"type", "array"}, {"items", {{"type", "object"}}}}},
          {"statuses", {{"type", "array"}, {"items", schema_ref("StatusRow")}}}}}}},
      {"BoundaryEdit",
       {{"type", "object"},
        {"required", {"boundaries"}},
        {"additionalProperties", false},
        {"description", "year (a correction of that year's versions) or new_version_from (a new version from that "
                        "day), exactly one"},
        {"properties",
         {{"year", {{"type", "integer"}, {"minimum", 1990}, {"maximum", 2100}}},
          {"new_version_from", {{"type", "string"}, {"format", "date"}}},
          {"boundaries",
           {{"type", "object"},
            {"description", "GeoJSON FeatureCollection of the edited units: properties code and version (the tag "
                            "of the copy from GET /api/boundaries; without it the copy is not checked)"}}},
          {"pending",
           {{"type", "object"}, {"description", "other unsaved edits checked together, not written (GeoJSON)"}}},
          {"override_reason",
           {{"type", "string"}, {"description", "save despite validation errors; recorded with the edit"}}}}}}},
      {"BoundaryResult",
       {{"type", "object"},
        {"properties",
         {{"written", {{"type", "boolean"}}},
          {"changed", {{"type", "array"}, {"items", {{"type", "string"}}}}},
          {"unchanged", {{"type", "array"}, {"items", {{"type", "string"}}}}},
          {"override", {{"type", "integer"}, {"nullable", true}}},
          {"change", {{"type", "string"}, {"enum", {"correction", "new_version"}}}},
          {"date", {{"type", "string"}, {"format", "date"}}},
          {"versions", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
          {"report", {{"type", "object"}, {"description", "the validation findings (as /api/validate)"}}},
          {"stale", {{"type", "array"}, {"items", {{"type", "string"}}}, {"description", "409 only"}}},
          {"current", {{"type", "object"}, {"description", "409 only: the stale units as stored now"}}}}}}},
      {"Document", {{"type", "object"}, {"description", "see docs/api.md"}}},
  };
}

}  // namespace

nlohmann::ordered_json openapi_document(const std::string& server_url) {
  const ordered_json code = path_parameter("code", "the unit's code", {{"type", "string"}, {"maxLength", 64}});
  const ordered_json year_path =
      path_parameter("year", "four digits", {{"type", "integer"}, {"minimum", 1990}, {"maximum", 2100}});
  ordered_json paths;
  paths["/api/years"]["get"] =
      get_operation("years", "years with statuses, the default year and the map's extent", ordered_json::array(),
                    described_answer("the years", schema_ref("Document")));
  paths["/api/stats"]["get"] = get_operation(
      "stats", "statistics of a year (as `anttmap --json stats`)",
      ordered_json::array({kYearParameter,
                           query_parameter("as_of",
                                           "count the statuses as recorded by then: YYYY-MM-DD (end of that day, "
                                           "Vietnam time) or YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)",
                                           {{"type", "string"}, {"maxLength", 64}}),
                           query_parameter("group_by",
                                           "former_district or former_province: the year's units grouped by the "
                                           "districts (provinces) their communes lay in before a reform",
                                           {{"type", "string"}, {"enum", {"former_district", "former_province"}}}),
                           query_parameter("group_date", "with group_by: the day of those areas (default: the day "
                                                         "before the last one ended)",
                                           {{"type", "string"}, {"format", "date"}})}),
      described_answer("the statistics", schema_ref("Document")));
  paths["/api/progress"]["get"] =
      get_operation("progress", "share of units recognised per year against the programme's targets",
                    ordered_json::array(), described_answer("the series", schema_ref("Document")));
  paths["/api/search"]["get"] = get_operation(
      "search", "units whose name matches, ignoring diacritics and case",
      {{{"name", "q"}, {"in", "query"}, {"required", true}, {"schema", {{"type", "string"}, {"maxLength", 256}}}},
       query_parameter("limit", "1-100, default 20", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}}),
       kYearParameter},
      described_answer("the matches", schema_ref("Document")));
  paths["/api/units/{code}"]["get"] =
      get_operation("unit", "one unit with its versions and status history", {code, kYearParameter},
                    described_answer("the unit", schema_ref("Unit")));
  paths["/api/units/{code}"]["get"]["responses"]["404"] = error_answer("no unit with this code");

  paths["/api/units/{code}/lineage"]["get"] =
      get_operation("lineage", "what the unit was made from and what it became (as `anttmap --json lineage show`)",
                    ordered_json::array({code}), described_answer("versions, events, before and after", schema_ref("Document")));
  paths["/api/units/{code}/lineage"]["get"]["responses"]["404"] = error_answer("no unit with this code");
  paths["/api/history"]["get"] = get_operation(
      "history", "recognition of past years re-expressed on the communes of a date",
      ordered_json::array(
          {{{"name", "on_units_of"}, {"in", "query"}, {"required", true}, {"schema", {{"type", "string"}, {"format", "date"}}}},
           {{"name", "years"}, {"in", "query"}, {"required", true}, {"schema", {{"type", "string"}, {"example", "2015,2020"}}}}}),
      described_answer("per commune and year: area and village shares recognised", schema_ref("Document")));
  paths["/api/history"]["get"]["responses"]["400"] = error_answer("a bad date or year list, with the reason");

  ordered_json show = get_operation("status", "the status row in force for a unit and year", {code, year_path},
                                    described_answer("the row; its ETag header is the row's etag", schema_ref("StatusRow")));
  show["responses"]["404"] = error_answer("no status recorded for this unit and year");
  paths["/api/units/{code}/status/{year}"]["get"] = show;
  paths["/api/units/{code}/status/{year}"]["put"] = {
      {"operationId", "setStatus"},
      {"summary", "set or correct a unit's status of a year (editors within their scope, admins)"},
      {"description",
       "A correction supersedes the row in force; nothing is deleted. Send If-Match with the etag of the row you "
       "read: a stale one is refused with 409 and the current row, so no edit is overwritten silently. The same "
       "values again write nothing. The audit names the account and its client (X-Anttmap-Client: web, qgis or "
       "api)."},
      {"security", {{{"bearer", ordered_json::array()}}, {{"session", ordered_json::array()}}}},
      {"parameters",
       {code, year_path,
        {{"name", "If-Match"}, {"in", "header"}, {"required", false}, {"schema", {{"type", "string"}}}},
        {{"name", "X-Anttmap-Client"},
         {"in", "header"},
         {"required", false},
         {"schema", {{"type", "string"}, {"enum", {"web", "qgis", "api"}}}}}}},
      {"requestBody", {{"required", true}, {"content", json_content(schema_ref("StatusWrite"))}}},
      {"responses",
       {{"200", described_answer("the stored row, with its ETag header", schema_ref("StatusRow"))},
        {"400", error_answer("a bad body or year, with the reason; nothing written")},
        {"401", error_answer("no credentials")},
        {"403", error_answer("not an editor or admin, or the unit is outside the editor's scope")},
        {"404", error_answer("no unit with this code")},
        {"409", described_answer("If-Match is not the row in force; nothing written", schema_ref("Conflict"))},
        {"415", error_answer("the body is not application/json")}}}};
  ordered_json decision_get = get_operation(
      "decision", "the scanned decision of the status in force (internal roles only)", {code, year_path},
      {{"description", "the file"},
       {"content", {{"application/pdf", ordered_json::object()}, {"image/jpeg", ordered_json::object()},
                    {"image/png", ordered_json::object()}}}});
  decision_get["responses"]["401"] = error_answer("no credentials");
  decision_get["responses"]["403"] = error_answer("a role that may not see decisions (partner, embed token)");
  decision_get["responses"]["404"] = error_answer("no document");
  paths["/api/units/{code}/status/{year}/decision"]["get"] = decision_get;
  paths["/api/units/{code}/status/{year}/decision"]["put"] = {
      {"operationId", "attachDecision"},
      {"summary", "attach the scanned decision (PDF, JPEG or PNG by content, at most 10 MB) to the status in force"},
      {"security", {{{"bearer", ordered_json::array()}}, {{"session", ordered_json::array()}}}},
      {"parameters",
       {code, year_path,
        {{"name", "If-Match"}, {"in", "header"}, {"required", false}, {"schema", {{"type", "string"}}}},
        {{"name", "X-File-Name"}, {"in", "header"}, {"required", false}, {"schema", {{"type", "string"}}}}}},
      {"requestBody",
       {{"required", true},
        {"content", {{"application/pdf", {{"schema", {{"type", "string"}, {"format", "binary"}}}}},
                     {"image/jpeg", {{"schema", {{"type", "string"}, {"format", "binary"}}}}},
                     {"image/png", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}}},
      {"responses",
       {{"200", described_answer("the status row with decision_document", schema_ref("StatusRow"))},
        {"400", error_answer("no status row to attach it to")},
        {"401", error_answer("no credentials")},
        {"403", error_answer("not an editor or admin, or outside the editor's scope")},
        {"409", described_answer("If-Match is not the row in force", schema_ref("Conflict"))},
        {"413", error_answer("larger than 10 MB")},
        {"415", error_answer("not a PDF, JPEG or PNG by its content, or another declared type")}}}};
  const auto record_write = [&](const std::string& id, const std::string& summary, ordered_json parameters) {
    return ordered_json{
        {"operationId", id},
        {"summary", summary},
        {"security", {{{"bearer", ordered_json::array()}}, {{"session", ordered_json::array()}}}},
        {"parameters", std::move(parameters)},
        {"requestBody", {{"required", true}, {"content", json_content(schema_ref("Document"))}}},
        {"responses",
         {{"200", described_answer("the record as stored", schema_ref("Document"))},
          {"400", error_answer("a bad body or a rule broken (see docs/api.md); nothing written")},
          {"401", error_answer("no credentials")},
          {"403", error_answer("not an editor or admin, or outside the editor's scope")}}}};
  };
  // A CSV or XLSX sheet sent as the body.
  const ordered_json sheet_upload = {
      {"required", true},
      {"content",
       {{"text/csv", {{"schema", {{"type", "string"}}}}},
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
  paths["/api/statuses/import"]["post"] = {
      {"operationId", "importStatuses"},
      {"summary", "import a CSV or XLSX sheet of statuses, all rows or none (editors within their scope, admins)"},
      {"security", {{{"bearer", ordered_json::array()}}, {{"session", ordered_json::array()}}}},
      {"requestBody", sheet_upload},
      {"responses",
       {{"200", described_answer("{imported}", schema_ref("Document"))},
        {"400", error_answer("a bad row, named; nothing written")},
        {"401", error_answer("no credentials")},
        {"403", error_answer("a row outside the editor's scope, named; nothing written")},
        {"415", error_answer("not CSV or XLSX")}}}};
  paths["/api/lineage"]["post"] = record_write(
      "recordLineage",
      "record a merge, split, rename, reclassification, transfer, abolition or creation {kind, from, date, decision, "
      "into, name, subtype, parent_code, unit_kind, units, note} (editors within their scope, admins)",
      ordered_json::array());
  paths["/api/units/{code}/hotspot"]["post"] =
      record_write("designateHotspot", "designate a key hotspot commune from a day {from, decision, note}", {code});
  paths["/api/units/{code}/hotspot/lift"]["post"] =
      record_write("liftHotspot", "end the hotspot designation in force {on}", {code});
  paths["/api/units/{code}/clusters/{year}"]["put"] =
      record_write("setClusters", "the border clusters a unit belongs to in a year {clusters}", {code, year_path});
  paths["/api/units/{code}/indicators/{year}"]["get"] = get_operation(
      "unitIndicators", "the programme's indicators of a unit in a year, as recorded (viewers, editors, admins)",
      {code, year_path,
       query_parameter("as_of", "as recorded by then: YYYY-MM-DD (end of that day, Vietnam time) or a moment",
                       {{"type", "string"}})},
      described_answer("{unit, name, year, known_at, reports: [{id, label, label_en, kind, target}], indicators: [{indicator, label, "
                       "kind, value, shown, note, "
                       "recorded_at, recorded_by}]}",
                       schema_ref("Document")));
  paths["/api/units/{code}/indicators/{year}"]["get"]["security"] = {{{"bearer", ordered_json::array()}},
                                                                     {{"session", ordered_json::array()}}};
  paths["/api/units/{code}/indicators/{year}"]["put"] = record_write(
      "recordIndicators",
      "record indicators of a unit and year, all or nothing {values: {id: value}, note} (`anttmap record indicators` "
      "lists the ids)",
      {code, year_path});
  paths["/api/indicators/template"]["get"] = {
      {"operationId", "indicatorForm"},
      {"summary", "the year's indicator form to fill (.xlsx), pre-filled with the values in force (editors of the "
                  "unit named by within, admins)"},
      {"security", {{{"bearer", ordered_json::array()}}, {{"session", ordered_json::array()}}}},
      {"parameters",
       {kYearParameter, query_parameter("within", "a unit of the editor's scope (needed when the scope has several)",
                                        {{"type", "string"}})}},
      {"responses",
       {{"200", {{"description", "the workbook"},
                 {"content", {{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}}},
        {"400", error_answer("no year, or within missing for a scope of several units")},
        {"401", error_answer("no credentials")},
        {"403", error_answer("not an editor or admin, or outside the editor's scope")}}}};
  paths["/api/indicators/import"]["post"] = {
      {"operationId", "importIndicators"},
      {"summary", "a filled indicator form (.xlsx) or a CSV (ma_don_vi, chi_tieu, gia_tri[, nam, ghi_chu]), all or "
                  "nothing (editors within their scope, admins)"},
      {"security", {{{"bearer", ordered_json::array()}}, {{"session", ordered_json::array()}}}},
      {"parameters",
       {query_parameter("year", "must agree with the form's; needed for a CSV without nam", {{"type", "integer"}}),
        query_parameter("note", "kept with every value", {{"type", "string"}})}},
      {"requestBody", sheet_upload},
      {"responses",
       {{"200", described_answer("{year, recorded, unchanged, models_added, model_years, units, by_indicator}",
                                 schema_ref("Document"))},
        {"400", described_answer("{error, problems: [{sheet, row, column, place, reason}]}: every bad cell; nothing "
                                 "written",
                                 schema_ref("Document"))},
        {"401", error_answer("no credentials")},
        {"403", error_answer("a unit outside the editor's scope, named; nothing written")},
        {"415", error_answer("not CSV or XLSX")}}}};
  paths["/api/me"]["get"] = get_operation(
      "me", "who the server takes the caller for: name, role, scope and whether it may edit", ordered_json::array(),
      described_answer("{name, role, scope, edits}", schema_ref("Document")));
  paths["/api/boundaries"]["get"] = get_operation(
      "copyBoundaries", "an editable layer's units of a day with exact boundaries and version tags (editors, admins)",
      {{{"name", "layer"}, {"in", "query"}, {"required", true}, {"schema", {{"type", "string"}, {"enum", {"communes", "villages"}}}}},
       kYearParameter,
       query_parameter("date", "YYYY-MM-DD instead of year", {{"type", "string"}, {"format", "date"}})},
      described_answer("a GeoJSON FeatureCollection (properties code, name, kind, parent_code, valid_from, valid_to, "
                       "version)",
                       schema_ref("Document")));
  paths["/api/boundaries"]["get"]["security"] = {{{"bearer", ordered_json::array()}}, {{"session", ordered_json::array()}}};
  paths["/api/boundaries"]["post"] = {
      {"operationId", "saveBoundaries"},
      {"summary", "save edited boundaries (editors within their scope, admins)"},
      {"description",
       "Validated as `anttmap validate --candidate` with the pending edits; errors refuse the write (422) unless an "
       "override_reason is given, which is recorded. A correction changes the year's versions in place; a new "
       "version ends the version valid on new_version_from and starts one with the edited boundary. A unit whose "
       "version tag moved on since the copy is refused with 409 and its current boundary. All or nothing; the audit "
       "names the account and its client."},
      {"security", {{{"bearer", ordered_json::array()}}, {{"session", ordered_json::array()}}}},
      {"requestBody", {{"required", true}, {"content", json_content(schema_ref("BoundaryEdit"))}}},
      {"responses",
       {{"200", described_answer("saved", schema_ref("BoundaryResult"))},
        {"400", error_answer("a bad body, with the reason; nothing written")},
        {"401", error_answer("no credentials")},
        {"403", error_answer("not an editor or admin, or a unit outside the editor's scope (named)")},
        {"404", error_answer("a code without a version on the day")},
        {"409", described_answer("a stale copy; nothing written", schema_ref("BoundaryResult"))},
        {"422", described_answer("validation errors and no override_reason; nothing written",
                                 schema_ref("BoundaryResult"))}}}};
  paths["/api/legend"]["get"] =
      get_operation("legend", "the legend of the layers the caller may see",
                    ordered_json::array({query_parameter("layer", "one layer's legend", {{"type", "string"}})}),
                    described_answer("the legend", schema_ref("Document")));
  paths["/api/layers"]["get"] = get_operation("layers", "the layers the caller may see", ordered_json::array(),
                                              described_answer("the layer list", schema_ref("Document")));
  paths["/api/validate"]["post"] = {
      {"operationId", "validate"},
      {"summary", "validate candidate boundaries (as `anttmap validate --candidate`)"},
      {"parameters", ordered_json::array({kYearParameter})},
      {"requestBody",
       {{"required", true}, {"content", {{"application/geo+json", {{"schema", schema_ref("Document")}}}}}}},
      {"responses",
       {{"200", described_answer("the findings", schema_ref("Document"))}, {"400", error_answer("not a candidate GeoJSON")}}}};

  ordered_json document = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "anttmap API"},
        {"version", "1"},
        {"description", "Units, statuses and statistics of the ANTT movement; docs/api.md explains each answer."}}},
      {"paths", std::move(paths)},
      {"components",
       {{"schemas", component_schemas()},
        {"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"description", "an API key (`anttmap key add`)"}}},
          {"session",
           {{"type", "apiKey"},
            {"in", "cookie"},
            {"name", "anttmap_session"},
            {"description", "a signed-in browser; state-changing requests also send X-CSRF-Token"}}}}}}}};
  if (!server_url.empty()) document["servers"] = ordered_json::array({ordered_json{{"url", server_url}}});
  return document;
}

}  // namespace antt::serve
