#pragma once
// Internal to the text module: code points of UTF-8 text, the 134 Vietnamese letters (12 vowels × 6
// tones in both cases, đ Đ) and the spelling of a Vietnamese syllable. The legacy codecs
// (legacy_codecs.hpp) are built on the letters; encoding detection on the syllables.
#include <optional>
#include <string>
#include <string_view>

namespace antt::text::detail {

// ---------------------------------------------------------------------------------------------
// UTF-8 and code points

void append_utf8(std::string& out, char32_t code_point);

/// Code points of text already known to be valid UTF-8.
std::u32string code_points_of(std::string_view utf8);

/// "'ả' (U+1EA3)", for error messages.
std::string describe(char32_t code_point);

/// "0x8A", for error messages.
std::string hex_byte(unsigned char byte);

// ---------------------------------------------------------------------------------------------
// Vietnamese vowels: 12 base vowels × 6 tones, the backbone of every encoder and of detection.

enum class Tone : int { level, grave, acute, hook, tilde, dot };  // ngang huyền sắc hỏi ngã nặng
enum class Vowel : int { a, a_breve, a_circumflex, e, e_circumflex, i, o, o_circumflex, o_horn, u, u_horn, y };
constexpr int kToneCount = 6;
constexpr int kVowelCount = 12;

inline constexpr char32_t kLowerD = U'đ';
inline constexpr char32_t kUpperD = U'Đ';

struct VietnameseVowel {
  Vowel vowel;
  Tone tone;
  bool upper;
};

/// The vowel, tone and case of a precomposed Vietnamese vowel letter; nothing for anything else.
std::optional<VietnameseVowel> find_vowel(char32_t code_point);

/// The precomposed letter of a vowel with a tone.
char32_t vowel_letter(Vowel vowel, Tone tone, bool upper);

// ---------------------------------------------------------------------------------------------
// Syllables

/// True when `utf8` (NFC) spells one well-formed Vietnamese syllable: initial + rime, at most one
/// tone, on the vowel that carries it, and only sắc or nặng before a stop (c ch p t).
bool is_vietnamese_syllable(std::string_view utf8);

}  // namespace antt::text::detail
