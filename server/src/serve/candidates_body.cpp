#include "serve/candidates_body.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"

namespace antt::serve {
namespace {

using json = nlohmann::json;

constexpr int kMaxJsonDepth = 32;  // GeoJSON needs 8; deeper input is refused before any parser recurses
// A province has about 2 000 units at every level together; an edit never sends more than that at once.
constexpr std::size_t kMaxCandidateFeatures = 20000;

/// Refuses JSON nested deeper than kMaxJsonDepth before any parser sees it.
void check_json_depth(std::string_view body) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw RequestError(400, "the request body nests JSON deeper than " + std::to_string(kMaxJsonDepth) +
                                " levels / JSON lồng quá sâu");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

/// The top of a GeoJSON document, read without building it in memory (a 16 MB body would take
/// many times that as a DOM): its "type", the "type" of its "crs", its "features" and their number.
struct GeoJsonOutline {
  bool is_object = false;
  std::optional<std::string> type;
  bool has_crs = false;
  std::optional<std::string> crs_type;
  std::optional<std::string> crs_name;  ///< "crs": {"properties": {"name": ...}}
  bool features_is_array = false;
  std::size_t feature_count = 0;
};

class OutlineReader : public nlohmann::json_sax<json> {
 public:
  explicit OutlineReader(GeoJsonOutline& outline) : outline_(outline) {}
  const std::string& error() const { return error_; }

  bool null() override { return value(false, false, nullptr); }
  bool boolean(bool) override { return value(false, false, nullptr); }
  bool number_integer(number_integer_t) override { return value(false, false, nullptr); }
  bool number_unsigned(number_unsigned_t) override { return value(false, false, nullptr); }
  bool number_float(number_float_t, const string_t&) override { return value(false, false, nullptr); }
  bool string(string_t& text) override { return value(false, false, &text); }
  bool binary(binary_t&) override { return value(false, false, nullptr); }
  bool start_object(std::size_t) override { return value(true, true, nullptr); }
  bool start_array(std::size_t) override { return value(true, false, nullptr); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& name) override {
    stack_.back().key = name;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& error) override {
    error_ = error.what();
    return false;
  }

 private:
  struct Level {
    bool object;
    std::string key;  ///< the member being read, objects only
  };

  bool value(bool container, bool object, const std::string* text) {
    const std::size_t depth = stack_.size();
    const bool in_root_object = depth >= 1 && stack_[0].object;
    if (depth == 0) {
      outline_.is_object = object;
    } else if (depth == 1 && in_root_object) {
      const std::string& member = stack_[0].key;
      if (member == "type") outline_.type = text ? std::optional<std::string>(*text) : std::nullopt;
      if (member == "crs") outline_.has_crs = true;
      if (member == "features") outline_.features_is_array = container && !object;
    } else if (depth == 2 && in_root_object && stack_[0].key == "crs" && stack_[1].object) {
      if (stack_[1].key == "type") outline_.crs_type = text ? std::optional<std::string>(*text) : std::nullopt;
    } else if (depth == 3 && in_root_object && stack_[0].key == "crs" && stack_[1].object &&
               stack_[1].key == "properties" && stack_[2].object) {
      if (stack_[2].key == "name") outline_.crs_name = text ? std::optional<std::string>(*text) : std::nullopt;
    } else if (depth == 2 && in_root_object && stack_[0].key == "features" && !stack_[1].object) {
      ++outline_.feature_count;
    }
    if (container) stack_.push_back({object, {}});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  GeoJsonOutline& outline_;
  std::vector<Level> stack_;
  std::string error_;
};

/// "urn:ogc:def:crs:EPSG::9211", "urn:ogc:def:crs:EPSG:9.9:9211", "EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84",
/// "OGC:CRS84": a code GDAL resolves from PROJ's database, never a file or a URL.
bool is_crs_code(std::string_view name) {
  const auto all_digits = [](std::string_view text) {
    return !text.empty() && text.size() <= 6 && text.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (name == "urn:ogc:def:crs:OGC:1.3:CRS84" || name == "urn:ogc:def:crs:OGC::CRS84" || name == "OGC:CRS84")
    return true;
  for (std::string_view prefix : {"EPSG:", "urn:ogc:def:crs:EPSG:"}) {
    if (!name.starts_with(prefix)) continue;
    std::string_view rest = name.substr(prefix.size());
    if (prefix != "EPSG:") {  // a version, possibly empty, then the code
      const auto colon = rest.find(':');
      if (colon == std::string_view::npos || rest.substr(0, colon).find_first_not_of("0123456789.") != std::string_view::npos)
        return false;
      rest.remove_prefix(colon + 1);
    }
    return all_digits(rest);
  }
  return false;
}

}  // namespace

std::vector<validate::Candidate> read_candidates_body(const std::string& body) {
  if (!text::is_valid_utf8(body)) throw RequestError(400, "the request body is not valid UTF-8 / nội dung không phải UTF-8");
  check_json_depth(body);
  GeoJsonOutline outline;
  OutlineReader reader(outline);
  if (!json::sax_parse(body, &reader))
    throw RequestError(400, "the request body is not valid JSON (" + reader.error() + ") / nội dung không phải JSON hợp lệ");
  if (!outline.is_object || outline.type != "FeatureCollection")
    throw RequestError(400,
                   "the request body must be a GeoJSON FeatureCollection of edited units, each with a \"code\" "
                   "property / nội dung phải là GeoJSON FeatureCollection");
  // A named CRS only: GDAL would fetch a "link" CRS from the network.
  if (outline.has_crs && outline.crs_type != "name")
    throw RequestError(400, "the body's \"crs\" must be {\"type\": \"name\", ...}, e.g. urn:ogc:def:crs:EPSG::9211 / "
                        "crs phải có dạng name");
  // Only an authority code: GDAL reads any other name as a user input, which may be a file path.
  if (outline.has_crs && (!outline.crs_name || !is_crs_code(*outline.crs_name)))
    throw RequestError(400, "the body's crs name must be an EPSG or OGC code (urn:ogc:def:crs:EPSG::9211, EPSG:4326, "
                            "urn:ogc:def:crs:OGC:1.3:CRS84) / crs phải là mã EPSG");
  if (!outline.features_is_array)
    throw RequestError(400, "the FeatureCollection has no \"features\" array / thiếu mảng features");
  // No features: no candidates, the whole store is checked (`anttmap validate` without --candidate).
  if (outline.feature_count == 0) return {};
  if (outline.feature_count > kMaxCandidateFeatures)
    throw RequestError(400, "the FeatureCollection has " + std::to_string(outline.feature_count) + " features; at most " +
                                std::to_string(kMaxCandidateFeatures) +
                                " are checked at once: send the edited units only / quá nhiều đối tượng");
  return validate::read_candidates_text(body, "request body");
}

}  // namespace antt::serve
