// The movement's yearly records for the sample, 2012-2020: statuses that climb toward the
// programme's targets (Đề án 886/QĐ-UBND: over 70 % of units recognised by 2015, over 90 % by
// 2020) with some districts behind, core forces, 19/8 festivals, self-management models
// (65 in 2012, about two thirds effective), border clusters and hotspot communes.
//
// A commune is recognised only when at least 70 % of its villages are recognised the same year
// (TT 23/2012 Điều 6 khoản 4), so `anttmap validate` finds the sample clean.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"
#include "commune_lists.hpp"
#include "names.hpp"
#include "world.hpp"

namespace antt::sample {
namespace {

using store::StatusRecord;
using store::StatusValue;

constexpr int kYears = kLastYear - kFirstYear + 1;
// Shares recognised each year, 2012 … 2020.
constexpr std::array<double, kYears> kVillageTarget{0.552, 0.605, 0.658, 0.712, 0.758, 0.803, 0.845, 0.882, 0.912};
constexpr std::array<double, kYears> kCommuneTarget{0.505, 0.562, 0.624, 0.710, 0.752, 0.800, 0.843, 0.876, 0.910};
constexpr std::array<double, kYears> kFacilityTarget{0.585, 0.632, 0.680, 0.728, 0.770, 0.812, 0.851, 0.888, 0.925};

double district_offset(const std::string& base_code) {
  if (base_code == "150") return -0.22;  // Đà Bắc: remote, behind
  if (base_code == "156") return -0.17;  // Mai Châu: behind
  if (base_code == "157") return -0.06;
  if (base_code == "148") return 0.14;  // the city leads
  if (base_code == "152") return 0.08;
  if (base_code == "154") return 0.05;
  return 0.0;
}

/// A stable number in [0, 1) for a label (independent of generation order).
double draw(std::uint64_t seed, std::string_view what, std::string_view code, std::uint64_t extra = 0) {
  return unit_from_hash(hash_of(seed, hash_label(what), hash_label(code), extra));
}

std::string iso(int year, int month, int day) {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
  return text;
}

std::string decision_number(std::uint64_t seed, std::string_view authority, int year, std::string_view what) {
  const int number = 1 + static_cast<int>(draw(seed, what, authority, static_cast<std::uint64_t>(year)) * 1400);
  return std::to_string(number) + "/QĐ-UBND";
}

std::string december_date(std::uint64_t seed, std::string_view authority, int year, std::string_view what, int first,
                          int last) {
  const int day =
      first + static_cast<int>(draw(seed, what, authority, static_cast<std::uint64_t>(year)) * (last - first + 1));
  return iso(year, 12, day);
}

/// A commune as it stands in one year, with the villages under it that year.
struct YearCommune {
  std::string code, name, district_name, district_base;
  std::vector<int> villages;
  double quality = 0;
};

struct Movement {
  const World& world;
  const std::vector<Facility>& facilities;
  SampleData& data;
  std::uint64_t seed;
  Random random;
  std::vector<double> commune_quality;  // per 2019 commune
  std::vector<double> village_quality;
  std::vector<int> village_commune;  // 2019 commune of each village
  std::vector<int> village_unit;     // 2020 unit of each village

  Movement(const World& w, const std::vector<Facility>& f, SampleData& d)
      : world(w), facilities(f), data(d), seed(w.options.seed), random(w.options.seed, "movement") {
    for (const auto& c : world.communes)
      commune_quality.push_back(0.8 * draw(seed, "commune quality", c.code) +
                                district_offset(world.districts[static_cast<size_t>(c.district)].base_code));
    for (const auto& v : world.villages) {
      const PieceEntity& piece = world.pieces[static_cast<size_t>(v.piece)];
      village_commune.push_back(piece.commune);
      village_unit.push_back(piece.unit);
      village_quality.push_back(0.65 * commune_quality[static_cast<size_t>(piece.commune)] +
                                0.35 * draw(seed, "village quality", v.code));
    }
  }

  std::vector<YearCommune> communes_of_year(int year) const {
    std::vector<YearCommune> out;
    if (year < 2020) {
      for (size_t c = 0; c < world.communes.size(); ++c) {
        const CommuneEntity& commune = world.communes[c];
        const DistrictEntity& district = world.districts[static_cast<size_t>(commune.district)];
        YearCommune yc{commune.code, commune.name, district.name, district.base_code, {}, commune_quality[c]};
        for (int p : commune.pieces)
          for (int v : world.pieces[static_cast<size_t>(p)].villages) yc.villages.push_back(v);
        out.push_back(std::move(yc));
      }
    } else {
      for (const auto& unit : world.units_2020) {
        const District2020Entity& district = world.districts_2020[static_cast<size_t>(unit.district_2020)];
        YearCommune yc{unit.code, unit.name, district.name, district.base_code, {}, 0};
        double quality = 0, weight = 0;
        for (int p : unit.pieces) {
          const PieceEntity& piece = world.pieces[static_cast<size_t>(p)];
          for (int v : piece.villages) yc.villages.push_back(v);
          const double w = world.communes[static_cast<size_t>(piece.commune)].area_km2 * piece.share;
          quality += commune_quality[static_cast<size_t>(piece.commune)] * w, weight += w;
        }
        yc.quality = unit.same_code_commune >= 0 ? commune_quality[static_cast<size_t>(unit.same_code_commune)]
                                                 : quality / std::max(weight, 1e-9);
        std::sort(yc.villages.begin(), yc.villages.end());
        out.push_back(std::move(yc));
      }
    }
    return out;
  }

  double noise(std::string_view code, int year, double amplitude) const {
    return (draw(seed, "yearly noise", code, static_cast<std::uint64_t>(year)) - 0.5) * amplitude;
  }

  /// Status of a unit that was not recognised: early years have more units not yet registered.
  StatusValue unrecognised_status(int year, bool near_miss) {
    const double not_registered = std::max(0.01, 0.12 - 0.014 * (year - kFirstYear));
    if (random.chance(not_registered)) return StatusValue::not_registered;
    const double x = random.uniform();
    if (near_miss)
      return x < 0.65 ? StatusValue::not_recognised : x < 0.85 ? StatusValue::proposed : StatusValue::registered;
    return x < 0.55 ? StatusValue::not_recognised : x < 0.70 ? StatusValue::proposed : StatusValue::registered;
  }

  void fill_criteria(StatusRecord& record, bool commune) {
    auto& c = record.criteria;
    if (record.status == StatusValue::not_registered) {
      c.resolution_adopted = false;
      c.pledge_share = std::round(random.uniform(40, 85) * 10) / 10;
      return;
    }
    c.resolution_adopted = true;
    const bool good = record.status == StatusValue::recognised || record.status == StatusValue::revoked;
    c.pledge_share = good ? 100.0 : std::round(random.uniform(82, 99.9) * 10) / 10;
    if (commune && !c.police_rating) c.police_rating = good && random.chance(0.3) ? "xuat_sac" : "tien_tien";
  }

  void add_statuses() {
    for (int year = kFirstYear; year <= kLastYear; ++year) {
      const auto slot = static_cast<size_t>(year - kFirstYear);
      auto communes = communes_of_year(year);
      // Communes: the best-placed ones are recognised.
      std::vector<double> score(communes.size());
      for (size_t i = 0; i < communes.size(); ++i)
        score[i] = communes[i].quality + district_offset(communes[i].district_base) * 0.5 +
                   noise(communes[i].code, year, 0.14);
      std::vector<size_t> order(communes.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return score[a] != score[b] ? score[a] > score[b] : communes[a].code < communes[b].code;
      });
      const auto recognised_count =
          static_cast<size_t>(std::ceil(kCommuneTarget[slot] * static_cast<double>(communes.size()) - 1e-9));
      std::vector<char> commune_recognised(communes.size(), 0);
      for (size_t k = 0; k < recognised_count && k < order.size(); ++k) commune_recognised[order[k]] = 1;
      // Two communes lose their title during the programme.
      int commune_revoked = -1;
      if (year == 2014 || year == 2017)
        commune_revoked = static_cast<int>(order[recognised_count - 1 - (year == 2017 ? 3 : 0)]);

      // Villages: at least 70 % (usually more) in recognised communes, the rest of the year's quota elsewhere.
      std::vector<double> village_score(world.villages.size());
      for (size_t v = 0; v < world.villages.size(); ++v)
        village_score[v] = village_quality[v] + noise(world.villages[v].code, year, 0.16);
      auto by_score = [&](int a, int b) {
        return village_score[static_cast<size_t>(a)] != village_score[static_cast<size_t>(b)]
                   ? village_score[static_cast<size_t>(a)] > village_score[static_cast<size_t>(b)]
                   : a < b;
      };
      std::vector<char> village_recognised(world.villages.size(), 0);
      const double keep_share = 0.88 + 0.01 * (year - kFirstYear);
      size_t recognised_villages = 0;
      std::vector<int> others;
      for (size_t i = 0; i < communes.size(); ++i) {
        auto villages = communes[i].villages;
        if (!commune_recognised[i]) {
          others.insert(others.end(), villages.begin(), villages.end());
          continue;
        }
        std::sort(villages.begin(), villages.end(), by_score);
        const auto n = villages.size();
        const auto at_least = static_cast<size_t>(std::ceil(0.7 * static_cast<double>(n) - 1e-9));
        const auto keep =
            std::min(n, std::max(at_least, static_cast<size_t>(std::lround(keep_share * static_cast<double>(n)))));
        for (size_t k = 0; k < keep; ++k) village_recognised[static_cast<size_t>(villages[k])] = 1;
        recognised_villages += keep;
      }
      const auto revocations = static_cast<size_t>(std::lround(0.003 * static_cast<double>(world.villages.size())));
      const auto quota =
          static_cast<size_t>(std::lround(kVillageTarget[slot] * static_cast<double>(world.villages.size()))) +
          revocations;
      std::sort(others.begin(), others.end(), by_score);
      std::vector<int> recognised_elsewhere;
      for (size_t k = 0; recognised_villages + k < quota && k < others.size(); ++k) {
        village_recognised[static_cast<size_t>(others[k])] = 1;
        recognised_elsewhere.push_back(others[k]);
      }
      // A few recognitions are revoked, always outside recognised communes.
      std::vector<char> village_revoked(world.villages.size(), 0);
      for (size_t k = 0; k < revocations && !recognised_elsewhere.empty(); ++k) {
        const auto pick = static_cast<size_t>(random.below(static_cast<int>(recognised_elsewhere.size())));
        village_revoked[static_cast<size_t>(recognised_elsewhere[pick])] = 1;
        recognised_elsewhere.erase(recognised_elsewhere.begin() + static_cast<long>(pick));
      }

      for (size_t i = 0; i < communes.size(); ++i) {
        const YearCommune& commune = communes[i];
        const std::string commune_authority = "UBND " + lower_type_word(commune.name);
        int recognised_here = 0;
        for (int v : commune.villages) {
          const auto vi = static_cast<size_t>(v);
          StatusRecord record;
          record.unit_code = world.villages[vi].code;
          record.year = year;
          if (village_revoked[vi]) {
            record.status = StatusValue::revoked;
            record.decision_number = decision_number(seed, commune_authority, year, "village revocation");
            record.decision_date = iso(year, 12, 30);
            record.authority = commune_authority;
            record.note = "Thu hồi công nhận: phát sinh vụ việc phức tạp về ANTT sau khi công nhận (giả lập)";
          } else if (village_recognised[vi]) {
            record.status = StatusValue::recognised;
            record.decision_number = decision_number(seed, commune_authority, year, "village recognition");
            record.decision_date = december_date(seed, commune_authority, year, "village recognition", 10, 26);
            record.authority = commune_authority;
            ++recognised_here;
          } else {
            record.status = unrecognised_status(year, village_score[vi] > 0.5);
          }
          fill_criteria(record, false);
          data.statuses.push_back(std::move(record));
        }
        StatusRecord record;
        record.unit_code = commune.code;
        record.year = year;
        const double share =
            commune.villages.empty() ? 0.0 : 100.0 * recognised_here / static_cast<double>(commune.villages.size());
        record.criteria.villages_recognised_share = share;
        const std::string district_authority = "UBND " + lower_type_word(commune.district_name);
        if (static_cast<int>(i) == commune_revoked) {
          record.status = StatusValue::revoked;
          record.decision_number = decision_number(seed, district_authority + commune.code, year, "commune revocation");
          record.decision_date = iso(year, 12, 31);
          record.authority = district_authority;
          record.note = "Thu hồi công nhận: Công an xã có cán bộ bị kỷ luật (giả lập)";
          record.criteria.police_rating = "khong_dat";
        } else if (commune_recognised[i]) {
          if (share < 70.0) throw Error("sample: internal error: a recognised commune below 70 % of villages");
          record.status = StatusValue::recognised;
          record.decision_number = decision_number(seed, district_authority, year, "commune recognition");
          record.decision_date = december_date(seed, district_authority, year, "commune recognition", 27, 30);
          record.authority = district_authority;
        } else {
          record.status = unrecognised_status(year, share >= 70.0);
          // Enough villages but not recognised: the commune police fell short (criterion 3).
          if (share >= 70.0 && record.status == StatusValue::not_recognised)
            record.criteria.police_rating = "khong_dat";
        }
        fill_criteria(record, true);
        data.statuses.push_back(std::move(record));
      }
      add_facility_statuses(year);
    }
  }

  void add_facility_statuses(int year) {
    const auto slot = static_cast<size_t>(year - kFirstYear);
    for (auto kind : {store::UnitKind::agency, store::UnitKind::enterprise, store::UnitKind::school}) {
      std::vector<size_t> present;
      for (size_t f = 0; f < facilities.size(); ++f)
        if (facilities[f].kind == kind && facilities[f].first_year <= year) present.push_back(f);
      std::vector<double> score(facilities.size(), 0);
      for (size_t f : present) {
        const auto& district = world.districts[static_cast<size_t>(facilities[f].district)];
        score[f] = draw(seed, "facility quality", facilities[f].code) + district_offset(district.base_code) +
                   noise(facilities[f].code, year, 0.16);
      }
      std::sort(present.begin(), present.end(), [&](size_t a, size_t b) {
        return score[a] != score[b] ? score[a] > score[b] : facilities[a].code < facilities[b].code;
      });
      const auto quota =
          static_cast<size_t>(std::ceil(kFacilityTarget[slot] * static_cast<double>(present.size()) - 1e-9));
      // One revocation in 2016 and one in 2019, among the enterprises.
      const bool revoke = kind == store::UnitKind::enterprise && (year == 2016 || year == 2019);
      for (size_t k = 0; k < present.size(); ++k) {
        const Facility& facility = facilities[present[k]];
        StatusRecord record;
        record.unit_code = facility.code;
        record.year = year;
        // The district whose UBND recognises it, as it stood that year.
        const DistrictEntity& district_2019 = world.districts[static_cast<size_t>(facility.district)];
        const std::string district_name =
            year < 2020 ? district_2019.name
                        : world.districts_2020[static_cast<size_t>(district_2019.district_2020)].name;
        const std::string authority = "UBND " + lower_type_word(district_name);
        if (revoke && k == quota) {
          record.status = StatusValue::revoked;
          record.decision_number = decision_number(seed, authority + facility.code, year, "facility revocation");
          record.decision_date = iso(year, 12, 31);
          record.authority = authority;
          record.note = "Thu hồi công nhận: xảy ra vụ việc mất an toàn lao động nghiêm trọng (giả lập)";
        } else if (k < quota) {
          record.status = StatusValue::recognised;
          record.decision_number = decision_number(seed, authority, year, "facility recognition");
          record.decision_date = december_date(seed, authority, year, "facility recognition", 24, 29);
          record.authority = authority;
        } else {
          record.status = unrecognised_status(year, k < quota + present.size() / 10);
        }
        fill_criteria(record, false);
        data.statuses.push_back(std::move(record));
      }
    }
  }

  void add_forces_and_festivals() {
    for (int year = kFirstYear; year <= kLastYear; ++year) {
      const double t = static_cast<double>(year - kFirstYear) / (kLastYear - kFirstYear);
      for (const auto& commune : communes_of_year(year)) {
        store::CoreForce force;
        force.unit_code = commune.code;
        force.year = year;
        force.staffed = random.chance(0.90 + 0.08 * t);
        const int villages = static_cast<int>(commune.villages.size());
        force.members = force.staffed ? 6 + villages + random.between(0, 5) : random.between(2, 4);
        data.core_forces.push_back(force);
        data.festivals.push_back({commune.code, year, random.chance(0.90 + 0.09 * t)});
      }
      for (const auto& village : world.villages)
        data.festivals.push_back({village.code, year, random.chance(0.82 + 0.15 * t)});
      for (const auto& facility : facilities)
        if (facility.first_year <= year)
          data.festivals.push_back({facility.code, year, random.chance(0.85 + 0.12 * t)});
    }
  }

  // Self-management models ---------------------------------------------------------------------

  struct ModelType {
    const char* type;
    const char* label;
    int host;  // 0 village, 1 commune, 2 facility
    double weight;
  };

  void add_models() {
    static constexpr std::array<ModelType, 14> kTypes{{
        {"to_lien_gia_tu_quan", "Tổ liên gia tự quản", 0, 12},
        {"dong_ho_o_nha_tu_quan", "Dòng họ tự quản về ANTT", 0, 5},
        {"lang_thon_xom_tu_quan", "Khu dân cư tự quản về ANTT", 0, 8},
        {"tieng_keng_binh_yen", "Tiếng kẻng bình yên", 0, 5},
        {"to_tuan_tra_nhan_dan", "Tổ tuần tra nhân dân", 0, 5},
        {"to_hoa_giai", "Tổ hòa giải", 0, 4},
        {"khac", "Nhà nhà cây gậy vây bắt kẻ gian", 0, 2},
        {"clb_phong_chong_toi_pham", "Câu lạc bộ phòng, chống tội phạm và ma túy", 1, 5},
        {"giup_nguoi_lam_loi", "Giúp đỡ người lầm lỗi tái hòa nhập cộng đồng", 1, 4},
        {"hom_thu_to_giac", "Hòm thư tố giác tội phạm", 1, 3},
        {"clb_19_8", "Câu lạc bộ 19/8", 2, 5},
        {"hom_thu_to_giac", "Hòm thư tố giác tội phạm", 2, 2},
        {"to_tuan_tra_nhan_dan", "Tổ bảo vệ tự quản", 2, 2},
        {"lang_thon_xom_tu_quan", "Làng văn hóa tự quản", 0, 2},
    }};
    const auto& known = store::model_types();
    std::vector<double> weights;
    for (const auto& t : kTypes) {
      if (std::find(known.begin(), known.end(), t.type) == known.end())
        throw Error(std::string("sample: model type ") + t.type + " is not in store::model_types()");
      weights.push_back(t.weight);
    }
    std::vector<char> survives(world.communes.size(), 0);
    for (const auto& unit : world.units_2020)
      if (unit.same_code_commune >= 0) survives[static_cast<size_t>(unit.same_code_commune)] = 1;

    struct Effect {
      size_t model;
      double quality;
      int first_year;
    };
    std::vector<Effect> effects;
    for (int copy = 0; copy < world.options.scale; ++copy) {
      std::vector<int> villages, communes, hosts;
      for (size_t v = 0; v < world.villages.size(); ++v)
        if (world.communes[static_cast<size_t>(village_commune[v])].copy == copy)
          villages.push_back(static_cast<int>(v));
      for (size_t c = 0; c < world.communes.size(); ++c)
        if (world.communes[c].copy == copy && survives[c]) communes.push_back(static_cast<int>(c));
      for (size_t f = 0; f < facilities.size(); ++f)
        if (facilities[f].first_year <= 2008 &&
            world.districts[static_cast<size_t>(facilities[f].district)].copy == copy)
          hosts.push_back(static_cast<int>(f));
      std::set<std::string> names;
      for (int number = 1; number <= 65; ++number) {
        const ModelType& type = kTypes[static_cast<size_t>(random.weighted(weights))];
        store::SelfManagementModel model;
        char code[32];
        std::snprintf(code, sizeof code, "MH-%03d", number);
        model.code = code + World::suffix(copy);
        model.type = type.type;
        std::string host_name;
        int cell = -1, facility = -1;
        if (type.host == 0) {
          const int v = villages[static_cast<size_t>(random.below(static_cast<int>(villages.size())))];
          model.unit_code = world.villages[static_cast<size_t>(v)].code;
          host_name =
              lower_type_word(world.villages[static_cast<size_t>(v)].name) + ", " +
              lower_type_word(world.communes[static_cast<size_t>(village_commune[static_cast<size_t>(v)])].name);
          auto cells = world.village_cells.cells_of(v);
          cell = cells[static_cast<size_t>(random.below(static_cast<int>(cells.size())))];
        } else if (type.host == 1) {
          const int c = communes[static_cast<size_t>(random.below(static_cast<int>(communes.size())))];
          model.unit_code = world.communes[static_cast<size_t>(c)].code;
          host_name = lower_type_word(world.communes[static_cast<size_t>(c)].name);
          auto cells = world.commune_cells.cells_of(c);
          cell = cells[static_cast<size_t>(random.below(static_cast<int>(cells.size())))];
        } else {
          facility = hosts[static_cast<size_t>(random.below(static_cast<int>(hosts.size())))];
          model.unit_code = facilities[static_cast<size_t>(facility)].code;
          host_name = facilities[static_cast<size_t>(facility)].name;
        }
        model.name = text::to_nfc(std::string(type.label) + " " + host_name);
        if (!names.insert(model.name).second) model.name += " (" + std::to_string(number) + ")";
        if (random.chance(0.7))
          model.location_wkb =
              point_wkb(cell >= 0 ? world.grid.centre(cell) : facilities[static_cast<size_t>(facility)].point);
        // 2012's programme counted 65 models already at work; a few were founded later.
        int first_year;
        if (number <= 56) {
          first_year = random.between(2005, 2012);
          model.founded = first_year == 2012 ? iso(2012, random.between(1, 6), random.between(1, 28))
                                             : iso(first_year, random.between(1, 12), random.between(1, 28));
        } else {
          first_year = random.between(2013, 2019);
          model.founded = iso(first_year, random.between(1, 12), random.between(1, 28));
        }
        effects.push_back({data.models.size(), random.uniform(), std::max(first_year, kFirstYear)});
        data.models.push_back(std::move(model));
      }
    }
    // About two thirds effective each year (43 of 65 in 2012), slowly improving.
    for (int year = kFirstYear; year <= kLastYear; ++year) {
      std::vector<std::pair<double, size_t>> ranked;
      for (const auto& e : effects)
        if (e.first_year <= year) ranked.push_back({e.quality + noise(data.models[e.model].code, year, 0.5), e.model});
      std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      });
      const auto effective =
          static_cast<size_t>(std::lround((0.662 + 0.006 * (year - kFirstYear)) * static_cast<double>(ranked.size())));
      for (size_t k = 0; k < ranked.size(); ++k)
        data.model_years.push_back({data.models[ranked[k].second].code, year, k < effective});
    }
    // Model years in model order, then by year, for a tidy insertion order.
    std::map<std::string, size_t> position;
    for (size_t i = 0; i < data.models.size(); ++i) position[data.models[i].code] = i;
    std::stable_sort(data.model_years.begin(), data.model_years.end(), [&](const auto& a, const auto& b) {
      return position[a.model_code] != position[b.model_code] ? position[a.model_code] < position[b.model_code]
                                                              : a.year < b.year;
    });
    data.summary.models = static_cast<int>(data.models.size());
  }

  // Border clusters -----------------------------------------------------------------------------

  struct ClusterSpec {
    const char* district_a;
    const char* district_b;  // empty with a neighbouring province
    const char* province;    // neighbouring province code, or empty
    store::ClusterKind kind;
    int first_year;
  };

  static std::string short_name(const std::string& name) {
    if (name.starts_with("Thành phố ")) return "TP " + name.substr(std::string("Thành phố ").size());
    for (std::string_view prefix : {"Huyện ", "Tỉnh "})
      if (name.starts_with(prefix)) return name.substr(prefix.size());
    return name;
  }

  void add_clusters() {
    static constexpr std::array<ClusterSpec, 12> kClusters{{
        {"150", "156", "", store::ClusterKind::giap_ranh, 2012},
        {"152", "153", "", store::ClusterKind::giap_ranh, 2012},
        {"155", "157", "", store::ClusterKind::giap_ranh, 2012},
        {"157", "158", "", store::ClusterKind::giap_ranh, 2013},
        {"158", "159", "", store::ClusterKind::giap_ranh, 2012},
        {"153", "159", "", store::ClusterKind::giap_ranh, 2014},
        {"150", "", "25", store::ClusterKind::giap_ranh, 2012},
        {"152", "", "01", store::ClusterKind::giap_ranh, 2012},
        {"156", "", "14", store::ClusterKind::giap_ranh, 2013},
        {"159", "", "37", store::ClusterKind::giap_ranh, 2015},
        {"148", "151", "", store::ClusterKind::lien_ket, 2012},
        {"154", "155", "", store::ClusterKind::lien_ket, 2016},
    }};
    // Adjacency between communes (nodes 0..C-1) and neighbouring communes (C..C+N-1).
    const int communes = static_cast<int>(world.communes.size());
    auto node_of = [&](int cell) {
      const int c = world.commune_of[static_cast<size_t>(cell)];
      if (c >= 0) return c;
      const int n = world.neighbour_of[static_cast<size_t>(cell)];
      return n >= 0 ? communes + n : -1;
    };
    std::vector<std::set<int>> adjacent(static_cast<size_t>(communes) + world.neighbour_communes.size());
    for (int cell = 0; cell < world.grid.size(); ++cell) {
      const int a = node_of(cell);
      if (a < 0) continue;
      for (int n : world.grid.neighbours(cell)) {
        if (n < 0) continue;
        const int b = node_of(n);
        if (b >= 0 && b != a) adjacent[static_cast<size_t>(a)].insert(b);
      }
    }
    auto code_of = [&](int node) {
      return node < communes ? world.communes[static_cast<size_t>(node)].code
                             : world.neighbour_communes[static_cast<size_t>(node - communes)].code;
    };
    for (int copy = 0; copy < world.options.scale; ++copy) {
      int number = 0;
      std::map<std::string, int> district_index;
      for (size_t d = 0; d < world.districts.size(); ++d)
        if (world.districts[d].copy == copy) district_index[world.districts[d].base_code] = static_cast<int>(d);
      for (const auto& spec : kClusters) {
        const int da = district_index.at(spec.district_a);
        auto in_a = [&](int node) {
          return node < communes && world.communes[static_cast<size_t>(node)].district == da;
        };
        std::string other_name;
        std::function<bool(int)> in_b;
        if (*spec.province) {
          int province = -1;
          for (size_t p = 0; p < world.neighbour_provinces.size(); ++p)
            if (world.neighbour_provinces[p].code == spec.province) province = static_cast<int>(p);
          in_b = [&, province](int node) {
            return node >= communes &&
                   world.neighbour_communes[static_cast<size_t>(node - communes)].province == province;
          };
          other_name = short_name(world.neighbour_provinces[static_cast<size_t>(province)].name);
        } else {
          const int db = district_index.at(spec.district_b);
          in_b = [&, db](int node) {
            return node < communes && world.communes[static_cast<size_t>(node)].district == db;
          };
          other_name = short_name(world.districts[static_cast<size_t>(db)].name);
        }
        // Start from a pair across the border, grow along it.
        std::vector<std::pair<int, int>> pairs;
        for (int a = 0; a < communes; ++a)
          if (in_a(a))
            for (int b : adjacent[static_cast<size_t>(a)])
              if (in_b(b)) pairs.push_back({a, b});
        if (pairs.empty()) continue;  // this copy does not touch that province
        const auto [a0, b0] = pairs[static_cast<size_t>(random.below(static_cast<int>(pairs.size())))];
        std::vector<int> members{a0, b0};
        auto on_border = [&](int node) {
          for (int n : adjacent[static_cast<size_t>(node)])
            if ((in_a(node) && in_b(n)) || (in_b(node) && in_a(n))) return true;
          return false;
        };
        auto candidates = [&]() {
          std::vector<int> border, inland;
          for (int m : members)
            for (int n : adjacent[static_cast<size_t>(m)])
              if ((in_a(n) || in_b(n)) && std::find(members.begin(), members.end(), n) == members.end() &&
                  std::find(border.begin(), border.end(), n) == border.end() &&
                  std::find(inland.begin(), inland.end(), n) == inland.end())
                (on_border(n) ? border : inland).push_back(n);
          std::sort(border.begin(), border.end());
          std::sort(inland.begin(), inland.end());
          return border.empty() ? inland : border;
        };
        const int size = random.between(4, 6);
        while (static_cast<int>(members.size()) < size) {
          auto next = candidates();
          if (next.empty()) break;
          members.push_back(next[static_cast<size_t>(random.below(static_cast<int>(next.size())))]);
        }
        // One more commune joins in a later year.
        int late_member = -1, late_year = 0;
        if (auto next = candidates(); !next.empty() && random.chance(0.6)) {
          late_member = next[static_cast<size_t>(random.below(static_cast<int>(next.size())))];
          late_year = random.between(std::max(spec.first_year + 1, 2014), 2019);
        }
        store::Cluster cluster;
        char code[32];
        std::snprintf(code, sizeof code, "CUM-%02d", ++number);
        cluster.code = code + World::suffix(copy);
        cluster.kind = spec.kind;
        const std::string prefix =
            spec.kind == store::ClusterKind::lien_ket ? "Cụm ANTT liên kết " : "Cụm ANTT giáp ranh ";
        cluster.name =
            text::to_nfc(prefix + short_name(world.districts[static_cast<size_t>(da)].name) + " – " + other_name);
        data.clusters.push_back(cluster);
        for (int year = spec.first_year; year <= kLastYear; ++year) {
          std::vector<int> nodes = members;
          if (late_member >= 0 && year >= late_year) nodes.push_back(late_member);
          store::ClusterYear cy;
          cy.cluster_code = cluster.code;
          cy.year = year;
          for (int node : nodes) {
            std::vector<std::string> codes;
            if (year < 2020 || node >= communes) {
              codes.push_back(code_of(node));
            } else {
              for (int p : world.communes[static_cast<size_t>(node)].pieces)
                codes.push_back(world.units_2020[static_cast<size_t>(world.pieces[static_cast<size_t>(p)].unit)].code);
            }
            for (auto& c : codes)
              if (std::find(cy.member_codes.begin(), cy.member_codes.end(), c) == cy.member_codes.end())
                cy.member_codes.push_back(c);
          }
          // The standing unit rotates yearly among the members.
          cy.standing_unit_code = cy.member_codes[static_cast<size_t>(year - spec.first_year) % cy.member_codes.size()];
          data.cluster_years.push_back(std::move(cy));
        }
      }
    }
    data.summary.clusters = static_cast<int>(data.clusters.size());
  }

  // Hotspots ------------------------------------------------------------------------------------

  void add_hotspots() {
    struct Spec {
      const char* commune;
      const char* from;
      const char* to;  // empty = still designated
      const char* decision;
      const char* note;
    };
    static constexpr std::array<Spec, 6> kHotspots{{
        {"05212", "2012-03-15", "2016-01-01", "112/QĐ-UBND", "Địa bàn trọng điểm phức tạp về ma túy (giả lập)"},
        {"05209", "2012-03-15", "2017-01-01", "112/QĐ-UBND", "Địa bàn trọng điểm phức tạp về ma túy (giả lập)"},
        {"05209", "2019-04-10", "", "356/QĐ-UBND", "Tái xác định: ma túy phức tạp trở lại (giả lập)"},
        {"04855", "2013-05-08", "2015-01-01", "655/QĐ-UBND", "Khai thác khoáng sản trái phép (giả lập)"},
        {"04924", "2014-06-20", "2018-01-01", "1024/QĐ-UBND", "Phức tạp về trật tự xã hội, tệ nạn xã hội (giả lập)"},
        {"05392", "2016-02-25", "", "289/QĐ-UBND", "Phức tạp về trộm cắp tài sản (giả lập)"},
    }};
    for (int copy = 0; copy < world.options.scale; ++copy)
      for (const auto& spec : kHotspots) {
        store::HotspotDesignation hotspot;
        hotspot.commune_code = spec.commune + World::suffix(copy);
        hotspot.valid_from = spec.from;
        if (*spec.to) hotspot.valid_to = spec.to;
        hotspot.decision = spec.decision;
        hotspot.note = text::to_nfc(spec.note);
        data.hotspots.push_back(std::move(hotspot));
      }
    data.summary.hotspots = static_cast<int>(data.hotspots.size());
  }
};

}  // namespace

void add_movement(const World& world, const std::vector<Facility>& facilities, SampleData& data) {
  Movement movement(world, facilities, data);
  movement.add_statuses();
  movement.add_forces_and_festivals();
  movement.add_models();
  movement.add_clusters();
  movement.add_hotspots();
  data.settings.push_back({"home_province", kProvinceCode});
  data.settings.push_back({store::kSyntheticDataSetting, "1"});  // every answer drawn from it says it is invented
  data.summary.status_rows = static_cast<int>(data.statuses.size());
}

}  // namespace antt::sample
