// Colour-blind and greyscale legibility: within a style, two classes drawn with the same pattern
// and symbol must stay apart (CIE76 dE >= 10) under protanopia, deuteranopia and tritanopia
// (Machado, Oliveira & Fernandes 2009, severity 1, in linear RGB) and in greyscale (L* only).
#include <array>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "antt/styles/styles.hpp"
#include "test_support.hpp"

namespace antt::testing {
namespace {

using Vec3 = std::array<double, 3>;
using Matrix = std::array<Vec3, 3>;

struct Vision {
  const char* name;
  Matrix matrix;
  bool greyscale;
};

const std::array<Vision, 5> kVisions{{
    {"normal", {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}, false},
    {"protanopia", {{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}}, false},
    {"deuteranopia", {{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}}, false},
    {"tritanopia", {{{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}}}, false},
    {"greyscale", {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}, true},
}};

double to_linear(int component) {
  const double c = component / 255.0;
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

Vec3 lab_as_seen(const std::string& hex, const Vision& vision) {
  const Vec3 rgb{to_linear(std::stoi(hex.substr(1, 2), nullptr, 16)), to_linear(std::stoi(hex.substr(3, 2), nullptr, 16)),
                 to_linear(std::stoi(hex.substr(5, 2), nullptr, 16))};
  Vec3 seen{};
  for (int row = 0; row < 3; ++row) {
    double sum = 0;
    for (int col = 0; col < 3; ++col) sum += vision.matrix[row][col] * rgb[col];
    seen[row] = std::clamp(sum, 0.0, 1.0);
  }
  const double x = 0.4124 * seen[0] + 0.3576 * seen[1] + 0.1805 * seen[2];
  const double y = 0.2126 * seen[0] + 0.7152 * seen[1] + 0.0722 * seen[2];
  const double z = 0.0193 * seen[0] + 0.1192 * seen[1] + 0.9505 * seen[2];
  const auto f = [](double t) { return t > 216.0 / 24389 ? std::cbrt(t) : (24389.0 / 27 * t + 16) / 116; };
  const double fx = f(x / 0.95047), fy = f(y), fz = f(z / 1.08883);
  const Vec3 lab{116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
  return vision.greyscale ? Vec3{lab[0], 0, 0} : lab;
}

double delta_e(const Vec3& a, const Vec3& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

TEST(StylesPalette, ClassesStayApartForColourBlindReadersAndInGreyscale) {
  const auto legend = nlohmann::json::parse(styles::legend_json());
  for (const auto& style : legend) {
    const auto& entries = style.at("entries");
    for (const auto& vision : kVisions) {
      double smallest = 1e9;
      std::string closest = "(no pair shares pattern and symbol)";
      for (size_t i = 0; i < entries.size(); ++i) {
        for (size_t j = i + 1; j < entries.size(); ++j) {
          const auto& a = entries[i];
          const auto& b = entries[j];
          // A different hatch, hollow drawing or symbol shape tells the classes apart without colour.
          if (a.at("pattern") != b.at("pattern") || a.value("symbol", "") != b.value("symbol", "")) continue;
          const auto colour = [](const nlohmann::json& entry) {
            const auto fill = entry.at("fill").get<std::string>();
            return fill.empty() ? entry.at("stroke").get<std::string>() : fill;
          };
          const double difference = delta_e(lab_as_seen(colour(a), vision), lab_as_seen(colour(b), vision));
          if (difference < smallest) {
            smallest = difference;
            closest = a.at("key").get<std::string>() + "/" + b.at("key").get<std::string>();
          }
          EXPECT_GE(difference, 10.0) << style.at("id") << " " << vision.name << ": " << a.at("key") << " vs "
                                      << b.at("key");
        }
      }
      if (smallest > 1e8)
        std::printf("[ palette  ] %-18s %-13s min dE    n/a  %s\n", style.at("id").get<std::string>().c_str(),
                    vision.name, closest.c_str());
      else
        std::printf("[ palette  ] %-18s %-13s min dE %6.1f  %s\n", style.at("id").get<std::string>().c_str(),
                    vision.name, smallest, closest.c_str());
    }
  }
}

}  // namespace
}  // namespace antt::testing
