// WMTS: the Capabilities document as a real client (OWSLib) reads it, and KVP GetTile parsing.
#include "serve/wmts.hpp"

#include <cstdio>
#include <cstdlib>

#include "test_support.hpp"

namespace antt::serve {
namespace {

http::Request kvp(std::initializer_list<std::pair<const char*, const char*>> params) {
  http::Request request;
  request.path = "/wmts";
  for (const auto& [name, value] : params) request.params.emplace(name, value);
  return request;
}

http::Request good_get_tile() {
  return kvp({{"SERVICE", "WMTS"}, {"REQUEST", "GetTile"}, {"VERSION", "1.0.0"}, {"LAYER", "communes"},
              {"STYLE", "default"}, {"FORMAT", "image/png"}, {"TILEMATRIXSET", "GoogleMapsCompatible"},
              {"TILEMATRIX", "10"}, {"TILEROW", "450"}, {"TILECOL", "811"}, {"TIME", "2015"}});
}

http::Request without(http::Request request, const std::string& name) {
  request.params.erase(name);
  return request;
}

http::Request with(http::Request request, const std::string& name, const std::string& value) {
  request.params.erase(name);
  request.params.emplace(name, value);
  return request;
}

const WmtsContext kContext{layers::LayerRegistry::standard().get(), "http://127.0.0.1:8080", {2012, 2013, 2014, 2015, 2016}, 2015,
                           geo::MercatorBox{11700000, 2300000, 11900000, 2450000}};

/// Runs `script` with the system Python (where python3-owslib lives) on `xml`; returns its stdout.
std::string run_python(const testing::TempDir& dir, const std::string& xml, const std::string& script) {
  testing::write_file(dir.file("caps.xml"), xml);
  testing::write_file(dir.file("check.py"), script);
  const std::string command = "/usr/bin/python3 " + dir.file("check.py") + " " + dir.file("caps.xml") + " > " +
                              dir.file("out.txt") + " 2> " + dir.file("err.txt");
  const int status = std::system(command.c_str());
  EXPECT_EQ(status, 0) << testing::read_file(dir.file("err.txt"));
  return testing::read_file(dir.file("out.txt"));
}

TEST(WmtsCapabilities, OwsLibReadsLayersMatrixSetAndTimes) {
  testing::TempDir dir;
  const std::string out = run_python(dir, wmts_capabilities(kContext), R"PY(
import sys
import xml.etree.ElementTree as ET
from owslib.wmts import WebMapTileService
xml = open(sys.argv[1], 'rb').read()
w = WebMapTileService('http://127.0.0.1:8080/wmts', xml=xml)
print('layers', ','.join(w.contents))
c = w.contents['communes']
print('title', c.title)
print('bbox', ' '.join('%.3f' % v for v in c.boundingBoxWGS84))
print('links', ','.join(c.tilematrixsetlinks))
print('formats', ','.join(c.formats))
print('template', c.resourceURLs[0]['template'])
t = w.tilematrixsets['GoogleMapsCompatible']
print('crs', t.crs, 'matrices', len(t.tilematrix))
print('z0', repr(t.tilematrix['0'].scaledenominator), 'z18', t.tilematrix['18'].matrixwidth, t.tilematrix['18'].matrixheight)
print('topleft', t.tilematrix['5'].topleftcorner)
print('ops', ','.join(o.name for o in w.operations))
ns = {'w': 'http://www.opengis.net/wmts/1.0', 'ows': 'http://www.opengis.net/ows/1.1'}
root = ET.fromstring(xml)
for layer in root.iterfind('w:Contents/w:Layer', ns):
    d = layer.find('w:Dimension', ns)
    print('time', layer.find('ows:Identifier', ns).text, d.find('ows:Identifier', ns).text, d.find('w:Default', ns).text,
          ','.join(v.text for v in d.iterfind('w:Value', ns)))
)PY");
  EXPECT_NE(out.find("layers districts,communes,villages,units,hotspots,clusters,models\n"), std::string::npos) << out;
  EXPECT_NE(out.find("title Xã, phường, thị trấn theo trạng thái ANTT\n"), std::string::npos) << out;
  EXPECT_NE(out.find("bbox 105.103 20.227 106.900 21.487\n"), std::string::npos) << out;
  EXPECT_NE(out.find("links GoogleMapsCompatible\n"), std::string::npos) << out;
  EXPECT_NE(out.find("formats image/png\n"), std::string::npos) << out;
  EXPECT_NE(out.find("template http://127.0.0.1:8080/wmts/communes/default/{Time}/GoogleMapsCompatible/"
                     "{TileMatrix}/{TileRow}/{TileCol}.png\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("crs urn:ogc:def:crs:EPSG::3857 matrices 19\n"), std::string::npos) << out;
  EXPECT_NE(out.find("z0 559082264.0287178 z18 262144 262144\n"), std::string::npos) << out;
  EXPECT_NE(out.find("topleft (-20037508.3427892, 20037508.3427892)\n"), std::string::npos) << out;
  EXPECT_NE(out.find("ops GetCapabilities,GetTile\n"), std::string::npos) << out;
  EXPECT_NE(out.find("time villages Time 2015 2012,2013,2014,2015,2016\n"), std::string::npos) << out;
}

TEST(WmtsCapabilities, EscapesTextAndCoversTheWorldWithoutExtent) {
  const std::string xml = wmts_capabilities({layers::LayerRegistry::standard().get(), "http://h/?a=1&b=<2>", {2020}, 2020, std::nullopt});
  EXPECT_NE(xml.find("http://h/?a=1&amp;b=&lt;2&gt;/wmts?"), std::string::npos);
  EXPECT_EQ(xml.find("b=<2>"), std::string::npos);
  EXPECT_NE(xml.find("<ows:LowerCorner>-180 -85.0511287798066</ows:LowerCorner>"), std::string::npos);
  EXPECT_NE(xml.find("Bản đồ phong trào &quot;An toàn về an ninh, trật tự&quot;"), std::string::npos);
}

TEST(WmtsKvp, ParsesAGoodGetTile) {
  const auto tile = parse_wmts_kvp(good_get_tile(), *kContext.layers, kContext.years);
  EXPECT_EQ(tile.layer, "communes");
  EXPECT_EQ(tile.zoom, 10);
  EXPECT_EQ(tile.row, 450);
  EXPECT_EQ(tile.col, 811);
  EXPECT_EQ(tile.time, 2015);
  // Names are case-insensitive; TIME and STYLE may be left out.
  auto lower = kvp({{"service", "wmts"}, {"request", "gettile"}, {"version", "1.0.0"}, {"layer", "units"},
                    {"style", ""}, {"format", "image/png"}, {"tilematrixset", "GoogleMapsCompatible"},
                    {"tilematrix", "GoogleMapsCompatible:3"}, {"tilerow", "7"}, {"tilecol", "0"}});
  const auto other = parse_wmts_kvp(lower, *kContext.layers);
  EXPECT_EQ(other.layer, "units");
  EXPECT_EQ(other.style, "default");
  EXPECT_EQ(other.zoom, 3);
  EXPECT_FALSE(other.time);
  EXPECT_EQ(wmts_kvp_operation(kvp({{"SERVICE", "WMTS"}, {"REQUEST", "GetCapabilities"}})),
            WmtsOperation::get_capabilities);
}

/// Expects `request` to be refused with OWS exception `code` at `locator`.
void expect_refused(const http::Request& request, const std::string& code, const std::string& locator) {
  try {
    parse_wmts_kvp(request, *kContext.layers, kContext.years);
    ADD_FAILURE() << "accepted, expected " << code << " at " << locator;
  } catch (const WmtsError& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    EXPECT_EQ(error.locator(), locator) << error.what();
  }
}

TEST(WmtsKvp, RefusesBadValuesNamingTheParameter) {
  const auto good = good_get_tile();
  expect_refused(without(good, "LAYER"), "MissingParameterValue", "LAYER");
  expect_refused(with(good, "LAYER", "roads"), "InvalidParameterValue", "LAYER");
  expect_refused(with(good, "SERVICE", "WMS"), "InvalidParameterValue", "SERVICE");
  expect_refused(with(good, "REQUEST", "GetFeatureInfo"), "OperationNotSupported", "REQUEST");
  expect_refused(with(good, "VERSION", "2.0.0"), "VersionNegotiationFailed", "VERSION");
  expect_refused(with(good, "STYLE", "fancy"), "InvalidParameterValue", "STYLE");
  expect_refused(with(good, "FORMAT", "image/jpeg"), "InvalidParameterValue", "FORMAT");
  expect_refused(with(good, "TILEMATRIXSET", "EPSG:4326"), "InvalidParameterValue", "TILEMATRIXSET");
  expect_refused(with(good, "TILEMATRIX", "19"), "InvalidParameterValue", "TILEMATRIX");
  expect_refused(with(good, "TILEMATRIX", "ten"), "InvalidParameterValue", "TILEMATRIX");
  expect_refused(with(good, "TILEROW", "1024"), "TileOutOfRange", "TILEROW");
  expect_refused(with(good, "TILECOL", "-1"), "TileOutOfRange", "TILECOL");
  expect_refused(with(good, "TIME", "1999"), "InvalidParameterValue", "TIME");
  expect_refused(with(good, "TIME", "last"), "InvalidParameterValue", "TIME");

  try {
    parse_wmts_kvp(with(good, "REQUEST", "GetFeatureInfo"), *kContext.layers);
  } catch (const WmtsError& error) {
    EXPECT_EQ(error.http_status(), 400);  // not OGC's 501: bad input is never a 5xx
    EXPECT_EQ(error.code(), "OperationNotSupported");
  }
}

TEST(WmtsException, IsAnOwsExceptionReport) {
  const std::string xml = wmts_exception("TileOutOfRange", "TILEROW", "TILEROW must be 0..1 & <not 5>");
  EXPECT_NE(xml.find("<ows:ExceptionReport xmlns:ows=\"http://www.opengis.net/ows/1.1\""), std::string::npos);
  EXPECT_NE(xml.find("exceptionCode=\"TileOutOfRange\" locator=\"TILEROW\""), std::string::npos);
  EXPECT_NE(xml.find("TILEROW must be 0..1 &amp; &lt;not 5&gt;"), std::string::npos);
}

}  // namespace
}  // namespace antt::serve
