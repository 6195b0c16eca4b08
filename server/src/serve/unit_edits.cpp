// Writes over the network: a unit's yearly status (docs/api.md, "Editing").
#include "serve/unit_edits.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/editing/records.hpp"
#include "antt/status/status_import.hpp"
#include "antt/store/store.hpp"
#include "antt/text/percent_encoding.hpp"
#include "antt/text/unicode.hpp"
#include "serve/access_control.hpp"
#include "serve/boundary_edits.hpp"
#include "serve/edit_access.hpp"
#include "serve/errors.hpp"
#include "serve/indicator_edits.hpp"
#include "serve/lineage_edits.hpp"
#include "serve/openapi.hpp"
#include "serve/params.hpp"
#include "serve/status_rows.hpp"

namespace antt::serve {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxUnitCodeBytes = 64;
constexpr std::size_t kMaxFieldBytes = 200;  // decision number, authority
constexpr std::size_t kMaxNoteBytes = 2000;
constexpr int kFirstStatusYear = 1990, kLastStatusYear = 2100;

/// A write refused because the row changed since the client read it: the current row goes back.
struct StaleWrite {
  std::optional<store::StatusRecord> current;
};

/// The year of the path, within the store's range; 400 otherwise.
int status_year_of(const http::Request& request) {
  const std::string text = request.path_params.at("year");
  const std::optional<int> year = parse_year(text);
  if (!year || *year < kFirstStatusYear || *year > kLastStatusYear)
    throw RequestError(400, "the year must be four digits from " + std::to_string(kFirstStatusYear) + " to " +
                                std::to_string(kLastStatusYear) + " / năm không hợp lệ");
  return *year;
}

std::string unit_code_of(const http::Request& request) {
  return checked_text(request.path_params.at("code"), kMaxUnitCodeBytes, "code");
}

/// A text field of the body: a string (NFC, trimmed, at most `max_bytes`) or null/absent (empty).
std::string text_field(const json& body, const char* name, std::size_t max_bytes) {
  const auto found = body.find(name);
  if (found == body.end() || found->is_null()) return {};
  if (!found->is_string())
    throw RequestError(400, std::string("\"") + name + "\" must be a string or null / trường phải là chuỗi");
  const std::string& value = found->get_ref<const std::string&>();
  if (!text::is_valid_utf8(value)) throw RequestError(400, std::string("\"") + name + "\" is not valid UTF-8");
  std::string text = text::to_nfc(text::trim(value));
  if (text.size() > max_bytes)
    throw RequestError(400, std::string("\"") + name + "\" is longer than " + std::to_string(max_bytes) +
                                " bytes / trường quá dài");
  return text;
}

/// The status row a PUT body describes, for `code` and `year`.
store::StatusRecord record_from_body(const std::string& body_text, const std::string& code, int year) {
  json body;
  try {
    body = json::parse(body_text);
  } catch (const json::exception&) {
    throw RequestError(400, "the body is not JSON / nội dung không phải JSON");
  }
  if (!body.is_object())
    throw RequestError(400, "send a JSON object {\"status\", \"decision\", \"date\", \"authority\", \"note\"}");
  static const std::set<std::string, std::less<>> known = {"status", "decision", "date", "authority", "note"};
  for (const auto& [key, value] : body.items()) {
    if (known.count(key) == 0)
      throw RequestError(400, "unknown field \"" + key +
                                  "\"; a status takes status, decision, date, authority, note / trường không hợp lệ");
  }
  const auto status = body.find("status");
  if (status == body.end() || !status->is_string())
    throw RequestError(400, "\"status\" is required: one of not_registered, registered, proposed, recognised, "
                            "not_recognised, revoked / thiếu trạng thái");
  store::StatusRecord record;
  record.unit_code = code;
  record.year = year;
  try {
    record.status = store::parse_status(status->get_ref<const std::string&>());
  } catch (const InputError& error) {
    throw RequestError(400, error.what());
  }
  record.decision_number = text_field(body, "decision", kMaxFieldBytes);
  if (const std::string date = text_field(body, "date", kMaxFieldBytes); !date.empty()) {
    try {
      record.decision_date = require_iso_date(date, "date");
    } catch (const Error& error) {
      throw RequestError(400, error.what());
    }
  }
  record.authority = text_field(body, "authority", kMaxFieldBytes);
  record.note = text_field(body, "note", kMaxNoteBytes);
  return record;
}

/// A JSON object body whose fields are all among `known` (400 naming the first other one).
json object_body(const std::string& text, const std::set<std::string, std::less<>>& known, const std::string& what) {
  json body;
  try {
    body = json::parse(text);
  } catch (const json::exception&) {
    throw RequestError(400, "the body is not JSON / nội dung không phải JSON");
  }
  std::string fields;
  for (const auto& name : known) fields += (fields.empty() ? "" : ", ") + name;
  if (!body.is_object()) throw RequestError(400, what + " takes a JSON object with " + fields);
  for (const auto& [key, value] : body.items())
    if (known.count(key) == 0)
      throw RequestError(400, "unknown field \"" + key + "\"; " + what + " takes " + fields + " / trường không hợp lệ");
  return body;
}

/// A required ISO date field of `body`.
std::string date_field(const json& body, const char* name) {
  const std::string text = text_field(body, name, kMaxFieldBytes);
  if (text.empty()) throw RequestError(400, std::string("\"") + name + "\" (YYYY-MM-DD) is required / thiếu ngày");
  const auto date = parse_iso_date(text);
  if (!date) throw RequestError(400, std::string("\"") + name + "\" must be a calendar date YYYY-MM-DD");
  return *date;
}

nlohmann::json hotspot_answer(const store::HotspotDesignation& hotspot) {
  return {{"id", hotspot.id},
          {"commune_code", hotspot.commune_code},
          {"valid_from", hotspot.valid_from},
          {"valid_to", hotspot.valid_to ? json(*hotspot.valid_to) : json(nullptr)},
          {"decision", hotspot.decision.empty() ? json(nullptr) : json(hotspot.decision)},
          {"note", hotspot.note.empty() ? json(nullptr) : json(hotspot.note)}};
}

/// True when the client's If-Match names `current` (or is "*" and a row exists). Weak tags never
/// match: If-Match compares strongly. The tag of a gzipped answer ("status-N-gz") names the same row.
bool if_match_holds(std::string_view header, const std::optional<store::StatusRecord>& current) {
  const std::string expected = current ? status_etag(current->id) : std::string();
  const std::string expected_gzip = expected.empty() ? expected : expected.substr(0, expected.size() - 1) + "-gz\"";
  while (!header.empty()) {
    const auto comma = header.find(',');
    const std::string_view tag = http::trim_whitespace(header.substr(0, comma));
    if (tag == "*" && current) return true;
    if (current && (tag == expected || tag == expected_gzip)) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

/// Same values as the row in force: writing it again would only add a duplicate correction.
bool same_values(const store::StatusRecord& a, const store::StatusRecord& b) {
  return a.status == b.status && a.decision_number == b.decision_number && a.decision_date == b.decision_date &&
         a.authority == b.authority && a.note == b.note;
}

/// A file of the request body on disk for a reader that takes paths (GDAL); removed when done.
class TemporaryFile {
 public:
  TemporaryFile(const std::string& extension, const std::string& content) {
    std::string pattern = (std::filesystem::temp_directory_path() / "anttmap-upload-XXXXXX").string() + extension;
    const int descriptor = mkstemps(pattern.data(), static_cast<int>(extension.size()));
    if (descriptor < 0) throw std::runtime_error("cannot make a temporary file for the upload");
    path_ = pattern;
    std::size_t written = 0;
    while (written < content.size()) {
      const ssize_t step = ::write(descriptor, content.data() + written, content.size() - written);
      if (step <= 0) {
        ::close(descriptor);
        std::filesystem::remove(path_);
        throw std::runtime_error("cannot write the upload to a temporary file");
      }
      written += static_cast<std::size_t>(step);
    }
    ::close(descriptor);
  }
  ~TemporaryFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class UnitEdits {
 public:
  UnitEdits(std::shared_ptr<StoreWriter> writer, std::shared_ptr<StoreReads> reads)
      : writer_(std::move(writer)), reads_(std::move(reads)) {}

  http::Response show(const http::Request& request) {
    const std::string code = unit_code_of(request);
    const int year = status_year_of(request);
    // Kept per change position of the store, as /api/units/{code} keeps the history.
    const auto history = reads_->cached<std::vector<store::StatusRecord>>(
        "history " + code, [&](const store::Store& store) { return store.status_history(code); });
    const auto current = current_status(*history, year);
    if (!current)
      throw RequestError(404, "no status of unit " + code + " for " + std::to_string(year) +
                                  " / chưa có trạng thái của đơn vị trong năm này");
    const auto decision = reads_->cached<std::optional<store::DecisionDocument>>(
        "decision " + code + " " + std::to_string(year),
        [&](const store::Store& store) { return store.decision_document(code, year, false); });
    return row_answer(*current, request.caller, *decision);
  }

  /// PUT .../decision: the scanned decision attached to the status row in force.
  http::Response attach_decision(const http::Request& request) {
    const access::Caller& caller = request.caller;
    require_editor(caller, "attaching a decision");
    const std::string code = unit_code_of(request);
    const int year = status_year_of(request);
    store::DecisionDocument document;
    document.unit_code = code;
    document.year = year;
    document.content = request.body;
    if (static_cast<std::int64_t>(document.content.size()) > store::kMaxDecisionBytes)
      throw RequestError(413, "the decision file is larger than 10 MB / tệp quyết định lớn hơn 10 MB");
    const std::string found = store::decision_media_type(document.content);
    const std::string declared = http::media_type(request.header("Content-Type").value_or(""));
    if (found.empty())
      throw RequestError(415, "the file is not a PDF, JPEG or PNG by its content / nội dung tệp không phải PDF, "
                              "JPEG hoặc PNG");
    if (found != declared)
      throw RequestError(415, "the file's content is " + found + ", not " + declared + " / kiểu tệp không khớp nội dung");
    if (const auto name = request.header("X-File-Name"))
      document.file_name = checked_text(http::percent_decode(*name), kMaxFieldBytes, "X-File-Name");
    const std::optional<std::string> if_match = request.header("If-Match");
    return writer_->with([&](store::Store& writer) {
      require_unit_in_scope(writer, code, year, caller);
      std::optional<store::StatusRecord> current;
      try {
        writer.write(actor_of(request), [&] {
          current = current_status(writer.status_history(code), year);
          if (if_match && !if_match_holds(*if_match, current)) throw StaleWrite{current};
          if (!current)
            throw RequestError(400, "set the status of " + std::to_string(year) +
                                        " first; the decision is attached to it / cần đặt trạng thái trước");
          writer.add_decision_document(document);
        });
      } catch (const StaleWrite& stale) {
        return conflict(stale, caller);
      }
      return row_answer(*current, caller, writer.decision_document(code, year, false));
    });
  }

  /// GET .../decision: the scanned decision, to internal roles only (partners and the public never
  /// learn whether there is one).
  http::Response decision(const http::Request& request) {
    const access::Caller& caller = request.caller;
    if (!caller.reads_internal_attributes()) throw not_allowed(caller, "decision documents");
    const std::string code = unit_code_of(request);
    const int year = status_year_of(request);
    const auto document = writer_->read([&](const store::Store& store) { return store.decision_document(code, year); });
    if (!document)
      throw RequestError(404, "no decision document for unit " + code + " in " + std::to_string(year) +
                                  " / chưa có tệp quyết định");
    http::Response answer =
        http::Response::shared(200, std::make_shared<const std::string>(document->content), document->media_type);
    answer.headers["Content-Disposition"] = "inline; filename*=UTF-8''" + text::percent_encode_except(
        document->file_name.empty() ? code + "-" + std::to_string(year) : document->file_name, ".-_");
    answer.headers["X-Content-Type-Options"] = "nosniff";
    answer.headers["Cache-Control"] = "private, no-store";
    answer.headers["ETag"] = "\"decision-" + std::to_string(document->id) + "\"";
    answer.reusable = false;
    return answer;
  }

  /// POST /api/units/{code}/hotspot: designation from a date; .../hotspot/lift: its end.
  http::Response hotspot(const http::Request& request, bool lift) {
    const access::Caller& caller = request.caller;
    require_editor(caller, lift ? "lifting a hotspot designation" : "designating a hotspot");
    const std::string code = unit_code_of(request);
    const json body = lift ? object_body(request.body, {"on"}, "lifting a hotspot")
                           : object_body(request.body, {"from", "decision", "note"}, "a hotspot designation");
    const std::string date = date_field(body, lift ? "on" : "from");
    return writer_->with([&](store::Store& writer) {
      require_unit_in_scope(writer, code, year_of(date), caller);
      if (lift) return no_store(json_answer_of(hotspot_answer(editing::lift_hotspot(writer, actor_of(request), code, date))));
      store::HotspotDesignation designation;
      designation.commune_code = code;
      designation.valid_from = date;
      designation.decision = text_field(body, "decision", kMaxFieldBytes);
      designation.note = text_field(body, "note", kMaxNoteBytes);
      return no_store(json_answer_of(hotspot_answer(editing::designate_hotspot(writer, actor_of(request), designation))));
    });
  }

  /// POST /api/statuses/import: a CSV or XLSX sheet of statuses (as `anttmap status import`), all rows
  /// or none; every row's unit must be within the caller's scope.
  http::Response import_statuses(const http::Request& request) {
    const access::Caller& caller = request.caller;
    require_editor(caller, "importing statuses");
    const std::string type = http::media_type(request.header("Content-Type").value_or(""));
    const bool xlsx = type != "text/csv";
    if (xlsx != (request.body.rfind("PK\x03\x04", 0) == 0))
      throw RequestError(415, xlsx ? "the body is not an XLSX workbook / tệp không phải XLSX"
                                   : "the body is not a CSV sheet / tệp không phải CSV");
    if (!xlsx && !text::is_valid_utf8(request.body))
      throw RequestError(400, "a CSV sheet must be UTF-8 (save it as \"CSV UTF-8\") / tệp CSV phải mã hóa UTF-8");
    TemporaryFile sheet(xlsx ? ".xlsx" : ".csv", request.body);
    status::StatusImportOptions options;
    options.label = "the uploaded sheet";
    return writer_->with([&](store::Store& writer) {
      options.check_row = [&](const store::StatusRecord& record) {
        require_unit_in_scope(writer, record.unit_code, record.year, caller);
      };
      const auto result = status::import_statuses(writer, actor_of(request), sheet.path(), {}, options);
      return no_store(json_answer_of({{"imported", result.imported}}));
    });
  }

  /// PUT /api/units/{code}/clusters/{year}: the unit is a member of exactly these clusters that year.
  http::Response clusters(const http::Request& request) {
    const access::Caller& caller = request.caller;
    require_editor(caller, "changing cluster membership");
    const std::string code = unit_code_of(request);
    const int year = status_year_of(request);
    const json body = object_body(request.body, {"clusters"}, "cluster membership");
    const auto list = body.find("clusters");
    if (list == body.end() || !list->is_array())
      throw RequestError(400, "\"clusters\" must be an array of cluster codes (empty: none) / cần danh sách mã cụm");
    std::set<std::string> wanted;
    for (const auto& cluster : *list) {
      if (!cluster.is_string()) throw RequestError(400, "\"clusters\" holds cluster codes (strings)");
      wanted.insert(checked_text(cluster.get<std::string>(), kMaxUnitCodeBytes, "cluster"));
    }
    return writer_->with([&](store::Store& writer) {
      require_unit_in_scope(writer, code, year, caller);
      editing::set_cluster_membership(writer, actor_of(request), code, year, wanted);
      return no_store(json_answer_of({{"unit", code}, {"year", year}, {"clusters", wanted}}));
    });
  }

  http::Response put(const http::Request& request) {
    const access::Caller& caller = request.caller;
    require_editor(caller, "setting a status");
    const std::string code = unit_code_of(request);
    const int year = status_year_of(request);
    store::StatusRecord record = record_from_body(request.body, code, year);
    const std::optional<std::string> if_match = request.header("If-Match");

    return writer_->with([&](store::Store& writer) { return write_status(writer, request, record, if_match); });
  }

 private:
  http::Response write_status(store::Store& writer, const http::Request& request, const store::StatusRecord& record,
                              const std::optional<std::string>& if_match) {
    const access::Caller& caller = request.caller;
    const std::string& code = record.unit_code;
    const int year = record.year;
    require_unit_in_scope(writer, code, year, caller);

    const store::Actor actor = actor_of(request);
    std::optional<store::StatusRecord> saved;
    try {
      writer.write(actor, [&] {
        // Checked inside the write transaction: another server or the CLI cannot slip in between.
        const auto current = current_status(writer.status_history(code), year);
        if (if_match && !if_match_holds(*if_match, current)) throw StaleWrite{current};
        if (current && same_values(*current, record)) {
          saved = current;
          return;
        }
        writer.add_status(record);
        saved = current_status(writer.status_history(code), year);
      });
    } catch (const StaleWrite& stale) {
      return conflict(stale, caller);
    }
    if (!saved) throw std::runtime_error("the status was written but cannot be read back");
    return row_answer(*saved, caller, writer.decision_document(code, year, false));
  }

  static http::Response json_answer_of(const json& document) { return http::Response::json(200, document.dump()); }
  static http::Response no_store(http::Response answer) {
    answer.headers["Cache-Control"] = "no-store";
    answer.reusable = false;
    return answer;
  }

  static http::Response row_answer(const store::StatusRecord& record, const access::Caller& caller,
                                   const std::optional<store::DecisionDocument>& document) {
    json row = status_row_json(record, caller, false);
    // Whether a decision is attached is internal too: partners and the public are not told.
    if (caller.reads_internal_attributes())
      row["decision_document"] =
          document ? json{{"media_type", document->media_type},
                          {"file_name", document->file_name},
                          {"bytes", document->bytes},
                          {"sha256", document->sha256},
                          {"uploaded_at", document->uploaded_at},
                          {"uploaded_by", document->uploaded_by},
                          {"url", "/api/units/" + text::percent_encode_except(record.unit_code, "") + "/status/" +
                                      std::to_string(record.year) + "/decision"}}
                   : json(nullptr);
    http::Response answer = http::Response::json(200, row.dump());
    answer.headers["ETag"] = status_etag(record.id);
    answer.headers["Cache-Control"] = "no-store";
    answer.reusable = false;
    return answer;
  }

  static http::Response conflict(const StaleWrite& stale, const access::Caller& caller) {
    json document = {{"error", "the status changed since you read it; nothing was written. Read the current row "
                               "and decide again / trạng thái đã bị người khác sửa, chưa ghi gì"},
                     {"status", 409},
                     {"current", stale.current ? status_row_json(*stale.current, caller, false) : json(nullptr)}};
    http::Response answer = http::Response::json(409, document.dump());
    if (stale.current) answer.headers["ETag"] = status_etag(stale.current->id);
    answer.headers["Cache-Control"] = "no-store";
    answer.reusable = false;
    return answer;
  }

  std::shared_ptr<StoreWriter> writer_;
  std::shared_ptr<StoreReads> reads_;
};

}  // namespace

void register_unit_edits(http::Router& router, EditContext context) {
  const std::string openapi = openapi_document(context.public_url).dump(2) + "\n";
  router.get("/api/openapi.json", [openapi](const http::Request&) {
    http::Response document = http::Response::json(200, openapi);
    document.reusable = true;
    return document;
  });
  auto writer = std::make_shared<StoreWriter>(context.store_path);
  register_boundary_edits(router, writer);
  register_indicator_edits(router, writer);
  register_lineage_edits(router, writer);
  // Who the server takes the caller for: clients (the QGIS plugin) offer editing only to those who may.
  router.get("/api/me", [](const http::Request& request) {
    const access::Caller& caller = request.caller;
    const bool edits = caller.signed_in() && caller.credential != access::Credential::embed_token &&
                       (caller.role == access::Role::editor || caller.role == access::Role::admin);
    json document = {{"name", caller.signed_in() ? json(caller.name) : json(nullptr)},
                     {"role", std::string(access::to_string(caller.role))},
                     {"scope", caller.scope},
                     {"edits", edits}};
    http::Response answer = http::Response::json(200, document.dump());
    answer.headers["Cache-Control"] = "no-store";
    answer.reusable = false;
    return answer;
  });
  auto reads = context.reads ? context.reads : std::make_shared<StoreReads>(context.store_path, 8);
  auto edits = std::make_shared<UnitEdits>(writer, reads);
  // Writes wait on SQLite's lock and argon2-free checks only: quick, but a worker keeps the I/O
  // threads free while another process holds the write lock.
  router.get("/api/units/{code}/status/{year}", [edits](const http::Request& request) {
    return answer_json([&] { return edits->show(request); });
  });
  router.put("/api/units/{code}/status/{year}", [edits](const http::Request& request) {
    return http::Response::deferred([edits, request] { return answer_json([&] { return edits->put(request); }); });
  });
  router.post_file("/api/statuses/import",
                   {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
                   [edits](const http::Request& request) {
                     return http::Response::deferred(
                         [edits, request] { return answer_json([&] { return edits->import_statuses(request); }); });
                   });
  router.post("/api/units/{code}/hotspot", [edits](const http::Request& request) {
    return http::Response::deferred([edits, request] { return answer_json([&] { return edits->hotspot(request, false); }); });
  });
  router.post("/api/units/{code}/hotspot/lift", [edits](const http::Request& request) {
    return http::Response::deferred([edits, request] { return answer_json([&] { return edits->hotspot(request, true); }); });
  });
  router.put("/api/units/{code}/clusters/{year}", [edits](const http::Request& request) {
    return http::Response::deferred([edits, request] { return answer_json([&] { return edits->clusters(request); }); });
  });
  router.get("/api/units/{code}/status/{year}/decision", [edits](const http::Request& request) {
    return http::Response::deferred([edits, request] { return answer_json([&] { return edits->decision(request); }); });
  });
  router.put_file("/api/units/{code}/status/{year}/decision", {"application/pdf", "image/jpeg", "image/png"},
                  [edits](const http::Request& request) {
                    return http::Response::deferred(
                        [edits, request] { return answer_json([&] { return edits->attach_decision(request); }); });
                  });
}

}  // namespace antt::serve
