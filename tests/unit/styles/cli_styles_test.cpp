// `anttmap styles`: files for QGIS and other GIS, usage errors that say what is valid.
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace antt::testing {
namespace {

TEST(StylesCli, WritesTheQmlOfALayer) {
  TempDir dir;
  const auto path = dir.file("communes.qml");
  auto result = run_anttmap({"styles", "--format", "qml", "--layer", "communes", "-o", path});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto text = read_file(path);
  EXPECT_NE(text.find("attr=\"class\""), std::string::npos);
  EXPECT_NE(text.find("fieldName=\"name\""), std::string::npos);  // the layer's label column
}

TEST(StylesCli, UnknownStyleIsAUsageErrorNamingTheKnownIds) {
  auto result = run_anttmap({"styles", "--style", "nope"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("nope"), std::string::npos);
  EXPECT_NE(result.err.find("unit_status_point"), std::string::npos) << result.err;
}

TEST(StylesCli, LegendJsonAndOtherFormats) {
  auto all = run_anttmap({"styles"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(nlohmann::json::parse(all.out).size(), 6u);
  auto one = run_anttmap({"styles", "--style", "hotspot"});
  EXPECT_EQ(nlohmann::json::parse(one.out).at("id"), "hotspot");
  auto mapfile = run_anttmap({"styles", "--format", "mapfile", "--layer", "villages"});
  EXPECT_NE(mapfile.out.find("MAXSCALEDENOM"), std::string::npos);
  auto sld = run_anttmap({"styles", "--format", "sld", "--style", "model"});
  EXPECT_NE(sld.out.find("StyledLayerDescriptor"), std::string::npos);
  EXPECT_EQ(run_anttmap({"styles", "--format", "svg", "--style", "model"}).exit_code, 2);
  EXPECT_EQ(run_anttmap({"styles", "--format", "qml"}).exit_code, 2);
  EXPECT_EQ(run_anttmap({"styles", "--layer", "roads"}).exit_code, 2);
  auto help = run_anttmap({"styles", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--format"), std::string::npos);
}

}  // namespace
}  // namespace antt::testing
