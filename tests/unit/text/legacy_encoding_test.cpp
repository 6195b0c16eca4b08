// Legacy Vietnamese encodings: TCVN3 (ABC), VNI-Windows, CP1258, Latin-1 and UTF-8 → Unicode NFC.
// The TCVN3 and CP1258 tables are checked against glibc's iconv (with the final flush call that
// GDAL 3.6 forgets); VNI bytes against the published VNI-Windows table; every one of the 134
// Vietnamese letters round-trips.
#include "antt/text/legacy_encoding.hpp"

#include <gtest/gtest.h>
#include <iconv.h>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"

namespace antt::text {
namespace {

/// One iconv conversion descriptor; convert() makes the final flush call, so a base letter held
/// back for a combining mark is written out.
class Iconv {
 public:
  Iconv(const char* to, const char* from) : handle_(iconv_open(to, from)) {}
  ~Iconv() {
    if (valid()) iconv_close(handle_);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;
  bool valid() const { return handle_ != reinterpret_cast<iconv_t>(-1); }

  /// Nothing when the input is not text in the source encoding.
  std::optional<std::string> convert(const std::string& input) {
    iconv(handle_, nullptr, nullptr, nullptr, nullptr);  // reset the shift state
    std::string in = input;
    std::string out(input.size() * 8 + 16, '\0');
    char* in_ptr = in.data();
    size_t in_left = in.size();
    char* out_ptr = out.data();
    size_t out_left = out.size();
    if (iconv(handle_, &in_ptr, &in_left, &out_ptr, &out_left) == static_cast<size_t>(-1)) return std::nullopt;
    if (iconv(handle_, nullptr, nullptr, &out_ptr, &out_left) == static_cast<size_t>(-1)) return std::nullopt;
    out.resize(out.size() - out_left);
    return out;
  }

 private:
  iconv_t handle_;
};

// The 134 Vietnamese letters, built from base letters and combining tone marks with NFC so that
// the list does not depend on the tables under test.
const std::vector<std::string> kLowerBases = {"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"};
const std::vector<std::string> kUpperBases = {"A", "Ă", "Â", "E", "Ê", "I", "O", "Ô", "Ơ", "U", "Ư", "Y"};
/// ngang, huyền, sắc, hỏi, ngã, nặng.
const std::vector<std::string> kToneMarks = {"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"};

/// [base][tone] for one case.
std::vector<std::vector<std::string>> letter_grid(const std::vector<std::string>& bases) {
  std::vector<std::vector<std::string>> grid;
  for (const std::string& base : bases) {
    std::vector<std::string> row;
    for (const std::string& mark : kToneMarks) row.push_back(to_nfc(base + mark));
    grid.push_back(row);
  }
  return grid;
}

bool is_ascii(const std::string& text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

/// Every non-ASCII Vietnamese letter of one case, with đ or Đ.
std::vector<std::string> vietnamese_letters(bool upper) {
  std::vector<std::string> letters;
  for (const auto& row : letter_grid(upper ? kUpperBases : kLowerBases)) {
    for (const std::string& letter : row) {
      if (!is_ascii(letter)) letters.push_back(letter);
    }
  }
  letters.push_back(upper ? "Đ" : "đ");
  return letters;
}

std::vector<std::string> all_vietnamese_letters() {
  std::vector<std::string> letters = vietnamese_letters(false);
  const std::vector<std::string> upper = vietnamese_letters(true);
  letters.insert(letters.end(), upper.begin(), upper.end());
  return letters;
}

std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (!out.empty()) out += ' ';
    out += digits[byte >> 4];
    out += digits[byte & 0x0F];
  }
  return out;
}

/// Decoded text equals the expected text letter for letter (a dropped last letter shows here).
::testing::AssertionResult same_letters(const std::string& expected, const std::string& actual) {
  if (expected == actual) return ::testing::AssertionSuccess();
  std::size_t common = 0;
  while (common < expected.size() && common < actual.size() && expected[common] == actual[common]) ++common;
  return ::testing::AssertionFailure() << "expected \"" << expected << "\" but got \"" << actual
                                       << "\" (first difference at byte " << common << ")";
}

// Place names of Hòa Bình; each ends in a letter, and together they carry all six tones.
const std::vector<std::string> kPlaceNames = {
    "Xã Phúc Tuy", "Thị trấn Mường Khến", "Phường Đồng Tiến", "Xã Tú Sơn", "Xóm Nghĩa",
    "Bản Lác",     "Đà Bắc",              "Yên Thủy",         "Lạc Sơn",
};

const std::vector<std::string> kMorePlaceNames = {
    "Thành phố Hòa Bình", "Huyện Mai Châu", "Xã Hang Kia",     "Xã Pà Cò",       "Xã Suối Hoa",
    "Xã Ngổ Luông",       "Xã Vĩnh Đồng",   "Xã Dũng Phong",   "Xã Bảo Hiệu",    "Xã Hữu Lợi",
    "Xã Nuông Dăm",       "Xã Quy Hậu",     "Phường Hữu Nghị", "Xã Mỹ Hòa",      "Xã Đoàn Kết",
    "Huyện Kỳ Sơn",       "Xã Chiềng Châu", "Xã Quyết Chiến",  "Xã Ngọc Mỹ",     "Xã Trung Thành",
};

const std::vector<Encoding> kLegacyEncodings = {Encoding::tcvn3, Encoding::vni, Encoding::cp1258};

std::vector<std::string> encode_all(const std::vector<std::string>& names, Encoding encoding) {
  std::vector<std::string> encoded;
  for (const std::string& name : names) encoded.push_back(encode_from_utf8(name, encoding));
  return encoded;
}

// ------------------------------------------------------------------------------------------------
// The test data itself

TEST(LegacyEncodingLetters, ThereAre134AndThePlaceNamesCarryAllSixTones) {
  const std::vector<std::string> letters = all_vietnamese_letters();
  EXPECT_EQ(letters.size(), 134u);
  for (const std::string& letter : letters) {
    // One precomposed code point: 2 or 3 UTF-8 bytes.
    EXPECT_TRUE(letter.size() == 2 || letter.size() == 3) << letter;
  }
  const auto lower = letter_grid(kLowerBases);
  const auto upper = letter_grid(kUpperBases);
  for (std::size_t tone = 1; tone < kToneMarks.size(); ++tone) {  // ngang needs no check: "Tuy", "Sơn"
    bool found = false;
    for (const std::string& name : kPlaceNames) {
      for (std::size_t base = 0; base < kLowerBases.size(); ++base) {
        found = found || name.find(lower[base][tone]) != std::string::npos ||
                name.find(upper[base][tone]) != std::string::npos;
      }
    }
    EXPECT_TRUE(found) << "no place name carries tone " << tone;
  }
}

// ------------------------------------------------------------------------------------------------
// TCVN3

TEST(Tcvn3Encoding, DecodesKnownPlaceNames) {
  EXPECT_EQ(decode_to_nfc("Ho\xb5 B\xd7nh", Encoding::tcvn3), "Hoà Bình");
  EXPECT_EQ(decode_to_nfc("\xa7\xb5 B\xbe"
                          "c",
                          Encoding::tcvn3),
            "Đà Bắc");
  // The last letter survives, unlike GDAL 3.6's TCVN5712-1 recoding.
  EXPECT_EQ(decode_to_nfc("X\xb7 Ph\xf3"
                          "c Tuy",
                          Encoding::tcvn3),
            "Xã Phúc Tuy");
  EXPECT_EQ(decode_to_nfc("Y\xaan Th\xf1y", Encoding::tcvn3), "Yên Thủy");
  EXPECT_EQ(decode_to_nfc("Ngh\xdc"
                          "a",
                          Encoding::tcvn3),
            "Nghĩa");
}

TEST(Tcvn3Encoding, TableMatchesGlibcForEveryByte) {
  Iconv glibc("UTF-8", "TCVN5712-1");
  ASSERT_TRUE(glibc.valid()) << "glibc has no TCVN5712-1 converter";
  for (int byte = 0; byte < 0x100; ++byte) {
    const std::string input(1, static_cast<char>(byte));
    const std::optional<std::string> expected = glibc.convert(input);
    ASSERT_TRUE(expected.has_value()) << "byte " << hex(input);
    EXPECT_EQ(decode_to_nfc(input, Encoding::tcvn3), to_nfc(*expected)) << "byte " << hex(input);
  }
}

TEST(Tcvn3Encoding, DecodesLikeGlibcWithTheFlushCall) {
  Iconv glibc("UTF-8", "TCVN5712-1");
  ASSERT_TRUE(glibc.valid());
  std::vector<std::string> names = kPlaceNames;
  names.insert(names.end(), kMorePlaceNames.begin(), kMorePlaceNames.end());
  for (const std::string& name : names) {
    const std::string bytes = encode_from_utf8(name, Encoding::tcvn3);
    EXPECT_EQ(decode_to_nfc(bytes, Encoding::tcvn3), to_nfc(glibc.convert(bytes).value())) << name;
  }
  // Combining tone bytes (0xB0–0xB4) compose with the letter before them.
  EXPECT_EQ(decode_to_nfc("Ho\xa9\xb3", Encoding::tcvn3), "Hoấ");
  EXPECT_EQ(decode_to_nfc("a\xb0", Encoding::tcvn3), "à");
}

TEST(Tcvn3Encoding, EncodesLikeGlibcWithinTheVn3Subset) {
  Iconv glibc("TCVN5712-1", "UTF-8");
  ASSERT_TRUE(glibc.valid());
  std::vector<std::string> vn3_letters = vietnamese_letters(false);
  for (const char* capital : {"Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"}) vn3_letters.emplace_back(capital);
  for (const std::string& letter : vn3_letters) {
    EXPECT_EQ(hex(encode_from_utf8(letter, Encoding::tcvn3)), hex(glibc.convert(letter).value())) << letter;
  }
}

TEST(Tcvn3Encoding, RoundTripsLowercaseLettersAndTheSevenCapitals) {
  for (const std::string& letter : vietnamese_letters(false)) {
    EXPECT_EQ(decode_to_nfc(encode_from_utf8(letter, Encoding::tcvn3), Encoding::tcvn3), letter);
  }
  for (const char* capital : {"Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"}) {
    EXPECT_EQ(decode_to_nfc(encode_from_utf8(capital, Encoding::tcvn3), Encoding::tcvn3), capital);
  }
  const std::string all_lower = [] {
    std::string text;
    for (const std::string& letter : vietnamese_letters(false)) text += letter;
    return text;
  }();
  EXPECT_EQ(decode_to_nfc(encode_from_utf8(all_lower, Encoding::tcvn3), Encoding::tcvn3), all_lower);
}

TEST(Tcvn3Encoding, AccentedCapitalsComeBackLowercaseAsInVn3Files) {
  // VN3 has no accented capitals: .VnTimeH fonts drew them at the lowercase codes.
  const auto upper = letter_grid(kUpperBases);
  const auto lower = letter_grid(kLowerBases);
  for (std::size_t base = 0; base < upper.size(); ++base) {
    for (std::size_t tone = 1; tone < kToneMarks.size(); ++tone) {
      EXPECT_EQ(decode_to_nfc(encode_from_utf8(upper[base][tone], Encoding::tcvn3), Encoding::tcvn3),
                lower[base][tone]);
    }
  }
  EXPECT_EQ(decode_to_nfc(encode_from_utf8("ĐÀ BẮC", Encoding::tcvn3), Encoding::tcvn3), "Đà BắC");
  EXPECT_EQ(decode_to_nfc(encode_from_utf8("Ủy ban nhân dân", Encoding::tcvn3), Encoding::tcvn3),
            "ủy ban nhân dân");
}

TEST(Tcvn3Encoding, RefusesCharactersOutsideTcvn3) {
  EXPECT_THROW(encode_from_utf8("Ж", Encoding::tcvn3), InputError);
  EXPECT_THROW(encode_from_utf8("ä", Encoding::tcvn3), InputError);
  EXPECT_THROW(encode_from_utf8("\x01", Encoding::tcvn3), InputError);  // VN1's code for Ú
  EXPECT_THROW(encode_from_utf8("\xff", Encoding::tcvn3), InputError);  // not UTF-8
}

// ------------------------------------------------------------------------------------------------
// VNI-Windows

TEST(VniEncoding, MatchesThePublishedByteTable) {
  // Base letter + diacritic byte, from the VNI-Windows table (xvnkb vni.h, vietnamese-conversion).
  const std::vector<std::pair<std::string, std::string>> table = {
      {"à", "a\xf8"},     {"á", "a\xf9"},     {"ả", "a\xfb"},     {"ã", "a\xf5"},     {"ạ", "a\xef"},
      {"â", "a\xe2"},     {"ầ", "a\xe0"},     {"ấ", "a\xe1"},     {"ẩ", "a\xe5"},     {"ẫ", "a\xe3"},
      {"ậ", "a\xe4"},     {"ă", "a\xea"},     {"ằ", "a\xe8"},     {"ắ", "a\xe9"},     {"ẳ", "a\xfa"},
      {"ẵ", "a\xfc"},     {"ặ", "a\xeb"},     {"ê", "e\xe2"},     {"ề", "e\xe0"},     {"ệ", "e\xe4"},
      {"ô", "o\xe2"},     {"ố", "o\xe1"},     {"ơ", "\xf4"},      {"ờ", "\xf4\xf8"},  {"ợ", "\xf4\xef"},
      {"ư", "\xf6"},      {"ứ", "\xf6\xf9"},  {"ữ", "\xf6\xf5"},  {"ì", "\xec"},      {"í", "\xed"},
      {"ỉ", "\xe6"},      {"ĩ", "\xf3"},      {"ị", "\xf2"},      {"ỳ", "y\xf8"},     {"ỷ", "y\xfb"},
      {"ỵ", "\xee"},      {"đ", "\xf1"},      {"À", "A\xd8"},     {"Ạ", "A\xcf"},     {"Ấ", "A\xc1"},
      {"Ẩ", "A\xc5"},     {"Ặ", "A\xcb"},     {"Ẳ", "A\xda"},     {"Ẵ", "A\xdc"},     {"Ế", "E\xc1"},
      {"Ơ", "\xd4"},      {"Ớ", "\xd4\xd9"},  {"Ư", "\xd6"},      {"Ữ", "\xd6\xd5"},  {"Ì", "\xcc"},
      {"Í", "\xcd"},      {"Ỉ", "\xc6"},      {"Ĩ", "\xd3"},      {"Ị", "\xd2"},      {"Ỵ", "\xce"},
      {"Ý", "Y\xd9"},     {"Đ", "\xd1"},
  };
  for (const auto& [letter, bytes] : table) {
    EXPECT_EQ(hex(encode_from_utf8(letter, Encoding::vni)), hex(bytes)) << letter;
    EXPECT_EQ(decode_to_nfc(bytes, Encoding::vni), letter) << hex(bytes);
  }
}

TEST(VniEncoding, DecodesHandTypedPlaceNames) {
  EXPECT_EQ(decode_to_nfc("Hoa\xf8 B\xecnh", Encoding::vni), "Hoà Bình");
  EXPECT_EQ(decode_to_nfc("Xa\xf5 Phu\xf9"
                          "c Tuy",
                          Encoding::vni),
            "Xã Phúc Tuy");
  EXPECT_EQ(decode_to_nfc("Th\xf2 tra\xe1n M\xf6\xf4\xf8ng Khe\xe1n", Encoding::vni), "Thị trấn Mường Khến");
  EXPECT_EQ(decode_to_nfc("Ph\xf6\xf4\xf8ng \xd1o\xe0ng Tie\xe1n", Encoding::vni), "Phường Đồng Tiến");
  EXPECT_EQ(decode_to_nfc("Xo\xf9m Ngh\xf3"
                          "a",
                          Encoding::vni),
            "Xóm Nghĩa");
  EXPECT_EQ(decode_to_nfc("Ba\xfbn La\xf9"
                          "c",
                          Encoding::vni),
            "Bản Lác");
  EXPECT_EQ(decode_to_nfc("\xd1"
                          "a\xf8 Ba\xe9"
                          "c",
                          Encoding::vni),
            "Đà Bắc");
  EXPECT_EQ(decode_to_nfc("Ye\xe2n Thu\xfby", Encoding::vni), "Yên Thủy");
  EXPECT_EQ(decode_to_nfc("La\xef"
                          "c S\xf4n",
                          Encoding::vni),
            "Lạc Sơn");
  // Capitals take the capital diacritic bytes.
  EXPECT_EQ(decode_to_nfc("HOA\xd8 B\xccNH", Encoding::vni), "HOÀ BÌNH");
}

TEST(VniEncoding, RoundTripsAll134Letters) {
  const std::vector<std::string> letters = all_vietnamese_letters();
  std::string all;
  for (const std::string& letter : letters) {
    EXPECT_EQ(decode_to_nfc(encode_from_utf8(letter, Encoding::vni), Encoding::vni), letter);
    // After a vowel, too: the diacritic byte must bind to its own letter.
    const std::string after_vowel = "o" + letter + "a";
    EXPECT_EQ(decode_to_nfc(encode_from_utf8(after_vowel, Encoding::vni), Encoding::vni), after_vowel);
    all += letter;
  }
  EXPECT_EQ(decode_to_nfc(encode_from_utf8(all, Encoding::vni), Encoding::vni), all);
}

TEST(VniEncoding, KeepsOtherBytesAsCp1252) {
  EXPECT_EQ(decode_to_nfc("\x93"
                          "abc\x94 \xa9",
                          Encoding::vni),
            "“abc” ©");
  // A diacritic byte after a consonant is no VNI letter: kept as its CP1252 character.
  EXPECT_EQ(decode_to_nfc("b\xf9", Encoding::vni), "bù");
  EXPECT_EQ(decode_to_nfc(encode_from_utf8("“Số 5” ©", Encoding::vni), Encoding::vni), "“Số 5” ©");
}

TEST(VniEncoding, RefusesCharactersOutsideVni) {
  EXPECT_THROW(encode_from_utf8("Ж", Encoding::vni), InputError);
  EXPECT_THROW(encode_from_utf8("ñ", Encoding::vni), InputError);  // its byte means đ in VNI
  EXPECT_THROW(encode_from_utf8("ü", Encoding::vni), InputError);  // its byte is the ẵ diacritic
}

// ------------------------------------------------------------------------------------------------
// CP1258

TEST(Cp1258Encoding, TableMatchesGlibcForEveryByte) {
  Iconv glibc("UTF-8", "CP1258");
  ASSERT_TRUE(glibc.valid()) << "glibc has no CP1258 converter";
  for (int byte = 0; byte < 0x100; ++byte) {
    const std::string input(1, static_cast<char>(byte));
    const std::optional<std::string> expected = glibc.convert(input);
    if (expected) {
      EXPECT_EQ(decode_to_nfc(input, Encoding::cp1258), to_nfc(*expected)) << "byte " << hex(input);
    } else {
      EXPECT_THROW(decode_to_nfc(input, Encoding::cp1258), InputError) << "byte " << hex(input);
    }
  }
}

TEST(Cp1258Encoding, EncodesAll134LettersLikeGlibcAndRoundTrips) {
  Iconv glibc("CP1258", "UTF-8");
  ASSERT_TRUE(glibc.valid());
  for (const std::string& letter : all_vietnamese_letters()) {
    const std::string bytes = encode_from_utf8(letter, Encoding::cp1258);
    EXPECT_EQ(hex(bytes), hex(glibc.convert(letter).value())) << letter;
    EXPECT_EQ(decode_to_nfc(bytes, Encoding::cp1258), letter) << hex(bytes);
  }
}

TEST(Cp1258Encoding, ComposesBaseLettersAndToneMarks) {
  EXPECT_EQ(decode_to_nfc("Vi\xea\xf2t", Encoding::cp1258), "Việt");
  EXPECT_EQ(decode_to_nfc("Ho\xe0 Bi\xccnh", Encoding::cp1258), "Hoà Bình");
  EXPECT_EQ(decode_to_nfc("Xa\xde Ph\xfa"
                          "c Tuy",
                          Encoding::cp1258),
            "Xã Phúc Tuy");
  EXPECT_EQ(decode_to_nfc("a\xcc", Encoding::cp1258), "\xc3\xa0");  // precomposed U+00E0
  EXPECT_EQ(hex(encode_from_utf8("Thủy", Encoding::cp1258)), hex("Thu\xd2y"));
}

TEST(Cp1258Encoding, UndefinedBytesAreAnInputError) {
  try {
    decode_to_nfc("Ho\x8a", Encoding::cp1258);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("0x8A"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("--encoding"), std::string::npos) << error.what();
  }
  EXPECT_THROW(encode_from_utf8("Ж", Encoding::cp1258), InputError);
}

// ------------------------------------------------------------------------------------------------
// Latin-1 and UTF-8

TEST(Latin1Encoding, MapsBytesToTheSameCodePoints) {
  EXPECT_EQ(decode_to_nfc("Caf\xe9 \xb5", Encoding::latin1), "Café µ");
  EXPECT_EQ(hex(encode_from_utf8("Café", Encoding::latin1)), hex("Caf\xe9"));
  EXPECT_THROW(encode_from_utf8("Sơn", Encoding::latin1), InputError);
}

TEST(Utf8Encoding, NormalisesToNfc) {
  EXPECT_EQ(decode_to_nfc("Hoa\u0300 Bi\u0300nh", Encoding::utf8), "Hoà Bình");
  EXPECT_EQ(encode_from_utf8("Hoa\u0300", Encoding::utf8), "Hoà");
  EXPECT_EQ(decode_to_nfc("", Encoding::utf8), "");
}

TEST(Utf8Encoding, InvalidBytesSuggestTheEncodingOption) {
  try {
    decode_to_nfc("Ho\xb5 B\xd7nh", Encoding::utf8);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("--encoding"), std::string::npos) << error.what();
  }
}

// ------------------------------------------------------------------------------------------------
// Round trips of the place names in every encoding

TEST(LegacyEncodingNames, EveryPlaceNameRoundTripsInEveryEncoding) {
  std::vector<std::string> names = kPlaceNames;
  names.insert(names.end(), kMorePlaceNames.begin(), kMorePlaceNames.end());
  for (Encoding encoding : {Encoding::utf8, Encoding::tcvn3, Encoding::vni, Encoding::cp1258}) {
    for (const std::string& name : names) {
      EXPECT_TRUE(same_letters(name, decode_to_nfc(encode_from_utf8(name, encoding), encoding)))
          << to_string(encoding);
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Detection

TEST(EncodingDetection, FindsEachLegacyEncodingOfAListOfPlaceNames) {
  for (Encoding encoding : kLegacyEncodings) {
    for (const auto* names : {&kPlaceNames, &kMorePlaceNames}) {
      const std::vector<std::string> encoded = encode_all(*names, encoding);
      const Encoding detected = detect_encoding(encoded);
      ASSERT_EQ(detected, encoding) << "detected " << to_string(detected) << " for " << to_string(encoding);
      for (std::size_t i = 0; i < names->size(); ++i) {
        EXPECT_TRUE(same_letters((*names)[i], decode_to_nfc(encoded[i], detected))) << to_string(encoding);
      }
    }
  }
}

TEST(EncodingDetection, FindsEachLegacyEncodingOfASinglePlaceName) {
  for (Encoding encoding : kLegacyEncodings) {
    for (const std::string& name : kPlaceNames) {
      const std::vector<std::string> sample = {encode_from_utf8(name, encoding)};
      const Encoding detected = detect_encoding(sample);
      EXPECT_EQ(detected, encoding) << name << ": detected " << to_string(detected) << " for "
                                    << to_string(encoding);
      EXPECT_TRUE(same_letters(name, decode_to_nfc(sample[0], detected))) << to_string(encoding);
    }
  }
}

TEST(EncodingDetection, FindsUppercaseLabels) {
  const std::vector<std::string> labels = {"XÃ PHÚC TUY", "THỊ TRẤN MƯỜNG KHẾN", "YÊN THỦY"};
  for (Encoding encoding : {Encoding::vni, Encoding::cp1258}) {
    EXPECT_EQ(detect_encoding(encode_all(labels, encoding)), encoding) << to_string(encoding);
  }
  // TCVN3 capitals are ASCII letters next to lowercase codes.
  const std::vector<std::string> tcvn3 = encode_all(labels, Encoding::tcvn3);
  EXPECT_EQ(detect_encoding(tcvn3), Encoding::tcvn3);
  EXPECT_EQ(decode_to_nfc(tcvn3[0], Encoding::tcvn3), "Xã PHúC TUY");
}

TEST(EncodingDetection, IgnoresAsciiStringsAroundTheLegacyOnes) {
  const std::vector<std::string> sample = {"UBND", "17", "MA_XA", encode_from_utf8("Xã Tú Sơn", Encoding::vni), "Km 5"};
  EXPECT_EQ(detect_encoding(sample), Encoding::vni);
}

TEST(EncodingDetection, ValidUtf8AndAsciiAreUtf8) {
  EXPECT_EQ(detect_encoding(kPlaceNames), Encoding::utf8);
  EXPECT_EQ(detect_encoding({"Hoa Binh", "Da Bac"}), Encoding::utf8);
  EXPECT_EQ(detect_encoding({}), Encoding::utf8);
}

TEST(EncodingDetection, NonVietnameseSingleBytesAreLatin1) {
  EXPECT_EQ(detect_encoding({"M\xfcller", "Caf\xe9", "Stra\xdf"
                                                     "e"}),
            Encoding::latin1);
}

// ------------------------------------------------------------------------------------------------
// Names of encodings and code pages

TEST(EncodingNames, ParseAcceptsTheCliSpellingsInAnyCase) {
  EXPECT_EQ(parse_encoding("utf-8"), Encoding::utf8);
  EXPECT_EQ(parse_encoding("UTF8"), Encoding::utf8);
  EXPECT_EQ(parse_encoding("tcvn3"), Encoding::tcvn3);
  EXPECT_EQ(parse_encoding("ABC"), Encoding::tcvn3);
  EXPECT_EQ(parse_encoding("vni"), Encoding::vni);
  EXPECT_EQ(parse_encoding(" cp1258 "), Encoding::cp1258);
  EXPECT_EQ(parse_encoding("Windows-1258"), Encoding::cp1258);
  EXPECT_EQ(parse_encoding("latin1"), Encoding::latin1);
  for (Encoding encoding : {Encoding::utf8, Encoding::tcvn3, Encoding::vni, Encoding::cp1258, Encoding::latin1}) {
    EXPECT_EQ(parse_encoding(to_string(encoding)), encoding);
  }
}

TEST(EncodingNames, UnknownNamesAreAUsageErrorListingTheValidOnes) {
  try {
    parse_encoding("viscii");
    FAIL() << "expected UsageError";
  } catch (const UsageError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("viscii"), std::string::npos) << message;
    for (const char* name : {"utf-8", "tcvn3", "vni", "cp1258", "latin1"}) {
      EXPECT_NE(message.find(name), std::string::npos) << message;
    }
  }
  EXPECT_THROW(parse_encoding("auto"), UsageError);  // callers handle "auto"
}

TEST(EncodingNames, CodePagesFromCpgFilesAndDbfDrivers) {
  EXPECT_EQ(encoding_from_codepage("UTF-8"), Encoding::utf8);
  EXPECT_EQ(encoding_from_codepage("utf8\r\n"), Encoding::utf8);
  EXPECT_EQ(encoding_from_codepage("\xEF\xBB\xBFUTF-8"), Encoding::utf8);
  EXPECT_EQ(encoding_from_codepage("65001"), Encoding::utf8);
  EXPECT_EQ(encoding_from_codepage("1258"), Encoding::cp1258);
  EXPECT_EQ(encoding_from_codepage("CP1258"), Encoding::cp1258);
  EXPECT_EQ(encoding_from_codepage("Windows-1258"), Encoding::cp1258);
  EXPECT_EQ(encoding_from_codepage(" ANSI 1258 "), Encoding::cp1258);
  EXPECT_EQ(encoding_from_codepage("TCVN5712-1"), Encoding::tcvn3);
  EXPECT_EQ(encoding_from_codepage("tcvn"), Encoding::tcvn3);
  EXPECT_EQ(encoding_from_codepage("TCVN3"), Encoding::tcvn3);
  EXPECT_EQ(encoding_from_codepage("VNI"), Encoding::vni);
  // Western code pages are what mislabelled TCVN3/VNI files carry: detect instead.
  EXPECT_EQ(encoding_from_codepage("1252"), std::nullopt);
  EXPECT_EQ(encoding_from_codepage("ISO-8859-1"), std::nullopt);
  EXPECT_EQ(encoding_from_codepage("LDID/87"), std::nullopt);
  EXPECT_EQ(encoding_from_codepage(""), std::nullopt);
}

// ------------------------------------------------------------------------------------------------
// Repairing text mis-decoded upstream

TEST(EncodingRepair, Tcvn3AndVniReadAsLatin1OrCp1252) {
  const std::optional<std::string> tcvn3 = to_single_bytes("Hoµ B×nh");
  ASSERT_TRUE(tcvn3.has_value());
  EXPECT_EQ(hex(*tcvn3), hex("Ho\xb5 B\xd7nh"));
  EXPECT_EQ(decode_to_nfc(*tcvn3, Encoding::tcvn3), "Hoà Bình");

  const std::optional<std::string> vni = to_single_bytes("Thò traán Möôøng Kheán");
  ASSERT_TRUE(vni.has_value());
  EXPECT_EQ(decode_to_nfc(*vni, Encoding::vni), "Thị trấn Mường Khến");

  EXPECT_EQ(to_single_bytes("“x”"), std::optional<std::string>("\x93x\x94"));
  EXPECT_EQ(to_single_bytes("\u0093"), std::optional<std::string>("\x93"));  // Latin-1 reading
}

TEST(EncodingRepair, TextBeyondSingleBytesIsLeftAlone) {
  EXPECT_EQ(to_single_bytes("Thị trấn"), std::nullopt);
  EXPECT_EQ(to_single_bytes("Sơn"), std::nullopt);
  EXPECT_EQ(to_single_bytes("\xff"), std::nullopt);  // not UTF-8
}

TEST(EncodingRepair, Cp1252PunctuationMatchesGlibc) {
  Iconv glibc("UTF-8", "CP1252");
  ASSERT_TRUE(glibc.valid());
  for (int byte = 0x80; byte < 0xA0; ++byte) {
    const std::string input(1, static_cast<char>(byte));
    const std::optional<std::string> character = glibc.convert(input);
    if (!character) continue;  // undefined in CP1252
    EXPECT_EQ(to_single_bytes(*character), std::optional<std::string>(input)) << "byte " << hex(input);
    EXPECT_EQ(decode_to_nfc(input, Encoding::vni), *character) << "byte " << hex(input);
  }
}

}  // namespace
}  // namespace antt::text
