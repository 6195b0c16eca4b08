// Loading and checking styles/anttmap-styles.json; the public lookups and the legend JSON.
#include "antt/styles/styles.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "antt/core/error.hpp"
#include "antt/styles_data/embedded.hpp"
#include "definition.hpp"

namespace antt::styles {
namespace detail {
namespace {

using Json = nlohmann::ordered_json;
constexpr std::string_view kFile = "anttmap-styles.json";

[[noreturn]] void fail(const std::string& where, const std::string& problem) {
  throw Error("styles: " + std::string(kFile) + ": " + where + ": " + problem +
              "; fix the definition in styles/ and rebuild");
}

bool is_colour(const std::string& text) {
  return text.size() == 7 && text[0] == '#' &&
         std::all_of(text.begin() + 1, text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// Keys and symbol names end up unquoted-safe inside mapfile expressions and XML attributes.
bool is_identifier(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Label read_label(const std::string& key, const Json& node) {
  return {key, node.at("label_vi").get<std::string>(), node.at("label_en").get<std::string>()};
}

ClassRule read_class(const Json& node, const std::string& where, const std::vector<HatchPattern>& patterns,
                     GeometryKind geometry) {
  ClassRule rule;
  LegendEntry& entry = rule.entry;
  entry.key = node.at("key").get<std::string>();
  entry.label_vi = node.at("label_vi").get<std::string>();
  entry.label_en = node.at("label_en").get<std::string>();
  entry.fill = node.at("fill").get<std::string>();
  entry.stroke = node.at("stroke").get<std::string>();
  entry.pattern = node.value("pattern", "");
  rule.symbol = node.value("symbol", "");
  const std::string at = where + " class '" + entry.key + "'";
  if (!is_identifier(entry.key)) fail(at, "a key is lower-case letters, digits and '_'");
  if (!entry.fill.empty() && !is_colour(entry.fill)) fail(at, "fill '" + entry.fill + "' is not #rrggbb");
  if (!is_colour(entry.stroke)) fail(at, "stroke '" + entry.stroke + "' is not #rrggbb");
  const bool known_hatch = std::any_of(patterns.begin(), patterns.end(),
                                       [&](const HatchPattern& pattern) { return pattern.name == entry.pattern; });
  if (!entry.pattern.empty() && entry.pattern != "hollow" && !known_hatch)
    fail(at, "unknown pattern '" + entry.pattern + "'");
  if (known_hatch && geometry == GeometryKind::point) fail(at, "points cannot be hatched; use a colour or 'hollow'");
  const bool draws_without_fill = entry.pattern == "hollow" || (known_hatch && geometry == GeometryKind::polygon);
  if (entry.fill.empty() && !draws_without_fill) fail(at, "an empty fill needs the pattern 'hollow' or a hatch");
  const auto& symbols = symbol_names();
  if (!rule.symbol.empty() && std::find(symbols.begin(), symbols.end(), rule.symbol) == symbols.end())
    fail(at, "unknown symbol '" + rule.symbol + "'");
  return rule;
}

Definition load() {
  Json document;
  try {
    document = Json::parse(styles_data::embedded_file(kFile));
  } catch (const nlohmann::json::exception& error) {
    fail("document", std::string("not valid JSON (") + error.what() + ")");
  }
  Definition result;
  std::string where = "patterns";
  try {
    for (const auto& [name, node] : document.at("patterns").items()) {
      where = "pattern '" + name + "'";
      result.patterns.push_back({name, node.at("angle").get<double>(), node.at("spacing").get<double>(),
                                 node.at("width").get<double>()});
    }
    for (const auto& [id, node] : document.at("styles").items()) {
      where = "style '" + id + "'";
      if (!is_identifier(id)) fail(where, "a style id is lower-case letters, digits and '_'");
      StyleDefinition style;
      style.style.id = id;
      style.style.title_vi = node.at("title_vi").get<std::string>();
      style.style.title_en = node.at("title_en").get<std::string>();
      const auto geometry = node.at("geometry").get<std::string>();
      if (geometry != "polygon" && geometry != "point") fail(where, "geometry is 'polygon' or 'point'");
      style.geometry = geometry == "point" ? GeometryKind::point : GeometryKind::polygon;
      style.size = node.value("size", 10.0);
      style.stroke_width = node.value("stroke_width", 1.0);
      style.hollow_stroke_width = node.value("hollow_stroke_width", 2.0);
      style.label_size = node.value("label_size", 8.0);
      for (const auto& class_node : node.at("classes")) {
        style.classes.push_back(read_class(class_node, where, result.patterns, style.geometry));
        style.style.entries.push_back(style.classes.back().entry);
      }
      if (style.classes.empty()) fail(where, "a style needs at least one class");
      if (node.contains("symbol_by_kind")) {
        const auto& symbols = symbol_names();
        for (const auto& [kind, symbol] : node.at("symbol_by_kind").items()) {
          const auto name = symbol.get<std::string>();
          if (!is_identifier(kind)) fail(where, "kind '" + kind + "' is not an identifier");
          if (std::find(symbols.begin(), symbols.end(), name) == symbols.end())
            fail(where, "unknown symbol '" + name + "' for kind '" + kind + "'");
          style.symbol_by_kind.emplace_back(read_label(kind, node.at("kind_labels").at(kind)), name);
        }
      }
      if (node.contains("effective_labels")) {
        style.effective_labels.push_back(read_label("filled", node.at("effective_labels").at("filled")));
        style.effective_labels.push_back(read_label("hollow", node.at("effective_labels").at("hollow")));
      }
      if (style.geometry == GeometryKind::point && !style.varies_by_kind())
        for (const auto& rule : style.classes)
          if (rule.symbol.empty()) fail(where, "point class '" + rule.entry.key + "' needs a symbol");
      result.styles.push_back(std::move(style));
    }
  } catch (const nlohmann::json::exception& error) {
    fail(where, std::string("missing or mistyped entry (") + error.what() + ")");
  }
  return result;
}

}  // namespace

const Definition& definition() {
  static const Definition loaded = load();
  return loaded;
}

const StyleDefinition& style_definition(std::string_view id) {
  const auto& styles = definition().styles;
  for (const auto& style : styles)
    if (style.style.id == id) return style;
  std::string known;
  for (const auto& style : styles) known += (known.empty() ? "" : ", ") + style.style.id;
  throw UsageError("unknown style '" + std::string(id) + "'; known styles: " + known +
                   " / kiểu hiển thị không tồn tại");
}

const HatchPattern& hatch_pattern(std::string_view name) {
  for (const auto& pattern : definition().patterns)
    if (pattern.name == name) return pattern;
  throw Error("styles: no hatch pattern '" + std::string(name) + "' in " + std::string(kFile));
}

Rgb parse_colour(std::string_view hex) {
  auto component = [&](size_t at) { return std::stoi(std::string(hex.substr(at, 2)), nullptr, 16); };
  return {component(1), component(3), component(5)};
}

std::string mapfile_string(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    // A newline would end the token in the mapfile lexer; labels are single lines.
    quoted += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return quoted + "\"";
}

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", value);
  std::string text = buffer;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

}  // namespace detail

const std::vector<Style>& all_styles() {
  static const std::vector<Style> styles = [] {
    std::vector<Style> result;
    for (const auto& style : detail::definition().styles) result.push_back(style.style);
    return result;
  }();
  return styles;
}

const Style& style(std::string_view id) {
  const auto& wanted = detail::style_definition(id);  // throws UsageError for an unknown id
  for (const auto& candidate : all_styles())
    if (candidate.id == wanted.style.id) return candidate;
  return all_styles().front();  // unreachable: both lists come from the same definition
}

std::string legend_json() {
  nlohmann::ordered_json styles = nlohmann::ordered_json::array();
  for (const auto& definition : detail::definition().styles) {
    nlohmann::ordered_json style{{"id", definition.style.id},
                                 {"title_vi", definition.style.title_vi},
                                 {"title_en", definition.style.title_en},
                                 {"geometry", definition.geometry == detail::GeometryKind::point ? "point" : "polygon"}};
    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    for (const auto& rule : definition.classes) {
      const auto& entry = rule.entry;
      nlohmann::ordered_json item{{"key", entry.key},   {"label_vi", entry.label_vi}, {"label_en", entry.label_en},
                                  {"fill", entry.fill}, {"stroke", entry.stroke},     {"pattern", entry.pattern}};
      if (!rule.symbol.empty()) item["symbol"] = rule.symbol;
      entries.push_back(std::move(item));
    }
    style["entries"] = std::move(entries);
    if (definition.varies_by_kind()) {
      nlohmann::ordered_json kinds = nlohmann::ordered_json::array();
      for (const auto& [label, symbol] : definition.symbol_by_kind)
        kinds.push_back({{"kind", label.key}, {"label_vi", label.label_vi}, {"label_en", label.label_en},
                         {"symbol", symbol}});
      style["kinds"] = std::move(kinds);
    }
    if (definition.varies_by_effective()) {
      nlohmann::ordered_json variants = nlohmann::ordered_json::array();
      for (const auto& label : definition.effective_labels)
        variants.push_back({{"effective", label.key == "filled" ? 1 : 0}, {"drawn", label.key},
                            {"label_vi", label.label_vi}, {"label_en", label.label_en}});
      style["effective"] = std::move(variants);
    }
    styles.push_back(std::move(style));
  }
  return styles.dump(2);
}

}  // namespace antt::styles
