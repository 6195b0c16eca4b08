#include "vietnamese_letters.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>

namespace antt::text::detail {

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
// Vietnamese vowels

namespace {

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

}  // namespace

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
// Syllables: how Vietnamese does a decoded word look?

namespace {

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

}  // namespace

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

}  // namespace antt::text::detail
