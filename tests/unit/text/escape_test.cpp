// Escaping for the documents the tool writes: XML text that stays well-formed UTF-8 whatever it
// quotes, and URL components.
#include "antt/text/escape.hpp"

#include <gtest/gtest.h>

#include "antt/text/unicode.hpp"

namespace antt::text {
namespace {

TEST(XmlEscape, EscapesMarkupAndKeepsVietnamese) {
  EXPECT_EQ(xml_escape("<Xã \"Mỹ Hòa\" & 'Tân Lạc'>"), "&lt;Xã &quot;Mỹ Hòa&quot; &amp; &apos;Tân Lạc&apos;&gt;");
  EXPECT_EQ(xml_escape("dòng 1\ndòng 2\tcột"), "dòng 1\ndòng 2\tcột");
}

TEST(XmlEscape, ReplacesWhatXmlForbids) {
  EXPECT_EQ(xml_escape(std::string("a\0b\x01", 4)), "a?b?");
  // Not UTF-8: Latin-1 "ã", a lone continuation byte, a truncated "ạ" (E1 BA A1); and U+FFFE.
  EXPECT_EQ(xml_escape("x\xE3 \x80 \xE1\xBA \xEF\xBF\xBE"), "x\uFFFD \uFFFD \uFFFD \uFFFD");
  EXPECT_TRUE(is_valid_utf8(xml_escape("\xFF\xFE\xC0\xAF\xED\xA0\x80")));
}

TEST(UrlEncode, KeepsWhatReadsWellInBoxesAndCrs) {
  EXPECT_EQ(url_encode("EPSG:4326"), "EPSG:4326");
  EXPECT_EQ(url_encode("105.0,20.3"), "105.0,20.3");
  EXPECT_EQ(url_encode("image/png; mode=8bit"), "image%2Fpng%3B%20mode%3D8bit");
  EXPECT_EQ(url_encode("xã"), "x%C3%A3");
}

}  // namespace
}  // namespace antt::text
