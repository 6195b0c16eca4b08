#include "legacy_codecs.hpp"

#include <array>

#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"
#include "vietnamese_letters.hpp"

// Sources for VNI-Windows: the VNI tables of xvnkb (vni.h, Dao Hai Lam, 2002) and of the
// vietnamese-conversion npm package (charsets.ts), which agree entry for entry.

namespace antt::text::detail {

// ---------------------------------------------------------------------------------------------
// CP1252 (Windows Western), the base of CP1258 and what VNI fonts show outside Vietnamese letters.

namespace {

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

}  // namespace

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

namespace {

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

}  // namespace

std::string decode_tcvn3(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char byte : bytes) append_utf8(out, kTcvn3[static_cast<unsigned char>(byte)]);
  return to_nfc(out);
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

namespace {

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

std::optional<unsigned char> cp1258_byte(char32_t code_point) {
  if (code_point < 0x80) return static_cast<unsigned char>(code_point);
  for (int byte = 0x80; byte < 0x100; ++byte) {
    if (cp1258_to_unicode(static_cast<unsigned char>(byte)) == code_point) return static_cast<unsigned char>(byte);
  }
  return std::nullopt;
}

}  // namespace

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

namespace {

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

}  // namespace

std::string decode_vni(std::string_view bytes, int& misplaced_marks) {
  std::string out;
  for (char32_t code_point : decode_vni_code_points(bytes, misplaced_marks)) append_utf8(out, code_point);
  return to_nfc(out);
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
}  // namespace antt::text::detail
