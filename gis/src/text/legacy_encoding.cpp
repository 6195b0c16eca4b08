#include "antt/text/legacy_encoding.hpp"

#include <algorithm>

#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"
#include "legacy_codecs.hpp"
#include "vietnamese_letters.hpp"

// The encodings by name, and detection. The byte tables and codecs are in legacy_codecs.cpp, the
// Vietnamese letters and syllables that detection reads with in vietnamese_letters.cpp.

namespace antt::text {

using namespace detail;

namespace {

// ---------------------------------------------------------------------------------------------
// Detection: how many words read as Vietnamese syllables in each encoding?

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
