// The generated files as their readers see them: QML and SLD are well-formed XML, and the mapfile
// classes render with the real MapServer (map2img) in the defined colours.
#include <gdal.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "antt/styles/styles.hpp"
#include "test_support.hpp"

namespace antt::testing {
namespace {

bool tool_exists(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// xmllint when installed, else Python's parser.
::testing::AssertionResult well_formed_xml(const std::string& path) {
  const std::string command = tool_exists("xmllint")
                                  ? "xmllint --noout '" + path + "' 2>&1"
                                  : "python3 -c \"import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])\" '" +
                                        path + "' 2>&1";
  if (std::system(command.c_str()) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << path << " is not well-formed XML";
}

TEST(StylesOutput, QmlAndSldAreWellFormedXml) {
  if (!tool_exists("xmllint") && !tool_exists("python3")) GTEST_SKIP() << "no XML checker";
  TempDir dir;
  for (const auto& style : styles::all_styles()) {
    const auto qml = dir.file(style.id + ".qml");
    write_file(qml, styles::qml(style.id, "name"));
    EXPECT_TRUE(well_formed_xml(qml));
    const auto sld = dir.file(style.id + ".sld");
    write_file(sld, styles::sld(style.id, "communes"));
    EXPECT_TRUE(well_formed_xml(sld));
  }
}

struct Rgb {
  int red = 0, green = 0, blue = 0;
  bool operator==(const Rgb&) const = default;
};

Rgb from_hex(const std::string& hex) {
  return {std::stoi(hex.substr(1, 2), nullptr, 16), std::stoi(hex.substr(3, 2), nullptr, 16),
          std::stoi(hex.substr(5, 2), nullptr, 16)};
}

std::ostream& operator<<(std::ostream& out, const Rgb& rgb) {
  return out << "rgb(" << rgb.red << "," << rgb.green << "," << rgb.blue << ")";
}

// The decoded PNG, owned.
class Image {
 public:
  explicit Image(const std::string& path) {
    GDALAllRegister();
    GDALDatasetH dataset = GDALOpen(path.c_str(), GA_ReadOnly);
    if (!dataset) return;
    width_ = GDALGetRasterXSize(dataset);
    height_ = GDALGetRasterYSize(dataset);
    for (int band = 0; band < 3 && band < GDALGetRasterCount(dataset); ++band) {
      bands_[band].resize(static_cast<size_t>(width_) * height_);
      if (GDALRasterIO(GDALGetRasterBand(dataset, band + 1), GF_Read, 0, 0, width_, height_, bands_[band].data(),
                       width_, height_, GDT_Byte, 0, 0) != CE_None)
        width_ = 0;
    }
    GDALClose(dataset);
  }
  bool ok() const { return width_ > 0 && !bands_[2].empty(); }
  Rgb at(int x, int y) const {
    const size_t i = static_cast<size_t>(y) * width_ + x;
    return {bands_[0][i], bands_[1][i], bands_[2][i]};
  }

 private:
  int width_ = 0, height_ = 0;
  std::array<std::vector<unsigned char>, 3> bands_;
};

constexpr int kCell = 40;  // pixels per feature cell; 1 map unit = 1 pixel

// One feature per class (and per kind / effectiveness variant for points) in a row of cells.
struct Sample {
  std::string key;
  std::string kind;
  int effective = 1;
  Rgb expected_centre;
  bool check_centre = true;
  bool hollow = false;  ///< drawn as an outline in `expected_centre`'s colour, centre left unfilled
};

int distance(const Rgb& a, const Rgb& b) {
  return std::abs(a.red - b.red) + std::abs(a.green - b.green) + std::abs(a.blue - b.blue);
}

std::string feature(const Sample& sample, int cell, bool point) {
  const double x0 = cell * kCell, x1 = x0 + kCell - 8;
  nlohmann::json geometry =
      point ? nlohmann::json{{"type", "Point"}, {"coordinates", {x0 + kCell / 2.0, kCell / 2.0}}}
            : nlohmann::json{{"type", "Polygon"},
                             {"coordinates", {{{x0 + 4, 4}, {x1 + 4, 4}, {x1 + 4, kCell - 4}, {x0 + 4, kCell - 4}, {x0 + 4, 4}}}}};
  return nlohmann::json{{"type", "Feature"},
                        {"properties", {{"class", sample.key}, {"kind", sample.kind}, {"effective", sample.effective}, {"name", "Xã Đông"}}},
                        {"geometry", geometry}}
      .dump();
}

TEST(StylesOutput, MapfileClassesRenderWithMapServer) {
  if (!tool_exists("map2img")) GTEST_SKIP() << "map2img (mapserver-bin) is not installed";
  const std::string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (!std::filesystem::exists(font)) GTEST_SKIP() << "DejaVu Sans is not installed";
  TempDir dir;
  write_file(dir.file("fonts.txt"), "sans " + font + "\n");
  const auto legend = nlohmann::json::parse(styles::legend_json());
  for (const auto& style : legend) {
    const std::string id = style.at("id");
    const bool point = style.at("geometry") == "point";
    std::vector<Sample> samples;
    for (const auto& entry : style.at("entries")) {
      const std::string fill = entry.at("fill");
      const std::string pattern = entry.at("pattern");
      const Rgb background{255, 255, 255};
      if (style.contains("kinds")) {
        for (const auto& kind : style.at("kinds"))
          samples.push_back({entry.at("key"), kind.at("kind"), 1, fill.empty() ? background : from_hex(fill)});
      } else if (style.contains("effective")) {
        samples.push_back({entry.at("key"), "", 1, from_hex(fill)});
        samples.push_back({entry.at("key"), "", 0, from_hex(fill), true, true});
      } else {
        // Hatched cells: the centre may fall on a line or between lines; checked below as "drawn".
        samples.push_back({entry.at("key"), "", 1, fill.empty() ? background : from_hex(fill), pattern.empty()});
      }
    }
    std::string features;
    for (size_t i = 0; i < samples.size(); ++i) features += (i ? "," : "") + feature(samples[i], static_cast<int>(i), point);
    const std::string data = dir.file(id + ".geojson");
    write_file(data, "{\"type\":\"FeatureCollection\",\"features\":[" + features + "]}");
    const int width = static_cast<int>(samples.size()) * kCell;
    styles::MapfileOptions options;
    options.label_item = "name";
    std::ostringstream map;
    // MapServer's extent spans pixel centres: 0 .. size-1 makes one map unit exactly one pixel.
    map << "MAP\n  EXTENT 0 0 " << width - 1 << " " << kCell - 1 << "\n  SIZE " << width << " " << kCell
        << "\n  OUTPUTFORMAT\n    NAME \"rgb\"\n    DRIVER \"AGG/PNG\"\n    IMAGEMODE RGB\n"
        << "    EXTENSION \"png\"\n    MIMETYPE \"image/png\"\n  END\n  IMAGETYPE \"rgb\"\n  IMAGECOLOR 255 255 255\n  FONTSET \"" << dir.file("fonts.txt") << "\"\n"
        << styles::mapfile_symbols() << "  LAYER\n    NAME \"" << id << "\"\n    TYPE "
        << (point ? "POINT" : "POLYGON") << "\n    STATUS ON\n    CONNECTIONTYPE OGR\n    CONNECTION \"" << data
        << "\"\n" << styles::mapfile_classes(id, options) << "  END\nEND\n";
    const std::string mapfile = dir.file(id + ".map");
    write_file(mapfile, map.str());
    const std::string png = dir.file(id + ".png");
    const std::string command = "map2img -m '" + mapfile + "' -o '" + png + "' > '" + dir.file(id + ".log") + "' 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << id << ": " << read_file(dir.file(id + ".log")) << "\n" << map.str();
    Image image(png);
    ASSERT_TRUE(image.ok()) << id;
    for (size_t i = 0; i < samples.size(); ++i) {
      const int cx = static_cast<int>(i) * kCell + kCell / 2, cy = kCell / 2;
      bool drawn = false;
      for (int y = 2; y < kCell - 2 && !drawn; ++y)
        for (int x = cx - kCell / 2 + 2; x < cx + kCell / 2 - 2 && !drawn; ++x)
          drawn = !(image.at(x, y) == Rgb{255, 255, 255});
      EXPECT_TRUE(drawn) << id << " " << samples[i].key << ": nothing drawn";
      // Labels sit over polygon centres; look beside them, in the fill between label and outline.
      const int probe_y = point ? cy : 8;  // map units; image rows count from the top
      const Rgb centre = image.at(cx, kCell - 1 - probe_y);
      const std::string what = id + " " + samples[i].key + " kind=" + samples[i].kind +
                               " effective=" + std::to_string(samples[i].effective);
      if (samples[i].hollow) {
        EXPECT_GT(distance(centre, samples[i].expected_centre), 60) << what << ": filled, expected hollow";
        bool outlined = false;
        for (int y = 2; y < kCell - 2; ++y)
          for (int x = cx - kCell / 2 + 2; x < cx + kCell / 2 - 2; ++x)
            outlined = outlined || distance(image.at(x, y), samples[i].expected_centre) <= 30;
        EXPECT_TRUE(outlined) << what << ": no outline in the type's colour";
      } else if (samples[i].check_centre) {
        EXPECT_EQ(centre, samples[i].expected_centre) << what;
      }
    }
  }
}

}  // namespace
}  // namespace antt::testing
