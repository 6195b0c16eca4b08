#include "antt/text/legacy_encoding.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>

#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"

// All decoders here are table-driven, not iconv: glibc's TCVN5712-1 and CP1258 converters hold back
// the last base letter waiting for a combining mark, which is how GDAL 3.6 loses the last letter
// of every TCVN3 string (DOMAIN.md §4). The tests check the TCVN3 and CP1258 tables against glibc.
//
// Sources for VNI-Windows: the VNI tables of xvnkb (vni.h, Dao Hai Lam, 2002) and of the
// vietnamese-conversion npm package (charsets.ts), which agree entry for entry.

namespace antt::text {
namespace {

// ---------------------------------------------------------------------------------------------
// UTF-8 and code points

void append_utf8(std::string& out, char32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

/// Code points of text already known to be valid UTF-8.
std::u32string code_points_of(std::string_view utf8) {
  std::u32string out;
  int32_t i = 0;
  const auto length = static_cast<int32_t>(utf8.size());
  while (i < length) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(utf8.data()), i, length, c);
    out += static_cast<char32_t>(c);
  }
  return out;
}

std::string describe(char32_t code_point) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(code_point));
  std::string out = "'";
  append_utf8(out, code_point);
  return out + "' (" + hex + ")";
}

std::string hex_byte(unsigned char byte) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", byte);
  return hex;
}

// ---------------------------------------------------------------------------------------------
// Vietnamese vowels: 12 base vowels × 6 tones, the backbone of every encoder and of detection.

enum class Tone : int { level, grave, acute, hook, tilde, dot };  // ngang huyền sắc hỏi ngã nặng
enum class Vowel : int { a, a_breve, a_circumflex, e, e_circumflex, i, o, o_circumflex, o_horn, u, u_horn, y };
constexpr int kToneCount = 6;
constexpr int kVowelCount = 12;

using VowelTable = std::array<std::array<char32_t, kToneCount>, kVowelCount>;

constexpr VowelTable kLowerVowels = {{
    {U'a', U'à', U'á', U'ả', U'ã', U'ạ'},
    {U'ă', U'ằ', U'ắ', U'ẳ', U'ẵ', U'ặ'},
    {U'â', U'ầ', U'ấ', U'ẩ', U'ẫ', U'ậ'},
    {U'e', U'è', U'é', U'ẻ', U'ẽ', U'ẹ'},
    {U'ê', U'ề', U'ế', U'ể', U'ễ', U'ệ'},
    {U'i', U'ì', U'í', U'ỉ', U'ĩ', U'ị'},
    {U'o', U'ò', U'ó', U'ỏ', U'õ', U'ọ'},
    {U'ô', U'ồ', U'ố', U'ổ', U'ỗ', U'ộ'},
    {U'ơ', U'ờ', U'ớ', U'ở', U'ỡ', U'ợ'},
    {U'u', U'ù', U'ú', U'ủ', U'ũ', U'ụ'},
    {U'ư', U'ừ', U'ứ', U'ử', U'ữ', U'ự'},
    {U'y', U'ỳ', U'ý', U'ỷ', U'ỹ', U'ỵ'},
}};

constexpr VowelTable kUpperVowels = {{
    {U'A', U'À', U'Á', U'Ả', U'Ã', U'Ạ'},
    {U'Ă', U'Ằ', U'Ắ', U'Ẳ', U'Ẵ', U'Ặ'},
    {U'Â', U'Ầ', U'Ấ', U'Ẩ', U'Ẫ', U'Ậ'},
    {U'E', U'È', U'É', U'Ẻ', U'Ẽ', U'Ẹ'},
    {U'Ê', U'Ề', U'Ế', U'Ể', U'Ễ', U'Ệ'},
    {U'I', U'Ì', U'Í', U'Ỉ', U'Ĩ', U'Ị'},
    {U'O', U'Ò', U'Ó', U'Ỏ', U'Õ', U'Ọ'},
    {U'Ô', U'Ồ', U'Ố', U'Ổ', U'Ỗ', U'Ộ'},
    {U'Ơ', U'Ờ', U'Ớ', U'Ở', U'Ỡ', U'Ợ'},
    {U'U', U'Ù', U'Ú', U'Ủ', U'Ũ', U'Ụ'},
    {U'Ư', U'Ừ', U'Ứ', U'Ử', U'Ữ', U'Ự'},
    {U'Y', U'Ỳ', U'Ý', U'Ỷ', U'Ỹ', U'Ỵ'},
}};

constexpr char32_t kLowerD = U'đ';
constexpr char32_t kUpperD = U'Đ';

struct VietnameseVowel {
  Vowel vowel;
  Tone tone;
  bool upper;
};

std::optional<VietnameseVowel> find_vowel(char32_t code_point) {
  for (int v = 0; v < kVowelCount; ++v) {
    for (int t = 0; t < kToneCount; ++t) {
      if (kLowerVowels[v][t] == code_point) return VietnameseVowel{Vowel(v), Tone(t), false};
      if (kUpperVowels[v][t] == code_point) return VietnameseVowel{Vowel(v), Tone(t), true};
    }
  }
  return std::nullopt;
}

char32_t vowel_letter(Vowel vowel, Tone tone, bool upper) {
  const VowelTable& table = upper ? kUpperVowels : kLowerVowels;
  return table[static_cast<int>(vowel)][static_cast<int>(tone)];
}

// ---------------------------------------------------------------------------------------------
// CP1252 (Windows Western), the base of CP1258 and what VNI fonts show outside Vietnamese letters.

/// 0x80–0x9F; 0 where CP1252 defines nothing (0x81 0x8D 0x8F 0x90 0x9D).
constexpr std::array<char32_t, 32> kCp1252High = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,        // 88
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,   // 90
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,   // 98
};

/// CP1252 as Windows' MultiByteToWideChar reads it: undefined bytes pass through as C1 controls.
char32_t cp1252_to_unicode(unsigned char byte) {
  if (byte >= 0x80 && byte < 0xA0 && kCp1252High[byte - 0x80] != 0) return kCp1252High[byte - 0x80];
  return byte;
}

/// The exact inverse of cp1252_to_unicode.
std::optional<unsigned char> cp1252_byte(char32_t code_point) {
  if (code_point < 0x80 || (code_point >= 0xA0 && code_point <= 0xFF)) return static_cast<unsigned char>(code_point);
  for (std::size_t i = 0; i < kCp1252High.size(); ++i) {
    if (kCp1252High[i] == code_point) return static_cast<unsigned char>(0x80 + i);
  }
  if (code_point >= 0x80 && code_point < 0xA0 && kCp1252High[code_point - 0x80] == 0) {
    return static_cast<unsigned char>(code_point);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// TCVN3: TCVN 5712:1993. The table is VN1, the full set (identical to glibc's TCVN5712-1); files
// made with ABC/.Vn fonts use its VN3 subset, which has no accented capitals: .VnTimeH fonts drew
// capitals at the lowercase codes, so such text decodes to lowercase.

constexpr std::array<char32_t, 256> make_tcvn3_table() {
  std::array<char32_t, 256> table{};
  for (char32_t byte = 0; byte < 0x80; ++byte) table[byte] = byte;
  // VN1 puts 12 capitals on C0 control codes; VN3 text never contains them.
  table[0x01] = U'Ú';
  table[0x02] = U'Ụ';
  table[0x04] = U'Ừ';
  table[0x05] = U'Ử';
  table[0x06] = U'Ữ';
  table[0x11] = U'Ứ';
  table[0x12] = U'Ự';
  table[0x13] = U'Ỳ';
  table[0x14] = U'Ỷ';
  table[0x15] = U'Ỹ';
  table[0x16] = U'Ý';
  table[0x17] = U'Ỵ';
  constexpr std::array<char32_t, 128> high = {
      U'À', U'Ả', U'Ã', U'Á', U'Ạ', U'Ặ', U'Ậ', U'È',  // 80 (80–9F: VN1-only capitals)
      U'Ẻ', U'Ẽ', U'É', U'Ẹ', U'Ệ', U'Ì', U'Ỉ', U'Ĩ',  // 88
      U'Í', U'Ị', U'Ò', U'Ỏ', U'Õ', U'Ó', U'Ọ', U'Ộ',  // 90
      U'Ờ', U'Ở', U'Ỡ', U'Ớ', U'Ợ', U'Ù', U'Ủ', U'Ũ',  // 98
      0x00A0, U'Ă', U'Â', U'Ê', U'Ô', U'Ơ', U'Ư', U'Đ',  // A0
      U'ă', U'â', U'ê', U'ô', U'ơ', U'ư', U'đ', U'Ằ',  // A8
      // B0–B4: combining grave, hook, tilde, acute, dot below (composed by NFC afterwards).
      0x0300, 0x0309, 0x0303, 0x0301, 0x0323, U'à', U'ả', U'ã',  // B0
      U'á', U'ạ', U'Ẳ', U'ằ', U'ẳ', U'ẵ', U'ắ', U'Ẵ',  // B8
      U'Ắ', U'Ầ', U'Ẩ', U'Ẫ', U'Ấ', U'Ề', U'ặ', U'ầ',  // C0
      U'ẩ', U'ẫ', U'ấ', U'ậ', U'è', U'Ể', U'ẻ', U'ẽ',  // C8
      U'é', U'ẹ', U'ề', U'ể', U'ễ', U'ế', U'ệ', U'ì',  // D0
      U'ỉ', U'Ễ', U'Ế', U'Ồ', U'ĩ', U'í', U'ị', U'ò',  // D8
      U'Ổ', U'ỏ', U'õ', U'ó', U'ọ', U'ồ', U'ổ', U'ỗ',  // E0
      U'ố', U'ộ', U'ờ', U'ở', U'ỡ', U'ớ', U'ợ', U'ù',  // E8
      U'Ỗ', U'ủ', U'ũ', U'ú', U'ụ', U'ừ', U'ử', U'ữ',  // F0
      U'ứ', U'ự', U'ỳ', U'ỷ', U'ỹ', U'ý', U'ỵ', U'Ố',  // F8
  };
  for (std::size_t i = 0; i < high.size(); ++i) table[0x80 + i] = high[i];
  return table;
}

constexpr std::array<char32_t, 256> kTcvn3 = make_tcvn3_table();

std::string decode_tcvn3(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char byte : bytes) append_utf8(out, kTcvn3[static_cast<unsigned char>(byte)]);
  return to_nfc(out);
}

/// The VN3 byte of a code point: ASCII, Ă Â Ê Ô Ơ Ư Đ, lowercase letters, the combining tones.
std::optional<unsigned char> tcvn3_byte(char32_t code_point) {
  if (code_point < 0x80) {
    if (kTcvn3[code_point] != code_point) return std::nullopt;  // a C0 code VN1 gives to a capital
    return static_cast<unsigned char>(code_point);
  }
  for (int byte = 0xA0; byte < 0x100; ++byte) {
    const char32_t mapped = kTcvn3[byte];
    if (mapped != code_point) continue;
    const auto vowel = find_vowel(mapped);
    if (vowel && vowel->upper && vowel->tone != Tone::level) return std::nullopt;  // VN1-only capital
    return static_cast<unsigned char>(byte);
  }
  return std::nullopt;
}

std::string encode_tcvn3(std::u32string_view text) {
  std::string out;
  for (char32_t code_point : text) {
    std::optional<unsigned char> byte = tcvn3_byte(code_point);
    if (!byte) {
      // VN3 has no accented capitals; ABC users typed them with the lowercase code.
      const auto vowel = find_vowel(code_point);
      if (vowel && vowel->upper) byte = tcvn3_byte(vowel_letter(vowel->vowel, vowel->tone, false));
    }
    if (!byte) throw InputError("TCVN3 has no code for " + describe(code_point));
    out += static_cast<char>(*byte);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CP1258 (Windows Vietnamese): CP1252 with some Latin-1 letters replaced by ă â ơ ư đ, ₫ and five
// combining tone marks. Letters without a precomposed code are written base + tone mark.

/// The bytes of the combining tone marks, indexed by Tone (level has none).
constexpr std::array<unsigned char, kToneCount> kCp1258ToneBytes = {0, 0xCC, 0xEC, 0xD2, 0xDE, 0xF2};

std::optional<char32_t> cp1258_to_unicode(unsigned char byte) {
  switch (byte) {
    case 0x8A: case 0x8E: case 0x9A: case 0x9E: return std::nullopt;  // Š Ž š ž in CP1252
    case 0xC3: return U'Ă';
    case 0xCC: return 0x0300;
    case 0xD0: return U'Đ';
    case 0xD2: return 0x0309;
    case 0xD5: return U'Ơ';
    case 0xDD: return U'Ư';
    case 0xDE: return 0x0303;
    case 0xE3: return U'ă';
    case 0xEC: return 0x0301;
    case 0xF0: return U'đ';
    case 0xF2: return 0x0323;
    case 0xF5: return U'ơ';
    case 0xFD: return U'ư';
    case 0xFE: return U'₫';
    default: break;
  }
  if (byte >= 0x80 && byte < 0xA0 && kCp1252High[byte - 0x80] == 0) return std::nullopt;
  return cp1252_to_unicode(byte);
}

std::string decode_cp1258(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    const auto code_point = cp1258_to_unicode(byte);
    if (!code_point) {
      throw InputError("byte " + hex_byte(byte) +
                       " is not defined in CP1258: the text is in another encoding; try --encoding tcvn3 or vni");
    }
    append_utf8(out, *code_point);
  }
  return to_nfc(out);
}

std::optional<unsigned char> cp1258_byte(char32_t code_point) {
  if (code_point < 0x80) return static_cast<unsigned char>(code_point);
  for (int byte = 0x80; byte < 0x100; ++byte) {
    if (cp1258_to_unicode(static_cast<unsigned char>(byte)) == code_point) return static_cast<unsigned char>(byte);
  }
  return std::nullopt;
}

std::string encode_cp1258(std::u32string_view text) {
  std::string out;
  for (char32_t code_point : text) {
    if (const auto byte = cp1258_byte(code_point)) {
      out += static_cast<char>(*byte);
      continue;
    }
    const auto vowel = find_vowel(code_point);
    const auto base = vowel ? cp1258_byte(vowel_letter(vowel->vowel, Tone::level, vowel->upper)) : std::nullopt;
    if (!base) throw InputError("CP1258 has no code for " + describe(code_point));
    out += static_cast<char>(*base);
    out += static_cast<char>(kCp1258ToneBytes[static_cast<int>(vowel->tone)]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// VNI-Windows: a font hack over CP1252. A vowel is its ASCII base letter followed by one byte
// carrying its diacritics (tone; circumflex + tone; breve + tone); i-with-tone, ỵ, ơ, ư and đ have
// single bytes. Arrays are indexed by Tone; capitals use the capital bytes.

struct VniCase {
  std::array<unsigned char, kToneCount> tone;        ///< after a e i o u y ơ ư (level: no byte)
  std::array<unsigned char, kToneCount> circumflex;  ///< â ê ô = a e o + this byte
  std::array<unsigned char, kToneCount> breve;       ///< ă = a + this byte
  std::array<unsigned char, kToneCount> i;           ///< i with tones (level: the ASCII letter)
  unsigned char y_dot, o_horn, u_horn, d_stroke;     ///< ỵ ơ ư đ
};

constexpr VniCase kVniLower = {
    {0, 0xF8, 0xF9, 0xFB, 0xF5, 0xEF},     // ø ù û õ ï
    {0xE2, 0xE0, 0xE1, 0xE5, 0xE3, 0xE4},  // â à á å ã ä
    {0xEA, 0xE8, 0xE9, 0xFA, 0xFC, 0xEB},  // ê è é ú ü ë
    {'i', 0xEC, 0xED, 0xE6, 0xF3, 0xF2},   // ì í æ ó ò
    0xEE, 0xF4, 0xF6, 0xF1,                // î ô ö ñ
};

constexpr VniCase kVniUpper = {
    {0, 0xD8, 0xD9, 0xDB, 0xD5, 0xCF},     // Ø Ù Û Õ Ï
    {0xC2, 0xC0, 0xC1, 0xC5, 0xC3, 0xC4},  // Â À Á Å Ã Ä
    {0xCA, 0xC8, 0xC9, 0xDA, 0xDC, 0xCB},  // Ê È É Ú Ü Ë
    {'I', 0xCC, 0xCD, 0xC6, 0xD3, 0xD2},   // Ì Í Æ Ó Ò
    0xCE, 0xD4, 0xD6, 0xD1,                // Î Ô Ö Ñ
};

enum class VniMarkKind { tone, circumflex, breve };

struct VniMark {
  VniMarkKind kind;
  Tone tone;
};

std::optional<VniMark> vni_mark(unsigned char byte) {
  for (const VniCase* letter_case : {&kVniLower, &kVniUpper}) {
    for (int t = 0; t < kToneCount; ++t) {
      if (t != 0 && letter_case->tone[t] == byte) return VniMark{VniMarkKind::tone, Tone(t)};
      if (letter_case->circumflex[t] == byte) return VniMark{VniMarkKind::circumflex, Tone(t)};
      if (letter_case->breve[t] == byte) return VniMark{VniMarkKind::breve, Tone(t)};
    }
  }
  return std::nullopt;
}

/// A letter VNI codes in one byte (ì í ỉ ĩ ị ỵ ơ ư đ and capitals).
std::optional<char32_t> vni_letter(unsigned char byte) {
  for (const VniCase* letter_case : {&kVniLower, &kVniUpper}) {
    const bool upper = letter_case == &kVniUpper;
    for (int t = 1; t < kToneCount; ++t) {
      if (letter_case->i[t] == byte) return vowel_letter(Vowel::i, Tone(t), upper);
    }
    if (letter_case->y_dot == byte) return vowel_letter(Vowel::y, Tone::dot, upper);
    if (letter_case->o_horn == byte) return vowel_letter(Vowel::o_horn, Tone::level, upper);
    if (letter_case->u_horn == byte) return vowel_letter(Vowel::u_horn, Tone::level, upper);
    if (letter_case->d_stroke == byte) return upper ? kUpperD : kLowerD;
  }
  return std::nullopt;
}

/// The vowel a VNI mark byte may follow: a e i o u y (either case) and ơ ư.
std::optional<VietnameseVowel> vni_markable_vowel(char32_t code_point) {
  const auto vowel = find_vowel(code_point);
  if (!vowel || vowel->tone != Tone::level) return std::nullopt;
  switch (vowel->vowel) {
    case Vowel::a: case Vowel::e: case Vowel::i: case Vowel::o: case Vowel::u: case Vowel::y:
    case Vowel::o_horn: case Vowel::u_horn:
      return vowel;
    default:
      return std::nullopt;
  }
}

/// The vowel a mark turns `base` into, if the mark fits it (â ê ô take circumflex, ă breve).
std::optional<Vowel> apply_vni_mark(Vowel base, VniMarkKind kind) {
  switch (kind) {
    case VniMarkKind::tone: return base;
    case VniMarkKind::circumflex:
      if (base == Vowel::a) return Vowel::a_circumflex;
      if (base == Vowel::e) return Vowel::e_circumflex;
      if (base == Vowel::o) return Vowel::o_circumflex;
      return std::nullopt;
    case VniMarkKind::breve:
      if (base == Vowel::a) return Vowel::a_breve;
      return std::nullopt;
  }
  return std::nullopt;
}

/// Decodes VNI; `misplaced_marks` counts diacritic bytes that followed no vowel they fit (read as
/// their CP1252 letters), which genuine VNI text never has.
std::u32string decode_vni_code_points(std::string_view bytes, int& misplaced_marks) {
  std::u32string out;
  bool previous_takes_mark = false;  // the last code point came from a base vowel byte
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out += static_cast<char32_t>(byte);
      previous_takes_mark = vni_markable_vowel(byte).has_value();
      continue;
    }
    if (const auto letter = vni_letter(byte)) {
      out += *letter;
      previous_takes_mark = vni_markable_vowel(*letter).has_value();
      continue;
    }
    const auto mark = vni_mark(byte);
    if (mark && previous_takes_mark) {
      const VietnameseVowel base = *vni_markable_vowel(out.back());
      if (const auto vowel = apply_vni_mark(base.vowel, mark->kind)) {
        out.back() = vowel_letter(*vowel, mark->tone, base.upper);
        previous_takes_mark = false;
        continue;
      }
    }
    if (mark) ++misplaced_marks;
    out += cp1252_to_unicode(byte);
    previous_takes_mark = false;
  }
  return out;
}

std::string decode_vni(std::string_view bytes, int& misplaced_marks) {
  std::string out;
  for (char32_t code_point : decode_vni_code_points(bytes, misplaced_marks)) append_utf8(out, code_point);
  return to_nfc(out);
}

bool is_vni_special(unsigned char byte) { return vni_mark(byte).has_value() || vni_letter(byte).has_value(); }

/// The VNI bytes of a Vietnamese vowel letter.
std::string vni_vowel_code(const VietnameseVowel& letter) {
  const VniCase& bytes = letter.upper ? kVniUpper : kVniLower;
  const auto tone = static_cast<int>(letter.tone);
  const auto ascii = [&](char lower) { return static_cast<unsigned char>(letter.upper ? lower - 'a' + 'A' : lower); };
  std::array<unsigned char, 2> code{};  // base byte, diacritic byte (0: none)
  switch (letter.vowel) {
    case Vowel::a: code = {ascii('a'), bytes.tone[tone]}; break;
    case Vowel::a_breve: code = {ascii('a'), bytes.breve[tone]}; break;
    case Vowel::a_circumflex: code = {ascii('a'), bytes.circumflex[tone]}; break;
    case Vowel::e: code = {ascii('e'), bytes.tone[tone]}; break;
    case Vowel::e_circumflex: code = {ascii('e'), bytes.circumflex[tone]}; break;
    case Vowel::i: code = {bytes.i[tone], 0}; break;
    case Vowel::o: code = {ascii('o'), bytes.tone[tone]}; break;
    case Vowel::o_circumflex: code = {ascii('o'), bytes.circumflex[tone]}; break;
    case Vowel::o_horn: code = {bytes.o_horn, bytes.tone[tone]}; break;
    case Vowel::u: code = {ascii('u'), bytes.tone[tone]}; break;
    case Vowel::u_horn: code = {bytes.u_horn, bytes.tone[tone]}; break;
    case Vowel::y:
      code = letter.tone == Tone::dot ? std::array<unsigned char, 2>{bytes.y_dot, 0}
                                      : std::array<unsigned char, 2>{ascii('y'), bytes.tone[tone]};
      break;
  }
  std::string out(1, static_cast<char>(code[0]));
  if (code[1] != 0) out += static_cast<char>(code[1]);
  return out;
}

std::string encode_vni(std::u32string_view text) {
  std::string out;
  for (char32_t code_point : text) {
    if (code_point == kLowerD || code_point == kUpperD) {
      out += static_cast<char>(code_point == kUpperD ? kVniUpper.d_stroke : kVniLower.d_stroke);
      continue;
    }
    if (const auto vowel = find_vowel(code_point)) {
      out += vni_vowel_code(*vowel);
      continue;
    }
    // Anything else only where VNI fonts keep the CP1252 glyph.
    const auto byte = cp1252_byte(code_point);
    if (!byte || is_vni_special(*byte)) throw InputError("VNI-Windows has no code for " + describe(code_point));
    out += static_cast<char>(*byte);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Latin-1

std::string decode_latin1(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char byte : bytes) append_utf8(out, static_cast<unsigned char>(byte));
  return out;  // Latin-1 has no combining characters: already NFC
}

std::string encode_latin1(std::u32string_view text) {
  std::string out;
  for (char32_t code_point : text) {
    if (code_point > 0xFF) throw InputError("Latin-1 has no code for " + describe(code_point));
    out += static_cast<char>(code_point);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Detection: how Vietnamese does a decoded word look?

/// A syllable nucleus (medial glide + main vowel(s)), the finals it takes ("-" = none) and which of
/// its vowels carries the tone mark. With kInitials this accepts every syllable of Debian's
/// hunspell-vi word list (6,600 entries) except the non-syllables "HĐND" and "palăng", while most
/// misreadings fail ("Hoaứ", "Phỳc", "Biènh").
struct Rime {
  std::u32string_view nucleus;
  std::u32string_view finals;
  int tone_vowel;             ///< index in nucleus of the vowel carrying the tone
  bool open_glide_may_carry;  ///< "hòa/hoà", "thủy/thuỷ": both placements are in use when open
};

constexpr std::array<Rime, 29> kRimes = {{
    {U"a", U"- c ch i m n ng nh o p t u y", 0, false},
    {U"ă", U"c m n ng p t", 0, false},
    {U"â", U"c m n ng p t u y", 0, false},
    {U"e", U"- c m n ng o p t", 0, false},
    {U"ê", U"- ch m n nh p t u", 0, false},
    {U"i", U"- ch m n nh p t u", 0, false},
    {U"ia", U"-", 0, false},
    {U"iê", U"c m n ng p t u", 1, false},
    {U"o", U"- c i m n ng p t", 0, false},
    {U"oo", U"c ng", 1, false},
    {U"ô", U"- c i m n ng p t", 0, false},
    {U"ơ", U"- i m n p t", 0, false},
    {U"u", U"- c i m n ng p t", 0, false},
    {U"ua", U"-", 0, false},
    {U"uô", U"c i m n ng t", 1, false},
    {U"ư", U"- c i m n ng t u", 0, false},
    {U"ưa", U"-", 0, false},
    {U"ươ", U"c i m n ng p t u", 1, false},
    {U"y", U"-", 0, false},
    {U"yê", U"m n ng t u", 1, false},
    {U"oa", U"- c ch i m n ng nh o p t y", 1, true},
    {U"oă", U"c m n ng t", 1, false},
    {U"oe", U"- n o t", 1, true},
    {U"uâ", U"n ng t y", 1, false},
    {U"uê", U"- ch nh", 1, false},
    {U"uơ", U"-", 1, false},
    {U"uy", U"- ch n nh t u", 1, true},
    {U"uya", U"-", 1, false},
    {U"uyê", U"n t", 2, false},
}};

// "qu" reads "quả" as qu + a; "q" reads "quýnh" as q + uy + nh.
constexpr std::array<std::u32string_view, 29> kInitials = {
    U"", U"b", U"c", U"ch", U"d", U"đ", U"g", U"gh", U"gi", U"h", U"k", U"kh", U"l", U"m", U"n",
    U"ng", U"ngh", U"nh", U"p", U"ph", U"q", U"qu", U"r", U"s", U"t", U"th", U"tr", U"v", U"x",
};

constexpr std::array<std::u32string_view, 9> kInitialsBeforeLoneY = {U"", U"h", U"k", U"l", U"m", U"qu", U"s", U"t", U"v"};

bool has_final(std::u32string_view finals, std::u32string_view final_consonant) {
  if (final_consonant.empty()) final_consonant = U"-";
  std::size_t start = 0;
  while (start < finals.size()) {
    std::size_t end = finals.find(U' ', start);
    if (end == std::u32string_view::npos) end = finals.size();
    if (finals.substr(start, end - start) == final_consonant) return true;
    start = end + 1;
  }
  return false;
}

bool is_stop_final(std::u32string_view final_consonant) {
  return final_consonant == U"c" || final_consonant == U"ch" || final_consonant == U"p" || final_consonant == U"t";
}

/// True when `utf8` (NFC) spells one well-formed Vietnamese syllable: initial + rime, at most one
/// tone, on the vowel that carries it, and only sắc or nặng before a stop (c ch p t).
bool is_vietnamese_syllable(std::string_view utf8) {
  std::u32string letters;  // lowercase, toneless
  Tone tone = Tone::level;
  std::size_t toned_index = 0;
  bool seen_lower = false;
  for (char32_t code_point : code_points_of(utf8)) {
    if (code_point < 0x80) {
      const auto ascii = static_cast<char>(code_point);
      if (ascii >= 'a' && ascii <= 'z') {
        seen_lower = true;
      } else if (ascii >= 'A' && ascii <= 'Z') {
        code_point += 'a' - 'A';
      } else {
        return false;
      }
      letters += code_point;
      continue;
    }
    if (code_point == kLowerD || code_point == kUpperD) {
      if (code_point == kUpperD && seen_lower) return false;
      seen_lower = seen_lower || code_point == kLowerD;
      letters += kLowerD;
      continue;
    }
    const auto vowel = find_vowel(code_point);
    if (!vowel) return false;
    // A capital after a small letter: TCVN3 read as something else ("HoỔ"). ASCII capitals after
    // small accented letters stay allowed: that is how TCVN3 all-caps text looks ("PHúC").
    if (vowel->upper && seen_lower) return false;
    seen_lower = seen_lower || !vowel->upper;
    if (vowel->tone != Tone::level) {
      if (tone != Tone::level) return false;
      tone = vowel->tone;
      toned_index = letters.size();
    }
    letters += vowel_letter(vowel->vowel, Tone::level, false);
  }
  const std::u32string_view word = letters;
  for (std::u32string_view initial : kInitials) {
    if (!word.starts_with(initial)) continue;
    const std::u32string_view rime = word.substr(initial.size());
    for (const Rime& candidate : kRimes) {
      if (!rime.starts_with(candidate.nucleus)) continue;
      const std::u32string_view final_consonant = rime.substr(candidate.nucleus.size());
      if (!has_final(candidate.finals, final_consonant)) continue;
      // A lone "y" is the i/y spelling variant, written only after these ("kỳ", "lý", "mỹ", "quý").
      if (candidate.nucleus == U"y" && final_consonant.empty() &&
          std::ranges::find(kInitialsBeforeLoneY, initial) == kInitialsBeforeLoneY.end()) {
        continue;
      }
      if (tone == Tone::level) return true;
      if (is_stop_final(final_consonant) && tone != Tone::acute && tone != Tone::dot) continue;
      const std::size_t main_vowel = initial.size() + static_cast<std::size_t>(candidate.tone_vowel);
      if (toned_index == main_vowel) return true;
      if (candidate.open_glide_may_carry && final_consonant.empty() && toned_index == main_vowel - 1) return true;
    }
  }
  return false;
}

bool is_ascii_letter(unsigned char byte) { return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z'); }

/// Words (runs of letters and non-ASCII bytes) that hold at least one non-ASCII byte: the only
/// ones whose reading differs between encodings.
std::vector<std::string_view> informative_words(const std::vector<std::string>& samples) {
  std::vector<std::string_view> words;
  for (const std::string& sample : samples) {
    std::size_t start = 0;
    while (start < sample.size()) {
      std::size_t end = start;
      bool non_ascii = false;
      while (end < sample.size()) {
        const auto byte = static_cast<unsigned char>(sample[end]);
        if (byte < 0x80 && !is_ascii_letter(byte)) break;
        non_ascii = non_ascii || byte >= 0x80;
        ++end;
      }
      if (non_ascii) words.emplace_back(sample.data() + start, end - start);
      start = end + 1;
    }
  }
  return words;
}

/// How well the words read in one encoding: more Vietnamese syllables is better; among equals,
/// fewer tone marks (misreadings turn â ơ ư ô ă into toned letters: "Sơn" → "Sụn").
struct Reading {
  int syllables = 0;
  int toned = 0;
  bool better_than(const Reading& other) const {
    return syllables > other.syllables || (syllables == other.syllables && toned < other.toned);
  }
};

int count_tone_marks(std::string_view utf8) {
  int count = 0;
  for (char32_t code_point : code_points_of(utf8)) {
    const auto vowel = find_vowel(code_point);
    if (vowel && vowel->tone != Tone::level) ++count;
  }
  return count;
}

bool has_accented_capital(std::string_view utf8) {
  for (char32_t code_point : code_points_of(utf8)) {
    const auto vowel = find_vowel(code_point);
    if (vowel && vowel->upper && vowel->tone != Tone::level) return true;
  }
  return false;
}

/// The reading of `words` in `encoding`; nothing when the bytes are not text in it.
std::optional<Reading> read_words(const std::vector<std::string_view>& words, Encoding encoding) {
  Reading reading;
  for (std::string_view word : words) {
    std::string decoded;
    switch (encoding) {
      case Encoding::vni: {
        int misplaced_marks = 0;
        decoded = decode_vni(word, misplaced_marks);
        if (misplaced_marks > 0) continue;
        break;
      }
      case Encoding::cp1258:
        try {
          decoded = decode_cp1258(word);
        } catch (const InputError&) {
          return std::nullopt;
        }
        break;
      case Encoding::tcvn3:
        decoded = decode_tcvn3(word);
        if (has_accented_capital(decoded)) continue;  // VN1-only codes: not what ABC software wrote
        break;
      default:
        decoded = decode_to_nfc(word, encoding);
        break;
    }
    if (is_vietnamese_syllable(decoded)) {
      ++reading.syllables;
      reading.toned += count_tone_marks(decoded);
    }
  }
  return reading;
}

std::string lower_trimmed(std::string_view text) {
  std::string out = trim(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string_view to_string(Encoding encoding) {
  switch (encoding) {
    case Encoding::utf8: return "utf-8";
    case Encoding::tcvn3: return "tcvn3";
    case Encoding::vni: return "vni";
    case Encoding::cp1258: return "cp1258";
    case Encoding::latin1: return "latin1";
  }
  return "utf-8";
}

Encoding parse_encoding(std::string_view text) {
  const std::string name = lower_trimmed(text);
  if (name == "utf-8" || name == "utf8") return Encoding::utf8;
  if (name == "tcvn3" || name == "abc" || name == "tcvn" || name == "tcvn5712-1") return Encoding::tcvn3;
  if (name == "vni" || name == "vni-windows") return Encoding::vni;
  if (name == "cp1258" || name == "windows-1258") return Encoding::cp1258;
  if (name == "latin1" || name == "iso-8859-1") return Encoding::latin1;
  throw UsageError("unknown encoding '" + std::string(text) +
                   "': use one of utf-8, tcvn3 (abc), vni, cp1258 (windows-1258), latin1, or auto to detect it");
}

std::string decode_to_nfc(std::string_view bytes, Encoding encoding) {
  switch (encoding) {
    case Encoding::utf8:
      if (!is_valid_utf8(bytes)) {
        throw InputError(
            "text is not valid UTF-8; if the data is in a legacy Vietnamese encoding, name it with "
            "--encoding tcvn3, vni, cp1258 or latin1 (or --encoding auto)");
      }
      return to_nfc(bytes);
    case Encoding::tcvn3: return decode_tcvn3(bytes);
    case Encoding::vni: {
      int misplaced_marks = 0;  // kept as CP1252 letters: lossless, and detection's business
      return decode_vni(bytes, misplaced_marks);
    }
    case Encoding::cp1258: return decode_cp1258(bytes);
    case Encoding::latin1: return decode_latin1(bytes);
  }
  throw InputError("unsupported encoding");
}

std::string encode_from_utf8(std::string_view utf8, Encoding encoding) {
  const std::string nfc = to_nfc(utf8);  // throws InputError on invalid UTF-8
  const std::u32string text = code_points_of(nfc);
  switch (encoding) {
    case Encoding::utf8: return nfc;
    case Encoding::tcvn3: return encode_tcvn3(text);
    case Encoding::vni: return encode_vni(text);
    case Encoding::cp1258: return encode_cp1258(text);
    case Encoding::latin1: return encode_latin1(text);
  }
  throw InputError("unsupported encoding");
}

Encoding detect_encoding(const std::vector<std::string>& samples) {
  const bool all_utf8 =
      std::all_of(samples.begin(), samples.end(), [](const std::string& sample) { return is_valid_utf8(sample); });
  if (all_utf8) return Encoding::utf8;

  const std::vector<std::string_view> words = informative_words(samples);
  // Listed in the order that wins a tie.
  Encoding best = Encoding::latin1;
  Reading best_reading;
  for (Encoding candidate : {Encoding::tcvn3, Encoding::vni, Encoding::cp1258}) {
    const std::optional<Reading> reading = read_words(words, candidate);
    if (reading && reading->syllables > 0 && reading->better_than(best_reading)) {
      best = candidate;
      best_reading = *reading;
    }
  }
  return best;
}

std::optional<Encoding> encoding_from_codepage(std::string_view codepage) {
  std::string name = lower_trimmed(codepage);
  // ".cpg" files sometimes start with a UTF-8 byte order mark.
  if (name.starts_with("\xEF\xBB\xBF")) name = lower_trimmed(name.substr(3));
  if (name == "utf-8" || name == "utf8" || name == "65001" || name == "cp65001") return Encoding::utf8;
  if (name == "1258" || name == "cp1258" || name == "windows-1258" || name == "ansi 1258" || name == "ansi1258") {
    return Encoding::cp1258;
  }
  if (name == "tcvn5712-1" || name == "tcvn" || name == "tcvn3" || name == "tcvn-5712" || name == "tcvn5712-1:1993" ||
      name == "abc") {
    return Encoding::tcvn3;
  }
  if (name == "vni" || name == "vni-windows") return Encoding::vni;
  return std::nullopt;  // 1252, ISO-8859-1, LDID/87 ("ANSI"): not trusted, see the header
}

std::optional<std::string> to_single_bytes(std::string_view utf8) {
  if (!is_valid_utf8(utf8)) return std::nullopt;
  std::string out;
  for (char32_t code_point : code_points_of(utf8)) {
    // Latin-1 readings leave C1 controls for 0x80-0x9F, CP1252 readings punctuation: take both.
    const auto byte = code_point <= 0xFF ? std::optional<unsigned char>(code_point) : cp1252_byte(code_point);
    if (!byte) return std::nullopt;
    out += static_cast<char>(*byte);
  }
  return out;
}

}  // namespace antt::text
