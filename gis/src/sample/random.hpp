#pragma once
// Deterministic randomness for the sample generator. std::mt19937_64's output is fixed by the
// standard, but the std::*_distribution classes are not, so numbers are derived from the raw
// 64-bit output here. One stream per concern (layout, names, statuses...) keeps a change in one
// part from shifting the numbers of another.
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace antt::sample {

/// SplitMix64 finaliser: a well-mixed 64-bit hash of `x`.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// Hash of several integers (order matters).
inline std::uint64_t hash_of(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0, std::uint64_t d = 0) {
  return mix64(mix64(mix64(mix64(a) ^ b) ^ c) ^ d);
}

/// FNV-1a of a label, to derive one stream per concern from the user's seed.
inline std::uint64_t hash_label(std::string_view label) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : label) h = (h ^ c) * 0x100000001B3ULL;
  return h;
}

/// A value in [0, 1) from a hash (53 bits).
inline double unit_from_hash(std::uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

class Random {
 public:
  Random(std::uint64_t seed, std::string_view stream) : engine_(hash_of(seed, hash_label(stream))) {}

  std::uint64_t bits() { return engine_(); }
  /// Uniform in [0, 1).
  double uniform() { return unit_from_hash(engine_()); }
  /// Uniform in [low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  /// Uniform integer in [0, n); n > 0. Lemire's multiply-shift on the top 32 bits (bias < 2^-32·n).
  int below(int n) {
    const std::uint64_t top = engine_() >> 32;
    return static_cast<int>((top * static_cast<std::uint64_t>(n)) >> 32);
  }
  /// Uniform integer in [low, high].
  int between(int low, int high) { return low + below(high - low + 1); }
  bool chance(double p) { return uniform() < p; }
  /// Index drawn with probability proportional to `weights`.
  int weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return static_cast<int>(i);
      x -= weights[i];
    }
    return static_cast<int>(weights.size()) - 1;
  }
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i)
      std::swap(items[i - 1], items[static_cast<size_t>(below(static_cast<int>(i)))]);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace antt::sample
