#include "antt/geo/geos.hpp"

#include <iomanip>
#include <sstream>

#include "test_support.hpp"

namespace antt::geo {
namespace {

TEST(GeosOwners, WktKeepsTrimmedNumbersAndSurvivesHugeCoordinates) {
  GeosContext context;
  EXPECT_EQ(Geometry::from_wkt(context, "POINT (105.25 20.5)").wkt(9), "POINT (105.25 20.5)");
  // GEOS 3.11 wrote trimmed numbers into a 28-byte stack buffer: 1e300 smashed the stack
  // (POST /api/validate killed the server). Such numbers are written untrimmed instead.
  const std::string huge =
      Geometry::from_wkt(context, "POLYGON ((1e300 1e300, -1e300 1e300, -1e300 -1e300, 1e300 1e300))").wkt(9);
  std::ostringstream expected;
  expected << "POLYGON ((" << std::fixed << std::setprecision(9) << 1e300 << ' ' << 1e300 << ", ";
  EXPECT_EQ(huge.rfind(expected.str(), 0), 0u) << huge.substr(0, 80);
  EXPECT_EQ(Geometry::from_wkt(context, "POLYGON EMPTY").wkt(9), "POLYGON EMPTY");
}

}  // namespace
}  // namespace antt::geo
